"""Span helpers shared by parsers and segmenters."""

from __future__ import annotations

import re

_NON_SPACE = re.compile(r"\S")
_WINDOW = 64


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink ``[s, e)`` to exclude surrounding whitespace (the result may be empty).

    Blocks and chunks are stored trimmed, so their text never starts or ends
    with whitespace; offsets move, text is never rewritten.  Whitespace is
    ``str.isspace``'s (the same as ``str.strip``'s and regex ``\\s``'s).
    Leading space is skipped by a regex search and trailing space by
    ``rstrip`` over a short tail window, so indentation and blank lines cost
    no Python step per character (this runs once per chunk and per piece).
    """
    if s < e and text[s].isspace():
        m = _NON_SPACE.search(text, s, e)
        if m is None:
            return e, e
        s = m.start()
    if e > s and text[e - 1].isspace():
        while True:
            a = max(s, e - _WINDOW)
            kept = len(text[a:e].rstrip())
            if kept or a == s:
                return s, a + kept
            e = a
    return s, e
