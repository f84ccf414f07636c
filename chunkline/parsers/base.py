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
from ..core.registry import Entry, Registry, load_attr
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


#: Parser-specific options (``ParseOptions.extra`` keys) and the parser that reads each.
PARSER_OPTIONS: dict[str, str] = {
    "language": "code: the language, instead of detecting it from the file name",
    "code_max_bytes": "code: files larger than this are split at blank lines instead of parsed into a syntax tree",
    "legal_tokenizer": "legal: light (default) or spacy, the tokenizer of the sentence pipeline",
    "pdf_password": "pdf: password of an encrypted PDF",
}


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What a parser knows about its input besides the bytes."""

    display: str  # path shown to users, and the Document.source
    path: str | None  # filesystem path, None for stdin
    options: ParseOptions = field(default_factory=ParseOptions)
    sha256: str | None = None  # of the bytes being parsed, when the caller hashed them already

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
        digest = self.sha256 or sha256_hex(data)
        return Document(
            id=document_id(self.display, digest), source=self.display, format=fmt, sha256=digest, text=text, meta=meta
        )


ParseFn = Callable[[bytes, ParseContext], ParsedDocument]
SniffFn = Callable[[bytes, str], bool]


@dataclass(frozen=True)
class ParserEntry(Entry):
    """A parser's table row.  ``extensions`` may name a tuple elsewhere
    (``"module:NAME"``) when another module owns the list; ``sniff`` names a
    cheap ``sniff(head_bytes, filename) -> bool`` for files whose extension
    says nothing (shebangs, ``%PDF-``)."""

    extensions: tuple[str, ...] | str = ()
    sniff: str | None = None
    #: Text-like formats: the document text is the decoded file, offsets point into it.
    text_like: bool = True


@dataclass(frozen=True)
class ParserSpec:
    """A loaded parser: its function and what the table says about it."""

    name: str
    fn: ParseFn
    extensions: tuple[str, ...] = ()
    summary: str = ""
    sniff: SniffFn | None = None
    text_like: bool = True


#: Every format chunkline reads, in the order ``chunkline strategies`` lists them.
PARSER_TABLE: dict[str, ParserEntry] = {
    "code": ParserEntry(
        "chunkline.parsers.code.parser",
        "parse_code",
        "source code via tree-sitter (17 languages): definitions with qualified names, imports, comments",
        extensions="chunkline.parsers.code.languages:ALL_EXTENSIONS_AND_FILENAMES",
        sniff="chunkline.parsers.code.languages:sniff",
    ),
    "html": ParserEntry(
        "chunkline.parsers.html",
        "parse_html",
        "HTML: h1-h6, p, li, pre, tables, quotes; scripts, styles and navigation dropped",
        extensions=(".html", ".htm", ".xhtml"),
        sniff="chunkline.parsers.html:sniff",
        text_like=False,
    ),
    "legal": ParserEntry(
        "chunkline.parsers.legal.parser",
        "parse_legal",
        "legal text: sections, clauses, definitions and legal-grade sentences (spaCy)",
        extensions=(".legal.txt", ".legal"),
    ),
    "markdown": ParserEntry(
        "chunkline.parsers.markdown",
        "parse_markdown",
        "markdown (CommonMark + tables + front matter): headings with levels, paragraphs, lists, code, tables, quotes",
        extensions=(".md", ".markdown", ".mdown", ".mkd", ".mdx"),
    ),
    "pdf": ParserEntry(
        "chunkline.parsers.pdf.parser",
        "parse_pdf",
        "PDF (born-digital): blocks with pages, boxes, headings, tables; furniture labelled",
        extensions=(".pdf",),
        sniff="chunkline.parsers.pdf.parser:sniff",
        text_like=False,
    ),
    "text": ParserEntry(
        "chunkline.parsers.text",
        "parse_text",
        "plain text: paragraphs split at blank lines",
        extensions=(".txt", ".text", ".rst", ".log", ".csv", ".tsv"),
    ),
}


def _extensions(row: ParserEntry) -> tuple[str, ...]:
    ext = load_attr(row.extensions) if isinstance(row.extensions, str) else row.extensions
    return tuple(e.lower() for e in ext)


def _build(name: str, row: ParserEntry, fn: ParseFn) -> ParserSpec:
    return ParserSpec(name, fn, _extensions(row), row.summary, load_attr(row.sniff) if row.sniff else None, row.text_like)


PARSERS: Registry[ParserSpec] = Registry("parser", PARSER_TABLE, _build)


def register_parser(
    name: str,
    *,
    extensions: tuple[str, ...] = (),
    summary: str = "",
    sniff: SniffFn | None = None,
    text_like: bool = True,
) -> Callable[[ParseFn], ParseFn]:
    """Add a parser at run time (a plugin); the built-in ones are in ``PARSER_TABLE``."""

    def wrap(fn: ParseFn) -> ParseFn:
        PARSERS.add(name, ParserSpec(name, fn, tuple(e.lower() for e in extensions), summary, sniff, text_like))
        global _EXT_CACHE, _SNIFFERS
        _EXT_CACHE = None
        _SNIFFERS = None
        return fn

    return wrap


_EXT_CACHE: dict[str, str] | None = None
_SNIFFERS: list[tuple[str, SniffFn]] | None = None


def _ext_map() -> dict[str, str]:
    """Extension -> parser name, from the table (no parser module is imported)."""
    global _EXT_CACHE
    if _EXT_CACHE is None:
        out: dict[str, str] = {}
        for name in PARSERS.names():
            row = PARSER_TABLE.get(name)
            exts = _extensions(row) if row is not None else PARSERS.get(name).extensions  # type: ignore[union-attr]
            for ext in exts:
                out.setdefault(ext, name)
        _EXT_CACHE = out
    return _EXT_CACHE


def _sniffers() -> list[tuple[str, SniffFn]]:
    global _SNIFFERS
    if _SNIFFERS is None:
        out: list[tuple[str, SniffFn]] = []
        for name in PARSERS.names():
            row = PARSER_TABLE.get(name)
            if row is not None:
                if row.sniff:
                    out.append((name, load_attr(row.sniff)))
            else:
                spec = PARSERS.get(name)
                if spec is not None and spec.sniff is not None:
                    out.append((name, spec.sniff))
        _SNIFFERS = out
    return _SNIFFERS


def text_like(fmt: str) -> bool:
    """Whether a format's document text is the decoded file (from the table, no import)."""
    row = PARSER_TABLE.get(fmt)
    if row is not None:
        return row.text_like
    spec = PARSERS.get(fmt)
    return spec.text_like if spec is not None else True


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
    for name, sniff in _sniffers():
        if sniff(head, base):
            return name
    return "text"


def get_parser(name: str) -> ParserSpec:
    spec = PARSERS.get(name)
    if spec is None:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(PARSERS.names())}")
    return spec


def parse_bytes(data: bytes, ctx: ParseContext, fmt: str | None = None) -> ParsedDocument:
    """Parse one input with the parser of ``fmt``, else of its format (given or detected)."""
    fmt = fmt or ctx.options.format or detect_format(ctx.display, data[:4096])
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
