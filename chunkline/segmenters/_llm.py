"""What the LLM strategies (lumber, perplexity) share: their units and the budget rule."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..core.records import ParsedDocument
from ..core.spans import trim
from .base import SegmentContext, Span
from .packing import PROSE_SEPARATORS, sentence_spans, split_recursive

#: Blocks that are one unit whatever their size (not prose to split into sentences).
ATOMIC_KINDS = frozenset({"heading", "title", "table", "code", "formula", "comment", "front_matter"})


def block_units(parsed: ParsedDocument, ctx: SegmentContext, rs: int, re_: int, split: int | None, count) -> list[tuple[int, int]]:
    """Trimmed units of the region ``[rs, re_)``, in order: its outermost blocks;
    with ``split`` None, a prose block's sentences; else a prose block longer
    than ``split`` (cl100k tokens via ``count``) is split at line breaks
    (paragraphs one per line, as in GutenQA's books, or one sentence per
    line) and a line still longer into sentences.  Text between blocks (none
    for text-like formats) stays between units and inside chunks."""
    text = parsed.document.text
    blocks = sorted((b for b in ctx.blocks(parsed) if rs <= b.start < re_ and b.kind != "sentence"), key=lambda b: (b.start, -b.end))
    out: list[tuple[int, int]] = []
    end = rs
    for b in blocks:
        if b.start < end:
            continue  # nested in the previous block
        end = b.end
        s, e = trim(text, b.start, min(b.end, re_))
        if s >= e:
            continue
        if b.kind in ATOMIC_KINDS or (split is not None and count(text[s:e]) <= split):
            out.append((s, e))
            continue
        if split is None:
            out.extend(_sentences(text, s, e))
            continue
        for ls, le in _lines(text, s, e):
            if count(text[ls:le]) <= split:
                out.append((ls, le))
            else:
                out.extend(_sentences(text, ls, le))
    if not blocks:
        for a, z in sentence_spans(text, rs, re_):
            a, z = trim(text, a, z)
            if a < z:
                out.append((a, z))
    return out


def _sentences(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out = []
    for a, z in sentence_spans(text, s, e):
        a, z = trim(text, a, z)
        if a < z:
            out.append((a, z))
    return out


def _lines(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out = []
    pos = s
    while pos < e:
        nl = text.find("\n", pos, e)
        end = e if nl < 0 else nl
        a, z = trim(text, pos, end)
        if a < z:
            out.append((a, z))
        pos = end + 1
    return out


def held(text: str, s: int, e: int, ctx: SegmentContext, meta: Mapping[str, Any]) -> Iterator[Span]:
    """``[s, e)`` as one chunk, or, over budget, split by the recursive rules (each part marked ``budget_split``)."""
    parts = split_recursive(text, s, e, ctx.sizer, ctx.budget.max_size, PROSE_SEPARATORS)
    extra = {"budget_split": True} if len(parts) > 1 else {}
    for a, z, c in parts:
        yield Span(a, z, count=c, meta={**meta, **extra})
