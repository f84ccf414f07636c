"""Legal document structure: lines -> units (headings, markers, prose runs).

Sentence boundaries in legal text are decided first by layout: a heading, a
caption field ("Decision Date: 03/28/17"), a list number ("1.", "(a)",
"IV.") or a footnote marker is a sentence of its own, and a line break ends a
sentence unless the text visibly runs on (the line ends with ``,`` ``;``
``—``, a conjunction or article, or the next line starts in lowercase, or it
is the "v." of a case caption); a colon before a blank line ends the
sentence (a block quotation follows), and so does a dash after a catchline.
Leading footnote numbers (also right under a "Notes" heading), bookmark
footnote markers, ``* * *`` omissions and quoted subsection labels
(``"(a)``) are sentences of their own.  This module makes that layout decision and
returns ``Unit`` records; prose units then go through the spaCy pipeline for
the sentence boundaries inside them.

It also keeps the section path: ``ARTICLE IV`` > ``Section 4.2`` > ``(b)``.
Levels are assigned by order of appearance of numbering styles (the way
lawyers nest them differs between documents): a style seen before closes
everything opened after it, a new style nests one level deeper.
Cross-references ("as set forth in Section 4.2") never start a line as a
heading does, and a line such as "Section 114 contains..." is prose, because
a heading's number is followed by nothing, a period, a dash or a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...core.spans import trim as _trim
from .sbd import is_sentence_end

#: a line of a box drawn in asterisks (licence disclaimers): "*  text  *", and the
#: box's top and bottom rule; a "* * *" omission has spaces between its stars
_FRAMED = re.compile(r"\*[ \t]+(.*?\w.*?)[ \t]+\*|\*[ \t]{2,}[-=_ \t]*\*")
_FRAME_RULE = re.compile(r"\*{5,}")
#: lines that are only caption-box columns or rules ("\t)", "_____", "=====")
_LAYOUT_ONLY = re.compile(r"[\s)(|\u00a7_=\-]*")
# ")" column of a caption box: "DOCKET NO. 10-10 851\t)\tDATE"
_CAPTION_COLUMN = re.compile(r"[ \t]*\t\)[ \t]*|[ \t]{2,}\)[ \t]+")
# "Decision Date: 03/13/15    Archive Date: 03/24/15": a new field label after a wide gap
_FIELD_GAP = re.compile(r"(?:\t|[ ]{3,})(?=[A-Z][A-Za-z.'/ ]{0,40}:\s)")

_CONT_WORDS = frozenset(
    "and or nor but the a an of to in on at by for from with without under that which who whom whose as than "
    "is are was were be been being his her its their our this these those such said any each every if "
    # without a period these cannot end a sentence: "the judgment ... is therefore\n\nAFFIRMED."
    "therefore hereby".split()
)
#: closing quotes and brackets that may follow a sentence's final punctuation
_CLOSERS = "\"\u201d'\u2019)]"
#: hard-wrap detection (``wrap_width``): a text this short says nothing about its
#: margin; a margin beyond this many columns is no typewriter or licence layout;
#: the margin is estimated from the longest lines, and ragged fills (Emacs,
#: ``fmt``) stop up to this many columns short of it
_WRAP_MIN_LINES = 8
_WRAP_MAX_WIDTH = 100
_WRAP_SLACK = 4
_EDITORIAL = re.compile(r"\[[^\[\]\n]{0,20}\]")
_ARTICLES = frozenset(("A", "An", "The"))
_CAPTION_V = re.compile(r"^(?:v\.?|vs\.?|versus|and|AND)$")
# the lowercase "v." of a caption set in capitals ("UNITED STATES, PETITIONER v. ANTOINE JONES")
_INLINE_V = re.compile(r"(?<= )(?:v|vs)\.(?= )")
#: dashes: em/en dash, and U+0097/U+0096, where Windows-1252 text decoded as
#: Latin-1 leaves them (the C1 controls never occur in real text)
_DASHES = "\u2014\u2013\x97\x96"

_ARTICLE = re.compile(r"(?P<label>(?:ARTICLE|Article)\s+(?:[IVXLC]+|\d+|[A-Z])\b\.?)")
_SECTION = re.compile(
    r"(?P<label>(?:SECTION|Section|SEC\.|Sec\.|\u00a7\u00a7?)\s*\d+[A-Za-z]?(?:[.\-]\d+[A-Za-z]?)*)(?![\d(])\.?"
)
_DECIMAL = re.compile(r"(?P<label>\d+(?:\.\d+)+)\.?(?=\s)")
_ENUM = re.compile(
    r"(?P<label>\((?:\d{1,3}|[a-z]{1,2}|[A-Z]{1,2}|[ivxlc]{1,6}|[IVXLC]{1,6})\)"
    r"|(?:\d{1,3}|[a-z]|[A-Z]|[ivxlc]{2,6}|[IVXLC]{2,6})[.)])(?=[\s\u2002\u2003])"
)
# "[12]", or the bookmark form of Word/HTML exports: "[bookmark: [12]][12]", "[bookmark: _ftn3][3]"
_FOOTNOTE = re.compile(r"(?:\[bookmark:[^\[\]\n]{0,40}(?:\[[^\[\]\n]{0,12}\][^\[\]\n]{0,12})?\])?\[(?:\d{1,3}|\*+)\](?=\s)")
# an omission shown by asterisks ("* * *") opening a paragraph: a sentence of its own
_ASTERISKS = re.compile(r"\*(?:[^\S\r\n]{0,3}\*){2,}(?=\s)")
# the heading of a footnote section; the footnotes under it open with their number
_NOTES_HEADING = frozenset(("Notes", "NOTES", "Footnotes", "FOOTNOTES", "Footnote", "FOOTNOTE"))
_BULLETS = frozenset("\u2022\u00b7\u25cf\u25aa\u2023\u2043\x95")
_STAR_PAGE = re.compile(r"(?:\d+)?\*\d+(?=\s)")
# a bare footnote number opening a footnote paragraph: "3 Katz did not...", "1* United States v."
_FOOTNOTE_NUMBER = re.compile(r"\d{1,3}\*?(?=[ \t]+[\"\u201c]?[A-Z][a-z]*(?![.\w]))")
# the "court below" line of a caption (the procedural posture), not a section
# heading: "CERTIORARI TO THE UNITED STATES COURT OF APPEALS ...", "APPEAL FROM
# THE ...", "ERROR TO THE ...", "ON WRIT OF CERTIORARI TO ...", "ON PETITION FOR
# REVIEW OF AN ORDER OF ..."
_POSTURE = re.compile(
    r"(?:ON\s+)?(?:(?:PETITION\s+FOR\s+(?:A\s+)?)?(?:WRITS?\s+OF\s+)?CERTIORARI|APPEALS?|ERROR|CERTIFICATES?"
    r"|PETITIONS?\s+FOR\s+REVIEW|MOTIONS?)\s+(?:TO|FROM|OF|IN)\s"
)
# a signature rule ("_____") on the line right above: the ALL-CAPS line under
# it is the signer's name, not a heading
_RULE_ABOVE = re.compile(r"[ \t]*_{3,}[ \t]*\r?\n[ \t]*\Z")
# a part number alone on its line, as slip opinions set them: "II", "A"
_BARE_PART = re.compile(r"(?:[IVXLC]{1,6}|[A-Z])")
#: the first value of each numbering style: a list that the outline has not
#: seen yet starts there ("(b)" or "3." out of the blue is a quoted statute's
#: subsection or an excerpt, not a part of this document)
_FIRST_VALUES = frozenset(("1", "a", "A", "i", "I"))
_TITLE_STOP = frozenset("of and the to for in on by with or a an under de la et".split())
_DEFINES = re.compile(
    r"[\"\u201c](?P<term>[^\"\u201d]{1,80})[\"\u201d]\s+(?:shall\s+)?(?:means?|has\s+the\s+meaning|shall\s+have\s+the\s+meaning|"
    r"includes?|refers?\s+to|is\s+defined)\b"
)
_PAREN_DEFINED = re.compile(r"\((?:the\s+|each,?\s+an?\s+|an?\s+)?[\"\u201c](?P<term>[^\"\u201d]{1,60})[\"\u201d]\)")


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of the document whose edges are sentence boundaries.

    ``kind``: ``heading`` (section heading or heading title),
    ``heading_marker`` (the number of a numbered heading: "I." of "I.
    BACKGROUND", a lone "II"), ``marker`` (number / letter opening a clause,
    own sentence; ``level`` None when it is no part of the outline), ``footnote_marker``,
    ``page_marker`` (reporter star page), ``omission`` (``* * *``), ``signature``
    (the signer's name under a signature rule, one sentence), or ``prose`` (one or more
    sentences, split further by the spaCy component).  ``section`` is the
    section path in force for the unit; ``level`` its depth for headings.
    """

    kind: str
    start: int
    end: int
    section: tuple[str, ...] = ()
    level: int | None = None


def _line_segments(text: str) -> list[tuple[int, int, bool]]:
    """Non-blank line pieces ``(start, end, split)``; ``split`` marks pieces of a
    line cut by caption-box columns or field gaps (never joined to neighbours)."""
    out: list[tuple[int, int, bool]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        le = n if nl == -1 else nl
        s, e = _trim(text, pos, le)
        fm = _FRAMED.fullmatch(text, s, e)
        if fm is not None:  # "*  text  *": a line of a box drawn in asterisks; its text only
            s, e = _trim(text, fm.start(1), fm.end(1))
            if s >= e:
                s = e = le
        elif _FRAME_RULE.fullmatch(text, s, e):
            s = e = le
        if s < e and not _LAYOUT_ONLY.fullmatch(text, s, e):
            cuts = [(m.start(), m.end()) for m in _CAPTION_COLUMN.finditer(text, s, e)]
            cuts += [(m.start(), m.end()) for m in _FIELD_GAP.finditer(text, s, e)]
            if cuts:
                cuts.sort()
                p = s
                for a, b in cuts:
                    ps, pe = _trim(text, p, a)
                    if ps < pe and not _LAYOUT_ONLY.fullmatch(text, ps, pe):
                        out.append((ps, pe, True))
                    p = max(p, b)
                ps, pe = _trim(text, p, e)
                if ps < pe and not _LAYOUT_ONLY.fullmatch(text, ps, pe):
                    out.append((ps, pe, True))
            else:
                out.append((s, e, False))
        if nl == -1:
            break
        pos = nl + 1
    return out


def _last_word(line: str) -> str:
    i = len(line)
    while i > 0 and line[i - 1].isalpha():
        i -= 1
    return line[i:]


def wrap_width(text: str, segs: list[tuple[int, int, bool]]) -> int | None:
    """The column at which ``text`` is hard-wrapped (licences, statutes and
    typewritten filings set at ~70 columns), or None when its lines are whole
    paragraphs.  Estimated as the 98th percentile of line end columns, since a
    few lines (a URL, a table row) overrun the margin; a paragraph-per-line
    document has hundreds of columns there."""
    if len(segs) < _WRAP_MIN_LINES:
        return None
    cols = sorted(e - (text.rfind("\n", 0, s) + 1) for s, e, _ in segs)
    width = cols[min(len(cols) - 1, int(len(cols) * 0.98))]
    return width if width <= _WRAP_MAX_WIDTH else None


def _is_wrap(text: str, prev: tuple[int, int, bool], cur: tuple[int, int, bool], width: int | None) -> bool:
    """Is the break between ``prev`` and ``cur`` a wrap of running text?  In a
    hard-wrapped text it is when ``cur``'s first word would not have fitted on
    ``prev``'s line: the line was full, so the break says nothing about the
    sentence; a line that stops short ended on purpose."""
    if width is None or prev[2] or cur[2] or "\n" in text[prev[1] : cur[0]].replace("\n", "", 1):
        return False
    end_col = prev[1] - (text.rfind("\n", 0, prev[0]) + 1)
    # wrappers break at plain spaces: "§\u20025.01(1)" is one word to them
    word = text[cur[0] : cur[1]].split(" ", 1)[0]
    return end_col + 1 + len(word) > width - _WRAP_SLACK


def _period_ends_sentence(text: str, prev: tuple[int, int, bool], cur: tuple[int, int, bool]) -> bool:
    """Does the sentence punctuation ending line ``prev`` end a sentence, read
    as running text with line ``cur`` after it?  The inline rules decide:
    "38 C.F.R." before "§ 3.102", "460 U." before "S. 276", "the D." before
    "C. Circuit" run on."""
    i = prev[1]
    while i > prev[0] and text[i - 1] in _CLOSERS:
        i -= 1
    while i > prev[0] and text[i - 1] in ".!?":
        i -= 1
    return is_sentence_end(text, i, prev[1], cur[0])


def _ends_sentence(line: str) -> bool:
    """Does ``line`` end with sentence-final punctuation (closers after it
    included: '."', '.)', '?"]')?  A bare closer ("(2)", '"Program"') does not."""
    core = line.rstrip(_CLOSERS)
    return bool(core) and core[-1] in ".!?"


def _runs_on(
    text: str, prev: tuple[int, int, bool], cur: tuple[int, int, bool], blank_between: bool, width: int | None = None
) -> bool:
    """Does line ``cur`` continue the sentence of line ``prev``?  ``width``:
    the wrap width of a hard-wrapped text (``wrap_width``)."""
    if prev[2] or cur[2]:
        return False
    a = text[prev[0] : prev[1]]
    b = text[cur[0] : cur[1]]
    if _is_wrap(text, prev, cur, width):
        # a full line: the next line's number or "Section 3" is a cross-reference
        # the wrap put there ("irrevocable\n(except as stated"), not a new clause,
        # unless the line closed its sentence or clause (". " ": " "; " before "(b)")
        # ("U.S.C.\n§ 1983" too: the sentence rules decide a period inside running text)
        closed = (_ends_sentence(a) and _period_ends_sentence(text, prev, cur)) or a[-1] in ":;"
        opens = (_ENUM.match(b) is not None and not b.startswith(("v. ", "vs. "))) or heading_match(b) is not None
        if not (closed and opens):
            return True
    if heading_match(b) is not None:
        return False
    if _CAPTION_V.match(a) or _CAPTION_V.match(b):
        return True
    last = a[-1]
    first = b[0]
    if last in _DASHES:
        # a dash runs on, except after a catchline ("... Information. \u2014"):
        # the heading sentence has ended and the section text follows
        return a[:-1].rstrip()[-1:] != "."
    if last in ",;" or (last == "-" and not blank_between and a[-2:-1].isalpha()):
        return True
    if last == ":":
        # "These factors are:" is a sentence; "that:\nthe information" runs on; a
        # colon before a paragraph break introduces a block quotation (Bluebook
        # 5.1(a)), which is a sentence of its own even when it opens in lowercase
        return first.islower() and not blank_between
    if _ends_sentence(a):
        return False
    em = _ENUM.match(b)
    if em and b[em.end() :].lstrip()[:1].isupper():  # a new numbered item
        return False
    if last in _CLOSERS and not _opens_lowercase(b):
        return False  # '(MY LIFE WILL VANISH)', '[sic]': a closed aside or quotation
    if _opens_lowercase(b):  # ... unless the line above is an ALL-CAPS caption or heading
        # ("[sic]" and other editorial brackets say nothing about the line's case)
        return any(ch.islower() for ch in _EDITORIAL.sub("", _INLINE_V.sub("", a))) or last in ",;"
    lw = _last_word(a)
    # a long prose line that stops on a word mid-sentence ("... is therefore\n\nAFFIRMED."),
    # or on the article opening the next sentence ("form.  A\n\"Major Component\"")
    return lw in _CONT_WORDS or (lw in _ARTICLES and not blank_between)


def _opens_lowercase(line: str) -> bool:
    """Does ``line`` open with a lowercase word, behind any opening brackets or
    quotes ('(except as stated', '"means')?  A clause letter ("(b) if so") is a
    number, not a word."""
    if line[0].islower():
        return True
    if line[0] not in "(\"\u201c[":
        return False
    if _ENUM.match(line) or _ENUM.match(line, 1):
        return False
    word = line.lstrip("(\"\u201c[")
    return word[:1].islower()


def heading_match(line: str) -> tuple[str, str, int] | None:
    """``(style, label, title_end)`` if ``line`` opens with a section heading.

    ``title_end`` is where the heading text ends inside ``line`` (the rest,
    if any, is prose on the same line: "Section 4.2 Payment. The Buyer...").
    """
    for style, rx in (("article", _ARTICLE), ("section", _SECTION), ("decimal", _DECIMAL)):
        m = rx.match(line)
        if not m:
            continue
        label = m.group("label").rstrip(".")
        if style == "decimal":
            style = f"decimal{label.count('.')}"
        rest_at = m.end()
        rest = line[rest_at:]
        stripped = rest.lstrip()
        if not stripped:
            return style, label, len(line)
        if stripped[0] in ".:\u2014\u2013-":
            off = len(rest) - len(stripped) + 1
            t_end = _title_end(line, rest_at + off)
            return style, label, t_end if t_end is not None else len(line)
        if m.group(0).endswith("."):  # "Section 2. The Buyer shall..." -> heading "Section 2."
            t_end = _title_end(line, rest_at)
            return style, label, t_end if t_end is not None else rest_at
        t_end = _title_end(line, rest_at)
        if t_end is not None:
            return style, label, t_end
        return None
    return None


def _title_end(line: str, pos: int) -> int | None:
    """End of a Title-Case (or ALL-CAPS) heading title starting at ``pos``,
    closed by ``.``/``:`` or the end of the line; None if it is prose."""
    m = re.compile(r"\s*([^.:;]{1,100})(?:([.:])|$)").match(line, pos)
    if not m:
        return None
    words = m.group(1).split()
    if not words or len(words) > 12:
        return None
    for w in words:
        w0 = w.lstrip("\"'\u201c(&-")
        if not w0:
            continue
        if not (w0[0].isupper() or w0[0].isdigit() or w0.lower() in _TITLE_STOP):
            return None
    return m.end()


def _is_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 2 or any(c.islower() for c in letters):
        return False
    if any(c.isdigit() for c in line) or len(line.split()) > 14:
        return False
    return line[-1] not in ",;"


def _enum_key(label: str) -> tuple[str, str]:
    """(style, value) of an enumerator label such as ``(iv)``, ``A.``, ``12.``."""
    paren = label.startswith("(")
    core = label.strip("().")
    if core.isdigit():
        kind = "digit"
    elif re.fullmatch(r"[ivxlc]+", core) and (len(core) > 1 or core == "i"):
        kind = "roman"
    elif re.fullmatch(r"[IVXLC]+", core) and (len(core) > 1 or core == "I"):
        kind = "ROMAN"
    elif core.islower():
        kind = "alpha"
    else:
        kind = "ALPHA"
    return ("(" if paren else "") + kind + (")" if label.endswith(")") and not paren else ""), core


def _successor(prev: str | None, cur: str) -> bool:
    if prev is None:
        return False
    if len(prev) == 1 and len(cur) == 1:
        return ord(cur) == ord(prev) + 1
    return False


class _Outline:
    """The section path, with levels assigned by order of numbering styles."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, str, str, bool]] = []  # (style, label, value, is a clause)

    def last_value(self, style: str) -> str | None:
        for st, _, v, _ in reversed(self.stack):
            if st == style:
                return v
        return None

    def push(self, style: str, label: str, value: str = "", clause: bool = False) -> int:
        if style == "article":  # articles close ALL-CAPS part headings ("RECITALS"), not the title
            keep = 1 if self.stack and self.stack[0][0] == "title" else 0
            for i, (st, _, _, _) in enumerate(self.stack[keep:], keep):
                if st.startswith("caps:"):
                    del self.stack[i:]
                    break
        if style.startswith(("caps:", "article", "section")) and self.under_notes():
            self.stack.pop()  # a heading after the notes opens the next part (a concurrence, an exhibit)
        if style.startswith("caps:"):
            # an ALL-CAPS heading is never part of a numbered clause ("REPRESENTATION"
            # after "2.  Entitlement to ..."): the clauses above it end
            while self.stack and self.stack[-1][3]:
                self.stack.pop()
        for i, (st, _, _, _) in enumerate(self.stack):
            if st == style:
                del self.stack[i:]
                break
        self.stack.append((style, label, value, clause))
        return len(self.stack)

    def under_notes(self) -> bool:
        return bool(self.stack) and self.stack[-1][0] == "notes"

    def may_open(self, style: str, value: str) -> bool:
        """A numbering continues a style in force, or starts at its first value."""
        return value in _FIRST_VALUES or any(st[0] == style for st in self.stack)

    def close_body(self) -> None:
        del self.stack[1 if self.stack and self.stack[0][0] == "title" else 0 :]

    def push_notes(self, label: str) -> int:
        """The notes section: at the top, under the document title only."""
        self.close_body()
        self.stack.append(("notes", label, "", False))
        return len(self.stack)

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(entry[1] for entry in self.stack)


def _classify_enum(outline: _Outline, label: str) -> tuple[str, str] | None:
    """Style and value of a line-opening enumerator, or None when the token is
    more likely an initial ("K. Hughes") than a list letter."""
    style, value = _enum_key(label)
    if style in ("ALPHA", "ROMAN") and len(value) == 1:
        # single capital letters: a list letter starts at A/I or continues a sequence
        prev_alpha = outline.last_value("ALPHA")
        prev_roman = outline.last_value("ROMAN")
        if value == "I" and prev_alpha == "H":
            return "ALPHA", value
        if value in ("A", "I") or _successor(prev_alpha, value):
            return (style if value == "I" else "ALPHA"), value
        if value in ("V", "X") and prev_roman in ("IV", "IX"):
            return "ROMAN", value
        return None
    if style in ("alpha", "(alpha)") and value == "i" and outline.last_value(style) != "h":
        return style.replace("alpha", "roman"), value
    if style in ("(roman)", "roman") and value in ("v", "x") and outline.last_value(style.replace("roman", "alpha")) in (
        "u",
        "w",
    ):
        return style.replace("roman", "alpha"), value
    return style, value


def structure_units(text: str) -> list[Unit]:
    """Split ``text`` into units in reading order, each with its section path."""
    segs = _line_segments(text)
    width = wrap_width(text, segs)
    # group line segments into runs that form one sentence group
    groups: list[list[tuple[int, int, bool]]] = []
    for seg in segs:
        if groups:
            prev = groups[-1][-1]
            blank = "\n" in text[prev[1] : seg[0]] and text.count("\n", prev[1], seg[0]) > 1
            if _runs_on(text, prev, seg, blank, width):
                groups[-1].append(seg)
                continue
        groups.append([seg])

    outline = _Outline()
    units: list[Unit] = []
    last_heading_unit = -2
    quote_open = False  # inside a quotation that runs over lines (reset by a blank line)
    for gi, group in enumerate(groups):
        s, e = group[0][0], group[-1][1]
        if gi and _blank_between(text, groups[gi - 1][-1][1], s):
            quote_open = False
        quoted = quote_open
        quote_open = _quote_state(text, s, e, quote_open)
        pos = s
        if text[pos] in _BULLETS:  # "\u2022 tracking devices, ...": the bullet is layout
            pos = _trim(text, pos + 1, e)[0]
        while pos < e:  # leading markers, each its own sentence
            m = _STAR_PAGE.match(text, pos)
            kind = "page_marker"
            if m is None:
                m = _FOOTNOTE.match(text, pos)
                kind = "footnote_marker"
            if m is None and pos == s and _footnote_may_open(text, groups, gi):
                m = _FOOTNOTE_NUMBER.match(text, pos)
            if m is None:
                m = _ASTERISKS.match(text, pos)
                kind = "omission"
            if m and m.end() < e:
                units.append(Unit(kind, pos, m.end(), outline.path))
                pos, _ = _trim(text, m.end(), e)
                continue
            if text[pos] in "\"\u201c" and text[pos + 1 : pos + 2] == "(":
                # '"(a) A person commits ...': a quoted statute keeps its subsection
                # label; a marker of its own, but not part of this document's outline
                m = _ENUM.match(text, pos + 1)
                if m and m.end() < e and _trim(text, m.end(), e)[0] < e:
                    units.append(Unit("marker", pos, m.end(), outline.path))
                    pos = _trim(text, m.end(), e)[0]
                    continue
            m = _ENUM.match(text, pos)
            if m and m.end() < e and len(group) >= 1:
                rest = _trim(text, m.end(), e)[0]
                after = text[rest : rest + 2].lstrip("\"'\u201c\u2018")
                if after[:1].isupper() or after[:1].isdigit():
                    label = m.group("label")
                    cls = _classify_enum(outline, label)
                    if cls is not None and outline.under_notes() and cls[0] in ("digit", "digit)"):
                        # "1.   I note that ..." under FOOTNOTES: a footnote's number
                        units.append(Unit("footnote_marker", pos, m.end(), outline.path))
                        pos = rest
                        continue
                    title_end = _marker_title(text, rest, e, len(group)) if cls is not None else None
                    if cls is not None and (quoted or (title_end is None and not outline.may_open(*cls))):
                        # a quoted statute's "(b)", an excerpt's "3.": its own sentence,
                        # not a part of this document's outline
                        units.append(Unit("marker", pos, m.end(), outline.path))
                        pos = rest
                        continue
                    if cls is not None:
                        style, value = cls
                        full = f"{label} {text[rest:title_end]}".rstrip() if title_end is not None else label
                        level = outline.push(style, full, value, clause=title_end is None)
                        if title_end is not None:  # "I. BACKGROUND": number and title are the heading
                            units.append(Unit("heading_marker", pos, m.end(), outline.path, level))
                            units.append(Unit("heading", rest, title_end, outline.path, level))
                            last_heading_unit = gi
                            pos = _trim(text, title_end, e)[0]
                        else:  # "1.  Entitlement to ...": a numbered clause
                            units.append(Unit("marker", pos, m.end(), outline.path, level))
                            pos = rest
                        continue
            break
        if pos >= e:
            continue
        line = text[pos:e]
        if len(group) == 1 and pos == s and not quoted and not group[0][2]:
            if line.rstrip(":") in _NOTES_HEADING:
                # the notes close the opinion's outline: "NOTES" is no part of its last section
                level = outline.push_notes(line)
                units.append(Unit("heading", pos, e, outline.path, level))
                last_heading_unit = gi
                continue
            part = _bare_part(outline, line)
            if part is not None:
                # "II" / "A" alone on a line (slip opinions): the part's heading
                level = outline.push(*part)
                units.append(Unit("heading_marker", pos, e, outline.path, level))
                last_heading_unit = gi
                continue
        if (len(group) == 1 or pos > group[0][0]) and not quoted:
            hm = heading_match(line) if "\n" not in line else None
            if hm is not None:
                style, label, t_end = hm
                level = outline.push(style, label)
                units.append(Unit("heading", pos, pos + t_end, outline.path, level))
                last_heading_unit = gi
                pos = _trim(text, pos + t_end, e)[0]
                if pos >= e:
                    continue
                line = text[pos:e]
            elif "\n" not in line and _is_caps_heading(line) and _RULE_ABOVE.search(text, max(0, pos - 400), pos):
                # "MICHAEL MARTIN" under "_______": the signer, one sentence (initials and all)
                units.append(Unit("signature", pos, e, outline.path))
                outline.close_body()  # what follows a signature (a notice of appeal rights) is no part of the last section
                continue
            elif "\n" not in line and _is_caps_heading(line) and not _caps_not_heading(group, line, quote_open):
                if last_heading_unit == gi - 1 and outline.stack and outline.stack[-1][0] in ("article", "section"):
                    # "ARTICLE IV" / "PAYMENT TERMS": the title of the heading above (the path keeps "ARTICLE IV")
                    units.append(Unit("heading", pos, e, outline.path, len(outline.stack)))
                elif not units and gi == 0:
                    level = outline.push("title", line)  # the document title stays above everything
                    units.append(Unit("heading", pos, e, outline.path, level))
                else:
                    level = outline.push("caps:" + str(_caps_rank(outline)), line)
                    units.append(Unit("heading", pos, e, outline.path, level))
                last_heading_unit = gi
                continue
        units.append(Unit("prose", pos, e, outline.path))
    return units


def _blank_between(text: str, a: int, b: int) -> bool:
    return text.count("\n", a, b) > 1


def _quote_state(text: str, s: int, e: int, open_: bool) -> bool:
    """Is a quotation open after ``text[s:e]``, given ``open_`` before it?"""
    for ch in re.findall(r"[\"\u201c\u201d]", text[s:e]):
        open_ = (not open_) if ch == '"' else ch == "\u201c"
    return open_


def _caps_not_heading(group: list[tuple[int, int, bool]], line: str, quote_open: bool) -> bool:
    """ALL-CAPS lines that are no section heading: a caption column's cell
    ("DOCKET NO. 10-10 851 ) DATE"), the court-below line of a caption
    ("CERTIORARI TO THE ..."), the first line of a quotation that runs on
    ('"YOU KILLED MY HEART, ...')."""
    return group[0][2] or quote_open or _POSTURE.match(line) is not None


def _bare_part(outline: "_Outline", line: str) -> tuple[str, str, str] | None:
    """``(style, label, value)`` of a part number alone on its line ("II", "A",
    "IV."), when it opens or continues a numbering; else None."""
    core = line.rstrip(".")
    if not _BARE_PART.fullmatch(core):
        return None
    cls = _classify_enum(outline, core + ".")
    if cls is None or not outline.may_open(*cls):
        return None
    return cls[0], line, cls[1]


def _footnote_may_open(text: str, groups: list[list[tuple[int, int, bool]]], gi: int) -> bool:
    """May group ``gi`` open with a bare footnote number?  At the start of the
    text, after a blank line, or right under a footnote-section heading."""
    if gi == 0:
        return True
    prev = groups[gi - 1]
    if "\n\n" in text[prev[-1][1] : groups[gi][0][0]].replace("\r", ""):
        return True
    return len(prev) == 1 and text[prev[0][0] : prev[0][1]].rstrip(":") in _NOTES_HEADING


def _caps_rank(outline: _Outline) -> int:
    """ALL-CAPS headings share one style: they sit at the level of the first one."""
    for st, _, _, _ in outline.stack:
        if st.startswith("caps:"):
            return int(st[5:])
    return 0


def _marker_title(text: str, pos: int, end: int, nlines: int) -> int | None:
    """After a list marker: end of a heading title ("I. BACKGROUND",
    "1. Standard of Review"), or None when prose follows."""
    line_end = text.find("\n", pos, end)
    line_end = end if line_end == -1 else line_end
    s, e = _trim(text, pos, line_end)
    seg = text[s:e]
    if not seg or e < end:
        return None
    if _is_caps_heading(seg):
        return e
    # a line of its own that is no sentence (no closing punctuation), Title
    # Case or not: "a. Plaintiff's role in collecting royalties", "b. Standard
    # of Review — Motion to Dismiss under Fed. R. Civ. P. 12(b)(6)"
    # (a catchline's dash, "(f) Authority to Use ... Information. —", leads into its text)
    if seg[-1] in ".!?:;,-\"\u201d" + _DASHES or len(seg.split()) > 15:
        return None
    return e


def definitions(sentence: str) -> dict[str, object]:
    """``meta`` for a sentence that defines terms: ``defines`` for a definition
    ('"Agreement" means ...'), ``defined_terms`` for inline parenthetical
    definitions ('(the "Buyer")')."""
    meta: dict[str, object] = {}
    m = _DEFINES.search(sentence, 0, 200)
    if m and m.start() < 120:
        meta["defines"] = m.group("term").strip()
    terms = [t.group("term").strip() for t in _PAREN_DEFINED.finditer(sentence)]
    if terms:
        meta["defined_terms"] = terms
    return meta
