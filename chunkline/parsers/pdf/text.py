"""Turning the lines of one unit into the text chunkline indexes.

Running text is one line per paragraph: lines are joined with a space, and a
line-final hyphen is removed only when it is a typesetter's break (the word
continues in lower case, the piece before it is not itself a compound, and
the document never spells the hyphenated form on one line).  Every removal is
recorded in the block's ``meta["soft_hyphens"]`` (offsets into the block
text where a ``-`` stood), so what was on the page stays recoverable.
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


def clean(text: str) -> str:
    """Expand ligatures, replace PUA bullets by a real bullet, drop controls."""
    if _LIG_RE.search(text):
        text = _LIG_RE.sub(lambda m: LIGATURES[m.group()], text)
    if _PUA_RE.search(text):
        text = _PUA_RE.sub("•", text)
    if _CTRL_RE.search(text):
        text = _CTRL_RE.sub(" ", text)
    return text


def bad_glyphs(text: str) -> int:
    """U+FFFD and private-use code points: glyphs the PDF gives no Unicode for."""
    return len(_BAD_RE.findall(text))


def join_running(lines: list[Line], vocabulary: "Vocabulary") -> tuple[str, list[int]]:
    """Lines of a paragraph as one running text, and where hyphens were removed."""
    out = ""
    removed: list[int] = []
    for line in lines:
        t = clean(line.text)
        if not out:
            out = t
            continue
        if out[-1] in _HYPHENS and t[:1].islower():
            m = _WORD_END.search(out)
            n = _WORD_START.match(t)
            if m and n and not (m.start() > 0 and out[m.start() - 1] in _HYPHENS) and vocabulary.soft_break(m.group(1), n.group(1), out[-1]):
                removed.append(len(out) - 1)
                out = out[:-1] + t
                continue
            if out[-1] == "\u00ad":
                out = out[:-1] + t
                continue
            out += t  # keep a real hyphen, no space after it
            continue
        if _URL_BROKEN.search(out) and t[:1] not in ("", " ") and not _URL_START.match(t):
            out += t  # a URL broken after a slash goes on in the next line
            continue
        out += " " + t
    return out, removed


_URL_BROKEN = re.compile(r"(?:^|\s)(?:https?://|www\.)\S*[/?=&_#~%]$")
_URL_START = re.compile(r"(?:https?://|www\.)")


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
    with one regex pass over the whole document (most pages never ask)."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._words: set[str] | None = None
        self._compounds: set[str] = set()

    _W = re.compile(r"\w+(?:[-\u2010]\w+)*")

    def add(self, text: str) -> None:
        self._texts.append(text)
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

    def soft_break(self, left: str, right: str, hyphen: str) -> bool:
        if hyphen == "\u00ad":
            return True
        l, r = left.lower(), right.lower()
        if l.isdigit() or r.isdigit():
            return False
        joined = l + r
        if f"{l}-{r}" in self.compounds and joined not in self.words:
            return False
        return True


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
