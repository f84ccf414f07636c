"""Boundary clarity (BC) and chunk stickiness (CS), after MoC (Zhao et al. 2025).

MoC judges a boundary by how much the previous chunk helps predict the next:

* ``BC(q, d) = ppl(q | d) / ppl(q)`` for each chunk ``q`` and the chunk ``d``
  before it in the same document.  Near 1: ``d`` does not help, the boundary
  is clean; well below 1: the boundary split one topic.  Reported: the mean
  over adjacent pairs.  Higher is better.
* ``CS``: a graph per document whose nodes are chunks and whose edges join
  pairs (earlier ``d``, later ``q``) with ``(ppl(q) - ppl(q | d)) / ppl(q) > K``
  (K = 0.8); CS = Shannon entropy (bits) of the normalised node degrees
  ``-sum p_i log2 p_i``, ``p_i = deg_i / sum deg``; 0 without edges.
  Reported: the mean over documents.  Lower is better; compare chunkings only
  at equal mean chunk length.

MoC's published code divides mean log-likelihoods instead of perplexities
and keeps edges on the wrong side of K (its issue #21); chunkline follows
the paper's formulas.

Language model: not a neural LM but a unigram *cache* model, offline and
fast.  Words are lower-cased ``\\w+`` runs.  ``P_bg(w) = (c(w) + 1) / (N +
V + 1)`` over all documents scored (add-one smoothing; unseen words get
``1 / (N + V + 1)``); ``P(w | d) = (c_d(w) + mu * P_bg(w)) / (|d| + mu)``
with ``mu = 50`` (Dirichlet smoothing towards the background);
``ppl(q) = exp(-mean_w log P_bg(w))`` and ``ppl(q | d) = exp(-mean_w log
P(w | d))`` over the words of ``q``.  For CS, pairs farther apart than
``cs_band`` chunks (default 256) are not scored, so a document with more
chunks than that costs O(n * band), not O(n^2).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Background:
    """Corpus unigram counts with add-one smoothing."""

    vocab: dict
    logp: np.ndarray  # log P_bg per vocab id; last entry: unseen words

    @classmethod
    def fit(cls, texts: Sequence[str]) -> "Background":
        counts: Counter = Counter()
        for t in texts:
            counts.update(words(t))
        vocab = {w: i for i, w in enumerate(counts)}
        c = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        denom = c.sum() + len(c) + 1.0
        logp = np.log(np.concatenate((c + 1.0, [1.0])) / denom)
        return cls(vocab, logp)

    def ids(self, text: str) -> np.ndarray:
        unk = len(self.logp) - 1
        get = self.vocab.get
        return np.fromiter((get(w, unk) for w in words(text)), dtype=np.int64)


def boundary_scores(texts: Sequence[str], bg: Background, mu: float = 50.0, k: float = 0.8, cs_band: int = 256) -> tuple[list[float], float | None]:
    """BC for each adjacent pair of one document's chunks (in order), and the document's CS."""
    from scipy.sparse import csr_matrix  # lazy: only scoring needs it

    n = len(texts)
    if n == 0:
        return [], None
    ids = [bg.ids(t) for t in texts]
    rows = np.repeat(np.arange(n), [len(x) for x in ids])
    cols = np.concatenate(ids) if rows.size else np.zeros(0, dtype=np.int64)
    counts = csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, len(bg.logp)))
    counts.sum_duplicates()
    lens = np.array([len(x) for x in ids], dtype=np.float64)
    pbg = np.exp(bg.logp)

    bc: list[float] = []
    degree = np.zeros(n, dtype=np.int64)
    for q in range(1, n):
        if lens[q] == 0:
            continue
        uq, cq = np.unique(ids[q], return_counts=True)
        cq = cq.astype(np.float64)
        log_ppl_q = -(cq @ bg.logp[uq]) / lens[q]
        lo = max(0, q - cs_band)
        sub = counts[lo:q][:, uq].toarray()
        p = (sub + mu * pbg[uq]) / (lens[lo:q, None] + mu)
        log_ppl_qd = -(np.log(p) @ cq) / lens[q]
        ratio = np.exp(log_ppl_qd - log_ppl_q)  # ppl(q|d) / ppl(q) for every d in the band
        bc.append(float(ratio[-1]))
        edge = (1.0 - ratio) > k
        m = int(edge.sum())
        if m:
            degree[q] += m
            degree[lo:q][edge] += 1
    return bc, _stickiness(degree, n)


def lm_boundary_scores(texts: Sequence[str], client, source: str, band: int = 2, k: float = 0.8) -> tuple[list[float], float | None]:
    """BC per adjacent pair and the document's CS, with perplexities from a language model.

    The same formulas as ``boundary_scores``, with ``ppl(q)`` and ``ppl(q | d)``
    from the server's prompt log-probabilities (``chunkline.llm.perplexity.
    pair_perplexities``; MoC's own setting).  CS scores pairs at most ``band``
    chunks apart (default 2: each request costs model time, so the band is
    narrower than the unigram model's 256).  Pairs whose perplexities are
    unknown (a chunk with one token) are left out.
    """
    import math

    from ..llm.perplexity import pair_perplexities

    n = len(texts)
    if n == 0:
        return [], None
    ppl, cond = pair_perplexities(client, texts, source, band)
    bc: list[float] = []
    degree = np.zeros(n, dtype=np.int64)
    for (d, q), pqd in cond.items():
        pq = ppl[q]
        if math.isnan(pq) or math.isnan(pqd) or pq <= 0:
            continue
        ratio = pqd / pq
        if d == q - 1:
            bc.append(ratio)
        if 1.0 - ratio > k:
            degree[q] += 1
            degree[d] += 1
    return bc, _stickiness(degree, n)


def _stickiness(degree, n: int) -> float | None:
    """CS: the entropy (bits) of the edge-degree distribution; None for one chunk, 0 with no edge."""
    if n < 2:
        return None
    total = degree.sum()
    if total == 0:
        return 0.0
    p = degree[degree > 0] / total
    return float(-(p * np.log2(p)).sum())
