"""``sentence``: packs whole sentences up to the budget.

Sentences come from the parser when it emits ``sentence`` blocks (the legal
parser does), otherwise from chunkline's rule-based splitter (abbreviations
and initials do not end sentences; blank lines always do).  A sentence longer
than the budget is split at clause punctuation, then words, then token
boundaries: never emitted over budget.  Overlap is in whole sentences.
"""

from __future__ import annotations


from ..core.records import ParsedDocument
from .packing import PROSE_SEPARATORS, heading_spans, heads_from, merge, sentence_spans, split_recursive, to_spans, trim
from .base import SegmentContext
from .blocks import is_fence

_PARA = PROSE_SEPARATORS[1]
_CLAUSE_LEVELS = PROSE_SEPARATORS[4:]


def sentence_pieces(parsed: ParsedDocument, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans tiling ``[start, end)``: from sentence blocks if any, else by rule."""
    text = parsed.document.text
    if any(b.kind == "sentence" for b in parsed.blocks):
        # parser-made sentences: cut at every block start (headings and list
        # markers are units of their own, never glued to the sentence before)
        cuts = sorted({b.start for b in parsed.blocks if start < b.start < end})
        bounds = [start] + cuts + [end]
        return [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]
    out: list[tuple[int, int]] = []
    pos = start
    for m in _PARA.finditer(text, start, end):
        out.extend(sentence_spans(text, pos, m.end()))
        pos = m.end()
    if pos < end:
        out.extend(sentence_spans(text, pos, end))
    fences = [(b.start, b.end) for b in parsed.blocks if is_fence(b) and start <= b.start and b.end <= end]
    return _whole(out, fences) if fences else out


def _whole(pieces: list[tuple[int, int]], units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``pieces`` with those inside one of ``units`` (fenced code blocks)
    joined, so each unit is one piece: a fenced block is no prose to cut at
    sentences and blank lines (one over the budget is still split)."""
    units.sort()
    out: list[tuple[int, int]] = []
    k = 0
    for a, z in pieces:
        while k < len(units) and units[k][1] <= a:
            k += 1
        if out and k < len(units) and units[k][0] < a < units[k][1]:
            out[-1] = (out[-1][0], z)  # the cut at ``a`` is inside a fenced block
        else:
            out.append((a, z))
    return out


def sentence(parsed: ParsedDocument, ctx: SegmentContext):
    text = parsed.document.text
    b = ctx.budget
    sizer = ctx.sizer
    heads = heading_spans(ctx.blocks(parsed)) or None
    for rs, re_ in ctx.regions(parsed):
        group: list[tuple[int, int, int]] = []
        for s, e in sentence_pieces(parsed, rs, re_):
            ts, te = trim(text, s, e)
            if ts >= te:
                if group:  # whitespace: extend the previous piece so pieces stay contiguous
                    a, _, _ = group[-1]
                    group[-1] = (a, e, -1)  # grown: measure again
                continue
            c = sizer.count(text[s:e])
            h = heads_from(text, group, 0, len(group), heads) if heads and group else len(group)
            if c <= b.max_size and (h == len(group) or sum(g[2] for g in group[h:] if g[2] > 0) + c <= b.max_size):
                group.append((s, e, c))
            else:
                # Headings pending before a piece that does not fit with them open its first chunk.
                yield from to_spans(merge(text, group[:h], sizer, b.max_size, b.overlap, b.min_size, heads))
                start = group[h][0] if h < len(group) else ts
                group = []
                yield from to_spans(split_recursive(text, start, te, sizer, b.max_size, _CLAUSE_LEVELS if start == ts else PROSE_SEPARATORS[2:], heads=heads))
        yield from to_spans(merge(text, group, sizer, b.max_size, b.overlap, b.min_size, heads))


