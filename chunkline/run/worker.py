"""One file: read -> decode -> detect format -> parse -> segment -> serialise.

``load`` is the one read-and-parse path: ``chunk``, ``parse``, ``score``
(``--docs``) and ``compare`` all go through it, so a file is hashed once,
its format detected once, and every failure becomes the same ``InputError``
(``input_error``) whichever command met it.  ``chunk_one`` and
``parse_one`` turn a loaded file into a ``FileResult``: bytes ready to
write, cheap to send back from a worker process.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Callable

from ..core import jsonl
from ..core.errors import InputError, UsageError
from ..core.ids import sha256_hex
from ..core.records import Block, Chunk, ParsedDocument
from ..core.sources import DEFAULT_MAX_BYTES, Source, looks_binary, read_bytes
from ..parsers.base import ParseContext, ParseOptions, detect_format, parse_bytes, text_like
from ..segmenters.base import Strategy, segment
from .options import ChunkOptions, ParseRunOptions

#: Results larger than this come back from a worker process through a temporary file.
SPILL_BYTES = 8 * 1024 * 1024

#: What a worker is handed: a source, and its bytes when they were read already (stdin).
Item = tuple[Source, "bytes | None"]


@dataclass(frozen=True)
class FileResult:
    """The outcome for one input, as bytes ready to write (cheap to pickle).

    Invariant: at most one of ``error`` and ``skipped`` is set; ``payload``
    (or the ``spill`` file) holds ``records`` JSONL lines only when neither is.
    """

    display: str
    payload: bytes | bytearray = b""
    documents: bytes = b""
    records: int = 0
    error: InputError | None = None
    warnings: tuple[str, ...] = ()
    skipped: str | None = None  # why the file was left out (generated, minified)
    sha256: str | None = None  # of the file's bytes, when they could be read
    size: int | None = None
    mtime_ns: int | None = None
    spill: str | None = None  # payload is in this temporary file instead (large results)
    reused: bool = False  # --incremental: taken from the previous run, not processed again
    format: str | None = None  # of the parsed document
    llm_fallbacks: int = 0  # chunks whose end an LLM strategy chose by its fallback rule (meta.llm_boundary)


@dataclass(frozen=True)
class Loaded:
    """One input read and parsed.

    Invariant: exactly one of ``parsed``, ``error`` and ``skipped`` is set.
    ``sha256``/``size``/``mtime_ns`` describe the bytes read (None when they
    could not be read; ``mtime_ns`` is taken before reading, so a later edit
    is never missed, and is None for stdin).
    """

    display: str
    parsed: ParsedDocument | None = None
    error: InputError | None = None
    skipped: str | None = None
    sha256: str | None = None
    size: int | None = None
    mtime_ns: int | None = None
    seconds: float = 0.0  # time spent parsing

    @property
    def facts(self) -> dict:
        return {"sha256": self.sha256, "size": self.size, "mtime_ns": self.mtime_ns}


_GERUND = {"parse": "parsing", "chunk": "chunking"}


def input_error(display: str, exc: BaseException, stage: str = "parse") -> InputError:
    """The per-file error for an exception met while ``stage`` ("parse" or
    "chunk") worked on one file: one file's failure never ends a batch.

    Bad input keeps its ``InputError``; a structure too deep or too large is
    ``too_deep``/``too_large``; anything else (a ``BudgetError``, a bug in a
    parser or segmenter) is kind ``internal``, its message naming the
    exception.  A ``UsageError`` (the request itself is wrong, for every
    file) and non-``Exception`` interrupts are raised again.
    """
    if isinstance(exc, InputError):
        return exc
    if isinstance(exc, RecursionError):
        return InputError(display, f"structure nested too deeply to {stage}", "too_deep")
    if isinstance(exc, MemoryError):
        return InputError(display, f"out of memory while {_GERUND.get(stage, stage)}", "too_large")
    if isinstance(exc, UsageError) or not isinstance(exc, Exception):
        raise exc
    detail = str(exc)
    if detail.startswith(display + ": "):  # BudgetError names the document already
        detail = detail[len(display) + 2 :]
    return InputError(display, f"internal error while {_GERUND.get(stage, stage)}: {type(exc).__name__}: {detail} (the file was skipped; please report it)", "internal")


def read_input(source: Source, data: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, int | None]:
    """The bytes and the mtime taken *before* reading (so a later edit is never missed)."""
    mtime = None
    if data is None:
        if source.path is not None:
            try:
                mtime = os.stat(source.path).st_mtime_ns
            except OSError:
                pass
        data = read_bytes(source, max_bytes)
    return data, mtime


def load(source: Source, options: ParseOptions, data: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES, skip_generated: bool = False) -> Loaded:
    """Read (unless ``data`` is given), hash, detect the format and parse one input.

    ``skip_generated``: a file found by walking a directory that is binary,
    generated or minified is skipped (``Loaded.skipped`` says why) instead
    of parsed.
    """
    try:
        data, mtime = read_input(source, data, max_bytes)
    except InputError as exc:
        return Loaded(source.display, error=exc)
    digest = sha256_hex(data)
    size = len(data)
    fmt = options.format or detect_format(source.display, data[:4096])
    if skip_generated and source.walked:
        why = generated(source.display, data, fmt)
        if why:
            return Loaded(source.display, skipped=why, sha256=digest, size=size, mtime_ns=mtime)
    t0 = time.perf_counter()
    try:
        parsed = parse_bytes(data, ParseContext(source.display, source.path, options, digest), fmt)
    except Exception as exc:  # input_error re-raises what concerns the whole run
        return Loaded(source.display, error=input_error(source.display, exc), sha256=digest, size=size, mtime_ns=mtime)
    return Loaded(source.display, parsed, sha256=digest, size=size, mtime_ns=mtime, seconds=time.perf_counter() - t0)


def parse_source(source: Source, options: ParseOptions, data: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """``load`` for callers that want the document or the ``InputError`` raised."""
    loaded = load(source, options, data, max_bytes)
    if loaded.error is not None:
        raise loaded.error
    assert loaded.parsed is not None
    return loaded.parsed


def generated(display: str, data: bytes, fmt: str) -> str | None:
    """Why a file found in a directory is binary, generated or minified, else None.

    Names (``*.min.js``, lock files) were checked during discovery; here the
    content is: generator markers for every format, minification (very long
    lines) for source code only, since prose often has one-line paragraphs.
    """
    from ..core.filters import is_generated_or_minified

    head = data[:8192]
    if text_like(fmt) and looks_binary(head):
        # a binary file met while walking a directory is not an input the user asked for
        return "binary file (NUL bytes)"
    if fmt == "code":
        return is_generated_or_minified(display, head)
    # only the generator-marker check: short lines cannot look minified
    top = b"\n".join(ln[:200] for ln in head.split(b"\n", 12)[:12])
    why = is_generated_or_minified(display, top)
    return why if why and why.startswith("generated-file marker") else None


def chunk_parsed(parsed: ParsedDocument, strategy: Strategy, warnings: list[str] | None = None) -> list[Chunk]:
    return segment(parsed, strategy, warnings)


def block_record(parsed: ParsedDocument, block: Block) -> dict:
    d = jsonl.record_to_dict(block)
    return {"doc_id": parsed.document.id, "source": parsed.document.source, **d}


def document_record(parsed: ParsedDocument) -> dict:
    return jsonl.record_to_dict(parsed.document)


def warnings_of(parsed: ParsedDocument) -> tuple[str, ...]:
    """The parser's warnings as the lines users see (``source: warning``)."""
    return tuple(f"{parsed.document.source}: {w}" for w in parsed.warnings)


def chunk_one(item: Item, options: ChunkOptions) -> FileResult:
    """``chunk`` of one input: its chunk JSONL (and document record) as bytes."""
    source, data = item
    loaded = load(source, options.parse, data, options.inputs.max_bytes, skip_generated=True)
    del data, item  # the document text is all that is needed from here on
    parsed = loaded.parsed
    if parsed is None:
        return FileResult(source.display, error=loaded.error, skipped=loaded.skipped, **loaded.facts)
    facts = loaded.facts
    del loaded
    notes: list[str] = []  # why chunks stay under --min-size
    try:
        chunks = chunk_parsed(parsed, options.strategy, notes)
    except Exception as exc:  # one file's failure never ends a batch
        return FileResult(source.display, error=input_error(source.display, exc, "chunk"), **facts)
    docs = jsonl.dumps_line(document_record(parsed)) if options.documents_path else b""
    warnings = warnings_of(parsed) + tuple(f"{parsed.document.source}: {w}" for w in notes)
    fmt = parsed.document.format
    fallbacks = sum(1 for c in chunks if c.meta.get("llm_boundary") == "fallback")
    if fallbacks:
        warnings += (f"{parsed.document.source}: {fallbacks} of {len(chunks)} chunk ends by the fallback rule (the model named no valid boundary)",)
    del parsed  # its blocks hold a second copy of the text; the chunks are all that is left to write
    # Serialise chunk by chunk into one growing buffer, dropping each record
    # once written: a large document never holds its chunks, a list of their
    # lines and the joined bytes at the same time.
    n = len(chunks)
    payload = bytearray()
    for i in range(n):
        payload += jsonl.dumps_line(chunks[i])
        chunks[i] = None  # type: ignore[call-overload]
    return FileResult(source.display, payload, docs, n, None, warnings, **facts, format=fmt, llm_fallbacks=fallbacks)


def parse_one(item: Item, options: ParseRunOptions) -> FileResult:
    """``parse`` of one input: its block JSONL, or its document text (``--text``)."""
    source, data = item
    loaded = load(source, options.parse, data, options.inputs.max_bytes)
    parsed = loaded.parsed
    if parsed is None:
        return FileResult(source.display, error=loaded.error)
    if options.text_only:
        text = parsed.document.text
        payload = (text if text.endswith("\n") or not text else text + "\n").encode("utf-8")
        return FileResult(source.display, payload, b"", 1, None, warnings_of(parsed))
    payload = b"".join(jsonl.dumps_line(block_record(parsed, b)) for b in parsed.blocks)
    return FileResult(source.display, payload, b"", len(parsed.blocks), None, warnings_of(parsed))


def spilling(item: Item, worker: Callable[[Item], FileResult]) -> FileResult:
    """Run ``worker`` in a worker process; a large payload goes to a temporary file.

    Pickling a few hundred MB through a pipe costs two more copies in two
    processes; the parent copies the file into the output instead.
    """
    res = worker(item)
    if len(res.payload) > SPILL_BYTES:
        fd, path = tempfile.mkstemp(prefix="chunkline-spill-", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(res.payload)
        res = dataclasses.replace(res, payload=b"", spill=path)
    return res
