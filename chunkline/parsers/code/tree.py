"""Parse a document text with tree-sitter once, and share the tree.

The code parser needs the tree for its blocks and the ``ast`` segmenter needs
it for its splits; parsing is by far the most expensive step (tree-sitter
runs at about 7 MB/s), so the parser leaves its result here and the segmenter
picks it up when it chunks the same text right after.  Trees are large
(more than ten times the source), so only the last few are kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from .languages import get_parser
from .offsets import OffsetMap


class ParseTimeout(Exception):
    """tree-sitter did not finish within the time limit."""


@dataclass(frozen=True, eq=False)
class CodeTree:
    """A parsed text: the tree-sitter tree, the UTF-8 bytes it indexes, and
    the byte-to-str offset map."""

    language: str
    text: str
    encoded: bytes
    tree: object
    offsets: OffsetMap


_CACHE: "OrderedDict[tuple[str, int, int], CodeTree]" = OrderedDict()
_CACHE_SIZE = 2


def parse_tree(text: str, language: str, timeout: float | None = None, encoded: bytes | None = None) -> CodeTree:
    """Parse ``text`` (or fetch the tree the parser just built for it).

    ``encoded`` may pass ``text.encode('utf-8')`` when the caller has it
    already (the raw file, for BOM-less UTF-8 input).  Raises ParseTimeout.
    """
    key = (language, len(text), hash(text))
    hit = _CACHE.get(key)
    if hit is not None and hit.text == text:
        _CACHE.move_to_end(key)
        return hit
    if encoded is None:
        encoded = text.encode("utf-8")
    parser = get_parser(language)
    if timeout is None:
        tree = parser.parse(encoded)
    else:
        deadline = time.monotonic() + timeout
        step = 1 << 16

        def read(offset: int, _point) -> bytes:
            return encoded[offset : offset + step]

        def progress(_offset: int, _has_error: bool) -> bool:
            return time.monotonic() > deadline

        try:
            tree = parser.parse(read, progress_callback=progress)
        except ValueError:
            parser.reset()
            raise ParseTimeout() from None
    ct = CodeTree(language, text, encoded, tree, OffsetMap(text, encoded))
    _CACHE[key] = ct
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return ct
