"""Byte offsets to ``str`` offsets, and fast non-whitespace counts.

tree-sitter reports UTF-8 byte offsets; chunkline's records hold ``str``
indices.  Slicing a ``str`` with byte offsets is wrong as soon as a file holds
one non-ASCII character, so every conversion goes through ``OffsetMap``,
built once per file: the identity for ASCII files (most source code), else a
prefix count of UTF-8 lead bytes (one numpy pass, no per-character Python).

``nws_prefix`` serves the ``ast`` segmenter: with it, the non-whitespace size
of any span is one subtraction, so measuring every candidate node costs
nothing and the split-then-merge stays linear.
"""

from __future__ import annotations

import functools


class OffsetMap:
    """Maps UTF-8 byte offsets of ``encoded`` to ``str`` offsets of ``text``."""

    __slots__ = ("ascii", "_table")

    def __init__(self, text: str, encoded: bytes) -> None:
        self.ascii = len(text) == len(encoded)
        self._table = None
        if not self.ascii:
            import numpy as np

            raw = np.frombuffer(encoded, dtype=np.uint8)
            table = np.zeros(len(encoded) + 1, dtype=np.int64)
            np.cumsum((raw & 0xC0) != 0x80, out=table[1:])
            self._table = table

    def char(self, byte_offset: int) -> int:
        """The ``str`` offset of a byte offset (which must fall on a character boundary)."""
        if self.ascii:
            return byte_offset
        return int(self._table[byte_offset])  # type: ignore[index]


@functools.lru_cache(maxsize=1)
def _unicode_whitespace() -> tuple[int, ...]:
    """Every code point ``str.isspace`` (and so regex ``\\s``) calls whitespace."""
    return tuple(c for c in range(0x3100) if chr(c).isspace())


_ASCII_NONSPACE = bytes(0 if (c == 32 or 9 <= c <= 13 or 28 <= c <= 31) else 1 for c in range(256))


def nws_prefix(text: str, encoded: bytes | None = None):
    """``p`` with ``p[j] - p[i]`` = non-whitespace characters in ``text[i:j]``,
    exactly as the ``nws`` Sizer counts them (Python's ``\\s``)."""
    import numpy as np

    if encoded is not None and len(encoded) == len(text):
        # ASCII: Python's whitespace is 9-13, 28-31 and 32; one bytes.translate
        # to 0/1 flags beats numpy compares (no boolean temporaries).
        nonspace = np.frombuffer(encoded.translate(_ASCII_NONSPACE), dtype=np.uint8)
    else:
        # Compares for ASCII whitespace; the (rare) code points from U+0085 up
        # are looked up among Unicode's whitespace one by one - an ``isin``
        # over the whole file cost more than tree-sitter's parse.
        arr = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        ws = (arr == 32) | ((arr >= 9) & (arr <= 13)) | ((arr >= 28) & (arr <= 31))
        high = np.flatnonzero(arr >= 0x85)
        if high.size:
            ws[high] = np.isin(arr[high], np.array(_unicode_whitespace(), dtype=np.uint32))
        nonspace = ~ws
    out = np.zeros(len(text) + 1, dtype=np.int32 if len(text) < 2**31 - 1 else np.int64)
    np.cumsum(nonspace, out=out[1:], dtype=out.dtype)
    return out
