"""Plain text: paragraphs separated by blank lines.

The document text is the decoded file, so every offset points into the file.
"""

from __future__ import annotations

import bisect
import re

from ..core.records import ParsedDocument
from .base import ParseContext, line_starts, make_block, register_parser

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


@register_parser("text", extensions=(".txt", ".text", ".rst", ".log", ".csv", ".tsv"), summary="plain text: paragraphs split at blank lines")
def parse_text(data: bytes, ctx: ParseContext) -> ParsedDocument:
    text = ctx.decode(data)
    return ParsedDocument(ctx.document("text", data, text), tuple(paragraph_blocks(text)))


def paragraph_blocks(text: str, start: int = 0, end: int | None = None, section: tuple[str, ...] = ()):
    """Paragraph blocks of ``text[start:end]`` (blank-line separated), with line spans."""
    end = len(text) if end is None else end
    starts = line_starts(text)
    pos = start
    for m in _BLANK.finditer(text, start, end):
        if m.start() > pos:
            b = make_block(text, "paragraph", pos, m.start(), section=section)
            if b.end > b.start:
                yield _with_lines(b, starts)
        pos = m.end()
    if pos < end:
        b = make_block(text, "paragraph", pos, end, section=section)
        if b.end > b.start:
            yield _with_lines(b, starts)


def _with_lines(block, starts):
    from dataclasses import replace

    return replace(block, lines=(bisect.bisect_right(starts, block.start), bisect.bisect_right(starts, block.end - 1)))
