"""Source code: definitions, imports, comments and statements from tree-sitter.

The document text is the decoded file, so every offset points into the file.
Grammars come from the per-language ``tree-sitter-*`` wheels (nothing is
downloaded); the language is chosen by extension, file name or ``#!`` line,
or forced with the parse option ``language``.  Files in a language without a
grammar, and files too large for a syntax tree (trees take more than ten
times the source in memory), still parse: into blank-line separated blocks,
with a warning saying why.  ``has_error`` in a block's meta marks text the
grammar could not parse; that text is kept, never dropped.

Parse options (``ParseOptions.extra``): ``language`` (force a grammar),
``code_max_bytes`` (largest file given to tree-sitter, default 8 MiB).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace

from ...core.errors import InputError, UsageError
from ...core.filters import MINIFIED_AVG_LINE
from ...core.records import ParsedDocument
from .languages import BY_NAME, detect_language, load_grammar, normalize_language
from ..base import ParseContext

#: Largest file handed to tree-sitter by default; larger ones fall back to line blocks.
DEFAULT_MAX_TREE_BYTES = 8 * 1024 * 1024
#: Largest *minified* file handed to tree-sitter.  Minified code has a syntax
#: node every few bytes: its tree and blocks take ~150x the source in memory
#: (a 7 MB bundle: over 1 GB and a minute), for one-line "definitions" nobody
#: searches; above this size it falls back to line blocks before any parsing.
MAX_MINIFIED_TREE_BYTES = 512 * 1024


def parse_code(data: bytes, ctx: ParseContext) -> ParsedDocument:
    forced = ctx.options.get("language")
    if forced:
        language = normalize_language(str(forced))
        if language is None:
            raise UsageError(f"unknown code language {forced!r}; choose from {', '.join(sorted(BY_NAME))}")
    else:
        language = detect_language(ctx.display, data[:512])
    declared = coding_cookie(data) if language == "python" else None
    notes: tuple[str, ...] = ()
    if declared is not None and not _known_codec(declared):
        notes = (f"unknown encoding {declared!r} in the coding declaration; read as UTF-8",)
        declared = None
    text = ctx.decode(data, declared)
    if language is None:
        return _fallback(data, text, ctx, None, "language not recognised (by extension or #! line); split into blank-line separated blocks", notes)
    try:
        grammar = load_grammar(language)
    except Exception as exc:  # a missing or broken grammar wheel: degrade, do not fail the file
        return _fallback(data, text, ctx, language, f"tree-sitter grammar for {language} not available ({type(exc).__name__}: {exc}); split into blank-line separated blocks", notes)
    encoded, byte_base = _utf8(data, text)
    max_bytes = int(str(ctx.options.get("code_max_bytes", DEFAULT_MAX_TREE_BYTES)))
    if len(encoded) > max_bytes:
        return _fallback(data, text, ctx, language, f"{len(encoded):,} bytes is over the {max_bytes:,}-byte limit for a syntax tree; split into blank-line separated blocks", notes)
    if len(encoded) > MAX_MINIFIED_TREE_BYTES:
        average = len(encoded) // (encoded.count(b"\n") + 1)
        if average > MINIFIED_AVG_LINE:
            why = f"minified ({len(encoded):,} bytes, average line of {average:,} characters): no syntax tree; split into blank-line separated blocks"
            return _fallback(data, text, ctx, language, why, notes)

    from .blocks import code_blocks, find_definitions
    from .tree import ParseTimeout, parse_tree

    try:
        ct = parse_tree(text, language, ctx.options.timeout, encoded)
    except ParseTimeout:
        raise InputError(ctx.display, f"tree-sitter did not finish within the {ctx.options.timeout:g} s timeout", "timeout") from None
    defs = find_definitions(ct, grammar.definitions)
    blocks = code_blocks(ct, defs, language, byte_base)
    warnings = notes
    if ct.tree.root_node.has_error:  # type: ignore[attr-defined]
        bad = sum(1 for b in blocks if b.meta.get("has_error"))
        warnings = notes + (f"{language} syntax errors in {bad} block(s); their text is kept (meta has_error)",)
    doc = ctx.document("code", data, text, language=language)
    # the ast strategy splits on this tree: it travels on the document (never written out)
    return ParsedDocument(doc, tuple(blocks), warnings, {"syntax_tree": ct})


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def coding_cookie(data: bytes) -> str | None:
    """The encoding a Python file declares on its first or second line (PEP 263),
    as Python itself reads it; None when there is none (UTF-8 then)."""
    lines = data[:400].split(b"\n", 2)[:2]
    for i, line in enumerate(lines):
        m = _COOKIE.match(line)
        if m:
            return m.group(1).decode("ascii", "replace")
        if i == 0 and not re.match(rb"^[ \t\f]*(?:[#\r\n]|$)", line):
            break  # PEP 263: the second line counts only after a comment or blank first line
    return None


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False


def _utf8(data: bytes, text: str) -> tuple[bytes, int | None]:
    """The UTF-8 bytes tree-sitter parses, and where they sit in the file.

    For a UTF-8 file (with or without BOM) these are the file's own bytes, so
    block byte spans are file offsets (shifted past a BOM).  For any other
    encoding byte spans would not point into the file: ``None``.
    """
    bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
    if len(data) - bom == len(text) and text.isascii():
        return (data if bom == 0 else data[3:]), bom  # ASCII: bytes are the text
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) + bom == len(data) and data.endswith(encoded):
        return encoded, bom
    return encoded, None


def _fallback(data: bytes, text: str, ctx: ParseContext, language: str | None, why: str, notes: tuple[str, ...] = ()) -> ParsedDocument:
    from ..text import paragraph_blocks

    blocks = tuple(replace(b, kind="other", language=language) for b in paragraph_blocks(text))
    meta = {"language": language} if language else {}
    return ParsedDocument(ctx.document("code", data, text, **meta), blocks, notes + (why,), {"code_fallback": why})
