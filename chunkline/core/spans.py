"""Span helpers shared by parsers and segmenters."""

from __future__ import annotations


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink ``[s, e)`` to exclude surrounding whitespace (the result may be empty).

    Blocks and chunks are stored trimmed, so their text never starts or ends
    with whitespace; offsets move, text is never rewritten.
    """
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
