"""The parser interface and registry.

A parser is a function ``parse(data: bytes, ctx: ParseContext) -> ParsedDocument``
registered with ``@register_parser(name, extensions=..., summary=...)`` in its
own module of this package.  It must emit blocks in reading order whose
spans reproduce their text in the document text (``records.verify``), and raise
``InputError`` subclasses (never bare exceptions) for bad input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from ..core.errors import FormatError, UsageError
from ..core.ids import document_id, sha256_hex
from ..core.records import Block, Document, ParsedDocument
from ..core.spans import trim
from ..core.registry import Registry
from ..core.sources import decode_text, looks_binary


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Options every parser may read.  Parser-specific knobs live in ``extra``
    as (key, value) pairs so the record stays hashable and picklable."""

    format: str | None = None
    encoding: str = "utf-8"
    decode_errors: str = "strict"
    pdf_layout: str = "rules"  # "rules" (default, fast) or "model" (PyMuPDF's layout model)
    scanned: str = "warn"  # PDF pages without a text layer: "warn" or "error"
    timeout: float | None = None  # seconds per file, where a parser can honour it
    extra: tuple[tuple[str, object], ...] = ()

    def get(self, key: str, default: object = None) -> object:
        for k, v in self.extra:
            if k == key:
                return v
        return default


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What a parser knows about its input besides the bytes."""

    display: str  # path shown to users, and the Document.source
    path: str | None  # filesystem path, None for stdin
    options: ParseOptions = field(default_factory=ParseOptions)

    def decode(self, data: bytes, declared: str | None = None) -> str:
        """The file's text, with chunkline's decoding rules (BOMs, strict UTF-8).

        ``declared`` is an encoding the file names itself (a Python coding
        cookie); it replaces the UTF-8 default, but not an encoding the user
        chose with ``--encoding``, nor a byte-order mark.
        """
        if looks_binary(data):
            raise FormatError(self.display, "binary file (NUL bytes), not text", "binary")
        encoding = self.options.encoding
        if declared and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            encoding = declared
        return decode_text(data, self.display, encoding, self.options.decode_errors)

    def document(self, fmt: str, data: bytes, text: str, **meta) -> Document:
        digest = sha256_hex(data)
        return Document(
            id=document_id(self.display, digest), source=self.display, format=fmt, sha256=digest, text=text, meta=meta
        )


ParseFn = Callable[[bytes, ParseContext], ParsedDocument]


@dataclass(frozen=True)
class ParserSpec:
    name: str
    fn: ParseFn
    extensions: tuple[str, ...] = ()
    summary: str = ""
    #: ``sniff(head_bytes, filename) -> bool`` for files whose extension says nothing (shebangs...).
    sniff: Callable[[bytes, str], bool] | None = None
    #: Text-like formats: the document text is the decoded file, offsets point into it.
    text_like: bool = True


PARSERS: Registry[ParserSpec] = Registry("parser", "chunkline.parsers")


def register_parser(
    name: str,
    *,
    extensions: tuple[str, ...] = (),
    summary: str = "",
    sniff: Callable[[bytes, str], bool] | None = None,
    text_like: bool = True,
):
    def wrap(fn: ParseFn) -> ParseFn:
        PARSERS.add(name, ParserSpec(name, fn, tuple(e.lower() for e in extensions), summary, sniff, text_like))
        return fn

    return wrap


_EXT_CACHE: tuple[tuple[int, ...], dict[str, str]] | None = None


def _ext_map() -> dict[str, str]:
    """Extension -> parser name.  Cached while the registered parsers stay the
    same (``detect_format`` runs once per file of a repository)."""
    global _EXT_CACHE
    key = tuple(id(spec) for _, spec in PARSERS.items())
    if _EXT_CACHE is not None and _EXT_CACHE[0] == key:
        return _EXT_CACHE[1]
    out: dict[str, str] = {}
    for name, spec in PARSERS.items():
        for ext in spec.extensions:
            out.setdefault(ext, name)
    _EXT_CACHE = (key, out)
    return out


def detect_format(display: str, head: bytes) -> str:
    """Format by extension (longest match first), then by sniffing, else ``text``."""
    base = os.path.basename(display).lower()
    exts = _ext_map()
    parts = base.split(".")
    for i in range(1, len(parts)):
        ext = "." + ".".join(parts[i:])
        if ext in exts:
            return exts[ext]
    if base in exts:  # exact file names such as "makefile"
        return exts[base]
    for name, spec in PARSERS.items():
        if spec.sniff is not None and spec.sniff(head, base):
            return name
    return "text"


def get_parser(name: str) -> ParserSpec:
    spec = PARSERS.get(name)
    if spec is None:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(PARSERS.names())}")
    return spec


def parse_bytes(data: bytes, ctx: ParseContext) -> ParsedDocument:
    """Parse one input with the parser its format names (given or detected)."""
    fmt = ctx.options.format or detect_format(ctx.display, data[:4096])
    return get_parser(fmt).fn(data, ctx)


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts (for 1-based line numbers via bisect)."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def make_block(text: str, kind: str, start: int, end: int, **kw) -> Block:
    """A block whose text is exactly ``text[start:end]``, trimmed of surrounding whitespace."""
    start, end = trim(text, start, end)
    return Block(kind=kind, start=start, end=end, text=text[start:end], **kw)
