"""The metric table: every metric's name, group, label, formula, range and direction, once.

``score``'s report and thresholds (``--fail-under/--fail-over``), ``compare``'s
ranking and table, the HTML report's arrows and the README's metric table
(``markdown_table``, checked by a test) all read this table, so a metric is
added or described in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric.  ``better`` is ``higher``, ``lower`` or ``""`` (descriptive:
    no best value).  ``group`` orders the ``score`` table (``Compare``:
    computed by ``compare`` only).  ``doc`` is the README row that describes
    it when several metrics share one (``size_min/p10/...``).  A name ending
    in ``@K`` stands for every cut-off (``recall@5``)."""

    name: str
    group: str
    label: str
    formula: str
    range: str
    better: str
    doc: str | None = None


_SIZE_DOC = "size_min/p10/median/p90/max/mean"
_SIZE = "distribution of chunk sizes, re-measured in the declared tokenizer"
_MID = "mid_sentence_starts / _ends"

METRICS: tuple[Metric, ...] = (
    Metric("size_min", "Size", "min", _SIZE, "≥ 0", "", _SIZE_DOC),
    Metric("size_p10", "Size", "p10", _SIZE, "≥ 0", "", _SIZE_DOC),
    Metric("size_median", "Size", "median", _SIZE, "≥ 0", "", _SIZE_DOC),
    Metric("size_p90", "Size", "p90", _SIZE, "≥ 0", "", _SIZE_DOC),
    Metric("size_max", "Size", "max", _SIZE, "≥ 0", "", _SIZE_DOC),
    Metric("size_mean", "Size", "mean", _SIZE, "≥ 0", "", _SIZE_DOC),
    Metric("size_compliance", "Size", "size compliance", "share of chunks with min_size ≤ size ≤ max_size", "[0, 1]", "higher"),
    Metric("fill_ratio", "Size", "fill ratio", "mean(size / max_size)", "[0, ∞) (≤ 1 when compliant)", "higher"),
    Metric("coverage", "Coverage", "coverage", "non-whitespace, non-furniture document characters inside ≥ 1 chunk / all such characters", "[0, 1]", "higher"),
    Metric("redundancy", "Coverage", "redundancy", "1 − covered characters / Σ characters of every chunk (non-whitespace)", "[0, 1)", "lower"),
    Metric("blocks_cut", "Integrity", "blocks cut", "parser blocks with a chunk boundary (trimmed chunk start or end) strictly inside / blocks", "[0, 1]", "lower"),
    Metric("sentences_cut", "Integrity", "sentences cut", "sentences with a chunk boundary strictly inside / sentences", "[0, 1]", "lower"),
    Metric("mid_sentence_starts", "Integrity", "mid-sentence starts", "chunks whose trimmed start / end falls strictly inside a sentence / chunks", "[0, 1]", "lower", _MID),
    Metric("mid_sentence_ends", "Integrity", "mid-sentence ends", "chunks whose trimmed start / end falls strictly inside a sentence / chunks", "[0, 1]", "lower", _MID),
    Metric("orphan_headings", "Integrity", "orphan headings", "chunks ending with a heading whose content follows in a later chunk / chunks", "[0, 1]", "lower"),
    Metric(
        "references_completeness", "Integrity", "references completeness",
        "chunks whose anaphoric references (`it`, `this section`, `the Agreement`, `see above`…) all have an antecedent inside the chunk / chunks (regex heuristic, `scoring/references.py`)",
        "[0, 1]", "higher",
    ),
    Metric("references_resolved", "Integrity", "references resolved", "references with an antecedent inside their chunk / references", "[0, 1]", "higher"),
    Metric("lone_headings", "Hygiene", "lone headings", "chunks whose only content is headings (comments aside), with content after them in the document (count)", "≥ 0", "lower"),
    Metric("heading_ends", "Hygiene", "heading ends", "other chunks whose last content block is a heading with content after it (count)", "≥ 0", "lower"),
    Metric("split_fences", "Hygiene", "split fences", "fenced code blocks within the budget (any size without one) that no chunk holds whole (count)", "≥ 0", "lower"),
    Metric("junk_chunks", "Hygiene", "junk chunks", "chunks with no letter or digit that a neighbouring chunk could absorb within the budget (count)", "≥ 0", "lower"),
    Metric("small_mergeable", "Hygiene", "small mergeable", "chunks under min_size that a neighbouring chunk could absorb within the budget; needs --min-size and a budget (count)", "≥ 0", "lower"),
    Metric("icc", "Adaptive Chunking", "ICC", "intra-chunk cohesion (Adaptive Chunking): mean over chunks with ≥ 2 units of mean cos(unit, chunk); per document, then mean", "[0, 1]", "higher"),
    Metric("dcc", "Adaptive Chunking", "DCC", "document contextual coherence: mean cos(chunk, window of following chunks ≤ 3,000 tokens); per document, then mean", "[0, 1]", "higher"),
    Metric("bi", "Adaptive Chunking", "BI", "Adaptive Chunking's block integrity (5-character tolerance); per document, then mean", "[0, 1]", "higher"),
    Metric("sc", "Adaptive Chunking", "SC", "Adaptive Chunking's size compliance; per document, then mean", "[0, 1]", "higher"),
    Metric("boundary_clarity", "MoC", "boundary clarity", "MoC: mean over adjacent chunk pairs of ppl(q given d) / ppl(q), unigram cache LM", "(0, ∞), ≈ 1 clean", "higher"),
    Metric("chunk_stickiness", "MoC", "chunk stickiness", "MoC: entropy (bits) of node degrees of the graph with edges where 1 − ppl(q given d)/ppl(q) > 0.8", "[0, log2 n]", "lower"),
    Metric("lm_boundary_clarity", "MoC", "boundary clarity (LM)", "as boundary_clarity, perplexities from a language model's prompt log-probabilities (score --lm)", "(0, ∞), ≈ 1 clean", "higher"),
    Metric("lm_chunk_stickiness", "MoC", "chunk stickiness (LM)", "as chunk_stickiness, model perplexities, pairs at most 2 chunks apart (score --lm)", "[0, log2 n]", "lower"),
    Metric("recall", "Retrieval", "recall", "\\|top-k ∩ evidence\\| / \\|evidence\\| (characters, union of intervals)", "[0, 1]", "higher"),
    Metric("precision", "Retrieval", "precision", "\\|top-k ∩ evidence\\| / Σ \\|retrieved chunk\\|", "[0, 1]", "higher"),
    Metric("iou", "Retrieval", "IoU", "\\|top-k ∩ evidence\\| / (Σ \\|retrieved chunk\\| + \\|evidence not retrieved\\|)", "[0, 1]", "higher"),
    Metric("precision_omega", "Retrieval", "precision-Ω", "\\|U ∩ evidence\\| / \\|U ∪ evidence\\|, U = chunks overlapping the evidence (no retrieval)", "[0, 1]", "higher"),
    Metric("recall@K", "Retrieval", "recall@K", "mean over questions of the share of its evidence spans contained whole in one chunk ranked ≤ K", "[0, 1]", "higher"),
    Metric("mrr", "Retrieval", "MRR", "1 / rank of the first chunk containing an evidence span (0 if none), averaged over a question's spans, then over questions", "[0, 1]", "higher"),
    Metric("dcg@K", "Retrieval", "DCG@K", "mean 1 / log2(rank + 1) for that rank when ≤ K, else 0", "[0, 1]", "higher"),
    Metric("unlocated", "Coverage", "unlocated", "chunks whose text could not be found in any document", "≥ 0", "lower"),
    Metric("adaptive", "Compare", "adaptive", "mean of sc, bi, icc, dcc and references_completeness where computed (Adaptive Chunking's selection score)", "[0, 1]", "higher"),
    Metric("chunks", "Compare", "chunks", "number of chunks", "≥ 0", ""),
    Metric("seconds", "Compare", "seconds", "segmenting time", "≥ 0", ""),
)

BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
_AT = re.compile(r"^(recall|dcg)@[1-9][0-9]*$")

#: Metrics where lower is better; descriptive metrics (no best value).
LOWER_BETTER = frozenset(m.name for m in METRICS if m.better == "lower")
NEUTRAL = frozenset(m.name for m in METRICS if not m.better)
#: Every name a ``score`` report can hold (``recall@K``/``dcg@K`` for any K), in table order.
SCORE_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.group != "Compare" and "@" not in m.name)


def lookup(name: str) -> Metric | None:
    """The table row of ``name`` (``recall@5`` -> ``recall@K``), or None."""
    return BY_NAME.get(name) or (BY_NAME[name.split("@")[0] + "@K"] if _AT.match(name) else None)


def arrow(name: str) -> str:
    """`` ↑``, `` ↓`` or nothing: which way is better, as tables show it."""
    m = lookup(name)
    if m is None or not m.better:
        return ""
    return " ↓" if m.better == "lower" else " ↑"


def markdown_table() -> str:
    """The README's metric table (rows sharing ``doc`` appear once)."""
    lines = ["| metric | formula | range | better |", "|---|---|---|---|"]
    seen: set[str] = set()
    for m in METRICS:
        if m.group == "Compare":
            continue
        name = m.doc or m.name
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"| {name} | {m.formula} | {m.range} | {m.better or '–'} |")
    return "\n".join(lines) + "\n"
