"""chunkline: documents in, retrieval-ready chunks out, with exact offsets.

The Python API (README, "Python API")::

    import chunkline
    doc = chunkline.parse("report.pdf")
    chunks = chunkline.chunk(doc, "structure", max_tokens=512)

Names are loaded on first use (module ``__getattr__``), so ``import
chunkline`` loads neither the parsers' libraries (PyMuPDF, tree-sitter,
spaCy) nor numpy; each loads when a file needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    # functions
    "parse": "chunkline.api",
    "parse_text": "chunkline.api",
    "chunk": "chunkline.api",
    "chunk_text": "chunkline.api",
    "chunk_files": "chunkline.api",
    "score": "chunkline.api",
    "compare": "chunkline.api",
    "strategies": "chunkline.api",
    "formats": "chunkline.api",
    "make_strategy": "chunkline.api",
    "token_counter": "chunkline.api",
    "ChunkStream": "chunkline.api",
    # records
    "Chunk": "chunkline.core.records",
    "Block": "chunkline.core.records",
    "Document": "chunkline.core.records",
    "ParsedDocument": "chunkline.core.records",
    "Strategy": "chunkline.segmenters.base",
    "Budget": "chunkline.segmenters.base",
    # errors
    "ChunklineError": "chunkline.core.errors",
    "UsageError": "chunkline.core.errors",
    "InputError": "chunkline.core.errors",
    "DecodeError": "chunkline.core.errors",
    "FormatError": "chunkline.core.errors",
    "RunError": "chunkline.core.errors",
    "BudgetError": "chunkline.core.errors",
}

__all__ = [
    "__version__",
    "parse", "parse_text", "chunk", "chunk_text", "chunk_files", "score", "compare", "strategies", "formats", "make_strategy", "token_counter", "ChunkStream",
    "Chunk", "Block", "Document", "ParsedDocument", "Strategy", "Budget",
    "ChunklineError", "UsageError", "InputError", "DecodeError", "FormatError", "RunError", "BudgetError",
]

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ loads these
    from .api import ChunkStream, chunk, chunk_files, chunk_text, compare, formats, make_strategy, parse, parse_text, score, strategies, token_counter
    from .core.errors import BudgetError, ChunklineError, DecodeError, FormatError, InputError, RunError, UsageError
    from .core.records import Block, Chunk, Document, ParsedDocument
    from .segmenters.base import Budget, Strategy


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'chunkline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
