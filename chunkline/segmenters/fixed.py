"""``fixed``: consecutive windows of N units (tokens, characters or words), with overlap.

The baseline every study compares against.  Windows are cut at token
boundaries of the chosen tokenizer (the region is tokenized once, in slices
of at most ~256k characters cut at whitespace) and trimmed of surrounding
whitespace; each window is re-measured exactly and shrunk by a token in the
rare case retokenizing the window alone changes its count.  Runs per content
region (no PDF furniture).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..core.records import ParsedDocument
from .packing import trim
from .base import SegmentContext, Span

_SLICE = 1 << 18
_WORD = re.compile(r"\S+")


def _unit_starts(ctx: SegmentContext, text: str, s: int, e: int) -> list[int]:
    """Absolute offsets where each unit (token, word, char) of text[s:e] starts."""
    name = ctx.sizer.name
    if name == "chars":
        return list(range(s, e))
    if name in ("words",):
        return [s + m.start() for m in _WORD.finditer(text[s:e])]
    if name == "nws":
        return [s + i for i, ch in enumerate(text[s:e]) if not ch.isspace()]
    return [s + o for o in ctx.sizer.offsets(text[s:e])]  # type: ignore[attr-defined]


def _slices(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while s < e:
        if e - s <= _SLICE:
            yield s, e
            return
        cut = text.rfind("\n", s + _SLICE // 2, s + _SLICE)
        if cut == -1:
            cut = text.rfind(" ", s + _SLICE // 2, s + _SLICE)
        cut = cut + 1 if cut != -1 else s + _SLICE
        yield s, cut
        s = cut


def fixed(parsed: ParsedDocument, ctx: SegmentContext):
    text = parsed.document.text
    size = ctx.budget.max_size
    step = size - ctx.budget.overlap
    count = ctx.sizer.count
    for rs, re_ in ctx.regions(parsed):
        for s0, e0 in _slices(text, rs, re_):
            starts = _unit_starts(ctx, text, s0, e0)
            n = len(starts)
            i = 0
            while i < n:
                j = min(n, i + size)
                while True:
                    end = starts[j] if j < n else e0
                    s, e = trim(text, starts[i], end)
                    if s >= e:
                        c = 0
                        break
                    c = count(text[s:e])
                    if c <= size or j == i + 1:
                        break
                    j -= 1
                if s < e:
                    if c > size:  # one unit alone is over (cannot happen for BPE); cut it
                        k = ctx.sizer.cut(text[s:e], size)
                        e = s + k
                        c = count(text[s:e])
                    yield Span(s, e, count=c)
                if j >= n:
                    break
                i = max(i + 1, min(j, i + step))
