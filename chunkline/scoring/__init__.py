"""Scoring a chunking: intrinsic quality and retrieval against gold evidence.

Library entry point: ``score(ScoreOptions(...)) -> ScoreReport`` (``api``).
Modules: ``loading`` (chunks from any tool, documents re-parsed, offsets
recovered), ``size``, ``structure`` (coverage, redundancy, block and sentence
integrity, orphan headings, Adaptive Chunking's BI), ``references``
(references completeness heuristic), ``cohesion`` (ICC, DCC), ``boundary``
(MoC's BC and CS with a unigram cache LM), ``questions`` and ``retrieval``
(Chroma's recall/precision/IoU/precision-Ω, GutenQA's recall@k/MRR/DCG@k,
paired bootstrap), ``thresholds`` (CI gates).  The metric table with formula,
range and direction is ``METRICS_DOC`` below and in the README.

Heavy imports (bm25s, scipy, embedders) happen inside functions.
"""

from __future__ import annotations

METRICS_DOC = """
| metric | formula | range | better |
|---|---|---|---|
| size_min/p10/median/p90/max/mean | distribution of chunk sizes, re-measured in the declared tokenizer | ≥ 0 | – |
| size_compliance | share of chunks with min_size ≤ size ≤ max_size | [0, 1] | higher |
| fill_ratio | mean(size / max_size) | [0, ∞) (≤ 1 when compliant) | higher (fewer, fuller chunks) |
| coverage | non-whitespace, non-furniture document characters inside ≥ 1 chunk / all such characters | [0, 1] | higher |
| redundancy | 1 − covered characters / Σ characters of every chunk (non-whitespace) | [0, 1) | lower |
| blocks_cut | parser blocks with a chunk boundary (trimmed chunk start or end) strictly inside / blocks | [0, 1] | lower |
| sentences_cut | sentences with a chunk boundary strictly inside / sentences | [0, 1] | lower |
| mid_sentence_starts / _ends | chunks whose trimmed start / end falls strictly inside a sentence / chunks | [0, 1] | lower |
| orphan_headings | chunks ending with a heading whose content follows in a later chunk / chunks | [0, 1] | lower |
| references_completeness | chunks whose anaphoric references all have an antecedent inside the chunk / chunks (heuristic, see references.py) | [0, 1] | higher |
| references_resolved | references with an antecedent inside their chunk / references | [0, 1] | higher |
| icc | mean over chunks with ≥ 2 units of mean cos(unit, chunk); units = chunk cut at block starts; per document, then mean over documents; clipped | [0, 1] | higher |
| dcc | mean cos(chunk, window of it and following chunks ≤ 3,000 tokens); per document, then mean; clipped | [0, 1] | higher |
| bi | Adaptive Chunking's block integrity: blocks with no chunk start inside them farther than 5 characters from either edge / blocks; per document, then mean | [0, 1] | higher |
| sc | Adaptive Chunking's size compliance, per document then mean | [0, 1] | higher |
| boundary_clarity | mean over adjacent chunk pairs of ppl(q given d) / ppl(q), unigram cache LM | (0, ∞), ≈ 1 clean | higher |
| chunk_stickiness | entropy (bits) of node degrees of the graph with edges where 1 − ppl(q given d)/ppl(q) > 0.8; mean over documents | [0, log2 n] | lower |
| recall | |top-k ∩ evidence| / |evidence| (characters, union of intervals) | [0, 1] | higher |
| precision | |top-k ∩ evidence| / Σ |retrieved chunk| | [0, 1] | higher |
| iou | |top-k ∩ evidence| / (Σ |retrieved chunk| + |evidence not retrieved|) | [0, 1] | higher |
| precision_omega | |U ∩ evidence| / |U ∪ evidence|, U = chunks overlapping the evidence (no retrieval) | [0, 1] | higher |
| recall@K | share of evidence spans contained whole in a chunk ranked ≤ K | [0, 1] | higher |
| mrr | mean 1 / rank of the first chunk containing the evidence span (0 if none) | [0, 1] | higher |
| dcg@K | mean 1 / log2(rank + 1) for that rank when ≤ K, else 0 | [0, 1] | higher |
| unlocated | chunks whose text could not be found in any document | ≥ 0 | lower |
"""

from .api import ScoreOptions, ScoreReport, score  # noqa: E402

__all__ = ["METRICS_DOC", "ScoreOptions", "ScoreReport", "score"]
