"""``sentence``: packs whole sentences up to the budget.

Sentences come from the parser when it emits ``sentence`` blocks (the legal
parser does), otherwise from chunkline's rule-based splitter (abbreviations
and initials do not end sentences; blank lines always do).  A sentence longer
than the budget is split at clause punctuation, then words, then token
boundaries: never emitted over budget.  Overlap is in whole sentences.
"""

from __future__ import annotations


from ..core.records import ParsedDocument
from .packing import PROSE_SEPARATORS, merge, sentence_spans, split_recursive, to_spans, trim
from .base import SegmentContext

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
    return out


def sentence(parsed: ParsedDocument, ctx: SegmentContext):
    text = parsed.document.text
    b = ctx.budget
    sizer = ctx.sizer
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
            if c <= b.max_size:
                group.append((s, e, c))
            else:
                yield from to_spans(merge(text, group, sizer, b.max_size, b.overlap, b.min_size))
                group = []
                yield from to_spans(split_recursive(text, ts, te, sizer, b.max_size, _CLAUSE_LEVELS))
        yield from to_spans(merge(text, group, sizer, b.max_size, b.overlap, b.min_size))


