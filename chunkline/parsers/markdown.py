"""Markdown via markdown-it-py (CommonMark + tables + front matter).

The document text is the decoded file; block offsets come from markdown-it's
source maps (line ranges), so a block's text is exactly its source lines,
markup included (``## Title``), trimmed of surrounding whitespace.  The
section path uses the clean heading titles.
"""

from __future__ import annotations

import bisect

from ..core.records import Block, ParsedDocument
from .base import ParseContext, line_starts, make_block, register_parser
from .text import line_view

_CONTAINERS_LEAF = {
    "paragraph_open": "paragraph",
    "fence": "code",
    "code_block": "code",
    "html_block": "other",
    "front_matter": "front_matter",
}


def _md():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"maxNesting": 64}).enable("table")
    md.use(front_matter_plugin)
    return md


_PARSER = None


@register_parser("markdown", extensions=(".md", ".markdown", ".mdown", ".mkd", ".mdx"), summary="markdown (CommonMark + tables + front matter): headings with levels, paragraphs, lists, code, tables, quotes")
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
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        typ = t.type
        if typ == "heading_open" and t.map:
            level = int(t.tag[1])
            title = tokens[i + 1].content.strip() if i + 1 < n and tokens[i + 1].type == "inline" else ""
            while section and section[-1][0] >= level:
                section.pop()
            section.append((level, title))
            s, e = span(t.map)
            b = make_block(text, "heading", s, e, section=tuple(x[1] for x in section), level=level)
            if b.end > b.start:
                out.append(_lines(b, lines_of))
            i += 3
            continue
        if typ in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif typ in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif typ == "blockquote_open" and t.map and quote_depth == 0:
            quote_depth += 1
            s, e = span(t.map)
            b = make_block(text, "quote", s, e, section=tuple(x[1] for x in section))
            if b.end > b.start:
                out.append(_lines(b, lines_of))
        elif typ == "blockquote_open":
            quote_depth += 1
        elif typ == "blockquote_close":
            quote_depth -= 1
        elif quote_depth:
            pass  # a quote is one block
        elif typ == "list_item_open" and t.map:
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
            b = make_block(text, "list_item", s, e, section=tuple(x[1] for x in section), level=list_depth)
            if b.end > b.start:
                out.append(_lines(b, lines_of))
        elif list_depth and typ in ("paragraph_open",):
            pass  # paragraphs inside list items belong to the item
        elif typ == "table_open" and t.map:
            s, e = span(t.map)
            rows, row_spans = [], []
            j = i + 1
            cells: list[str] = []
            while j < n and tokens[j].type != "table_close":
                tj = tokens[j]
                if tj.type == "tr_open":
                    cells = []
                    if tj.map:
                        rs, re_ = span(tj.map)
                        rb = make_block(text, "other", rs, re_)
                        row_spans.append([rb.start, rb.end])
                elif tj.type == "inline":
                    cells.append(tj.content.strip())
                elif tj.type == "tr_close":
                    rows.append(cells)
                j += 1
            # the delimiter row (|---|) has no token: include it with the header
            if len(row_spans) >= 2:
                first = row_spans[0]
                nxt = text.find("\n", first[1] + 1)
                if nxt != -1 and nxt < row_spans[1][0]:
                    first[1] = nxt
            b = make_block(text, "table", s, e, section=tuple(x[1] for x in section), meta={"rows": rows, "row_spans": row_spans})
            if b.end > b.start:
                out.append(_lines(b, lines_of))
            i = j + 1
            continue
        elif typ in _CONTAINERS_LEAF and t.map:
            s, e = span(t.map)
            meta = {"info": t.info.strip()} if typ == "fence" and t.info.strip() else {}
            b = make_block(text, _CONTAINERS_LEAF[typ], s, e, section=tuple(x[1] for x in section), meta=meta)
            if b.end > b.start:
                out.append(_lines(b, lines_of))
        i += 1
    return out


def _lines(block: Block, lines_of) -> Block:
    from dataclasses import replace

    return replace(block, lines=lines_of(block.start, block.end))
