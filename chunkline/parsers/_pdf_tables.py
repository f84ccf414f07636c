"""Tables: cheap candidate test, then PyMuPDF's table finder on candidates only.

``page.find_tables()`` costs about 30 times plain text extraction, so it runs
only on pages whose lines already look tabular: a "Table N" caption, or
several rows in which three or more text pieces sit side by side with white
space between them.  Ruled tables are found with the "lines" strategy; the
"text" strategy (whitespace alignment, prone to false positives on
two-column prose) is tried only when the row evidence is strong.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ._pdf_lines import Line
from ._pdf_text import clean

_CAPTION = re.compile(r"^(?:table|tab\.|tabelle|tableau|tabla|表)\s*[\dIVX]", re.I)


class TableItem:
    """A detected table placed in the page's reading order like a unit."""

    __slots__ = ("page", "x0", "y0", "x1", "y1", "rows", "markdown", "nlines", "continues")

    def __init__(self, page, bbox, rows, markdown):
        self.page = page
        self.x0, self.y0, self.x1, self.y1 = bbox
        self.rows = rows
        self.markdown = markdown
        self.nlines = len(rows)
        self.continues = False


def row_evidence(blocks: list[list[Line]]) -> int:
    """Rows of the page with three or more separate text pieces side by side."""
    rows: dict[int, list[Line]] = defaultdict(list)
    for lines in blocks:
        for l in lines:
            rows[int((l.y0 + l.y1) / 4)].append(l)  # 2-pt bands
    n = 0
    for band in rows.values():
        if len(band) < 3:
            continue
        band.sort(key=lambda l: l.x0)
        pieces = 1
        for a, b in zip(band, band[1:]):
            if b.x0 > a.x1 + 4:
                pieces += 1
        if pieces >= 3:
            n += 1
    return n


def is_candidate(blocks: list[list[Line]]) -> tuple[bool, int]:
    ev = row_evidence(blocks)
    if ev >= 3:
        return True, ev
    for lines in blocks:  # a "Table N" caption: ruled tables often show no aligned text rows
        for l in lines:
            if _CAPTION.match(l.text):
                return True, ev
    return False, ev


def find_tables(page, page_no: int, evidence: int) -> list[TableItem]:
    """Tables on one page; failures of the finder degrade to plain text."""
    try:
        found = list(page.find_tables().tables)
        if not found and evidence >= 5:
            area = page.rect.width * page.rect.height
            found = [
                t
                for t in page.find_tables(strategy="text").tables
                if t.row_count >= 3 and t.col_count >= 2 and _area(t.bbox) < 0.6 * area  # not a page of prose
            ]
    except Exception:  # the finder can trip over odd vector graphics: keep the text
        return []
    out: list[TableItem] = []
    for t in found:
        try:
            raw = t.extract()
        except Exception:
            continue
        rows = []
        for r in raw:
            cells = [" ".join(clean(c or "").split()) for c in r]
            if any(cells):
                rows.append(cells)
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        # a "table" of one column of long text is prose inside a frame
        filled = [c for r in rows for c in r if c]
        if len(filled) <= len(rows):
            continue
        out.append(TableItem(page_no, tuple(t.bbox), rows, to_markdown(rows)))
    return out


def _area(b) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def to_markdown(rows: list[list[str]]) -> str:
    """GitHub-style pipe table; the first row is the header."""
    width = max(len(r) for r in rows)

    def fmt(r: list[str]) -> str:
        cells = [c.replace("|", "\\|") for c in r] + [""] * (width - len(r))
        return "| " + " | ".join(cells) + " |"

    lines = [fmt(rows[0]), "|" + "|".join(["---"] * width) + "|"]
    lines += [fmt(r) for r in rows[1:]]
    return "\n".join(lines)
