"""Turning the lines of one unit into the text chunkline indexes.

Running text is one line per paragraph: lines are joined with a space, and a
line-final hyphen is removed only on evidence that it is a typesetter's break
(``Vocabulary.soft_break``): the document spells the joined word on one line,
or the piece after it is an ending ("-ed", "-ences"), or the joined word is a
common word (one token of the cl100k BPE that ships with chunkline) while
the pieces are not two words.  A hyphen inside a URL or an identifier, after
a number, a single letter or an acronym, or between two words stays, and
then without a space after it (``windows-server-2012-r2``); unsure means kept.
Every removal is recorded in the block's ``meta["soft_hyphens"]`` (offsets
into the block text where a ``-`` stood), so what was on the page stays
recoverable.
Code keeps its lines and indentation.  Ligatures are expanded (MuPDF does it
when asked not to preserve them, this also catches the presentation forms a
font maps by hand), and undecodable glyphs are counted for ``bad_glyphs``.
"""

from __future__ import annotations

import re

from .lines import PUA_BULLETS, Line

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_LIG_RE = re.compile("[\ufb00-\ufb06]")
_HYPHENS = "-\u2010\u00ad"
_WORD_END = re.compile(r"(\w+)[-\u2010\u00ad]$")
_WORD_START = re.compile(r"^(\w+)")


_PUA_RE = re.compile("[" + "".join(sorted(PUA_BULLETS)) + "]")
_CTRL_RE = re.compile("[\x00-\x1f]")
_BAD_RE = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")
_CLEAN_ANY = re.compile("[\x00-\x1f\ufb00-\ufb06" + "".join(sorted(PUA_BULLETS)) + "]")


def clean(text: str) -> str:
    """Expand ligatures, replace PUA bullets by a real bullet, drop controls."""
    if not _CLEAN_ANY.search(text):
        return text  # most lines: one search instead of three
    if _LIG_RE.search(text):
        text = _LIG_RE.sub(lambda m: LIGATURES[m.group()], text)
    if _PUA_RE.search(text):
        text = _PUA_RE.sub("•", text)
    if _CTRL_RE.search(text):
        text = _CTRL_RE.sub(" ", text)
    return text


def bad_glyphs(text: str) -> int:
    """U+FFFD and private-use code points: glyphs the PDF gives no Unicode for."""
    return len(_BAD_RE.findall(text)) if _BAD_RE.search(text) else 0


def join_running(lines: list[Line], vocabulary: "Vocabulary") -> tuple[str, list[int]]:
    """Lines of a paragraph as one running text, and where hyphens were removed.

    Built in a list with only the last 120 characters looked at for each
    line end: a long paragraph costs linear time."""
    parts: list[str] = []
    tail = ""  # the last characters of the text so far
    size = 0  # its length
    removed: list[int] = []
    for line in lines:
        t = clean(line.text)
        if not t:
            continue
        sep = " "
        last = tail[-1:]
        if not parts:
            sep = ""
        elif last in _HYPHENS:
            m = _WORD_END.search(tail)
            n = _WORD_START.match(t)
            if last != "\u00ad" and _SUSPENDED.match(t):
                pass  # "pre- and post-": hyphen and space stay
            elif last == "\u00ad" or (
                m and n and (t[:1].islower() or (m.group(1).isupper() and n.group(1).isupper())) and not (m.start() > 0 and tail[m.start() - 1] in _HYPHENS)
            ):  # lower case goes on, or a word in capitals ("SE-" / "QUENCE"; joined only if spelled whole elsewhere)
                if m and n and vocabulary.soft_break(m.group(1), n.group(1), last, tail[tail.rfind(" ") + 1 :], t.split(None, 1)[0]):
                    removed.append(size - 1)
                    parts[-1] = parts[-1][:-1]
                    tail, size, sep = tail[:-1], size - 1, ""
                elif last == "\u00ad":
                    parts[-1] = parts[-1][:-1]
                    tail, size, sep = tail[:-1], size - 1, ""
                else:
                    sep = ""  # a real hyphen: kept, no space after it
            elif tail[-2:-1].isalnum() or (tail[-2:-1] in ")]" and t[:1].islower()):
                sep = ""  # "non-" / "English", "windows-server-" / "2012-r2": no space either
        elif last in _URL_END and t[:1] != " " and _URL_BROKEN.search(tail) and not _URL_START.match(t):
            sep = ""  # a URL broken after a slash goes on in the next line
        if sep:
            parts.append(sep)
        parts.append(t)
        size += len(sep) + len(t)
        tail = (tail + sep + t)[-120:]
    return "".join(parts), removed


_URL_BROKEN = re.compile(r"(?:^|\s)(?:https?://|www\.)\S*[/?=&_#~%]$")
_URL_START = re.compile(r"(?:https?://|www\.)")
_URL_END = frozenset("/?=&_#~%")
#: "pre- and post-processing": a hyphen left hanging before "and"/"or" keeps its space
_SUSPENDED = re.compile(r"(?:and|or|und|oder|et|ou|y|o)\s", re.I)


def join_code(lines: list[Line]) -> str:
    """Code lines with their indentation rebuilt from x positions."""
    x0 = min(l.x0 for l in lines)
    widths = [(l.x1 - l.x0) / max(1, len(l.text)) for l in lines if l.text]
    cw = sorted(widths)[len(widths) // 2] if widths else 5.0
    cw = max(cw, 1.0)
    out = []
    for l in lines:
        indent = int(round((l.x0 - x0) / cw))
        out.append(" " * min(indent, 40) + clean(l.text))
    return "\n".join(out)


class Vocabulary:
    """Words the document spells on one line, to tell soft hyphens from real ones.

    Lines are only collected; the word sets are built on the first question,
    with one regex pass over the whole document (most pages never ask).  The
    pieces of a word broken at a line end ("differ-" / "ences") are left out:
    they are no evidence that either piece is a word."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._words: set[str] | None = None
        self._compounds: set[str] = set()

    _W = re.compile(r"\w+(?:[-\u2010]\w+)*")
    _BROKEN_END = re.compile(r"\S*\w[-\u2010\u00ad]\s*$")
    _FIRST = re.compile(r"^\s*\S+")

    def add(self, text: str) -> None:
        self._texts.append(text)
        self._words = None

    def add_lines(self, texts: list[str]) -> None:
        """The lines of one unit, in order (a broken word's pieces left out)."""
        broken = False
        for t in texts:
            if broken:
                t = self._FIRST.sub("", t, count=1)
            broken = bool(t) and t[-1] in _HYPHENS
            if broken:
                t = self._BROKEN_END.sub("", t)
            self._texts.append(t)
        self._words = None

    def _build(self) -> set[str]:
        words: set[str] = set()
        compounds = self._compounds
        for w in set(self._W.findall("\n".join(self._texts).lower())):
            if "-" in w or "\u2010" in w:
                w = w.replace("\u2010", "-")
                compounds.add(w)
                words.update(w.split("-"))
            else:
                words.add(w)
        self._words = words
        return words

    @property
    def words(self) -> set[str]:
        return self._words if self._words is not None else self._build()

    @property
    def compounds(self) -> set[str]:
        if self._words is None:
            self._build()
        return self._compounds

    def soft_break(self, left: str, right: str, hyphen: str, token: str = "", nxt: str = "") -> bool:
        """Is the hyphen between ``left`` and ``right`` (a line end) the
        typesetter's, to be removed?  ``token`` is the whole text before the
        line end back to a space ("doi.org/x-"), ``nxt`` the next line's
        first word.  A join needs evidence: the document spells the joined
        word, or the pieces are not both words of the document; a hyphen in
        a URL or an identifier, after a number, a single letter or an
        acronym, or between two words the document uses stays."""
        if hyphen == "\u00ad":
            return True
        if _IDENT.search(token[:-1]) or token.count("/") >= 2 or _IDENT_NEXT.search(nxt):
            return False  # "…/package-management", "m_int-", "NIST.SP.800-223"
        if any(c.isdigit() for c in left) or any(c.isdigit() for c in right):
            return False
        l, r = left.lower(), right.lower()
        words = self.words
        joined = l + r
        if joined in words:
            return True
        if f"{l}-{r}" in self.compounds:
            return False
        if len(left) == 1 or not left[1:].islower():
            return False  # "E-selective", "γ-silyl", "HPC-related"
        if r in _SUFFIXES:
            return True  # "result-ed", "compil-ers": an ending, never the second word of a compound
        common = _common_words()
        if common is not None:
            if common(joined):
                return True  # "differ-ences", "inter-preter": one common word
            if len(l) >= 3 and len(r) >= 3 and common(l) and common(r):
                return False  # "memory-efficient", "performance-enhancing", "self-managed"
        return not (l in words and r in words)  # two words of the document: a compound


def _common_words():
    """``is_common(word)``: the word (lower case, after a space) is one token
    of OpenAI's cl100k BPE, which spends single tokens on the ~50k most
    frequent English words and not on rare compounds ("memoryefficient" is
    2 tokens, "differences" 1).  The vocabulary ships inside bpe-openai, a
    dependency already; loaded on the first unsure hyphen only.  None when
    it cannot be loaded."""
    global _COMMON
    if _COMMON is None:
        try:
            from ...core.tokenizers import bpe_count

            count = bpe_count("cl100k_base")
            if count is None:
                raise ImportError("bpe-openai")
            cache: dict[str, bool] = {}

            def is_common(word: str) -> bool:
                hit = cache.get(word)
                if hit is None:
                    hit = cache[word] = word.isascii() and count(" " + word) == 1
                return hit

            _COMMON = is_common
        except Exception:  # pragma: no cover - a broken tokenizer wheel: document evidence only
            _COMMON = False
    return _COMMON or None


_COMMON = None


#: what marks a URL, a path or an identifier before a line-end hyphen (so do two slashes) ...
_IDENT = re.compile(r"[_@=\\]|[A-Za-z]\.[A-Za-z]|://")
#: ... and after it (a slash alone is no sign there: "prognos-" / "tic/predictive")
_IDENT_NEXT = re.compile(r"[_@=\\]|://")
#: endings a word can be broken before
_SUFFIXES = frozenset("s es ed er ers ing ings ly al ally ment ments tion tions sion sions ness able ible ity ities ous ive ives ence ences ance ances ant ants ent ents ist ists ism isms ize izes ized ise ised ises".split())


# ------------------------------------------------------------ right-to-left

_RTL_CHAR = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def has_rtl(page_dict: dict) -> bool:
    """Any Hebrew/Arabic letter on the page (early exit on the first)."""
    search = _RTL_CHAR.search
    for b in page_dict["blocks"]:
        for ln in b.get("lines", ()):
            for sp in ln["spans"]:
                if search(sp["text"]):
                    return True
    return False


def fix_rtl_ligatures(page_dict: dict, raw: dict) -> int:
    """Put multi-letter glyphs of right-to-left text back in logical order, in place.

    Word and other producers map an Arabic lam-alef ligature (one glyph) to
    two letters in *visual* order, so MuPDF's text reads "اإلنتاجية" where the
    page shows "الإنتاجية".  In the character stream the first letter of such
    a glyph has a zero-width box ending where the glyph's box begins; the
    ligature's letters are then swapped back.  ``raw`` is ``rawdict`` from the
    same text page (same block/line/span structure).  Returns the number of
    glyphs repaired.
    """
    fixed = 0
    for b, rb in zip(page_dict["blocks"], raw["blocks"]):
        if b.get("type", 0) != 0:
            continue
        for ln, rln in zip(b["lines"], rb["lines"]):
            for sp, rsp in zip(ln["spans"], rln["spans"]):
                chars = rsp.get("chars") or ()
                if not _RTL_CHAR.search(sp["text"]):
                    continue
                out: list[str] = []
                i, n, k = 0, len(chars), 0
                while i < n:
                    c = chars[i]
                    x0, _y0, x1, _y1 = c["bbox"]
                    if (
                        i + 1 < n
                        and x1 - x0 < 0.01
                        and abs(chars[i + 1]["bbox"][2] - x0) < 0.5
                        and _RTL_CHAR.match(c["c"])
                        and _RTL_CHAR.match(chars[i + 1]["c"])
                    ):
                        out.append(chars[i + 1]["c"])
                        out.append(c["c"])
                        i += 2
                        k += 1
                        continue
                    out.append(c["c"])
                    i += 1
                if k:
                    sp["text"] = "".join(out)
                    fixed += k
    return fixed
