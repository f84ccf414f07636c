"""Page furniture and reading order.

Furniture is found by *repetition*: a line near the top or bottom of a page
whose text (digits masked) recurs at the same place on other pages is a
running header or footer; a lone number (or "Page 3 of 9") at the very top or
bottom is a page number.  Cropping fixed margins is avoided on purpose: it
deletes real text on pages with tight margins.

Reading order is a recursive XY-cut over the units that remain: a page is cut
at a vertical white gap into columns when both sides are real text columns,
otherwise at horizontal gaps into bands, recursively; inside a leaf units go
top to bottom.  Column cuts are tried first so that paragraph gaps that happen
to line up across two columns do not interleave them.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .lines import Unit

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_PAGE_NO = re.compile(
    r"^(?:(?:page|p\.|seite|página|pagina)\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:of|/|de|von|sur)\s*\d{1,4})?$"
    r"|^[-–—]\s*\d{1,4}\s*[-–—]$|^\d{1,3}\s*[-–.]\s*\d{1,4}$",
    re.I,
)
_NUMBER_EDGE = re.compile(r"^\d{1,4}\s+\S.*|.*\S\s+\d{1,4}$")
_FOLIO_END = re.compile(r"\D\s+\d{1,3}$")
_NUMBERED_HEAD = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]{1,4}\.)\s")
#: a number at the edge that belongs to the words before it, not a page number
_NOT_A_FOLIO = re.compile(r"\b(?:chapter|section|part|vol(?:ume)?|no|nr|figure|fig|table|step|phase|level|top)\.?\s+\d+$", re.I)
_SENTENCE_END = re.compile(r"(?<!\bal)[.!?]$")
_FOOTNOTE_MARK = re.compile(r"^(?:\d{1,3}\s|\d{1,3}[a-z(]|[*†‡§¶])")
#: journal, preprint and copyright stamps
_STAMP = re.compile(
    r"\((?:19|20)\d\d\)|\b(?:19|20)\d\d\b.*\b(?:vol|pp|no)\b|\bdoi\b|\barxiv\b|©|\(c\)\s*(?:19|20)\d\d|copyright|\bissn\b"
    r"|\b(?:vol|volume)\.?\s*\d+|\bpp\.\s*\d+|\b\d+\s*[-–]\s*\d+\s*\((?:19|20)\d\d\)",
    re.I,
)


def furniture_key(text: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def mark_furniture(pages: list[list[Unit]], heights: list[float], body_size: float, keep=None) -> None:
    """Set ``furniture`` and kind page_header/page_footer on running heads,
    feet and page numbers, in place.  ``keep(unit)`` true: never furniture
    (a section heading named in the PDF outline)."""

    def _label(u: Unit, top: bool) -> None:
        if keep is None or not keep(u):
            _set_label(u, top)

    n_pages = len(pages)
    cands: list[tuple[Unit, str, bool]] = []  # unit, key, at top
    for units, h in zip(pages, heights):
        if not units:
            continue
        ys = sorted(units, key=lambda u: u.y0)
        top_band = [u for u in ys[:3] if u.y1 < 0.2 * h and len(u.lines) <= 2]
        bottom_band = [u for u in ys[-3:] if u.y0 > 0.8 * h and len(u.lines) <= 2]
        for u in top_band:
            cands.append((u, furniture_key(_text(u)), True))
        for u in bottom_band:
            if u not in top_band:
                cands.append((u, furniture_key(_text(u)), False))
    # repetition across pages (same masked text, about the same height on the page)
    if n_pages >= 2:
        seen: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for u, key, _top in cands:
            seen[key].append((u.page, u.y0))
        for u, key, top in cands:
            hits = seen[key]
            pages_hit = {p for p, y in hits if abs(y - u.y0) < 25}
            need = 2 if n_pages <= 6 else 3
            # a running head says something (a title, a folio): "/*" opening
            # a code listing at the top of many pages does not
            if len(pages_hit) >= need and len(key) <= 200 and any(c.isalnum() or c == "#" for c in key):
                _label(u, top)
    # page numbers and numbered running heads, also on single pages
    for units, h in zip(pages, heights):
        if not units:
            continue
        ys = sorted((u for u in units if not u.furniture), key=lambda u: u.y0)
        if not ys:
            continue
        for u, top in ((ys[0], True), (ys[-1], False)):
            if u.furniture:
                continue
            t = _text(u).strip()
            if _PAGE_NO.match(t) and (u.y1 < 0.15 * h or u.y0 > 0.85 * h):
                _label(u, top)
            elif _running_line(u, t, units, h, body_size, top):
                _label(u, top)
        # journal, preprint and copyright stamps in the outer tenth of the page
        for u in units:
            if not u.furniture and (u.y1 < 0.1 * h or u.y0 > 0.9 * h) and _stamp_line(u, units, body_size, u.y1 < 0.1 * h):
                _label(u, u.y1 < 0.1 * h)
        # units on the same row as a page number at the edge (e.g. "9" beside a running title)
        for u in units:
            if u.furniture:
                continue
            for f in units:
                if f.furniture and f is not u and min(u.y1, f.y1) - max(u.y0, f.y0) > 0.5 * (u.y1 - u.y0) and len(u.lines) == 1 and u.size <= body_size + 0.1:
                    _label(u, f.kind == "page_header")
                    break


def _running_line(u: Unit, t: str, units: list[Unit], h: float, body_size: float, top: bool) -> bool:
    """The first or last line of a page that is a running head or foot,
    recognisable without repetition (a single page, a first page): one short
    line in the margin band, apart from the text, not bold, carrying a page
    number at its outer edge ("Title of the paper 9", "4 A. Author et al.")."""
    if len(u.lines) != 1 or len(t) > 120 or u.bold >= 0.9 or not _isolated(u, units, top):
        return False
    edge = u.y1 < 0.15 * h if top else u.y0 > 0.85 * h
    if not edge:
        return False
    if not _NUMBER_EDGE.match(t) or _NOT_A_FOLIO.search(t):
        return False
    if not top and _FOOTNOTE_MARK.match(t) and _SENTENCE_END.search(t):
        return False  # "3 Smith and Jones, Nature 12 (2019)." is a footnote
    if u.size <= body_size + 0.1:
        return True
    # set larger than the body (a journal's italic running title): only with
    # the folio at the end, never a numbered heading ("2 Methods") nor a title
    # that ends in a count or a year
    return bool(_FOLIO_END.search(t)) and not _NUMBERED_HEAD.match(t) and u.size < 1.4 * body_size


def _stamp_line(u: Unit, units: list[Unit], body_size: float, top: bool) -> bool:
    """A journal/preprint/copyright stamp in small type at the very edge of a
    page ("MNRAS 000, 1-15 (2021)", "Vol. 99 (2013) 615-628", "DOI ...",
    "(c) 2023 ..."): at most two short lines, set apart from the text, not a
    footnote (which opens with its marker)."""
    t = " ".join(_text(u).split())
    if len(u.lines) > 2 or len(t) > 100 or u.size >= body_size - 0.4 or not _STAMP.search(t):
        return False
    if _FOOTNOTE_MARK.match(t) or u.lines[0].super_start:
        return False
    return _isolated(u, units, top)


def _isolated(u: Unit, units: list[Unit], top: bool) -> bool:
    """A running head stands apart from the text below (or above) it."""
    others = [v for v in units if v is not u and not v.furniture]
    if not others:
        return True
    lh = max(1.0, u.y1 - u.y0)
    if top:
        nxt = min((v.y0 for v in others if v.y0 >= u.y1 - 1), default=None)
        return nxt is None or nxt - u.y1 > 0.8 * lh
    prv = max((v.y1 for v in others if v.y1 <= u.y0 + 1), default=None)
    return prv is None or u.y0 - prv > 0.8 * lh


def _set_label(u: Unit, top: bool) -> None:
    u.furniture = True
    u.kind = "page_header" if top else "page_footer"


def _text(u: Unit) -> str:
    return " ".join(l.text for l in u.lines)


# ---------------------------------------------------------------- reading order


def reading_order(items: list, page_width: float, rtl: bool = False) -> list:
    """Items (anything with x0, y0, x1, y1) in reading order via recursive
    XY-cut; ``rtl`` reads columns and rows right to left (Arabic, Hebrew)."""
    if len(items) <= 1:
        return list(items)
    out: list = []
    _xy(items, page_width, out, 0, rtl)
    return out


def _leaf_key(rtl: bool):
    if rtl:
        return lambda u: (round(u.y0), -u.x1)
    return lambda u: (round(u.y0), u.x0)


def _xy(items: list, page_width: float, out: list, depth: int, rtl: bool) -> None:
    if len(items) <= 1 or depth > 40:
        out.extend(sorted(items, key=_leaf_key(rtl)))
        return
    cols = _vertical_split(items, page_width)
    if cols is not None:
        for c in reversed(cols) if rtl else cols:
            _xy(c, page_width, out, depth + 1, rtl)
        return
    runs = _wide_item_split(items)
    if runs is not None:
        for r in runs:
            _xy(r, page_width, out, depth + 1, rtl)
        return
    bands = _horizontal_split(items)
    if bands is not None:
        for b in bands:
            _xy(b, page_width, out, depth + 1, rtl)
        return
    out.extend(sorted(items, key=_leaf_key(rtl)))


def _wide_item_split(items: list) -> list[list] | None:
    """Cut above and below the items that bridge the column gutter (a title,
    a centred subtitle, a full-width footnote): they hide the gutter from a
    vertical cut, and plain horizontal bands would then interleave the lines
    of two columns.  The gutter is found among the narrow items only."""
    x0 = min(u.x0 for u in items)
    x1 = max(u.x1 for u in items)
    width = x1 - x0
    if width <= 0:
        return None
    narrow = sorted((u for u in items if u.x1 - u.x0 < 0.5 * width), key=lambda u: u.x0)  # a column is under half
    if len(narrow) < 4:
        return None
    # the gutter shows between the multi-line text of the columns; a short
    # centred title may sit across it
    body = [u for u in narrow if getattr(u, "nlines", 1) >= 2]
    if len(body) >= 2:
        narrow = body
    best = None  # widest white gap between narrow items: (gap, g0, g1)
    right = narrow[0].x1
    for u in narrow[1:]:
        if u.x0 >= right + 3.0 and (best is None or u.x0 - right > best[0]):
            best = (u.x0 - right, right, u.x0)
        right = max(right, u.x1)
    if best is None:
        return None
    _gap, g0, g1 = best
    bridges = {id(u) for u in items if u.x0 < g0 + 1 and u.x1 > g1 - 1}
    if not bridges:
        return None
    runs: list[list] = []
    cur: list = []
    for u in sorted(items, key=lambda u: (u.y0, u.x0)):
        if id(u) in bridges:
            if cur:
                runs.append(cur)
            runs.append([u])
            cur = []
        else:
            cur.append(u)
    if cur:
        runs.append(cur)
    # the cut helps only when some run now splits into columns
    if len(runs) < 2 or not any(len(r) > 1 and _vertical_split(r, width) is not None for r in runs):
        return None
    return runs


def _horizontal_split(items: list) -> list[list] | None:
    ordered = sorted(items, key=lambda u: u.y0)
    bands: list[list] = [[ordered[0]]]
    bottom = ordered[0].y1
    for u in ordered[1:]:
        if u.y0 >= bottom - 1.0:
            bands.append([u])
        else:
            bands[-1].append(u)
        bottom = max(bottom, u.y1)
    return bands if len(bands) > 1 else None


def _vertical_split(items: list, page_width: float) -> list[list] | None:
    """Split at the widest vertical white gap when both sides look like text
    columns (several lines each), not like the cells of a key/value row."""
    ordered = sorted(items, key=lambda u: u.x0)
    groups: list[list] = [[ordered[0]]]
    right = ordered[0].x1
    gaps: list[float] = []
    for u in ordered[1:]:
        if u.x0 >= right + 3.0:
            gaps.append(u.x0 - right)
            groups.append([u])
        else:
            groups[-1].append(u)
        right = max(right, u.x1)
    if len(groups) < 2:
        return None
    if all(_column_like(g, page_width) for g in groups):
        return groups
    # try the single widest gap
    best = max(range(len(gaps)), key=gaps.__getitem__)
    left = [u for g in groups[: best + 1] for u in g]
    rightg = [u for g in groups[best + 1 :] for u in g]
    if _column_like(left, page_width) and _column_like(rightg, page_width):
        return [left, rightg]
    return None


def _column_like(group: list, page_width: float) -> bool:
    lines = sum(getattr(u, "nlines", 1) for u in group)
    width = max(u.x1 for u in group) - min(u.x0 for u in group)
    top = min(u.y0 for u in group)
    bottom = max(u.y1 for u in group)
    return lines >= 4 and width >= 0.18 * page_width and (bottom - top) > 60
