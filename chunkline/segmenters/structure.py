"""``structure``: heading-aware chunks that follow the block stream.

* Never crosses a heading of level <= ``split_level`` (hard boundary).
* Deeper sections are soft boundaries: a subsection starts a new chunk when
  it would not fit in what is left of the current one but fits in a fresh
  one, so small sibling sections merge and whole subsections stay together.
* A heading is never left at the end of a chunk, away from its content.
  Blocks with no prose of their own right after a heading (comments such as
  Node's ``<!-- YAML added: ... -->``, empty blocks) travel with it, and a
  section with no content at all (``# Title`` right before ``## Intro``)
  opens the next section's first chunk rather than standing alone.
* Tables and code blocks are kept whole when they fit (tables in chunks of
  their own with ``tables_alone``); otherwise tables split between rows,
  with the header row repeated in ``context``, and code between lines.
* Every chunk's ``context`` carries its heading path (``A > B > C``).
* With ``--overlap``, a chunk that continues a section (it does not open
  with a heading) repeats the tail of the previous chunk of that section:
  whole sentences of prose, whole lines of code, whole rows of the table it
  continues (its header row is in ``context``), never a heading, up to
  ``overlap`` units and only as much as fits beside the chunk's own content.

Units tile each content region (text between blocks goes with the block
before it), so no non-space text is lost.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..core.records import Block, ParsedDocument
from .blocks import attach_quiet
from .blocks import is_quiet as _quiet
from .packing import PROSE_SEPARATORS, merge, sentence_cuts, split_recursive, trim
from .base import SegmentContext, Span

_HEADING_KINDS = frozenset({"heading", "title"})
_NO_LEVEL = 99  # above every heading level: content is opened by any heading
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
    #: a heading unit carrying quiet blocks: where the first of them starts
    body: int | None = None
    body_block: Block | None = None

    @property
    def heading_level(self) -> int | None:
        return (self.block.level or 1) if self.block.kind in _HEADING_KINDS else None


def _outermost(blocks: list[Block], rs: int, re_: int) -> list[Block]:
    """Blocks starting inside a region, in text order; of nested blocks (code
    definitions inside classes) only the outermost."""
    flat: list[Block] = []
    for b in sorted((b for b in blocks if rs <= b.start < re_), key=lambda b: (b.start, -b.end)):
        if flat and b.start < flat[-1].end:
            continue
        flat.append(b)
    return flat


def _units(text: str, flat: list[Block], rs: int, re_: int) -> list[_Unit]:
    """Blocks inside a region, extended to tile it (gaps join the block before)."""
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


def _with_quiet(text: str, units: list[_Unit], ctx: SegmentContext) -> list[_Unit]:
    """``attach_quiet`` for structure's units: an anchor before a heading
    joins it only when both fit in the budget."""

    def absorb(h: _Unit, u: _Unit) -> _Unit:
        return _Unit(h.start, u.end, h.block, body=h.body if h.body is not None else u.start, body_block=h.body_block or u.block)

    def lead(first: _Unit, u: _Unit) -> _Unit | None:
        led = _Unit(first.start, u.end, u.block)
        return led if _measure(text, led, ctx) <= ctx.budget.max_size else None

    return attach_quiet(units, lambda u: u.heading_level is not None, lambda u: _quiet(u.block), absorb, lead)


def structure(parsed: ParsedDocument, ctx: SegmentContext):
    p: StructureParams = ctx.params or StructureParams()
    text = parsed.document.text
    blocks = ctx.blocks(parsed)
    for rs, re_ in ctx.regions(parsed):
        flat = _outermost(blocks, rs, re_)
        units = _with_quiet(text, _units(text, flat, rs, re_), ctx)
        overlap = _Overlap(text, flat, ctx, p) if ctx.budget.overlap else None

        def pack(section, overlap=overlap):
            packed = _pack_section(text, section, ctx, p)
            return overlap.apply(packed) if overlap is not None else packed

        # hard sections; one with nothing but headings opens the next
        section: list[_Unit] = []
        for u in units:
            lvl = u.heading_level
            if lvl is not None and p.split_level and lvl <= p.split_level and section:
                if any(v.heading_level is None for v in section):
                    yield from pack(section)
                    section = []
            section.append(u)
        if section:
            yield from pack(section)


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
    # with --overlap, a chunk that continues the section is packed leaving
    # room for what it repeats of the one before (``_Overlap`` fills it)
    reserve = _reserve(ctx)
    emitted = False

    def room_for(first: int | None) -> int:
        """The budget of a group opened by unit ``first``."""
        return limit - reserve if emitted and first is not None and units[first].heading_level is None else limit

    # headings (with their quiet blocks) that open the next unit may take up
    # to a whole chunk (they then open as much of it as fits, down to a word)
    heads_room = limit

    def pop_heads(room: int, opens: _Unit) -> list[int]:
        """Take the headings at the end of the group that open ``opens``: the
        last heading and its ancestors, as many as fit in ``room``, and empty
        sections before them (``## f(a)`` right before ``## f(a, b)``) while
        they take at most half of it, so a run of them leaves room for content."""
        nonlocal group_total
        heads: list[int] = []
        size = empty = 0
        below = _NO_LEVEL if opens.heading_level is None else opens.heading_level
        while group and (lvl := units[group[-1]].heading_level) is not None:
            k = group[-1]
            opener = lvl < below
            if size + counts[k] + 1 > room or (not opener and empty + counts[k] + 1 > room // 2):
                break
            group.pop()
            heads.insert(0, k)
            size += counts[k] + 1
            empty += 0 if opener else counts[k] + 1
            group_total -= counts[k]
            below = min(below, lvl)
        return heads

    def emit(ks: list[int]):
        nonlocal emitted
        if ks:
            yield from _emit_group(text, [units[k] for k in ks], ctx, p)
            emitted = True

    def captions(i: int) -> bool:
        """Unit ``i`` is a table right after its caption, which is the last unit of the group."""
        return units[i].block.kind == "table" and i > 0 and bool(group) and group[-1] == i - 1 and units[i - 1].block.kind == "caption"

    for i, u in enumerate(units):
        c = counts[i]
        is_table = u.block.kind == "table"
        if captions(i) and len(group) > 1 and counts[i - 1] + c <= limit and (p.tables_alone or group_total + c > room_for(group[0])):
            # a table's caption ("Table 1: ...") opens the table's chunk, not the end of the prose before it
            group.pop()
            group_total -= counts[i - 1]
            yield from emit(group)
            group, group_total = [i - 1], counts[i - 1]
        if group and c <= limit:
            only_heads = all(units[k].heading_level is not None for k in group)
            start_new = False
            if group_total + c > room_for(group[0]):
                start_new = True
            elif only_heads or (group == [i - 1] and captions(i)):
                pass  # headings stay with what they open; so does a table's caption
            elif u.heading_level is not None and subsection[i] <= limit and group_total + subsection[i] > limit:
                start_new = True  # keep the whole subsection together in the next chunk
            elif p.tables_alone and (is_table or units[group[-1]].block.kind == "table"):
                start_new = True
            if start_new:
                # never end a chunk on a heading: trailing headings open the next
                # one (leaving room for a bare heading that fits: it is not split)
                bare_heading = u.heading_level is not None and u.body is None
                heads = pop_heads(heads_room - c - 1 if bare_heading else heads_room, u)
                yield from emit(group)
                group = heads
                group_total = sum(counts[k] for k in heads)
        if c > limit or (group and group_total + c > limit):
            # this unit does not fit in a chunk (or not after the headings that
            # open it): those headings open its first piece, never standing alone
            heads = pop_heads(heads_room, u)
            if not heads and captions(i) and counts[i - 1] <= limit // 4:
                # a short caption opens the table's first piece (as headings do)
                heads = [group.pop()]
            yield from emit(group)
            head_start = units[heads[0]].start if heads else u.start
            group, group_total = [], 0
            if u.body is not None and u.body_block is not None:
                # a heading with its comments over budget: the heading opens their first piece
                u = _Unit(u.body, u.end, u.body_block)
            yield from _split_unit(text, u, ctx, p, head_start, cont=emitted)
            emitted = True
            continue
        group.append(i)
        group_total += c
    # the section ends: trailing headings (empty subsections) stay with what precedes them
    yield from emit(group)


def _emit_group(text: str, group: list[_Unit], ctx: SegmentContext, p: StructureParams):
    s, e = trim(text, group[0].start, group[-1].end)
    if s >= e:
        return
    c = ctx.sizer.count(text[s:e])
    if c <= ctx.budget.max_size:
        first = _first_content(group)
        yield Span(s, e, count=c, context=_breadcrumb(first, p), section=first.section)
        return
    # token counts are not additive (the blank lines between units count too):
    # re-pack this group exactly, still never ending a piece on a heading
    yield from _repack(text, group, ctx, p)


def _first_content(group: list[_Unit]) -> Block:
    return next((u.block for u in group if u.block.kind not in _HEADING_KINDS), group[0].block)


def _repack(text: str, group: list[_Unit], ctx: SegmentContext, p: StructureParams):
    """Pieces of a group whose units fit one by one (their counts sum to at
    most the budget) but not together: the longest run that fits, backed off
    past trailing headings when content follows them in the group."""
    limit = ctx.budget.max_size
    count = ctx.sizer.count
    n = len(group)

    def fit(i: int, j: int) -> tuple[int, int, int, int]:
        """The longest run ``group[i:j']`` (j' <= j) that fits, with its trimmed span and count."""
        while True:
            s, e = trim(text, group[i].start, group[j - 1].end)
            c = count(text[s:e]) if s < e else 0
            if c <= limit or j == i + 1:
                return j, s, e, c
            j -= 1

    content_after = [False] * (n + 1)  # content_after[j]: a non-heading unit in group[j:]
    for k in range(n - 1, -1, -1):
        content_after[k] = content_after[k + 1] or group[k].heading_level is None
    i = 0
    while i < n:
        j, s, e, c = fit(i, n)
        if j < n and all(u.heading_level is not None for u in group[i:j]):
            # only headings fit: they open the first piece of the unit after them
            u = group[j]
            if u.body is not None and u.body_block is not None:
                u = _Unit(u.body, u.end, u.body_block)
            yield from _split_unit(text, u, ctx, p, group[i].start)
            i = j + 1
            continue
        if j < n and content_after[j]:
            # back off past the headings that open group[j] (it and its ancestors)
            k = j
            hl = group[j].heading_level
            below = _NO_LEVEL if hl is None else hl
            while k > i + 1 and (lvl := group[k - 1].heading_level) is not None and lvl < below:
                k -= 1
                below = lvl
            lvl = group[k - 1].heading_level
            if k < j and (lvl is None or lvl >= below):  # something that is not opening group[j] remains
                j, s, e, c = fit(i, k)
        if s < e:
            first = _first_content(group[i:j])
            crumb = _breadcrumb(first, p)
            if c <= limit:
                yield Span(s, e, count=c, context=crumb, section=first.section)
            else:  # one unit whose trimmed form grew past the budget
                for a, z, cz in split_recursive(text, s, e, ctx.sizer, limit, PROSE_SEPARATORS):
                    yield Span(a, z, count=cz, context=crumb, section=first.section)
        i = j


def _reserve(ctx: SegmentContext) -> int:
    """Room a chunk continuing a section keeps for ``--overlap``: the overlap,
    at most half the budget, leaving at least a character's worth of units."""
    b = ctx.budget
    floor = 1 if b.tokenizer in ("chars", "nws", "words") else 4
    return max(0, min(b.overlap, b.max_size // 2, b.max_size - floor))


def _split(text: str, a: int, z: int, ctx: SegmentContext, seps, reserve: int, first_full: bool) -> list:
    """``split_recursive`` where every piece but the first (all of them unless
    ``first_full``) leaves ``reserve`` units for the overlap."""
    limit = ctx.budget.max_size
    if not reserve:
        return split_recursive(text, a, z, ctx.sizer, limit, seps)
    if not first_full:
        return split_recursive(text, a, z, ctx.sizer, limit - reserve, seps)
    pieces = split_recursive(text, a, z, ctx.sizer, limit, seps)
    if len(pieces) > 1:
        pieces = pieces[:1] + split_recursive(text, pieces[1][0], z, ctx.sizer, limit - reserve, seps)
    return pieces


def _split_unit(text: str, u: _Unit, ctx: SegmentContext, p: StructureParams, start: int, cont: bool = False):
    """A unit over budget: tables by rows (header in context), code by lines, prose recursively.
    With ``--overlap``, pieces that continue the section leave room for it:
    all but the first, and the first too when the unit continues a section
    that has chunks already (``cont``) and no heading opens it."""
    limit = ctx.budget.max_size
    reserve = _reserve(ctx)
    b = u.block
    crumb = _breadcrumb(b, p)
    opened = start < u.start  # headings open the first piece: it repeats nothing
    cont = cont and not opened
    start = trim(text, start, u.end)[0] if opened else start  # chunks never open on blank space
    if b.kind == "table" and b.meta.get("row_spans"):
        rows = [(int(a), int(z)) for a, z in b.meta["row_spans"] if b.start <= a < z <= b.end]
        if rows:
            header = text[rows[0][0] : rows[0][1]]
            bounds = [start] + [a for a, _ in rows[1:]] + [u.end]
            pieces = [(x, y, -1) for x, y in zip(bounds, bounds[1:]) if x < y]
            sizes = [ctx.sizer.count(text[pc[0] : pc[1]].strip()) for pc in pieces]
            if max(sizes) <= limit:
                parts = merge(text, pieces, ctx.sizer, limit)
                if reserve and max(sizes) <= limit - reserve:  # rows are never cut to make room
                    if cont:
                        parts = merge(text, pieces, ctx.sizer, limit - reserve)
                    elif len(parts) > 1:
                        k = next(i for i, pc in enumerate(pieces) if pc[0] >= parts[0][1])
                        parts = parts[:1] + merge(text, pieces[k:], ctx.sizer, limit - reserve)
                for i, (s, e, c) in enumerate(parts):
                    ctx_text = crumb if s <= rows[0][0] else "\n".join(x for x in (crumb, header) if x)
                    yield Span(s, e, count=c, context=ctx_text, section=b.section, meta={"table_part": i + 1})
                return
    seps = _LINE if b.kind in ("code", "table") else PROSE_SEPARATORS
    pieces = _split(text, u.start, u.end, ctx, seps, reserve, first_full=not cont)
    if opened and pieces:
        pieces = _with_headings(text, start, pieces, ctx, seps, reserve) + pieces[1:]
    for s, e, c in pieces:
        yield Span(s, e, count=c, context=crumb, section=b.section)


def _with_headings(text: str, start: int, pieces: list, ctx: SegmentContext, seps, reserve: int = 0) -> list:
    """The headings in ``[start, pieces[0][0])`` joined to the first piece of
    the unit they open: the whole first piece when it fits, else as much of it
    as fits (the rest re-split); alone only when not even a word fits."""
    limit = ctx.budget.max_size
    a, z, _c = pieces[0]
    joined = ctx.sizer.count(text[start:z])
    if joined <= limit:
        return [(start, z, joined)]
    heads = ctx.sizer.count(text[start:a].rstrip())
    # the blank line between, and BPE merges at the seam; at least one try
    room = max(1, limit - heads - 2) if heads < limit else 0
    while room > 0:
        first = split_recursive(text, a, z, ctx.sizer, room, seps)
        e0 = first[0][1]
        c0 = ctx.sizer.count(text[start:e0])
        if c0 <= limit:
            rest = split_recursive(text, first[1][0], z, ctx.sizer, limit - reserve, seps) if len(first) > 1 else []
            return [(start, e0, c0)] + rest
        room -= max(1, c0 - limit)
    return split_recursive(text, start, a, ctx.sizer, limit, PROSE_SEPARATORS) + [pieces[0]]


#: Blocks repeated only whole (a parser's sentence is one already).
_WHOLE_KINDS = frozenset({"sentence", "formula", "caption", "footnote"})
_NEWLINE = re.compile(r"\n")


def _has_letter(text: str, a: int, z: int) -> bool:
    return any(ch.isalpha() for ch in text[a:z])


class _Overlap:
    """``--overlap`` for ``structure``: each chunk of a hard section that does
    not open with a heading starts earlier, inside the previous chunk, by
    whole pieces of the blocks of its own section (sentences of prose, lines
    of the code block or rows of the table it continues, other code blocks
    and tables only whole) — never past a heading, never
    repeating one, never mixing a table with prose when ``tables_alone``.
    The repeated text measures at most ``overlap``, the whole chunk at most
    the budget: the overlap shrinks, the chunk's own content never does."""

    def __init__(self, text: str, flat: list[Block], ctx: SegmentContext, p: StructureParams) -> None:
        self.text, self.flat, self.ctx, self.p = text, flat, ctx, p
        self.starts = [b.start for b in flat]
        self.rows: dict[int, list[int]] = {}

    def _row_starts(self, b: Block) -> list[int]:
        """Starts of a table's rows after its header row (cached: a long table is split into many chunks)."""
        got = self.rows.get(b.start)
        if got is None:
            spans = b.meta.get("row_spans") or []
            got = self.rows[b.start] = sorted(int(r[0]) for r in spans[1:])
        return got

    def apply(self, spans):
        prev: Span | None = None
        for sp in spans:
            if prev is not None and prev.end <= sp.start:
                sp = self._extend(prev, sp)
            yield sp
            prev = sp

    def _anchor(self, sp: Span) -> Block | None:
        """The first block with prose of its own that the chunk covers."""
        flat = self.flat
        k = bisect_right(self.starts, sp.start) - 1
        a = k if k >= 0 and flat[k].end > sp.start else k + 1
        while a < len(flat) and flat[a].start < sp.end and _quiet(flat[a]):
            a += 1
        return flat[a] if a < len(flat) and flat[a].start < sp.end else None

    def _cuts(self, prev: Span, sp: Span, anchor: Block) -> list[int]:
        """Where the repeated part may start, nearest to the chunk first."""
        text, flat, p = self.text, self.flat, self.p
        is_table = anchor.kind == "table"
        cuts: list[int] = []
        j = bisect_left(self.starts, sp.start) - 1
        while j >= 0 and flat[j].end > prev.start:
            b = flat[j]
            if b.kind in _HEADING_KINDS or b.section != anchor.section or (p.tables_alone and (b.kind == "table") != is_table):
                break
            if not _quiet(b):
                hi = min(b.end, sp.start)
                if b.kind == "table":
                    if b is anchor:  # rows of the table the chunk continues (not its header)
                        rows = self._row_starts(b)
                        if rows:
                            here = rows[bisect_right(rows, prev.start) : bisect_left(rows, hi)]
                        else:
                            here = [m.end() for m in _NEWLINE.finditer(text, max(b.start, prev.start), hi)]
                    else:  # another table is repeated whole or not at all
                        here = [b.start]
                elif b.kind == "code" and b is not anchor:
                    here = [b.start]  # a fenced block is repeated whole: its tail would open a fence
                elif b.kind == "code" or b.language:
                    here = [b.start] + [m.end() for m in _NEWLINE.finditer(text, max(b.start, prev.start), hi)]
                elif b.kind in _WHOLE_KINDS:
                    here = [b.start]
                else:
                    here = [b.start] + sentence_cuts(text, max(b.start, prev.start), hi)
                    # a sentence has a word: not a page number after dot leaders ("Naming . . . 27")
                    here = [c for c, z in zip(here, here[1:] + [hi]) if _has_letter(text, c, z)]
                cuts.extend(c for c in reversed(here) if prev.start < c < hi)
            if b.start <= prev.start:
                break
            j -= 1
        return cuts

    def _extend(self, prev: Span, sp: Span) -> Span:
        anchor = self._anchor(sp)
        if anchor is None or anchor.kind in _HEADING_KINDS:
            return sp  # the chunk opens a (sub)section: nothing of the one before is repeated
        text = self.text
        budget = self.ctx.budget
        count = self.ctx.sizer.count
        own = sp.count if sp.count is not None else count(text[sp.start : sp.end])
        room = budget.max_size - own
        if room <= 0:
            return sp
        options: list[tuple[int, int]] = []  # (start, size of the repeated text), growing
        last = -1
        for c in self._cuts(prev, sp, anchor):
            ts = trim(text, c, sp.start)[0]
            if ts >= prev.end or ts <= prev.start or ts == last:
                continue
            last = ts
            size = count(text[ts : prev.end])
            if size > budget.overlap:
                break
            options.append((ts, size))
        # largest first; the seam between the two parts may add a token or two
        # (or merge some away), so each candidate is measured exactly, and a
        # miss by d units skips the candidates that cannot save d
        cap = room + 2
        for ts, size in reversed(options):
            if size > cap:
                continue
            total = count(text[ts : sp.end])
            if total <= budget.max_size:
                return Span(ts, sp.end, count=total, context=sp.context, section=sp.section, meta=sp.meta)
            cap = size - (total - budget.max_size)
        return sp
