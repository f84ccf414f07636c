"""Parse a document text with tree-sitter.

The code parser needs the tree for its blocks and the ``ast`` segmenter needs
it for its splits; parsing is by far the most expensive step (tree-sitter
runs at about 7 MB/s), so the parser puts its ``CodeTree`` on the parsed
document (``ParsedDocument.facts["syntax_tree"]``) and the segmenter takes
it from there.  Trees are large (more than ten times the source): they are
never pickled with the document, and go when the document goes.
"""

from __future__ import annotations

import time
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


def parse_tree(text: str, language: str, timeout: float | None = None, encoded: bytes | None = None) -> CodeTree:
    """Parse ``text``.

    ``encoded`` may pass ``text.encode('utf-8')`` when the caller has it
    already (the raw file, for BOM-less UTF-8 input).  Raises ParseTimeout.
    """
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
    return CodeTree(language, text, encoded, tree, OffsetMap(text, encoded))
