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

from ._pdf_lines import PUA_BULLETS, Line

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


def clean(text: str) -> str:
    """Expand ligatures, replace PUA bullets by a real bullet, drop controls."""
    if _LIG_RE.search(text):
        text = _LIG_RE.sub(lambda m: LIGATURES[m.group()], text)
    if any(c in PUA_BULLETS for c in text):
        text = "".join("•" if c in PUA_BULLETS else c for c in text)
    if any(ord(c) < 32 for c in text):
        text = "".join(c if ord(c) >= 32 else " " for c in text)
    return text


def bad_glyphs(text: str) -> int:
    """U+FFFD and private-use code points: glyphs the PDF gives no Unicode for."""
    n = 0
    for c in text:
        o = ord(c)
        if o == 0xFFFD or 0xE000 <= o <= 0xF8FF or o >= 0xF0000:
            n += 1
    return n


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
        out += " " + t
    return out, removed


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
    """Words the document spells on one line, to tell soft hyphens from real ones."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()

    _W = re.compile(r"\w+(?:[-\u2010]\w+)*")

    def add(self, text: str) -> None:
        for w in self._W.findall(text.lower()):
            if "-" in w or "\u2010" in w:
                self.compounds.add(w.replace("\u2010", "-"))
                self.words.update(w.replace("\u2010", "-").split("-"))
            else:
                self.words.add(w)

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
