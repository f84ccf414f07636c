"""Scoring a chunking: intrinsic quality and retrieval against gold evidence.

Library entry point: ``score(ScoreOptions(...)) -> ScoreReport`` (``api``).
Modules: ``loading`` (chunks from any tool, documents re-parsed, offsets
recovered), ``size``, ``structure`` (coverage, redundancy, block and sentence
integrity, orphan headings, Adaptive Chunking's BI), ``hygiene`` (lone headings,
heading ends, split fences, junk and mergeable small chunks), ``references``
(references completeness heuristic), ``cohesion`` (ICC, DCC), ``boundary``
(MoC's BC and CS with a unigram cache LM), ``questions`` and ``retrieval``
(Chroma's recall/precision/IoU/precision-Ω, GutenQA's recall@k/MRR/DCG@k,
paired bootstrap), ``thresholds`` (CI gates).  The metric table with formula,
range and direction is ``metrics.METRICS`` (``METRICS_DOC`` renders it as the README's table).

Heavy imports (bm25s, scipy, embedders) happen inside functions.
"""

from __future__ import annotations

from .metrics import markdown_table  # noqa: E402

#: The metric table as the README shows it (generated from ``metrics.METRICS``).
METRICS_DOC = markdown_table()

from .api import ScoreOptions, ScoreReport, score  # noqa: E402

__all__ = ["METRICS_DOC", "ScoreOptions", "ScoreReport", "score"]
