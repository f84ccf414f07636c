"""``recursive``: split on a separator hierarchy, merge greedily up to the budget.

Separators, coarse to fine: markdown headings and fenced code blocks
(markdown documents, from the parser's blocks, so a ``# comment`` in fenced
shell code is no heading and a fenced block that fits stays whole), runs of
blank lines, blank lines, line breaks, sentence ends, clause punctuation,
whitespace, and finally token (or character) boundaries.  Runs per content
region, so PDF page furniture never lands inside a chunk.  A heading
never ends a chunk while text follows: it opens the chunk of what it heads.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.records import ParsedDocument
from .packing import heading_spans, separators_for, split_recursive, to_spans
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
    blocks = ctx.blocks(parsed)
    seps = separators_for(parsed, blocks, p.separators)
    heads = heading_spans(blocks) or None
    text = parsed.document.text
    b = ctx.budget
    for s, e in ctx.regions(parsed):
        yield from to_spans(split_recursive(text, s, e, ctx.sizer, b.max_size, seps, b.overlap, b.min_size, heads=heads))
