"""One rule set for every strategy: no chunk a person would not keep, where the budget allows.

``segment`` runs every strategy's spans through ``tidy`` before they become
chunks, so each rule holds for all strategies (and for ``auto``'s candidates)
without each segmenter spelling it out:

1. **A heading never ends a chunk** (it opens what it heads): headings (and
   the comments or empty markup next to them, ``blocks.is_quiet``) that end a
   chunk move to the start of the next one, when the next one still fits and
   lies in the same content region.  A chunk of nothing but headings joins
   the next one.  Strategies that put a heading path in ``context``
   (``structure``, ``semantic``, ``legal``) place headings themselves, and
   their chunks are left as they are, since moving a heading would make the
   next chunk's context false.
2. **A chunk with no letter or digit never stands alone** (closing quotes
   or a brace alone, a fence line): it joins the previous chunk, else the next one,
   when the two fit the budget together.
3. **A caption never stands alone** ("Figure 2: ..." apart from its
   figure, a table's caption before a table too large to share a chunk
   with it): it joins the previous chunk, else the next, when the two fit
   and their context stays true of the join (as for ``min_size``).
4. **``min_size``** (a soft floor): a chunk under it joins the previous chunk,
   else the next, when the two fit and their context stays true of the join:
   the same ``context`` and ``section``, or contexts that are just section
   paths (``legal``'s "THE ISSUES > 1."), which become the common path.  What
   stays under the floor is reported by ``shortfall`` with the reason.

Joins never cross page furniture (chunks stay inside one content region)
and keep the offsets exact: a joined chunk is the span from the first start
to the last end, re-measured.  At overlap 0 chunks that tiled still tile.
"""

from __future__ import annotations

import bisect
import re
from typing import Iterable

from ..core.records import ParsedDocument
from .base import BlockIndex, SegmentContext, Span
from .blocks import HEADING_KINDS, heads_something, is_quiet
from .packing import trim

_ALNUM = re.compile(r"[^\W_]")


class _Doc:
    """What the rules need to know about one document, built once."""

    def __init__(self, parsed: ParsedDocument, ctx: SegmentContext) -> None:
        self.text = parsed.document.text
        self.limit = ctx.budget.max_size
        self.count = ctx.sizer.count
        regions = ctx.regions(parsed)
        self.region_starts = [s for s, _ in regions]
        self.region_ends = [e for _, e in regions]
        self.content = [b for b in ctx.blocks(parsed) if b.end > b.start and not is_quiet(b)]
        self.index = BlockIndex(self.content)
        self.ordered = sorted(self.content, key=lambda b: (b.start, -b.end))
        self.starts = [b.start for b in self.ordered]

    def region(self, pos: int) -> int:
        return bisect.bisect_right(self.region_starts, pos) - 1

    def same_region(self, a: int, z: int) -> bool:
        i = self.region(a)
        return i >= 0 and z <= self.region_ends[i]

    def size(self, sp: Span) -> int:
        return sp.count if sp.count is not None else self.count(self.text[sp.start : sp.end])

    def joined(self, a: Span, b: Span, keep: Span) -> Span | None:
        """``a`` and ``b`` as one span (``keep``'s context, section and meta), or None when over budget."""
        s, e = min(a.start, b.start), max(a.end, b.end)
        if not self.same_region(s, e):
            return None
        n = self.count(self.text[s:e])
        if n > self.limit:
            return None
        return Span(s, e, n, keep.context, keep.section, keep.meta)

    def caption_alone(self, sp: Span) -> bool:
        """``sp`` holds nothing but captions ("Figure 3: ..." away from its figure)."""
        s, e = trim(self.text, sp.start, sp.end)
        inside = self.index.overlapping(s, e)
        return bool(inside) and all(b.kind == "caption" for b in inside)

    def heading_tail(self, sp: Span) -> int | None:
        """Where the headings ending ``sp`` start, when its last content is
        headings with more content after them in the document; else None."""
        s, e = trim(self.text, sp.start, sp.end)
        inside = self.index.overlapping(s, e)
        if not inside:
            return None
        inside.sort(key=lambda b: (b.start, -b.end))
        last = inside[-1]
        if last.kind not in HEADING_KINDS or last.start < s:
            return None
        k = bisect.bisect_right(self.starts, last.start)
        if not heads_something(last, self.ordered[k] if k < len(self.ordered) else None):
            return None
        h = last.start
        for b in reversed(inside[:-1]):
            if b.kind not in HEADING_KINDS or b.start < s:
                break
            h = b.start
        return h


def _lift_headings(doc: _Doc, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    i, n = 0, len(spans)
    while i < n:
        sp = spans[i]
        nxt = spans[i + 1] if i + 1 < n else None
        h = doc.heading_tail(sp) if nxt is not None and nxt.context is None and nxt.section is None else None
        if h is None or nxt is None or not doc.same_region(h, nxt.start):
            out.append(sp)
            i += 1
            continue
        text = doc.text
        if nxt.start > h:
            cnt = doc.count(text[h : nxt.end])
            if cnt > doc.limit:  # the budget forces the heading to stay
                out.append(sp)
                i += 1
                continue
            nxt = Span(h, nxt.end, cnt, nxt.context, nxt.section, nxt.meta)
        s, e = trim(text, sp.start, h)
        if s < e:
            out.append(Span(s, e, doc.count(text[s:e]), sp.context, sp.section, sp.meta))
        spans[i + 1] = nxt
        i += 1
    return out


def _absorb(doc: _Doc, spans: list[Span], small, same_context: bool) -> list[Span]:
    """Join every span ``small`` says is too small into the previous span,
    else into the next one, within the budget."""
    out: list[Span] = []
    pending = False  # out[-1] is small and could not join the span before it
    for sp in spans:
        if out and pending and (not same_context or _same(out[-1], sp)):
            j = doc.joined(out[-1], sp, keep=sp)
            if j is not None:
                out[-1] = _relabel(j, out[-1], sp) if same_context else j
                pending = small(j)
                continue
        pending = False
        if out and small(sp) and (not same_context or _same(out[-1], sp)):
            j = doc.joined(out[-1], sp, keep=out[-1])
            if j is not None:
                out[-1] = _relabel(j, out[-1], sp) if same_context else j
                pending = small(j)
                continue
        out.append(sp)
        pending = small(sp)
    return out


def _same(a: Span, b: Span) -> bool:
    """Can ``a`` and ``b`` be one chunk with a context true of both?  Yes when
    they carry the same context and section, or when each context is just its
    section path (``A > B``): the join then carries their common path."""
    return _labels(a, b) is not None


def _labels(a: Span, b: Span) -> tuple[str | None, tuple[str, ...] | None] | None:
    if a.context == b.context and a.section == b.section:
        return a.context, a.section
    if a.section is None or b.section is None:
        return None
    for sp in (a, b):
        if sp.context is not None and sp.context != " > ".join(sp.section or ()):
            return None
    common: list[str] = []
    for x, y in zip(a.section, b.section):
        if x != y:
            break
        common.append(x)
    path = tuple(common)
    return (" > ".join(path) if path and (a.context or b.context) else None), path


def _relabel(j: Span, a: Span, b: Span) -> Span:
    labels = _labels(a, b)
    assert labels is not None
    return Span(j.start, j.end, j.count, labels[0], labels[1], j.meta)


def tidy(parsed: ParsedDocument, spans: Iterable[Span], ctx: SegmentContext) -> list[Span]:
    """The module's four rules applied to one document's spans, in order."""
    spans = list(spans)
    if len(spans) < 2:
        return spans
    doc = _Doc(parsed, ctx)
    text = doc.text
    if doc.content:
        spans = _lift_headings(doc, spans)
    spans = _absorb(doc, spans, lambda sp: _ALNUM.search(text, sp.start, sp.end) is None, same_context=False)
    if doc.content and len(spans) > 1:
        spans = _absorb(doc, spans, doc.caption_alone, same_context=True)
    floor = ctx.budget.min_size
    if floor and len(spans) > 1:
        spans = _absorb(doc, spans, lambda sp: doc.size(sp) < floor, same_context=True)
    return spans


def shortfall(parsed: ParsedDocument, spans: list[Span], ctx: SegmentContext) -> str | None:
    """Why chunks stay under ``min_size`` after ``tidy`` (a warning), or None."""
    floor = ctx.budget.min_size
    if not floor or len(spans) < 2:
        return None
    doc = _Doc(parsed, ctx)
    room = other = 0
    for i, sp in enumerate(spans):
        if doc.size(sp) >= floor:
            continue
        near = [spans[j] for j in (i - 1, i + 1) if 0 <= j < len(spans)]
        if any(not _same(sp, nb) and doc.joined(sp, nb, sp) is not None for nb in near):
            other += 1
        else:
            room += 1
    if not room and not other:
        return None
    why = []
    if room:
        why.append(f"{room} with no neighbour that has room within the budget of {ctx.budget.max_size}")
    if other:
        why.append(f"{other} whose neighbours with room are in another section")
    return f"{room + other} of {len(spans)} chunks stay under --min-size {floor}: " + "; ".join(why)
