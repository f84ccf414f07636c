"""Printed contents pages: one block per entry.

A contents page (a table of contents, a list of figures) is recognised by its
page numbers: three or more lines ending in a dot leader and a number, or
page numbers aligned at one right edge.  MuPDF gives such a page as blocks
that follow the typesetting, not the entries: a column of titles beside a
column of page numbers, a run of sub-entries glued into one block, an entry
wrapped over two lines.  Here the page's lines are rebuilt into visual rows
(a title and the page number on its row are one row), a row that stops
without a page number runs on into the rows below it up to the one that
carries the number ("CHAPTER 4. TREATMENT FOR ADULTS ..." / "(≥3 YEARS) 18"),
and each entry becomes one paragraph with ``meta["toc_entry"]``.

What stays as it was: the page's own title ("Contents", "List of Figures",
also when set plain, which makes it a heading), a display-size heading above
the entries, a title, page furniture, tables, code, formulas, and running
prose (three or more lines ending a sentence with no page numbers beside
them: the text that may follow a short contents list).
"""

from __future__ import annotations

import re

from .lines import Line, Unit

LEADER_NUM = re.compile(r"(?:\.\s?){4,}\s*(?:\d{1,4}|[ivxlc]{1,6})$|…{2,}\s*(?:\d{1,4}|[ivxlc]{1,6})$", re.I)
FOLIO = re.compile(r"^(?:\d{1,4}|[ivxlc]{1,6})$", re.I)
ENDS_FOLIO = re.compile(r"\S\s+(?:\d{1,4}|[ivxlc]{1,6})$", re.I)
_LEADER_ONLY = re.compile(r"^(?:\.\s?){3,}|^…")
#: the title of a contents page or of a list of figures/tables
TOC_TITLE = re.compile(
    r"^(?:(?:table\s+of\s+|brief\s+|detailed\s+)?contents?(?:\s+at\s+a\s+glance)?"
    r"|list\s+of\s+(?:figures|tables|illustrations|plates|charts|exhibits|boxes|maps|abbreviations|acronyms|symbols)"
    r"|sommaire|table\s+des\s+mati[eè]res|inhalt(?:sverzeichnis)?|[íi]ndice|contenido|目\s*[录錄次])$",
    re.I,
)
#: what opens a new entry (never the wrapped rest of the previous one)
_ENTRY_START = re.compile(
    r"^(?:(?:chapter|chapitre|section|part|partie|appendix|annex|annexe|kapitel|teil)\s+[\dIVXLC]+\b"
    r"|\d{1,2}(?:\.\d{1,2}){0,5}\.?\s|[A-Z]\.\d{1,2}(?:\.\d{1,2})*\.?\s|[IVX]{1,4}\.\s)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?$")
_FOLIO_LAST = frozenset("0123456789ivxlcIVXLC")


def _ends_with_folio(text: str) -> bool:
    t = text.strip()
    return bool(LEADER_NUM.search(t) or ENDS_FOLIO.search(t) or FOLIO.match(t))


def _folio_edges(lines: list[Line]) -> list[int]:
    """Right edges where two or more lines end in a page number."""
    right: dict[int, int] = {}
    for l in lines:
        t = l.text.strip()
        if FOLIO.match(t) or ENDS_FOLIO.search(t) or LEADER_NUM.search(t):
            right[round(l.x1)] = right.get(round(l.x1), 0) + 1
    return [k for k, v in right.items() if right.get(k - 2, 0) + right.get(k - 1, 0) + v + right.get(k + 1, 0) + right.get(k + 2, 0) >= 2]


def _complete(row: list[Line], edges: list[int]) -> bool:
    """The row ends in its page number: a leader and a number, or a number at
    a right edge where page numbers line up ("... from 2017" ends in a year)."""
    t = _row_text(row)
    if LEADER_NUM.search(t):
        return True
    if not (ENDS_FOLIO.search(t) or FOLIO.match(t)):
        return False
    x1 = max(l.x1 for l in row)
    return not edges or any(abs(x1 - e) <= 4 for e in edges)


def is_contents_page(units: list[Unit]) -> bool:
    """Three or more lines ending in a leader and a page number, or page
    numbers aligned at one right edge on at least 30% of the lines (4+)."""
    lines = [l for u in units for l in u.lines]
    if not lines:
        return False
    leaders = 0
    right: dict[int, int] = {}  # lines ending in a page number, by right edge
    for l in lines:
        t = l.text.rstrip()
        if t[-1:] not in _FOLIO_LAST:
            continue  # every pattern below ends in a digit or a roman numeral: most lines stop here
        t = t.lstrip()
        if LEADER_NUM.search(t):
            leaders += 1
        if FOLIO.match(t) or ENDS_FOLIO.search(t):
            right[round(l.x1)] = right.get(round(l.x1), 0) + 1
    aligned = max((right.get(k - 1, 0) + v + right.get(k + 1, 0) for k, v in right.items()), default=0)
    return leaders >= 3 or aligned >= max(4, 0.3 * len(lines))


def _text(u: Unit) -> str:
    return " ".join(l.text for l in u.lines).strip()


def _overlap(a: Line, b: Line) -> float:
    return min(a.y1, b.y1) - max(a.y0, b.y0)


def rebuild_contents_pages(ordered: list[list], widths: list[float], reading_order) -> None:
    """On contents pages, one paragraph unit per entry with ``meta["toc_entry"]``
    (see the module docstring), in place.  ``reading_order(items, width)``
    orders the rebuilt rows (columns of a two-column contents page)."""
    for p, items in enumerate(ordered):
        units = [u for u in items if isinstance(u, Unit) and not u.furniture]
        if not units or not is_contents_page(units):
            continue
        folio_rows = [l for u in units for l in u.lines if _ends_with_folio(l.text)]
        entry_size = max((l.size for l in folio_rows), default=0.0)
        keep: set[int] = set()
        for u in units:
            t = _text(u)
            if TOC_TITLE.match(t) and len(u.lines) <= 2:
                keep.add(id(u))
                if u.kind not in ("title", "heading"):
                    u.kind = "heading"
                    u.meta["heading_by"] = "contents"
                u.meta["level_from"] = "contents"
            elif u.kind == "title" or u.kind in ("code", "formula"):
                keep.add(id(u))
            elif u.kind == "heading" and not _ends_with_folio(t) and u.size >= entry_size + 1.5:
                keep.add(id(u))  # a display heading above the entries
            elif _prose(u, folio_rows):
                keep.add(id(u))
        take = [u for u in units if id(u) not in keep]
        if not take:
            continue
        lines = [l for u in take for l in u.lines]
        edges = _folio_edges(lines)
        rows = _entries(_rows(lines, edges), edges)
        if not rows:
            continue
        page = take[0].page
        new_units = []
        for row in rows:
            nu = Unit(page, row)
            nu.kind = "paragraph"
            nu.meta["toc_entry"] = True
            new_units.append(nu)
        first = min(items.index(u) for u in take)
        gone = {id(u) for u in take}
        before = [it for it in items[:first] if id(it) not in gone]
        after = [it for it in items[first:] if id(it) not in gone]
        # rows and whatever else sat among the entries, in reading order
        items[:] = before + reading_order(new_units + after, widths[p])


def _prose(u: Unit, folio_rows: list[Line]) -> bool:
    """Running text: three or more lines, the last ending a sentence, and no
    page number on the unit's rows."""
    if len(u.lines) < 3 or not _SENTENCE_END.search(u.lines[-1].text.strip()):
        return False
    numbered = sum(
        1 for l in u.lines if _ends_with_folio(l.text) or any(f is not l and _overlap(f, l) > 0.5 * min(f.height, l.height) and f.x0 > l.x1 for f in folio_rows)
    )
    return numbered == 0


def _rows(lines: list[Line], edges: list[int]) -> list[list[Line]]:
    """Visual rows.  Text pieces on one row a few spaces apart are one row;
    then each page number (or leader and number) on its own joins the row it
    sits on, at its left, when that row has no page number yet."""
    def folio_piece(l: Line) -> bool:
        t = l.text.strip()
        return bool(FOLIO.match(t) or _LEADER_ONLY.match(t))

    rows: list[list[Line]] = []
    for l in sorted((l for l in lines if not folio_piece(l)), key=lambda l: (l.y0, l.x0)):
        for row in rows[-6:]:  # built top-down: only the last few rows can share l's row
            last = row[-1]
            if (
                _overlap(last, l) > 0.5 * min(last.height, l.height)
                and l.x0 >= last.x1 - 1
                and l.x0 - last.x1 < 2 * max(l.size, last.size)
                and not _complete(row, edges)  # complete: l starts another entry (a second column)
                and not (l.x0 - last.x1 > 0.6 * l.size and _ENTRY_START.match(l.text))  # across a gutter
            ):
                row.append(l)
                break
        else:
            rows.append([l])
    pieces = sorted((l for l in lines if folio_piece(l)), key=lambda l: (l.y0, l.x0))
    for f in pieces:
        best, best_ov, first = None, 0.0, False
        for row in rows:
            last, head = row[-1], row[0]
            ov = _overlap(last, f)
            if ov <= 0.5 * min(last.height, f.height) or ov <= best_ov:
                continue
            if last.x1 <= f.x1 and not _complete(row, edges):
                if FOLIO.match(f.text.strip()):
                    if any(l is not f and l is not last and _overlap(l, f) > 0 and l.x0 >= last.x1 - 1 and l.x1 <= f.x0 + 1 for l in lines):
                        continue  # another column's text lies between
                elif f.x0 - last.x1 > 2 * max(f.size, last.size):
                    continue  # a leader starts right after its title
                best, best_ov, first = row, ov, False  # the row's page number
            elif f.x1 <= head.x0 + 1 and head.x0 - f.x1 < 2 * f.size and FOLIO.match(f.text.strip()):
                best, best_ov, first = row, ov, True  # its section number set apart ("1" and "Introduction")
        if best is None:
            rows.append([f])
        elif first:
            best.insert(0, f)
        else:
            best.append(f)
    return rows


def _entries(rows: list[list[Line]], edges: list[int]) -> list[list[Line]]:
    """Join the rows of an entry wrapped over several lines: a row without a
    page number goes on in the rows below it in its column (same type, tight
    spacing, none opening a new entry) when, within three rows, one ends in a
    page number.  A row that is only a page number or a leader joins the row
    above it."""
    rows = sorted(rows, key=lambda r: (min(l.y0 for l in r), min(l.x0 for l in r)))
    used: set[int] = set()
    out: list[list[Line]] = []
    for i, row in enumerate(rows):
        if i in used:
            continue
        cur = list(row)
        out.append(cur)
        if _complete(cur, edges):
            continue
        chain: list[int] = []
        last = row
        for _ in range(3):
            j = _below(rows, last, used, i)
            if j is None or not _continues(last, rows[j]):
                break
            chain.append(j)
            last = rows[j]
            if _complete(last, edges):
                break
        if chain and _complete(rows[chain[-1]], edges):
            for j in chain:
                cur.extend(rows[j])
                used.add(j)
    return out


def _below(rows: list[list[Line]], row: list[Line], used: set[int], start: int) -> int | None:
    """The next row under ``row`` in its column (horizontal overlap)."""
    x0, x1 = min(l.x0 for l in row), max(l.x1 for l in row)
    y1 = max(l.y1 for l in row)
    best = None
    for j in range(start + 1, len(rows)):
        if j in used:
            continue
        r = rows[j]
        rx0, rx1 = min(l.x0 for l in r), max(l.x1 for l in r)
        if min(x1, rx1) - max(x0, rx0) <= 0.5 * min(x1 - x0, rx1 - rx0) or min(l.y0 for l in r) < y1 - 1:
            continue
        if best is None or min(l.y0 for l in r) < min(l.y0 for l in rows[best]):
            best = j
    return best


def _row_text(row: list[Line]) -> str:
    return " ".join(l.text for l in row).strip()


def _continues(prev: list[Line], nxt: list[Line]) -> bool:
    t = _row_text(nxt)
    if FOLIO.match(t) or _LEADER_ONLY.match(t):
        return True
    if _ENTRY_START.match(t):
        return False
    a, b = prev[0], nxt[0]
    if (a.bold > 0.5) != (b.bold > 0.5):
        return False  # "WEB ANNEXES" over plain "Web Annex A. ..." (sizes vary inside a row: "2.3" set larger than its title)
    gap = min(l.y0 for l in nxt) - max(l.y1 for l in prev)
    return -1.0 <= gap <= 0.9 * max(a.height, b.height, 1.0) and b.x0 >= a.x0 - 2
