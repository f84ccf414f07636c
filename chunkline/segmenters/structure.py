"""``structure``: heading-aware chunks that follow the block stream.

* Never crosses a heading of level <= ``split_level`` (hard boundary).
* Deeper sections are soft boundaries: a subsection starts a new chunk when
  it would not fit in what is left of the current one but fits in a fresh
  one, so small sibling sections merge and whole subsections stay together.
* A heading is never left at the end of a chunk, away from its content.
* Tables and code blocks are kept whole when they fit (tables in chunks of
  their own with ``tables_alone``); otherwise tables split between rows,
  with the header row repeated in ``context``, and code between lines.
* Every chunk's ``context`` carries its heading path (``A > B > C``).

Units tile each content region (text between blocks goes with the block
before it), so no non-space text is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.records import Block, ParsedDocument
from ._packing import PROSE_SEPARATORS, merge, split_recursive, trim
from .base import SegmentContext, Span, register_segmenter

_HEADING_KINDS = frozenset({"heading", "title"})
_LINE = (re.compile(r"\n"),) + PROSE_SEPARATORS[3:]


@dataclass(frozen=True)
class StructureParams:
    """split_level: headings at this level or above are hard boundaries (0: none).
    tables_alone: tables never share a chunk with prose.
    breadcrumb: put the heading path in each chunk's context."""

    split_level: int = 2
    tables_alone: bool = True
    breadcrumb: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.split_level <= 6:
            raise ValueError("split_level must be 0..6")


@dataclass
class _Unit:
    start: int
    end: int
    block: Block
    count: int = -1

    @property
    def heading_level(self) -> int | None:
        return (self.block.level or 1) if self.block.kind in _HEADING_KINDS else None


def _units(text: str, blocks: list[Block], rs: int, re_: int) -> list[_Unit]:
    """Blocks inside a region, extended to tile it (gaps join the block before)."""
    inside = [b for b in blocks if rs <= b.start < re_]
    # nested blocks (code definitions inside classes): keep outermost only
    flat: list[Block] = []
    for b in sorted(inside, key=lambda b: (b.start, -b.end)):
        if flat and b.start < flat[-1].end:
            continue
        flat.append(b)
    if not flat:
        s, e = trim(text, rs, re_)
        if s >= e:
            return []
        return [_Unit(rs, re_, Block("paragraph", s, e, text[s:e]))]
    units = []
    for i, b in enumerate(flat):
        s = rs if i == 0 else b.start
        e = flat[i + 1].start if i + 1 < len(flat) else re_
        units.append(_Unit(s, e, b))
    return units


@register_segmenter("structure", params=StructureParams, summary="heading-aware: never crosses a chosen heading level, merges small sections, keeps tables/code whole")
def structure(parsed: ParsedDocument, ctx: SegmentContext):
    p: StructureParams = ctx.params or StructureParams()
    text = parsed.document.text
    blocks = ctx.blocks(parsed)
    for rs, re_ in ctx.regions(parsed):
        units = _units(text, blocks, rs, re_)
        # hard sections
        section: list[_Unit] = []
        for u in units:
            lvl = u.heading_level
            if lvl is not None and p.split_level and lvl <= p.split_level and section:
                yield from _pack_section(text, section, ctx, p)
                section = []
            section.append(u)
        if section:
            yield from _pack_section(text, section, ctx, p)


def _breadcrumb(block: Block, p: StructureParams) -> str | None:
    if not p.breadcrumb or not block.section:
        return None
    return " > ".join(block.section)


def _measure(text: str, u: _Unit, ctx: SegmentContext) -> int:
    if u.count < 0:
        s, e = trim(text, u.start, u.end)
        u.count = ctx.sizer.count(text[s:e]) if s < e else 0
    return u.count


def _pack_section(text: str, units: list[_Unit], ctx: SegmentContext, p: StructureParams):
    limit = ctx.budget.max_size
    counts = [_measure(text, u, ctx) for u in units]
    n = len(units)
    # size of the subsection each heading opens (until a heading of the same or higher level)
    subsection = [0] * n
    for i, u in enumerate(units):
        lvl = u.heading_level
        if lvl is None:
            continue
        total = 0
        for j in range(i, n):
            lj = units[j].heading_level
            if j > i and lj is not None and lj <= lvl:
                break
            total += counts[j]
        subsection[i] = total

    group: list[int] = []
    group_total = 0

    def flush():
        nonlocal group, group_total
        if group:
            # never end a chunk on a heading if content follows in this section
            tail: list[int] = []
            while len(group) > 1 and units[group[-1]].heading_level is not None:
                tail.insert(0, group.pop())
            yield from _emit_group(text, [units[k] for k in group], ctx, p)
            group = tail
            group_total = sum(counts[k] for k in tail)

    for i, u in enumerate(units):
        c = counts[i]
        is_table = u.block.kind == "table"
        if c > limit:
            # headings waiting at the end of the group open the first piece of
            # this unit (a heading never ends a chunk, nor stands alone)
            heads: list[int] = []
            while group and units[group[-1]].heading_level is not None:
                heads.insert(0, group.pop())
            if group:
                yield from _emit_group(text, [units[k] for k in group], ctx, p)
            head_start = units[heads[0]].start if heads else u.start
            group, group_total = [], 0
            yield from _split_unit(text, u, ctx, p, head_start)
            continue
        start_new = False
        if group:
            if group_total + c > limit:
                start_new = True
            elif u.heading_level is not None and subsection[i] <= limit and group_total + subsection[i] > limit:
                start_new = True  # keep the whole subsection together in the next chunk
            elif p.tables_alone and (is_table or units[group[-1]].block.kind == "table"):
                start_new = not all(units[k].heading_level is not None for k in group)
        if start_new:
            yield from flush()
        group.append(i)
        group_total += c
    yield from flush()
    if group:
        yield from _emit_group(text, [units[k] for k in group], ctx, p)


def _emit_group(text: str, group: list[_Unit], ctx: SegmentContext, p: StructureParams):
    s, e = trim(text, group[0].start, group[-1].end)
    if s >= e:
        return
    c = ctx.sizer.count(text[s:e])
    first = next((u.block for u in group if u.block.kind not in _HEADING_KINDS), group[0].block)
    if c <= ctx.budget.max_size:
        yield Span(s, e, count=c, context=_breadcrumb(first, p), section=first.section)
        return
    # token counts are not additive: re-pack this group exactly
    pieces = [(u.start, u.end, -1) for u in group]
    for a, b, cnt in merge(text, pieces, ctx.sizer, ctx.budget.max_size):
        yield Span(a, b, count=cnt, context=_breadcrumb(first, p), section=first.section)


def _split_unit(text: str, u: _Unit, ctx: SegmentContext, p: StructureParams, start: int):
    """A unit over budget: tables by rows (header in context), code by lines, prose recursively."""
    limit = ctx.budget.max_size
    b = u.block
    crumb = _breadcrumb(b, p)
    if b.kind == "table" and b.meta.get("row_spans"):
        rows = [(int(a), int(z)) for a, z in b.meta["row_spans"] if b.start <= a < z <= b.end]
        if rows:
            header = text[rows[0][0] : rows[0][1]]
            bounds = [start] + [a for a, _ in rows[1:]] + [u.end]
            pieces = [(x, y, -1) for x, y in zip(bounds, bounds[1:]) if x < y]
            oversized = [pc for pc in pieces if ctx.sizer.count(text[pc[0] : pc[1]].strip()) > limit]
            if not oversized:
                for i, (s, e, c) in enumerate(merge(text, pieces, ctx.sizer, limit)):
                    ctx_text = crumb if s <= rows[0][0] else "\n".join(x for x in (crumb, header) if x)
                    yield Span(s, e, count=c, context=ctx_text, section=b.section, meta={"table_part": i + 1})
                return
    seps = _LINE if b.kind in ("code", "table") else PROSE_SEPARATORS
    pieces = split_recursive(text, u.start, u.end, ctx.sizer, limit, seps)
    if start < u.start and pieces:
        pieces = _with_headings(text, start, pieces, ctx, seps) + pieces[1:]
    for s, e, c in pieces:
        yield Span(s, e, count=c, context=crumb, section=b.section)


def _with_headings(text: str, start: int, pieces: list, ctx: SegmentContext, seps) -> list:
    """The headings in ``[start, pieces[0][0])`` joined to the first piece of
    the unit they open: the whole first piece when it fits, else as much of it
    as fits (the rest re-split); alone only when not even a word fits."""
    limit = ctx.budget.max_size
    a, z, _c = pieces[0]
    joined = ctx.sizer.count(text[start:z])
    if joined <= limit:
        return [(start, z, joined)]
    heads = ctx.sizer.count(text[start:a].rstrip())
    room = limit - heads - 2  # the blank line between, and BPE merges at the seam
    while room > 0:
        first = split_recursive(text, a, z, ctx.sizer, room, seps)
        e0 = first[0][1]
        c0 = ctx.sizer.count(text[start:e0])
        if c0 <= limit:
            rest = split_recursive(text, first[1][0], z, ctx.sizer, limit, seps) if len(first) > 1 else []
            return [(start, e0, c0)] + rest
        room -= max(1, c0 - limit)
    s0, e0 = trim(text, start, a)
    return [(s0, e0, ctx.sizer.count(text[s0:e0]))] + [pieces[0]] if s0 < e0 else [pieces[0]]
