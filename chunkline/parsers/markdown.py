"""Markdown via markdown-it-py (CommonMark + tables + front matter).

The document text is the decoded file; block offsets come from markdown-it's
source maps (line ranges), so a block's text is exactly its source lines,
markup included (``## Title``), trimmed of surrounding whitespace.  The
section path uses the clean heading titles.
"""

from __future__ import annotations

import bisect
import re

from ..core.records import Block, ParsedDocument
from ..core.spans import trim
from .base import ParseContext, line_starts
from .text import line_view

_CONTAINERS_LEAF = {
    "paragraph_open": "paragraph",
    "fence": "code",
    "code_block": "code",
    "html_block": "other",
    "front_matter": "front_matter",
}

#: An HTML block that is only comments (``<!-- YAML added: v1.0 -->``): invisible metadata, not prose.
_COMMENTS_ONLY = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.S)


#: An HTML block that is one table (``<table>`` ... ``</table>``, no nested table).
_HTML_TABLE = re.compile(r"\s*<table\b(?:(?!<table\b).)*</table>\s*", re.S | re.I)
_HTML_ROW = re.compile(r"<tr\b.*?(?:</tr\s*>|(?=<tr\b)|(?=</t(?:able|body|head|foot)\b))", re.S | re.I)
_HTML_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)(?=<t[dh]\b|</tr\b|$)", re.S | re.I)
_HTML_TAG = re.compile(r"<[^>]*>|</t[dh]\s*>", re.S)


def _md():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"maxNesting": 64}).enable("table")
    md.use(front_matter_plugin)
    return md


_PARSER = None


def parse_markdown(data: bytes, ctx: ParseContext) -> ParsedDocument:
    global _PARSER
    text = ctx.decode(data)
    if _PARSER is None:
        _PARSER = _md()
    # markdown-it reads a lone CR as a line end: find lines in a view that does too
    tokens = _PARSER.parse(line_view(text))
    return ParsedDocument(ctx.document("markdown", data, text), tuple(_blocks(text, tokens)))


def _blocks(text: str, tokens) -> list[Block]:
    starts = line_starts(line_view(text))
    n_lines = len(starts)

    def span(m) -> tuple[int, int]:
        a = starts[m[0]] if m[0] < n_lines else len(text)
        b = starts[m[1]] if m[1] < n_lines else len(text)
        return a, b

    def lines_of(s: int, e: int) -> tuple[int, int]:
        return (bisect.bisect_right(starts, s), bisect.bisect_right(starts, max(s, e - 1)))

    out: list[Block] = []
    section: list[tuple[int, str]] = []  # (level, title)
    list_depth = 0
    quote_depth = 0
    # end offset of each open list item's own text (up to its first nested
    # list): blocks starting before it are part of the item, not blocks of
    # their own; content after a nested list is emitted on its own
    items: list[int] = []
    i = 0
    n = len(tokens)

    def covered(t) -> bool:
        """Inside a quote (one block), or inside a list item's own text."""
        return bool(quote_depth) or bool(items and t.map and span(t.map)[0] < items[-1])

    def emit(kind: str, s: int, e: int, **kw) -> None:
        """A block of ``text[s:e]`` trimmed, with its section and lines (none when blank)."""
        s, e = trim(text, s, e)
        if e > s:
            out.append(Block(kind=kind, start=s, end=e, text=text[s:e], section=tuple(x[1] for x in section), lines=lines_of(s, e), **kw))

    while i < n:
        t = tokens[i]
        typ = t.type
        if typ == "heading_open" and t.map:
            if covered(t):
                i += 3
                continue
            s, e = span(t.map)
            if list_depth:  # a heading inside a list item does not open a document section
                emit("paragraph", s, e)
                i += 3
                continue
            level = int(t.tag[1])
            title = tokens[i + 1].content.strip() if i + 1 < n and tokens[i + 1].type == "inline" else ""
            while section and section[-1][0] >= level:
                section.pop()
            section.append((level, title))
            emit("heading", s, e, level=level)
            i += 3
            continue
        if typ in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif typ in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif typ == "blockquote_open":
            if t.map and not covered(t):
                emit("quote", *span(t.map))
            quote_depth += 1
        elif typ == "blockquote_close":
            quote_depth -= 1
        elif typ == "list_item_open":
            if not t.map or covered(t):
                items.append(items[-1] if items else -1)
            else:
                s, e = span(t.map)
                # the item's own text ends where a nested list begins
                j, depth = i + 1, 0
                while j < n and not (tokens[j].type == "list_item_close" and depth == 0):
                    tj = tokens[j]
                    if tj.type in ("bullet_list_open", "ordered_list_open") and tj.map:
                        e = min(e, span(tj.map)[0])
                        break
                    depth += tj.nesting if tj.type not in ("list_item_open", "list_item_close") else 0
                    j += 1
                emit("list_item", s, e, level=list_depth)
                items.append(e)
        elif typ == "list_item_close":
            items.pop()
        elif typ == "table_open" and t.map:
            j = i + 1
            while j < n and tokens[j].type != "table_close":
                j += 1
            if not covered(t):
                emit("table", *span(t.map), meta=_table_meta(text, tokens, i, j, span))
            i = j + 1
            continue
        elif typ in _CONTAINERS_LEAF and t.map and not covered(t):
            meta = {"info": t.info.strip()} if typ == "fence" and t.info.strip() else {}
            kind = _CONTAINERS_LEAF[typ]
            if typ == "html_block" and _COMMENTS_ONLY.fullmatch(t.content):
                kind = "comment"
            elif typ == "html_block" and _HTML_TABLE.fullmatch(t.content):
                s, e = span(t.map)
                table = _html_table_meta(text, s, e)
                if table is not None:
                    emit("table", s, e, meta=table)
                    i += 1
                    continue
            emit(kind, *span(t.map), meta=meta)
        i += 1
    return out


def _table_meta(text: str, tokens, i: int, j: int, span) -> dict:
    """The rows and row spans of the table of tokens[i:j] (table_open up to table_close)."""
    e = span(tokens[i].map)[1]
    rows, row_spans = [], []
    cells: list[str] = []
    for tj in tokens[i + 1 : j]:
        if tj.type == "tr_open":
            cells = []
            if tj.map:
                row_spans.append(list(trim(text, *span(tj.map))))
        elif tj.type == "inline":
            cells.append(tj.content.strip())
        elif tj.type == "tr_close":
            rows.append(cells)
    # the delimiter row (|---|) has no token: include it with the header
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
