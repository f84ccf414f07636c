"""Roles of units: title, heading (with a level), list item, caption,
footnote, code, formula, paragraph.

Headings come from typography measured over the *whole document*: the body
size is the character-weighted mode of font sizes, a heading is a short unit
set larger than the body, or bold at body size, or numbered like a section
("2.3.1 Results").  Levels come, in this order of trust, from the PDF outline
(``doc.get_toc()``), from section numbering depth, and from the rank of the
heading's font size and weight among all heading styles in the document.
"""

from __future__ import annotations

import re
import unicodedata

from .lines import Unit, is_list_start
from .toc import ENDS_FOLIO, FOLIO, LEADER_NUM, is_contents_page

#: "Figure 3", "TABLE IV", "Fig. A.1": the label in any case, the number or letter after it as set
#: ("TABLE OF CONTENTS" and "Figure out" are no captions)
_CAPTION = re.compile(
    r"^(?i:figure|fig\.|table|tab\.|listing|chart|exhibit|scheme|algorithm|plate|abbildung|tabelle|图|表)\s*(?:\d[\d.\-–:]*|[IVX]+\b[.:]?|[A-Z](?:[.\-–:]?\d[\d.\-–:]*)?\b)"
)
_NUMBERED = re.compile(r"^(?:(?:chapter|section|part|appendix|annex)\s+[\dIVXA-Z]+[.:]?|\d{1,2}(?:\.\d{1,2}){0,5}\.?|[A-Z]\.(?:\d{1,2}\.?)*|[IVX]{1,4}\.)\s+\S", re.I)
_NUM_DEPTH = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})\.?\s")
_FOOTNOTE_START = re.compile(r"^(?:\d{1,2}|[*†‡§¶a-z])(?:\s|[A-Z(])|^[*†‡§¶]")
_URL_FOOTNOTE = re.compile(r"^(?:\d{1,3}|[*†‡§¶])\s*(?:https?://|www\.)\S+")
_ENDS_SENTENCE = re.compile(r"[.;,]$")
_LETTER = re.compile(r"[^\W\d_]", re.U)
_CODE_PUNCT = re.compile(r"[{}()\[\];/*#=<>]")


def body_size(pages: list[list[Unit]]) -> float:
    """Character-weighted mode of font sizes outside page furniture."""
    hist: dict[float, int] = {}
    for units in pages:
        for u in units:
            if u.furniture:
                continue
            for l in u.lines:
                hist[l.size] = hist.get(l.size, 0) + l.nchars
    return max(hist, key=hist.__getitem__) if hist else 10.0


def unit_text(u: Unit) -> str:
    return " ".join(l.text for l in u.lines)


def classify(u: Unit, body: float, page_height: float) -> None:
    """Set ``kind`` of a body unit (not its heading level), in place."""
    text = unit_text(u).strip()
    size = u.size
    n = len(text)
    if size < body - 0.9 and u.y0 > 0.6 * page_height and _URL_FOOTNOTE.match(text):
        u.kind = "footnote"  # "7 https://..." set in typewriter type is a note, not code
        return
    if u.mono > 0.8 and (_LETTER.search(text) or _CODE_PUNCT.search(text)):
        u.kind = "code"  # also "/*", "}" and "*/" alone in typewriter type
        return
    if _CAPTION.match(text) and size <= body + 1.0 and n > 8:
        u.kind = "caption"
        return
    if u.math > 0.45 and n <= 400 and len(u.lines) <= 6:
        u.kind = "formula"
        return
    if _is_heading(u, text, body):
        u.kind = "heading"
        return
    if is_list_start(text):
        u.kind = "list_item"
        return
    if size < body - 0.9 and u.y0 > 0.6 * page_height and (_FOOTNOTE_START.match(text) or u.lines[0].super_start):
        u.kind = "footnote"
        return
    u.kind = "paragraph"


#: an IEEE-style section: roman number, title in capitals
_ROMAN_CAPS = re.compile(r"^[IVX]{1,5}\.\s+[A-Z][A-Z0-9 ,:;&'’/()\-–]{2,80}$")
_LETTER_SECTION = re.compile(r"^[A-Z]\.\s+\S")
#: a section known by its name, alone on its line
_NAMED_SECTION = re.compile(
    r"^(?:abstract|introduction|conclusions?|acknowledge?ments?|references|bibliography|appendix|appendices"
    r"|keywords|index\s+terms|preface|foreword|glossary)\s*:?$",
    re.I,
)
_WEB = re.compile(r"^(?:https?://|www\.)\S+$|^[\w.-]+\.(?:com|org|net|gov|edu|io|int)(?:/\S*)?$|^\S+@\S+\.\w+$", re.I)


def _is_heading(u: Unit, text: str, body: float) -> bool:
    n = len(text)
    if n > 200 or len(u.lines) > 3:
        return False
    letters = len(_LETTER.findall(text))  # counted only for short units: most paragraphs stop above
    if letters < 2:
        return False
    if _WEB.match(text):  # "ibm.com/redbooks", an e-mail address: a link, not a section
        return False
    m = _NUM_DEPTH.match(text)
    rest = text[m.end() :] if m else text  # "3.3 H.E.S.S.": judge the title, not its number
    if letters < 0.4 * len(rest):  # numbers and punctuation: a table cell or a formula
        return False
    tokens = text.split()
    if len(tokens) >= 2 and all(any(c.isdigit() for c in t) for t in tokens):
        return False  # "1a 2aa 3a": compound labels over a table or a scheme
    size = u.size
    if len(u.lines) == 1 and size >= body - 2.5 and (_ROMAN_CAPS.match(text) or _NAMED_SECTION.match(text)):
        # "II. MOTIVATION AND BACKGROUND", "REFERENCES", "ABSTRACT": set in small
        # caps (a smaller size) or plain, still a section
        u.meta["heading_by"] = "name"
        return True
    ends = text.endswith((".", ",", ";")) and not text.endswith("..")
    numbered = bool(_NUMBERED.match(text))
    if size - body >= max(1.0, 0.08 * body):
        if not (ends and n > 60):
            u.meta["heading_by"] = "size"
            return True
        return False
    if u.bold > 0.9 and size >= body - 0.6:
        if ends and not numbered:
            return False
        u.meta["heading_by"] = "bold"
        return n <= 150
    if u.italic > 0.9 and len(u.lines) == 1 and n <= 80 and not ends and size >= body - 0.6 and (text[:1].isupper() or numbered):
        u.meta["heading_by"] = "italic"
        return True
    if numbered and size >= body - 0.6 and not ends and n <= 90 and len(u.lines) <= 2:
        m = _NUM_DEPTH.match(text)
        # "3.1.2 Title" is a section; "3 apples were..." is prose.
        rest = text[len(m.group(0)) if m else 0 :].lstrip()
        styled = u.bold > 0.3 or u.italic > 0.9
        if m and "." in m.group(1) and (styled or rest[:1].isupper()):
            return True
        return bool(rest[:1].isupper()) and n <= 60 and styled
    return False


def numbering_depth(text: str) -> int | None:
    m = _NUM_DEPTH.match(text)
    if not m:
        return None
    return min(6, m.group(1).count(".") + 1)


def norm_title(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).lower())


_NOT_ALNUM = re.compile(r"[\W_]+")


def assign_levels(headings: list[Unit], toc: list[tuple[int, str, int]], body: float) -> None:
    """Heading levels 1..6: outline first, then numbering depth, then style rank."""
    styles = sorted({(u.size, u.bold > 0.9) for u in headings}, key=lambda s: (-s[0], -int(s[1])))
    rank = {s: i + 1 for i, s in enumerate(styles)}
    toc_map: dict[str, list[tuple[int, int]]] = {}
    for level, title, page in toc:
        toc_map.setdefault(norm_title(title), []).append((level, page))
    roman = any(_ROMAN_CAPS.match(unit_text(u)) for u in headings)
    named: list[Unit] = []
    ranked: set[tuple[float, bool]] = set()
    for u in headings:
        text = unit_text(u)
        if u.meta.get("level_from") == "contents":
            u.level = 1  # "Contents", "List of Figures": a top-level part of the book
            continue
        key = norm_title(text)
        hit = None
        for level, page in toc_map.get(key, ()):
            if page <= 0 or abs(page - u.page) <= 1:
                hit = level
                break
        if hit is not None:
            u.level = max(1, min(6, hit))
            u.meta["level_from"] = "outline"
            continue
        depth = numbering_depth(text)
        if depth is not None:
            u.level = depth
            continue
        if _ROMAN_CAPS.match(text):
            u.level = 1  # "II. DESIGN": a top-level section, whatever its type size
            continue
        if roman and _LETTER_SECTION.match(text):
            u.level = 2  # "A. Scale" under "III. DESIGN"
            continue
        if u.meta.get("heading_by") == "name":
            named.append(u)
            continue
        u.level = min(6, rank[(u.size, u.bold > 0.9)])
        ranked.add((u.size, u.bold > 0.9))
    # "REFERENCES", "ABSTRACT": the level of the numbered or outlined sections
    # set in the same type ("1 INTRODUCTION"); the type's rank when plain
    # headings share that type ("Findings", "Conclusion") or none is known
    known: dict[tuple[float, bool], int] = {}
    for u in headings:
        if u.level is not None and u not in named and (u.meta.get("level_from") == "outline" or numbering_depth(unit_text(u)) or _ROMAN_CAPS.match(unit_text(u))):
            style = (u.size, u.bold > 0.9)
            known[style] = min(known.get(style, 6), u.level)
    for u in named:
        style = (u.size, u.bold > 0.9)
        u.level = min(6, rank[style]) if style in ranked or style not in known else known[style]


_SECTION_NO = re.compile(r"^(?:(?:chapter|section|part|appendix)\s+)?(?:\d{1,2}(?:\.\d{1,2}){0,5}\.?|[A-Z]\.(?:\d{1,2}\.?)*|[IVX]{1,4}\.)\s+", re.I)


def outline_keys(toc: list[tuple[int, str, int]]) -> dict[int, set[str]]:
    """Normalized outline titles by target page, with and without their
    section number (outlines often leave the number out: "Introduction" for
    "1 INTRODUCTION")."""
    by_page: dict[int, set[str]] = {}
    for _level, title, page in toc:
        for t in (title, _SECTION_NO.sub("", title.strip())):
            k = norm_title(t)
            if len(k) >= 3:
                by_page.setdefault(page, set()).add(k)
    return by_page


def is_outline_entry(u: Unit, keys: dict[int, set[str]]) -> bool:
    """The unit's text, with or without its section number, is an outline entry on its page."""
    page_keys = keys.get(u.page)
    if not page_keys or len(u.lines) > 3:
        return False
    text = unit_text(u).strip()
    return norm_title(text) in page_keys or norm_title(_SECTION_NO.sub("", text)) in page_keys


def promote_toc_entries(pages: list[list[Unit]], toc: list[tuple[int, str, int]]) -> None:
    """Short body units whose text is an outline entry on its page are headings
    even when their typography is plain."""
    if not toc:
        return
    keys = outline_keys(toc)
    for units in pages:
        for u in units:
            if u.furniture or u.kind in ("heading", "title", "table", "caption"):
                continue
            if is_outline_entry(u, keys):
                u.kind = "heading"


def pick_title(pages: list[list[Unit]], body: float) -> None:
    """The largest heading near the top of the first page with text is the title."""
    for units in pages[:2]:
        heads = [u for u in units if not u.furniture and u.kind == "heading"]
        if not heads:
            continue
        biggest = max(u.size for units2 in pages for u in units2 if not u.furniture and u.kind == "heading")
        first = [u for u in heads if u.size == biggest]
        if first and biggest >= body * 1.3:
            u = min(first, key=lambda v: v.y0)
            u.kind = "title"
        return


_AFFIL_MARK = re.compile(r"(?<=[^\W_])[*∗†‡§]|(?<=[,\d])\s?[*∗†‡§]|[*∗†‡§](?=,)")
_SUPER_DIGITS = re.compile(r"(?<=[a-z])\d{1,2}(?:[,–-]\d{1,2})*(?=[,;\s]|$)")
_NAME_GLUE = frozenset("and & de del della der di da van von le la du dos das y et und".split())


def demote_bylines(ordered: list[list]) -> None:
    """Author lines under the title are not sections: on the first page with
    text, a "heading" below the title or another heading that carries an
    affiliation mark ("Masahiro Sai*", "Qwen Team, Alibaba Group∗", "Hala
    Faragalla 1,*, Anna Plotkin 2, ...", "A. Smith1, B. Jones2") and reads as
    capitalised names becomes a paragraph (``meta.byline``).  Only the front
    matter: the search ends at the first paragraph of running text."""
    for items in ordered:
        units = [u for u in items if isinstance(u, Unit) and not u.furniture]
        if not units:
            continue
        seen_head = False
        for u in units:
            if u.kind == "paragraph" and len(u.lines) >= 2 and _running_text(unit_text(u)):
                break  # the front matter is over
            if u.kind not in ("heading", "title"):
                continue
            if u.kind == "heading" and seen_head and _is_byline(unit_text(u).strip()):
                u.kind = "paragraph"
                u.meta.pop("heading_by", None)
                u.meta["byline"] = True
            seen_head = True
        return  # only the first page with text


def _running_text(text: str) -> bool:
    """Sentences, not a list of names (which has a comma every few words)."""
    t = text.rstrip()
    return t.endswith((".", "!", "?")) or t.count(",") < len(t.split()) / 6


def _is_byline(text: str) -> bool:
    if len(text) > 400 or _NUM_DEPTH.match(text):
        return False
    marks = len(_AFFIL_MARK.findall(text))
    supers = len(_SUPER_DIGITS.findall(text))
    if not marks and not (supers >= 2 and "," in text):
        return False
    bare = _SUPER_DIGITS.sub(" ", _AFFIL_MARK.sub(" ", text))
    words = [w for w in re.split(r"[\s,;]+", bare) if any(c.isalpha() for c in w)]
    if not words or len(words) > 80:
        return False
    names = [w for w in words if w.lower() not in _NAME_GLUE]
    if not names:
        return False
    caps = sum(1 for w in names if w[:1].isupper())
    return caps >= 0.85 * len(names) and not text.rstrip().endswith((".", ":", "?"))


def demote_bold_runs(ordered: list[list]) -> None:
    """Three or more headings of one size in a row, with nothing or only
    one-line snippets between them, are a list of names, the labels of a
    diagram or a form, not a cascade of empty sections."""
    for items in ordered:
        run: list[Unit] = []
        for it in [x for x in items if not getattr(x, "furniture", False)] + [None]:
            if isinstance(it, Unit) and it.kind == "heading":
                if run and run[-1].size == it.size:
                    run.append(it)
                    continue
                _demote(run)
                run = [it]
                continue
            if run and isinstance(it, Unit) and it.kind == "paragraph" and len(it.lines) == 1 and len(unit_text(it)) < 80:
                continue  # a short label between labels does not end the run
            _demote(run)
            run = []


def demote_cover_pages(ordered: list[list], body: float) -> None:
    """Front and back covers are a poster of big type, not sections: on the
    first and last page of a document of six or more pages, when the page
    holds little running text, only its largest heading stays a heading.  A
    back cover or an inner title page (pages 2-4) that repeats the title
    keeps none: the title, author names, report numbers on it would
    otherwise head every section after it."""
    if len(ordered) < 6:
        return
    first_top = None
    # pages 2-4 may repeat the cover (an inner title page: "NIST SP 800-223",
    # the title, author names and affiliations in display type)
    for idx in (0, 1, 2, 3, len(ordered) - 1):
        units = [u for u in ordered[idx] if isinstance(u, Unit) and not u.furniture]
        heads = [u for u in units if u.kind in ("heading", "title")]
        prose = sum(len(unit_text(u)) for u in units if u.kind == "paragraph" and len(u.lines) >= 3)
        # the biggest type that says something: a one-word logo ("Redpaper") is not the title
        def rank(u: Unit) -> tuple:
            return (len(unit_text(u).split()) >= 2, u.size, -u.y0)

        if len(heads) < 3 or prose > 1500:
            if idx == 0 and heads:
                first_top = norm_title(unit_text(max(heads, key=rank)))
            continue
        top = max(heads, key=rank)
        keep: Unit | None = top
        if idx == 0:
            first_top = norm_title(unit_text(top))
        elif idx < len(ordered) - 1:
            if not first_top or norm_title(unit_text(top)) != first_top:
                continue  # an inner page that is not the title page again: its own headings stand
            keep = None  # the title page again
        elif first_top and norm_title(unit_text(top)) and norm_title(unit_text(top)) in first_top:
            keep = None  # the title again
        for u in heads:
            if u is not keep:
                u.kind = "paragraph"
                u.meta.pop("heading_by", None)


def demote_toc_entries(ordered: list[list]) -> None:
    """The entries of a printed table of contents are not sections: a heading
    whose text runs into a dot leader and a page number is an entry anywhere;
    on a contents page (three or more lines ending in a leader and a number,
    or page numbers aligned at one right edge), so is a heading that ends in
    a page number or has one at the end of its row."""
    for items in ordered:
        units = [u for u in items if isinstance(u, Unit)]
        toc_page = is_contents_page(units)
        if toc_page:
            folios = [u for u in units if len(u.lines) == 1 and FOLIO.match(unit_text(u).strip())]
            right_edge = max(u.x1 for u in units)
        for h in units:
            if h.kind != "heading" or h.furniture:
                continue
            text = unit_text(h).strip()
            entry = bool(LEADER_NUM.search(text))
            if toc_page and not entry:
                entry = bool(ENDS_FOLIO.search(text)) and h.lines[-1].x1 > h.x0 + 0.5 * (right_edge - h.x0)
                entry = entry or any(
                    f is not h and f.x0 > h.x1 and min(f.y1, h.y1) - max(f.y0, h.y0) > 0.5 * (h.lines[0].y1 - h.lines[0].y0)
                    for f in folios
                )
            if entry:
                h.kind = "paragraph"
                h.meta.pop("heading_by", None)
                h.meta["toc_entry"] = True


def _demote(run: list[Unit]) -> None:
    if len(run) >= 3:
        for u in run:
            u.kind = "paragraph"
            u.meta.pop("heading_by", None)


def demote_row_cells(units: list[Unit], page_width: float) -> None:
    """A "heading" with a short text right beside it on the same row is a
    label in a form or a table row, not a section title."""
    heads = [u for u in units if u.kind == "heading" and not u.furniture]
    if not heads:
        return
    for h in heads:
        lh = max(1.0, h.lines[0].y1 - h.lines[0].y0)
        for v in units:
            if v is h or v.furniture or len(v.lines) > 2:
                continue
            if abs(v.y0 - h.y0) > 0.5 * lh:
                continue
            if v.size < 0.7 * h.size:
                continue  # a badge in the margin beside a title set much larger ("OPEN" beside a 24 pt title)
            if v.x1 - v.x0 > 0.35 * page_width or len(unit_text(v)) > 80:
                continue  # a line of the next column, not a short cell
            gap = v.x0 - h.x1 if v.x0 >= h.x1 else h.x0 - v.x1
            if 0 <= gap < 0.3 * page_width:
                h.kind = "paragraph"
                h.meta.pop("heading_by", None)
                break
