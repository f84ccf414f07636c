"""Plain text: paragraphs separated by blank lines.

The document text is the decoded file, so every offset points into the file.
Files written one paragraph per line (no blank lines, long unwrapped lines,
as many e-texts and exports are) get one paragraph per line instead of one
block for the whole file.
"""

from __future__ import annotations

import bisect
import re

from ..core.records import Block, ParsedDocument
from ..core.spans import trim
from .base import ParseContext, line_starts

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"\n\s*")
#: Unwrapped prose: the median non-empty line is at least this long.
_UNWRAPPED_MEDIAN = 120
#: A carriage return that is a line end of its own (classic Mac files), not half of CRLF.
LONE_CR = re.compile(r"\r(?!\n)")


def line_view(text: str) -> str:
    """``text`` with every lone CR read as LF: same length, same offsets.

    Structure is found in this view (blank lines, line spans, markdown-it's
    line maps), while blocks are cut from the real text, so CR-only files are
    split like LF files and their text is never changed.
    """
    return LONE_CR.sub("\n", text) if "\r" in text else text


def parse_text(data: bytes, ctx: ParseContext) -> ParsedDocument:
    text = ctx.decode(data)
    return ParsedDocument(ctx.document("text", data, text), tuple(paragraph_blocks(text)))


def paragraph_blocks(text: str, start: int = 0, end: int | None = None, section: tuple[str, ...] = ()):
    """Paragraph blocks of ``text[start:end]`` (blank-line separated), with line spans."""
    end = len(text) if end is None else end
    view = line_view(text)
    starts = line_starts(view)
    pos = start
    sep = _LINE if _one_paragraph_per_line(view, start, end) else _BLANK
    for m in sep.finditer(view, start, end):
        if m.start() > pos:
            b = _paragraph(text, pos, m.start(), section, starts)
            if b is not None:
                yield b
        pos = m.end()
    if pos < end:
        b = _paragraph(text, pos, end, section, starts)
        if b is not None:
            yield b


def _paragraph(text: str, s: int, e: int, section: tuple[str, ...], starts: list[int]) -> Block | None:
    """The trimmed paragraph block of ``[s, e)`` with its line span, built once (None if blank)."""
    s, e = trim(text, s, e)
    if e <= s:
        return None
    lines = (bisect.bisect_right(starts, s), bisect.bisect_right(starts, e - 1))
    return Block(kind="paragraph", start=s, end=e, text=text[s:e], section=section, lines=lines)


def _one_paragraph_per_line(view: str, start: int, end: int) -> bool:
    """No blank lines, several lines, and long ones: each line is a paragraph."""
    if _BLANK.search(view, start, end):
        return False
    lengths = sorted(len(line) for line in view[start:end].split("\n") if line.strip())
    return len(lengths) >= 3 and lengths[len(lengths) // 2] >= _UNWRAPPED_MEDIAN
