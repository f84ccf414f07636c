"""Retrieval metrics against gold evidence spans.

Chunks of all documents are pooled into one index; each question retrieves a
ranking of chunks with BM25 (``bm25s``) or, when an embedder is named, with
dense vectors.  Per question, with ``T`` the top-k chunks, ``E`` the union of
its evidence intervals and ``U`` the union of all chunks (of the evidence's
documents) that overlap ``E`` (Chroma's chunking evaluation, character
level, exact offsets):

* ``recall    = |T ∩ E| / |E|``
* ``precision = |T ∩ E| / Σ_{t∈T} |t|``  (lengths summed: overlap between retrieved
  chunks and chunks of other documents cost precision)
* ``iou       = |T ∩ E| / (Σ_{t∈T} |t| + |E \\ T|)``
* ``precision_omega = |U ∩ E| / |U ∪ E|``  (no retrieval: the best precision a
  retriever could reach with perfect recall on this chunking)

and GutenQA's scoring on the rank ``r`` of the first chunk that *contains* an
evidence span (averaged over the question's spans): ``recall@k = [r <= k]``,
``mrr = 1 / r``, ``dcg@k = 1 / log2(r + 1)`` when ``r <= k`` else 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..core.errors import UsageError
from . import intervals
from .questions import Question

RETRIEVERS = ("bm25", "dense")


@dataclass(frozen=True)
class ChunkTable:
    """Located chunks as parallel arrays (document index, start, end) plus their texts."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    texts: tuple[str, ...]


@dataclass(frozen=True)
class QuestionScores:
    """Per-question values, one array entry per question (for means, stds and the bootstrap)."""

    recall: np.ndarray
    precision: np.ndarray
    iou: np.ndarray
    precision_omega: np.ndarray
    first_rank: np.ndarray  # mean over evidence spans of the 1-based rank; inf when never contained
    recall_at: dict  # k -> array
    mrr: np.ndarray
    dcg_at: dict  # k -> array


_TOKEN = re.compile(r"\w+")


def bm25_rankings(chunk_texts: Sequence[str], queries: Sequence[str], depth: int) -> np.ndarray:
    """BM25 (Lucene variant, k1 = 1.5, b = 0.75, English stopwords, no stemming) rankings, shape (q, depth).

    Per chunk ``Σ_w idf(w) · tf / (tf + k1 · (1 − b + b · |chunk| / avg|chunk|))`` over the
    query's words (repeats count), ``idf(w) = ln(1 + (N − df + 0.5) / (df + 0.5))``; chunks and
    queries are split into ``\\w+`` words, lower-cased, the same way.  Equal scores (duplicate
    chunks, and every chunk sharing no word with the query) rank in chunk order, so a ranking
    never depends on how a selection algorithm breaks ties.
    """
    import bm25s  # lazy: only retrieval scoring needs it

    split = lambda texts: [_TOKEN.findall(t.lower()) for t in texts]  # noqa: E731
    stop = set(bm25s.stopwords.STOPWORDS_EN) if hasattr(bm25s, "stopwords") else set()
    corpus_tokens = [[w for w in toks if w not in stop] for toks in split(chunk_texts)]
    query_tokens = [[w for w in toks if w not in stop] for toks in split(queries)]
    depth = min(depth, len(chunk_texts))
    out = np.tile(np.arange(depth), (len(queries), 1))  # no known word: every score is 0, chunk order
    if not any(corpus_tokens):
        return out
    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    vocab = retriever.vocab_dict
    for i, q in enumerate(query_tokens):
        known = [w for w in q if w in vocab]
        if known:
            scores = np.asarray(retriever.get_scores(known), dtype=np.float64)
            out[i] = np.argsort(-scores, kind="stable")[:depth]
    return out


def dense_rankings(chunk_texts: Sequence[str], queries: Sequence[str], depth: int, embedder_name: str) -> np.ndarray:
    """Cosine rankings with ``chunkline.embeddings`` vectors (L2-normalised rows), shape (q, depth); ties in chunk order."""
    try:
        from ..embeddings import get_embedder
    except ImportError:  # pragma: no cover - the package ships it
        raise UsageError("dense retrieval needs chunkline.embeddings") from None
    emb = get_embedder(embedder_name, corpus=list(chunk_texts))
    c = np.asarray(emb.embed(list(chunk_texts)), dtype=np.float32)
    q = np.asarray(emb.embed(list(queries)), dtype=np.float32)
    # Rounded: BLAS sums identical columns in different orders, so duplicate chunks
    # would otherwise rank by float noise (1e-8) instead of chunk order.
    sims = np.round(q @ c.T, 6)
    depth = min(depth, len(chunk_texts))
    return np.argsort(-sims, axis=1, kind="stable")[:, :depth]


def score_questions(table: ChunkTable, questions: Sequence[Question], rankings: np.ndarray, ks: Sequence[int], k: int) -> QuestionScores:
    """All retrieval metrics per question for one ranking matrix (full depth recommended for MRR)."""
    nq = len(questions)
    n = len(table.texts)
    lengths = table.end - table.start
    recall = np.zeros(nq)
    precision = np.zeros(nq)
    iou = np.zeros(nq)
    omega = np.zeros(nq)
    first = np.full(nq, np.inf)
    mrr = np.zeros(nq)
    r_at = {kk: np.zeros(nq) for kk in ks}
    d_at = {kk: np.zeros(nq) for kk in ks}
    for qi, q in enumerate(questions):
        ranking = rankings[qi]
        top = ranking[:k]
        ev_by_doc: dict[int, list] = {}
        for d, s, e in q.evidence:
            ev_by_doc.setdefault(d, []).append((s, e))
        ev_union = {d: intervals.union(v) for d, v in ev_by_doc.items()}
        ev_len = sum(intervals.length(v) for v in ev_union.values())
        hit = 0
        omega_num = omega_den = 0
        for d, ev in ev_union.items():
            mine = [(int(table.start[c]), int(table.end[c])) for c in top if table.doc[c] == d]
            hit += intervals.intersection_length(intervals.union(mine), ev)
            # U: every chunk of this document that overlaps the evidence.
            cand = np.nonzero((table.doc == d) & (table.start < ev[-1][1]) & (table.end > ev[0][0]))[0]
            spans = [(int(table.start[c]), int(table.end[c])) for c in cand]
            u = intervals.union(sp for sp in spans if any(intervals.overlaps(sp, x) for x in ev))
            omega_num += intervals.intersection_length(u, ev)
            omega_den += intervals.length(intervals.union(u + ev))
        omega[qi] = omega_num / omega_den if omega_den else 0.0
        retrieved = int(lengths[top].sum())
        recall[qi] = hit / ev_len if ev_len else 0.0
        precision[qi] = hit / retrieved if retrieved else 0.0
        iou_den = retrieved + (ev_len - hit)
        iou[qi] = hit / iou_den if iou_den else 0.0

        pos = np.full(n, np.inf)
        pos[ranking] = np.arange(1, len(ranking) + 1)
        ranks = []
        for d, s, e in q.evidence:
            contains = (table.doc == d) & (table.start <= s) & (table.end >= e)
            ranks.append(float(pos[contains].min()) if contains.any() else np.inf)
        r = np.array(ranks)
        first[qi] = r.mean()
        mrr[qi] = float(np.mean(np.where(np.isfinite(r), 1.0 / r, 0.0)))
        for kk in ks:
            within = r <= kk
            r_at[kk][qi] = within.mean()
            d_at[kk][qi] = float(np.mean(np.where(within, 1.0 / np.log2(r + 1.0), 0.0)))
    return QuestionScores(recall, precision, iou, omega, first, r_at, mrr, d_at)


def paired_bootstrap(a: np.ndarray, b: np.ndarray, resamples: int = 10_000, seed: int = 0, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``a - b`` over paired questions and its percentile bootstrap interval.

    Questions are resampled with replacement, the same indices for both
    chunkings, so the interval reflects per-question agreement (recall per
    question is mostly 0 or 1, so two means alone mislead).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("paired samples must be non-empty and of equal length")
    diff = a - b
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, diff.size, size=(resamples, diff.size))
    means = diff[idx].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(means, [tail, 1.0 - tail])
    return float(diff.mean()), float(lo), float(hi)
