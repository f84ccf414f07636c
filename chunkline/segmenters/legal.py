"""``legal``: whole sentences packed within a section, section path as context.

Built for the ``legal`` parser's blocks (headings, list markers, sentences,
each with a section path), and usable on any document:

* Sentences (and the headings and markers between them) are packed greedily
  up to the budget, never across a change of the section path's first
  ``section_level`` entries: with the default 2, a chunk never straddles two
  ``Section`` s of an ``ARTICLE`` (or two ``I.`` parts of an opinion), while
  the clauses ``(a)``, ``(b)`` of one section may share a chunk.
  ``section_level=0`` packs across sections (only regions split).
* A sentence over the budget is split at clause boundaries before words:
  ``;``, ``:``, ``, and`` / ``, or`` / ``, provided``..., before an inline
  enumeration ``(ii)``, at commas, then at whitespace, then at token
  boundaries (never over budget).
* A heading, a clause number, a footnote's marker opening its note and a
  sentence whose colon introduces a list never end a chunk when they fit
  with what they introduce.
* The chunk's section path travels in ``context`` (``"ARTICLE IV > Section
  4.2 > (b)"``), never in the chunk text.
* Documents without ``sentence`` blocks (plain text, markdown...) use
  chunkline's rule-based sentence splitter (``packing.sentence_spans``) per
  paragraph, with the section paths of whatever blocks the parser emitted.

Pieces tile each content region, so every non-space character is in a chunk.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator

from ..core.records import Block, ParsedDocument
from .blocks import opens_what_follows
from .packing import PROSE_SEPARATORS, merge, sentence_spans, split_recursive, trim
from .base import SegmentContext, Span

#: How an over-budget sentence is cut, coarse to fine (each regex matches the
#: separator; a piece ends right after it).
CLAUSE_SEPARATORS: tuple[re.Pattern[str], ...] = (
    re.compile(r";\s+"),
    re.compile(r":\s+"),
    re.compile(r",\s+(?=(?:and|or|but|nor|provided|except|including|unless|whereas)\b)"),
    re.compile(r"\s+(?=\((?:[a-z]{1,2}|[ivxl]{1,5}|\d{1,3}|[A-Z])\)\s)"),
    re.compile(r",\s+"),
    re.compile(r"\s+"),
)

_PARAGRAPH = PROSE_SEPARATORS[1]


@dataclass(frozen=True)
class LegalParams:
    """section_level: chunks never cross a change in the first N entries of the
    section path (0: ignore sections).  context: put the section path in each
    chunk's context."""

    section_level: int = 2
    context: bool = True

    def __post_init__(self) -> None:
        if self.section_level < 0:
            raise ValueError("section_level must be 0 or more")


def legal(parsed: ParsedDocument, ctx: SegmentContext) -> Iterator[Span]:
    p: LegalParams = ctx.params or LegalParams()
    text = parsed.document.text
    blocks = sorted(ctx.blocks(parsed), key=lambda b: (b.start, -b.end))
    starts = [b.start for b in blocks]
    has_sentences = any(b.kind == "sentence" for b in blocks)
    budget = ctx.budget
    sizer = ctx.sizer

    def section_at(pos: int) -> tuple[str, ...]:
        i = bisect.bisect_right(starts, pos) - 1
        return tuple(blocks[i].section) if i >= 0 else ()

    #: blocks that open what follows: headings and clause numbers ("1.", "(b)"),
    #: a footnote's marker opening its note, a colon sentence introducing a list
    openers = {b.start for i, b in enumerate(blocks) if opens_what_follows(b) or _leads_in(text, blocks, i)}

    def chunk_section(s: int, e: int) -> tuple[str, ...]:
        """The section path true of the whole chunk: the common prefix of its
        content's paths (headings and clause numbers lead to their content)."""
        common: tuple[str, ...] | None = None
        for i in range(max(bisect.bisect_right(starts, s) - 1, 0), bisect.bisect_left(starts, e)):
            blk = blocks[i]
            if blk.start in openers and i + 1 < len(blocks) and blocks[i + 1].start < e:
                continue
            sec = tuple(blk.section)
            if common is None:
                common = sec
            else:
                n = 0
                while n < min(len(common), len(sec)) and common[n] == sec[n]:
                    n += 1
                common = common[:n]
        return section_at(s) if common is None else common

    def spans(triples: list[tuple[int, int, int]]) -> Iterator[Span]:
        for s, e, c in triples:
            sec = chunk_section(s, e)
            context = " > ".join(sec) if (p.context and sec) else None
            yield Span(s, e, count=c, context=context, section=sec)

    def flush(group: list[tuple[int, int, int]]) -> Iterator[Span]:
        yield from spans(merge(text, group, sizer, budget.max_size, budget.overlap, budget.min_size))

    for rs, re_ in ctx.regions(parsed):
        cuts = _cuts(text, rs, re_, blocks, starts, has_sentences)
        bounds = [rs, *cuts, re_]
        group: list[tuple[int, int, int]] = []
        pending = False  # group[-1] ends with a heading or clause number: it goes with what follows
        key: tuple[str, ...] | None = None
        for a, b in zip(bounds, bounds[1:]):
            ts, te = trim(text, a, b)
            if ts >= te:
                continue
            k = section_at(ts)[: p.section_level] if p.section_level else ()
            carried: list[tuple[int, int, int]] = []
            if k != key:
                # headings that open the new section ("THE ISSUES" before "1.  ...") go with it
                if pending and _prefix(section_at(group[-1][0]), section_at(ts)):
                    carried = [group.pop()]
                yield from flush(group)
                group, key, pending = carried, k, bool(carried)
            opener = ts in openers
            c = sizer.count(text[ts:te])
            if pending and group:
                # never end a chunk on a heading: glue it to the piece it opens when both fit
                hs = group[-1][0]
                cc = sizer.count(text[hs:te]) if c <= budget.max_size else budget.max_size + 1
                if cc <= budget.max_size:
                    group[-1] = (hs, te, cc)
                    pending = opener
                    continue
            if c <= budget.max_size:
                group.append((ts, te, c))
                pending = opener
                continue
            # an over-long sentence is cut at clauses; a heading right above it
            # opens its first piece when the two fit
            head = group.pop() if pending and group else None
            yield from flush(group)
            group, pending = [], False
            pieces = split_recursive(text, ts, te, sizer, budget.max_size, CLAUSE_SEPARATORS)
            if head is not None and pieces:
                cc = sizer.count(text[head[0] : pieces[0][1]])
                if cc <= budget.max_size:
                    pieces[0] = (head[0], pieces[0][1], cc)
                else:
                    yield from spans([head])
            elif head is not None:
                yield from spans([head])
            yield from spans(pieces)
        yield from flush(group)


#: an item of a list opening a block: "1.", "(a)", "iv)", '"(b)'
_LIST_ITEM = re.compile(r"[\"\u201c]?\(?(?:\d{1,3}|[a-zA-Z]{1,2}|[ivxlcIVXLC]{1,6})[.)](?:\s|$)")


def _leads_in(text: str, blocks: list[Block], i: int) -> bool:
    """Does block ``i`` belong with the block after it, as a heading does?

    * A footnote marker that opens a line and is followed on that line by
      text ("[12] See ...", "3 The parties ..."): the note's number; apart
      from the note it means nothing.  A marker inside running text (a call
      after a sentence) is not at a line start.
    * A sentence ending in ":" right before a list item ("REMANDED for the
      following action:" / "1."): it introduces the list."""
    if i + 1 >= len(blocks):
        return False
    b, nxt = blocks[i], blocks[i + 1]
    if b.kind == "other" and "footnote_marker" in (b.meta or {}):
        line_start = text.rfind("\n", 0, b.start) + 1
        return not text[line_start : b.start].strip() and "\n" not in text[b.end : nxt.start]
    if b.kind == "sentence" and b.text.endswith(":"):
        return nxt.kind == "list_item" or _LIST_ITEM.match(nxt.text) is not None
    return False


def _prefix(head: tuple[str, ...], sec: tuple[str, ...]) -> bool:
    """Is ``sec`` inside ``head``?  A piece outside every section (a colon
    sentence before a document's first numbered item) leads into any."""
    return sec[: len(head)] == head


def _cuts(text: str, rs: int, re_: int, blocks: list[Block], starts: list[int], has_sentences: bool) -> list[int]:
    """Sorted offsets inside ``(rs, re_)`` where a sentence (or heading) starts."""
    if has_sentences:
        lo = bisect.bisect_right(starts, rs)
        hi = bisect.bisect_left(starts, re_)
        return sorted({s for s in starts[lo:hi]})
    out: set[int] = set()
    pos = rs
    paragraphs = [m.end() for m in _PARAGRAPH.finditer(text, rs, re_)] + [re_]
    for end in paragraphs:
        for s, _ in sentence_spans(text, pos, end):
            if rs < s < re_:
                out.add(s)
        if rs < end < re_:
            out.add(end)
        pos = end
    # headings and other blocks also start pieces, so section changes are seen
    lo = bisect.bisect_right(starts, rs)
    hi = bisect.bisect_left(starts, re_)
    out.update(starts[lo:hi])
    return sorted(out)
