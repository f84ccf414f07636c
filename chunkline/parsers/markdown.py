"""Markdown via pulldown-cmark (``pyromark``: CommonMark + tables + YAML front matter).

The document text is the decoded file; each block is the whole source lines
its parser event spans (the events carry UTF-8 byte ranges), so a block's
text is exactly its source lines, markup included (``## Title``), trimmed of
surrounding whitespace.  Section paths use the heading titles (their inline
source).  pulldown-cmark is compiled and iterative: it parses at ~25 MB/s
where markdown-it-py managed ~2, and deep nesting or delimiter runs cost it
linear time.
"""

from __future__ import annotations

import bisect
import re

from ..core.records import Block, ParsedDocument
from ..core.spans import trim
from .base import ParseContext, line_starts
from .text import line_view

#: An HTML block that is only comments (``<!-- YAML added: v1.0 -->``): invisible metadata, not prose.
_COMMENTS_ONLY = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.S)


#: An HTML block that is one table (``<table>`` ... ``</table>``, no nested table).
_HTML_TABLE = re.compile(r"\s*<table\b(?:(?!<table\b).)*</table>\s*", re.S | re.I)
_HTML_ROW = re.compile(r"<tr\b.*?(?:</tr\s*>|(?=<tr\b)|(?=</t(?:able|body|head|foot)\b))", re.S | re.I)
_HTML_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)(?=<t[dh]\b|</tr\b|$)", re.S | re.I)
_HTML_TAG = re.compile(r"<[^>]*>|</t[dh]\s*>", re.S)


def _events(view: str):
    """pulldown-cmark's events with their UTF-8 byte ranges."""
    import pyromark

    opts = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS
    return pyromark.events_with_range(view, options=opts)


def parse_markdown(data: bytes, ctx: ParseContext) -> ParsedDocument:
    text = ctx.decode(data)
    return ParsedDocument(ctx.document("markdown", data, text), tuple(_blocks(text)))


def _char_offsets(text: str):
    """UTF-8 byte offset -> ``str`` index, for the parser's byte ranges."""
    if text.isascii():
        return None
    data = text.encode("utf-8", "surrogatepass")
    ends, extra, total = [0], [0], 0
    for m in _MULTIBYTE.finditer(data):
        total += m.end() - m.start() - 1
        ends.append(m.end())
        extra.append(total)
    return ends, extra


_MULTIBYTE = re.compile(rb"[\xc0-\xff][\x80-\xbf]+")


def _blocks(text: str) -> list[Block]:
    """Blocks from one pass over the parser's events.

    A block is the whole source lines its event range touches, trimmed (the
    same spans a line-map parser gives): markup stays in the block's text.
    Containers: a quote is one block; a list item is its own text up to its
    first nested list, and content after that nested list is emitted on its
    own.  The walk keeps a stack of open items instead of looking ahead, so
    deeply nested lists cost linear time.
    """
    view = line_view(text)  # a lone CR is a line end for the parser and for the line spans
    starts = line_starts(view)
    n_lines = len(starts)
    n_text = len(text)
    conv = _char_offsets(text)

    def char(b: int) -> int:
        if conv is None:
            return b
        ends, extra = conv
        return b - extra[bisect.bisect_right(ends, b) - 1]

    def lines(r) -> tuple[int, int]:
        """The whole source lines of the byte range ``r``, as character offsets."""
        a, b = char(r["start"]), char(r["end"])
        i = bisect.bisect_right(starts, a) - 1
        j = bisect.bisect_right(starts, max(a, b - 1))
        return starts[i], (starts[j] if j < n_lines else n_text)

    def lines_of(s: int, e: int) -> tuple[int, int]:
        return (bisect.bisect_right(starts, s), bisect.bisect_right(starts, max(s, e - 1)))

    out: list[Block] = []
    section: list[tuple[int, str]] = []  # (level, title)
    list_depth = 0
    quote_depth = 0
    # per open list item: [end of its own text, (start, end, level) while its
    # own text is not yet emitted].  Blocks starting before that end are part
    # of the item; a nested list ends the item's own text where it begins.
    items: list[list] = []
    heading: list | None = None  # [start, end, level, first inline byte, last inline byte, in a list]
    table: list | None = None  # [start, end, rows, row_spans, cells]
    cell_start = 0

    def covered(s: int) -> bool:
        return bool(quote_depth) or bool(items and s < items[-1][0])

    def emit(kind: str, s: int, e: int, **kw) -> None:
        """A block of ``text[s:e]`` trimmed, with its section and lines (none when blank)."""
        s, e = trim(text, s, e)
        if e > s:
            out.append(Block(kind=kind, start=s, end=e, text=text[s:e], section=tuple(x[1] for x in section), lines=lines_of(s, e), **kw))

    for ev, r in _events(view):
        if type(ev) is not dict:
            continue  # SoftBreak, HardBreak, Rule
        if table is not None:  # inside a table only its parts and inline events come
            if "Start" in ev:
                what = ev["Start"]
                if what == "TableCell":
                    cell_start = r["start"]
                elif what in ("TableHead", "TableRow"):
                    table[4] = []
                    table[3].append(list(lines(r)))
            elif "End" in ev:
                what = ev["End"]
                if what == "TableCell":
                    table[4].append(text[char(cell_start) : char(r["end"])].strip().replace("\\|", "|"))
                elif what in ("TableHead", "TableRow"):
                    table[2].append(table[4])
                elif what == "Table":
                    emit("table", table[0], table[1], meta=_table_meta(text, table))
                    table = None
            continue
        if heading is not None:  # inside a heading only inline events come
            end = ev.get("End")
            if type(end) is dict and "Heading" in end:
                s, e, level, a, b, in_list = heading
                heading = None
                if in_list:  # a heading inside a list item does not open a document section
                    emit("paragraph", s, e)
                    continue
                # the title is the source of its inline content, markup included
                title = text[char(a) : char(b)].strip() if a is not None else ""
                while section and section[-1][0] >= level:
                    section.pop()
                section.append((level, title))
                emit("heading", s, e, level=level)
            else:
                if heading[3] is None:
                    heading[3] = r["start"]
                heading[4] = max(heading[4] or 0, r["end"])
            continue
        if "Start" in ev:
            what = ev["Start"]
            if type(what) is dict:
                (name, arg), = what.items()
            else:
                name, arg = what, None
            if name == "Paragraph":
                s, e = lines(r)
                if not covered(s):
                    emit("paragraph", s, e)
            elif name == "Item":
                s, e = lines(r)
                if covered(s):
                    items.append([items[-1][0] if items else -1, None])
                else:
                    items.append([e, (s, e, list_depth)])
            elif name == "List":
                list_depth += 1
                if items and items[-1][1] is not None:
                    # the item's own text ends where its first nested list begins
                    s, e, level = items[-1][1]
                    e = min(e, lines(r)[0])
                    emit("list_item", s, e, level=level)
                    items[-1] = [e, None]
            elif name == "Heading":
                s, e = lines(r)
                if not covered(s):
                    heading = [s, e, int(arg["level"][1]), None, None, bool(list_depth)]
            elif name == "BlockQuote":
                s, e = lines(r)
                if not covered(s):
                    emit("quote", s, e)
                quote_depth += 1
            elif name == "CodeBlock":
                s, e = lines(r)
                if not covered(s):
                    info = arg["Fenced"].strip() if type(arg) is dict else ""
                    emit("code", s, e, meta={"info": info} if info else {})
            elif name == "HtmlBlock":
                s, e = lines(r)
                if not covered(s):
                    content = text[s:e]
                    if _COMMENTS_ONLY.fullmatch(content):
                        emit("comment", s, e)
                    elif _HTML_TABLE.fullmatch(content) and (meta := _html_table_meta(text, s, e)) is not None:
                        emit("table", s, e, meta=meta)
                    else:
                        emit("other", s, e)
            elif name == "Table":
                s, e = lines(r)
                if not covered(s):
                    table = [s, e, [], [], []]
            elif name == "MetadataBlock":
                s, e = lines(r)
                if not covered(s):
                    emit("front_matter", s, e)
        elif "End" in ev:
            what = ev["End"]
            name = next(iter(what)) if type(what) is dict else what
            if name == "Item":
                own = items.pop()
                if own[1] is not None:
                    s, e, level = own[1]
                    emit("list_item", s, e, level=level)
            elif name == "List":
                list_depth -= 1
            elif name == "BlockQuote":
                quote_depth -= 1
    return out


def _table_meta(text: str, table: list) -> dict:
    """The rows and row spans of a table: [start, end, rows, row_spans, cells]."""
    e = table[1]
    rows = table[2]
    row_spans = [list(trim(text, a, b)) for a, b in table[3]]
    # the delimiter row (|---|) is no row: include it with the header
    # (whatever the line ends: the header row runs up to the next row)
    if row_spans:
        first = row_spans[0]
        first[1] = trim(text, first[0], row_spans[1][0] if len(row_spans) >= 2 else e)[1]
    return {"rows": rows, "row_spans": row_spans}


def _html_table_meta(text: str, s: int, e: int) -> dict | None:
    """The rows and row spans of an HTML table written in markdown, or None (no rows)."""
    import html

    rows, row_spans = [], []
    for m in _HTML_ROW.finditer(text, s, e):
        cells = [" ".join(html.unescape(_HTML_TAG.sub(" ", c.group(1))).split()) for c in _HTML_CELL.finditer(m.group(0))]
        if cells:
            rows.append(cells)
            row_spans.append([m.start(), m.end()])
    if not rows:
        return None
    return {"rows": rows, "row_spans": row_spans}
