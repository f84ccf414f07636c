"""Plain text: paragraphs separated by blank lines.

The document text is the decoded file, so every offset points into the file.
Files written one paragraph per line (no blank lines, long unwrapped lines,
as many e-texts and exports are) get one paragraph per line instead of one
block for the whole file.
"""

from __future__ import annotations

import re

from ..core.records import Block, ParsedDocument
from ..core.spans import trim
from .base import ParseContext

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
    """Paragraph blocks of ``text[start:end]`` (blank-line separated), with line spans.

    One regex scan for the separators; each block is built once, its line
    span counted forward from the previous block's (``str.count``, so the
    whole scan stays linear and no table of line starts is built).
    """
    end = len(text) if end is None else end
    view = line_view(text)
    sep = _LINE if _one_paragraph_per_line(view, start, end) else _BLANK
    count = view.count
    at, line = 0, 1  # ``line`` is the 1-based line of offset ``at``
    for a, b in _pieces(sep, view, start, end):
        s, e = trim(text, a, b)
        if e > s:
            line += count("\n", at, s)
            last = line + count("\n", s, e - 1)
            yield Block(kind="paragraph", start=s, end=e, text=text[s:e], section=section, lines=(line, last))
            at, line = e - 1, last


def _pieces(sep, view: str, start: int, end: int):
    """The ``[a, b)`` spans between separator matches in ``view[start:end]``."""
    pos = start
    for m in sep.finditer(view, start, end):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < end:
        yield pos, end


def _one_paragraph_per_line(view: str, start: int, end: int) -> bool:
    """No blank lines, several lines, and long ones: each line is a paragraph."""
    if _BLANK.search(view, start, end):
        return False
    lengths = sorted(len(line) for line in view[start:end].split("\n") if line.strip())
    return len(lengths) >= 3 and lengths[len(lengths) // 2] >= _UNWRAPPED_MEDIAN
