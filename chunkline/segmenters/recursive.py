"""``recursive``: split on a separator hierarchy, merge greedily up to the budget.

Separators, coarse to fine: markdown headings (markdown documents), runs of
blank lines, blank lines, line breaks, sentence ends, clause punctuation,
whitespace, and finally token (or character) boundaries.  Runs per content
region, so PDF page furniture never lands inside a chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.records import ParsedDocument
from .packing import MARKDOWN_SEPARATORS, PROSE_SEPARATORS, split_recursive, to_spans
from .base import SegmentContext


@dataclass(frozen=True)
class RecursiveParams:
    """separators: ``auto`` (markdown-aware for markdown documents) or ``prose``."""

    separators: str = "auto"

    def __post_init__(self) -> None:
        if self.separators not in ("auto", "prose", "markdown"):
            raise ValueError("separators must be auto, prose or markdown")


def recursive(parsed: ParsedDocument, ctx: SegmentContext):
    p: RecursiveParams = ctx.params or RecursiveParams()
    md = p.separators == "markdown" or (p.separators == "auto" and parsed.document.format == "markdown")
    seps = MARKDOWN_SEPARATORS if md else PROSE_SEPARATORS
    text = parsed.document.text
    b = ctx.budget
    for s, e in ctx.regions(parsed):
        yield from to_spans(split_recursive(text, s, e, ctx.sizer, b.max_size, seps, b.overlap, b.min_size))
