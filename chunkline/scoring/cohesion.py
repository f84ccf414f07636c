"""Intra-chunk cohesion (ICC) and document contextual coherence (DCC).

Both follow Adaptive Chunking (de Moura Junior, Lelong, Blangero, Ekimetrics,
LREC 2026) so its per-document scores can be reproduced with the same
embedder:

* ICC: a chunk is cut into its *units* at the document's block starts that
  fall strictly inside it; chunk score = mean cosine(unit, chunk); ICC = mean
  over chunks with >= 2 units, clipped to [0, 1].  Higher is better.
* DCC: from each chunk i, a window collects chunks i, i+1, ... adding only
  text not yet in the window (overlap is not repeated) while the window stays
  within ``window_tokens`` (3,000) tokens, always keeping one chunk; windows
  with >= 2 chunks whose last chunk differs from the previous window's are
  kept; DCC = mean cosine(chunk, window) over every (window, member chunk),
  clipped to [0, 1].  Higher is better.

Vectors come from ``chunkline.embeddings`` (any object with
``embed(texts) -> (n, d)`` L2-normalised rows), so a cosine is a dot product.
"""

from __future__ import annotations

import bisect
from typing import Callable, Sequence

import numpy as np


def _embed(embedder, texts: Sequence[str]) -> np.ndarray:
    vecs = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[0] != len(texts):
        raise ValueError("embedder returned an array of the wrong shape")
    return vecs


def chunk_units(text: str, spans: Sequence[tuple[int, int]], split_points: Sequence[int]) -> list[list[tuple[int, int]]]:
    """For each chunk span, its units: the span cut at every split point strictly inside it
    (whitespace-only units dropped)."""
    points = sorted(set(split_points))
    out: list[list[tuple[int, int]]] = []
    for s, e in spans:
        lo = bisect.bisect_right(points, s)
        hi = bisect.bisect_left(points, e)
        cuts = [s, *points[lo:hi], e]
        out.append([(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()])
    return out


def icc_scores(text: str, spans: Sequence[tuple[int, int]], split_points: Sequence[int], embedder, chunk_vecs: np.ndarray | None = None) -> list[float]:
    """Per-chunk cohesion for chunks with >= 2 units (unclipped means)."""
    units = chunk_units(text, spans, split_points)
    multi = [i for i, u in enumerate(units) if len(u) >= 2]
    if not multi:
        return []
    if chunk_vecs is None:
        chunk_vecs = _embed(embedder, [text[s:e] for s, e in spans])
    flat = [text[a:b] for i in multi for a, b in units[i]]
    uvecs = _embed(embedder, flat)
    scores: list[float] = []
    pos = 0
    for i in multi:
        n = len(units[i])
        scores.append(float((uvecs[pos : pos + n] @ chunk_vecs[i]).mean()))
        pos += n
    return scores


def dcc_windows(text: str, spans: Sequence[tuple[int, int]], count: Callable[[str], int], window_tokens: int = 3000) -> list[tuple[str, list[int]]]:
    """The DCC windows of one document: (window text, member chunk indices)."""
    n = len(spans)
    windows: list[tuple[str, list[int]]] = []
    tail_cache: dict[tuple[int, int], int] = {}
    for i in range(n):
        covered_to = spans[i][0]
        total = 0
        parts: list[str] = []
        members: list[int] = []
        for j in range(i, n):
            s, e = spans[j]
            a = max(covered_to, s)
            if a < e:
                key = (a, e)
                tokens = tail_cache.get(key)
                if tokens is None:
                    tokens = tail_cache[key] = count(text[a:e])
            else:
                tokens = 0
            if members and total + tokens > window_tokens:
                break
            if tokens:
                parts.append(text[a:e])
                total += tokens
                covered_to = e
            members.append(j)
        if len(members) > 1 and (not windows or windows[-1][1][-1] != members[-1]):
            windows.append(("".join(parts), members))
    return windows


def dcc_scores(text: str, spans: Sequence[tuple[int, int]], embedder, count: Callable[[str], int], window_tokens: int = 3000, chunk_vecs: np.ndarray | None = None) -> list[float]:
    """cosine(chunk, window) for every (window, member) pair of one document."""
    if len(spans) < 2:
        return []
    windows = dcc_windows(text, spans, count, window_tokens)
    if not windows:
        return []
    if chunk_vecs is None:
        chunk_vecs = _embed(embedder, [text[s:e] for s, e in spans])
    wvecs = _embed(embedder, [w for w, _ in windows])
    out: list[float] = []
    for k, (_, members) in enumerate(windows):
        out.extend((chunk_vecs[members] @ wvecs[k]).tolist())
    return out


def clipped_mean(values: Sequence[float]) -> float | None:
    """Mean clipped to [0, 1], as the paper reports; None when empty."""
    return float(np.clip(np.mean(values), 0.0, 1.0)) if len(values) else None
