"""From PyMuPDF's ``get_text("dict")`` to visual lines and paragraph units.

MuPDF's own "lines" are often pieces of one visual line (a section number
and its title, a bullet and its item, table cells), and its "blocks" are
sometimes a heading glued to the paragraph below.  Everything later
(furniture, columns, headings) reasons about *visual* lines and about units
of one style, so this module rebuilds both and records per line the
typographic facts the classifier needs (size, boldness, monospace, math fonts).
Plain Python objects with ``__slots__``: this is the per-page hot path.
"""

from __future__ import annotations

import re
from typing import Any

#: MuPDF span flag bits.
_BOLD, _MONO, _SUPER, _ITALIC = 16, 8, 1, 2
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd?\b|\.b\b|cmbx|sfbx|\bbx", re.I)
_ITALIC_NAME = re.compile(r"italic|oblique|cmti|sfti|-it\b", re.I)
_MONO_NAME = re.compile(r"mono|courier|consol|menlo|cmtt|sftt|inconsolata|lucidaconsole|typewriter|code", re.I)
_MATH_NAME = re.compile(r"cmmi|cmsy|cmex|msbm|msam|math|stix|symbol|rsfs|eufm|cmbsy|cmmib|mtmi|mtsy|txsy|txmi|pxmi|pxsy|euler", re.I)
#: Private-use code points that PDFs use as list bullets (Symbol/Wingdings fonts).
PUA_BULLETS = frozenset("\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf06e\uf06c\uf0e0\uf0f0\uf02d\uf0be")


class Line:
    """One visual line: text plus the typography facts the classifier needs."""

    __slots__ = ("text", "x0", "y0", "x1", "y1", "size", "bold", "mono", "math", "nchars", "first_size", "super_start", "italic")

    def __init__(self, text, x0, y0, x1, y1, size, bold, mono, math, nchars, first_size, super_start, italic=0.0):
        self.text = text
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        self.size = size  # char-weighted dominant font size
        self.bold = bold  # share of non-space chars in bold fonts
        self.mono = mono  # share in monospace fonts
        self.math = math  # share in math fonts
        self.nchars = nchars
        self.first_size = first_size
        self.super_start = super_start  # first span is a superscript (footnote marks)
        self.italic = italic

    @property
    def height(self) -> float:
        return self.y1 - self.y0


class Unit:
    """A run of lines of one style that belong together (a paragraph, a heading,
    a list item...).  ``kind`` and ``furniture`` are decided later."""

    __slots__ = ("page", "lines", "x0", "y0", "x1", "y1", "kind", "furniture", "level", "meta", "order")

    def __init__(self, page: int, lines: list[Line]):
        self.page = page
        self.lines = lines
        self.x0 = min(l.x0 for l in lines)
        self.y0 = min(l.y0 for l in lines)
        self.x1 = max(l.x1 for l in lines)
        self.y1 = max(l.y1 for l in lines)
        self.kind = "paragraph"
        self.furniture = False
        self.level: int | None = None
        self.meta: dict[str, Any] = {}
        self.order = 0

    @property
    def nchars(self) -> int:
        return sum(l.nchars for l in self.lines)

    @property
    def nlines(self) -> int:
        return len(self.lines)

    @property
    def size(self) -> float:
        best: dict[float, int] = {}
        for l in self.lines:
            best[l.size] = best.get(l.size, 0) + l.nchars
        return max(best, key=best.__getitem__) if best else 0.0

    @property
    def bold(self) -> float:
        n = self.nchars
        return sum(l.bold * l.nchars for l in self.lines) / n if n else 0.0

    @property
    def mono(self) -> float:
        n = self.nchars
        return sum(l.mono * l.nchars for l in self.lines) / n if n else 0.0

    @property
    def italic(self) -> float:
        n = self.nchars
        return sum(l.italic * l.nchars for l in self.lines) / n if n else 0.0

    @property
    def math(self) -> float:
        n = self.nchars
        return sum(l.math * l.nchars for l in self.lines) / n if n else 0.0

    def first_text(self) -> str:
        return self.lines[0].text


_FONT_STYLE: dict[str, tuple[bool, bool, bool, bool]] = {}


def _font_style(font: str) -> tuple[bool, bool, bool, bool]:
    """(bold, italic, mono, math) from a font name; cached, a document uses few fonts."""
    st = _FONT_STYLE.get(font)
    if st is None:
        st = (
            bool(_BOLD_NAME.search(font)),
            bool(_ITALIC_NAME.search(font)),
            bool(_MONO_NAME.search(font)),
            bool(_MATH_NAME.search(font)),
        )
        if len(_FONT_STYLE) < 4096:
            _FONT_STYLE[font] = st
    return st


_STYLE: dict[tuple[str, int], tuple[bool, bool, bool, bool]] = {}
_STYLE_FLAGS = _BOLD | _ITALIC | _MONO


def _span_style(font: str, flags: int) -> tuple[bool, bool, bool, bool]:
    """(bold, italic, mono, math) of a span from its font name and flags, cached."""
    key = (font, flags & _STYLE_FLAGS)
    st = _STYLE.get(key)
    if st is None:
        fb, fi, fm, fx = _font_style(font)
        st = (bool(flags & _BOLD) or fb, bool(flags & _ITALIC) or fi, bool(flags & _MONO) or fm, fx)
        if len(_STYLE) < 8192:
            _STYLE[key] = st
    return st


def _line_from_spans(spans: list[dict]) -> Line | None:
    """One MuPDF line as a Line (the per-page hot path: plain comparisons,
    cached styles, the common one-span line without a dict of sizes)."""
    parts: list[str] = []
    sizes: dict[float, int] = {}
    bold = mono = math = italic = n = 0
    x0 = y0 = 1e9
    x1 = y1 = -1e9
    prev_x1 = None
    first_size = 0.0
    super_start = False
    style = _STYLE
    for sp in spans:
        t = sp["text"]
        if not t:
            continue
        if t == " ":  # a third of all spans: no glyph, no style, and no space to put back after it
            parts.append(t)
            continue
        bx0, by0, bx1, by1 = sp["bbox"]
        size = round(sp["size"] * 2) / 2
        if prev_x1 is not None and t[0] != " " and parts[-1][-1:] != " ":
            # MuPDF drops the space between spans placed apart; put one back.
            if bx0 - prev_x1 > 0.15 * size:
                parts.append(" ")
        parts.append(t)
        prev_x1 = bx1
        k = len(t) - t.count(" ")
        if k == 0:
            continue
        flags = sp["flags"]
        if not first_size:
            first_size = size
            if flags & _SUPER:
                st = t.strip()
                super_start = len(st) <= 3 and st.isalnum()
        font = sp["font"]
        st = style.get((font, flags & _STYLE_FLAGS)) or _span_style(font, flags)
        n += k
        sizes[size] = sizes.get(size, 0) + k
        if st[0]:
            bold += k
        if st[1]:
            italic += k
        if st[2]:
            mono += k
        if st[3]:
            math += k
        if bx0 < x0:
            x0 = bx0
        if by0 < y0:
            y0 = by0
        if bx1 > x1:
            x1 = bx1
        if by1 > y1:
            y1 = by1
    if n == 0:
        return None
    text = "".join(parts).strip() if len(parts) > 1 else parts[0].strip()
    size = next(iter(sizes)) if len(sizes) == 1 else max(sizes, key=sizes.__getitem__)
    return Line(text, x0, y0, x1, y1, size, bold / n, mono / n, math / n, n, first_size, super_start, italic / n)


def _same_row(a: Line, b: Line) -> bool:
    ov = min(a.y1, b.y1) - max(a.y0, b.y0)
    return ov > 0.5 * min(a.height, b.height) and b.x0 >= a.x1 - 1.0


def page_lines(page_dict: dict, matrix: tuple | None = None, pieces: list | None = None) -> tuple[list[list[Line]], list[Line]]:
    """Visual lines grouped by MuPDF block, and the non-horizontal lines
    (margin stamps, rotated labels) kept apart.  ``matrix`` is the page's
    rotation matrix when /Rotate is set: MuPDF reports unrotated coordinates,
    chunkline reports boxes as the page is displayed.  ``pieces``, when
    given, receives what table detection reads, from this same pass: each
    MuPDF line as ``(x0, y0, x1, y1, text, direction)`` in unrotated page
    space, direction 0 horizontal, 1 vertical, 2 slanted or backwards
    (``tables.text_rows``); listings left out."""
    blocks: list[list[Line]] = []
    rotated: list[Line] = []
    width = page_dict.get("width") or 612.0
    for b in page_dict["blocks"]:
        if b.get("type", 0) != 0:
            continue
        out: list[Line] = []
        keep = pieces is not None and not b.get("listing")
        for ln in b["lines"]:
            line = _line_from_spans(ln["spans"])
            if line is None:
                continue
            dx, dy = ln["dir"]
            if keep and line.text and pieces is not None:
                x0, y0, x1, y1 = ln["bbox"]
                pieces.append((x0, y0, x1, y1, line.text, 0 if not (abs(dy) > 0.2 or dx < 0) else 1 if abs(dx) < 0.2 else 2))
            if matrix is not None:
                ma, mb, mc, md, me, mf = matrix
                dx, dy = dx * ma + dy * mc, dx * mb + dy * md
                xs = (line.x0 * ma + line.y0 * mc + me, line.x1 * ma + line.y1 * mc + me)
                ys = (line.x0 * mb + line.y0 * md + mf, line.x1 * mb + line.y1 * md + mf)
                line.x0, line.x1 = min(xs), max(xs)
                line.y0, line.y1 = min(ys), max(ys)
            if abs(dy) > 0.2 or dx < 0:
                rotated.append(line)
                continue
            if out and _rtl_next(out[-1], line):
                # right-to-left: the next piece of the line sits to its left
                out[-1] = _join_row(out[-1], line)
                continue
            if out and _same_row(out[-1], line):
                prev = out[-1]
                gap = line.x0 - prev.x1
                size = max(prev.size, line.size)
                # same visual line ("2.3   Results", a bullet and its item), not a
                # far-apart cell, and never two long lines across a column gutter
                short = min(prev.x1 - prev.x0, line.x1 - line.x0) < 0.2 * width
                if gap < 1.0 * size or (short and gap < 6 * size):
                    out[-1] = _join_row(prev, line)
                    continue
            out.append(line)
        if out:
            blocks.extend(_split_columns(out))
    return _join_row_fragments(blocks), rotated


def _join_row_fragments(blocks: list[list[Line]]) -> list[list[Line]]:
    """One-line blocks that continue each other on the same row, a word space
    apart ("2-5" and the title after it, right-to-left pieces), are one line:
    MuPDF splits blocks there when the font or the writing direction changes.
    Candidates are bucketed by row, so this stays linear on busy pages."""
    singles = [i for i, b in enumerate(blocks) if len(b) == 1]
    if len(singles) < 2:
        return blocks
    singles.sort(key=lambda i: (blocks[i][0].y0 + blocks[i][0].y1) / 2)
    rows: list[list[int]] = []
    cy = -1e9
    for i in singles:
        l = blocks[i][0]
        c = (l.y0 + l.y1) / 2
        if rows and abs(c - cy) <= 0.3 * max(l.height, 1.0):
            rows[-1].append(i)
        else:
            rows.append([i])
            cy = c
    gone: set[int] = set()
    for row in rows:
        if len(row) < 2 or len(row) > 40:
            continue
        for i in row:
            if i in gone:
                continue
            for j in row:
                if j == i or j in gone:
                    continue
                a, b = blocks[i][0], blocks[j][0]
                if _rtl_next(a, b):
                    blocks[i] = [_join_row(a, b)]
                elif _same_row(a, b) and b.x0 - a.x1 < 0.6 * max(a.size, b.size) and not _RTL.search(a.text + b.text):
                    blocks[i] = [_join_row(a, b)]
                else:
                    continue
                gone.add(j)
    return [b for k, b in enumerate(blocks) if k not in gone] if gone else blocks


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z]")


def _rtl_next(a: Line, b: Line) -> bool:
    """``b`` continues right-to-left line ``a`` on its left side."""
    ov = min(a.y1, b.y1) - max(a.y0, b.y0)
    return (
        ov > 0.5 * min(a.height, b.height)
        and b.x1 <= a.x0 + 1.0
        and a.x0 - b.x1 < 1.0 * max(a.size, b.size)
        and bool(_RTL.search(b.text))
        and (bool(_RTL.search(a.text)) or not _LATIN.search(a.text))  # "2-5" before an Arabic title
    )


def _split_columns(lines: list[Line]) -> list[list[Line]]:
    """MuPDF sometimes puts the lines of two text columns that happen to align
    into one block; split such a block at the white gap between its columns."""
    if len(lines) < 2:
        return [lines]
    side_by_side = any(_same_row(a, b) for a, b in zip(lines, lines[1:]))
    if not side_by_side:
        return [lines]
    groups: list[list] = []  # [x0, x1, lines]
    for l in sorted(lines, key=lambda l: l.x0):
        if groups and l.x0 <= groups[-1][1] + 1.0:
            groups[-1][1] = max(groups[-1][1], l.x1)
            groups[-1][2].append(l)
        else:
            groups.append([l.x0, l.x1, [l]])
    if len(groups) < 2:
        return [lines]
    return [sorted(g[2], key=lambda l: (l.y0, l.x0)) for g in groups]


def _join_row(a: Line, b: Line) -> Line:
    n = a.nchars + b.nchars
    size = a.size if a.nchars >= b.nchars else b.size
    return Line(
        a.text + " " + b.text,
        min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1),
        size,
        (a.bold * a.nchars + b.bold * b.nchars) / n,
        (a.mono * a.nchars + b.mono * b.nchars) / n,
        (a.math * a.nchars + b.math * b.nchars) / n,
        n, a.first_size, a.super_start,
        (a.italic * a.nchars + b.italic * b.nchars) / n,
    )


_BULLET = re.compile(r"^(?:[•●○◦▪▫■□◆◇►▸▹➢➤✓✔\-–—*·\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf06e\uf06c\uf0e0\uf0f0\uf02d\uf0be](?=\s|$)|\(?(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)](?=\s))")


def is_list_start(text: str) -> bool:
    return bool(_BULLET.match(text))


def split_units(page: int, blocks: list[list[Line]]) -> list[Unit]:
    """Cut MuPDF blocks where the style changes, a vertical gap opens, or a
    list item starts, so each unit has one role."""
    units: list[Unit] = []
    for lines in blocks:
        cur = [lines[0]]
        for prev, line in zip(lines, lines[1:]):
            if _breaks(prev, line, cur):
                units.append(Unit(page, cur))
                cur = [line]
            else:
                cur.append(line)
        units.append(Unit(page, cur))
    return units


def _breaks(prev: Line, line: Line, cur: list[Line]) -> bool:
    if abs(prev.size - line.size) > 0.6:
        return True
    if (prev.bold > 0.9 and line.bold < 0.5) or (line.bold > 0.9 and prev.bold < 0.5):
        return True
    if prev.italic > 0.9 and line.italic < 0.5 and len(cur) == 1 and not prev.text.endswith((".", ",", ";")):
        return True  # an italic run-in title on its own line
    if line.italic > 0.9 and prev.italic < 0.5 and prev.text.endswith((".", ":", "!", "?")) and not line.text.endswith((".", ",", ";")):
        return True  # ... and where that title starts, after a finished sentence
    if (prev.mono > 0.8) != (line.mono > 0.8):
        return True
    gap = line.y0 - prev.y1
    if gap > 0.9 * max(prev.height, line.height, 1.0):
        return True
    if line.y0 < prev.y0 - 1:  # goes back up: a new column or a cell
        return True
    if is_list_start(line.text) and line.mono < 0.8:
        # "(see Figure\n3) is offset": an enumerator after a full line that does
        # not end a sentence is a wrapped reference, not a new list item.
        if _SYMBOL_BULLET.match(line.text) or prev.text.endswith((".", ":", ";", "!", "?")) or prev.x1 < line.x1 - 20:
            return True
    return False


_SYMBOL_BULLET = re.compile(r"^[•●○◦▪▫■□◆◇►▸▹➢➤✓✔\-–—*·\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf06e\uf06c\uf0e0\uf0f0\uf02d\uf0be]")


# ---------------------------------------------------------------- letter-spaced listings

#: four or more single characters a space apart ("c l a s s", ". . . .")
_SPACED = re.compile(r"(?:(?<!\S)\S ){3,}\S(?!\S)")
#: what every such run contains, starting with a literal: a fast first look
_SPACED_GATE = re.compile(r" \S \S \S(?!\S)")
_CODE_MARK = re.compile(r"[{}()\[\];=<>]")


def scan_page(page_dict: dict, text: str) -> tuple[bool, list[int]]:
    """(any Hebrew/Arabic letter, indexes of the text blocks that are
    letter-spaced listings) of a page whose lines' text is ``text``.

    A listing set in a proportional font with its characters spread out gets
    a space between every two letters from MuPDF ("c l a s s A {"): a fifth of
    the block's lines or more are runs of single characters, and it has code
    punctuation.  A letter-spaced heading ("C O N T E N T S") has no such
    punctuation; one spaced word in a paragraph is too few lines.  The
    blocks are looked at only when ``text`` has such a run at all."""
    rtl = bool(_RTL.search(text))
    listings: list[int] = []
    if _SPACED_GATE.search(text) and _SPACED.search(text):
        for i, b in enumerate(page_dict["blocks"]):
            if b.get("type", 0) != 0:
                continue
            lines = ["".join([s["text"] for s in ln["spans"]]) for ln in b["lines"]]
            spaced = sum(1 for t in lines if _SPACED.search(t))
            if spaced and spaced >= 0.2 * len(lines) and (spaced >= 2 or len(lines) <= 3) and _CODE_MARK.search("".join(lines)):
                listings.append(i)
    return rtl, listings


def respace_listings(page_dict: dict, raw: dict, blocks: list[int]) -> None:
    """Rewrite the lines of those blocks from their characters, in place: a
    space only where the white gap between two glyphs is a real one (over
    0.4 em; the spread-out letters of a word sit closer), each line one span
    flagged monospaced, so the listing is read as code with its own spacing.
    ``raw`` is ``rawdict`` from the same text page (same block/line order);
    the block gets ``listing = True`` (tables leave it alone)."""
    for i in blocks:
        b, rb = page_dict["blocks"][i], raw["blocks"][i]
        for ln, rln in zip(b["lines"], rb["lines"]):
            chars = [c for sp in rln["spans"] for c in sp.get("chars", ()) if not c["c"].isspace()]
            if not chars or not ln["spans"]:
                continue
            size = max(sp["size"] for sp in ln["spans"])
            parts = [chars[0]["c"]]
            for a, c in zip(chars, chars[1:]):
                if c["bbox"][0] - a["bbox"][2] > 0.4 * size:
                    parts.append(" ")
                parts.append(c["c"])
            first = ln["spans"][0]
            x0 = min(c["bbox"][0] for c in chars)
            x1 = max(c["bbox"][2] for c in chars)
            bbox = (x0, ln["bbox"][1], x1, ln["bbox"][3])
            ln["spans"] = [dict(first, text="".join(parts), bbox=bbox, size=size, flags=first["flags"] | _MONO)]
            ln["bbox"] = bbox
        b["listing"] = True

