"""The library entry points behind ``chunkline parse`` and ``chunkline chunk``.

Inputs are discovered, each file is parsed and segmented independently (in a
process pool with ``jobs`` > 1), and results are written in the sorted input
order, so the output bytes do not depend on ``jobs``.  One bad file becomes
one ``InputError`` in the summary; the run goes on.  Output goes through
``core.io.Output``: atomic for files, quiet on a closed pipe.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .core import jsonl
from .core.errors import ChunklineError, InputError
from .core.io import Output
from .core.records import Block, Chunk, ParsedDocument
from .core.sources import DEFAULT_MAX_BYTES, Skipped, Source, discover, read_bytes
from .parsers.base import ParseContext, ParseOptions, parse_bytes
from .segmenters.base import Strategy, segment


@dataclass(frozen=True)
class InputOptions:
    """Which files a run reads."""

    paths: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hidden: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class ChunkOptions:
    """Everything ``chunk`` needs: inputs, parsing, the strategy, outputs."""

    inputs: InputOptions
    strategy: Strategy
    parse: ParseOptions = field(default_factory=ParseOptions)
    output: str | None = None  # None or "-": stdout
    errors_path: str | None = None
    documents_path: str | None = None  # also write one Document record per file
    jobs: int = 1


@dataclass(frozen=True)
class ParseRunOptions:
    """Everything ``parse`` needs."""

    inputs: InputOptions
    parse: ParseOptions = field(default_factory=ParseOptions)
    output: str | None = None
    errors_path: str | None = None
    text_only: bool = False  # print document texts instead of blocks
    jobs: int = 1


@dataclass(frozen=True)
class FileResult:
    """The outcome for one input, as bytes ready to write (cheap to pickle)."""

    display: str
    payload: bytes = b""
    documents: bytes = b""
    records: int = 0
    error: InputError | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class RunSummary:
    files: int = 0
    ok: int = 0
    failed: list[InputError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    records: int = 0
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------- one file


def parse_source(source: Source, options: ParseOptions, data: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Read and parse one input (bytes may be given, e.g. stdin read earlier)."""
    if data is None:
        data = read_bytes(source, max_bytes)
    ctx = ParseContext(source.display, source.path, options)
    try:
        return parse_bytes(data, ctx)
    except ChunklineError:
        raise
    except RecursionError:
        raise InputError(source.display, "structure nested too deeply to parse", "too_deep") from None
    except MemoryError:
        raise InputError(source.display, "out of memory while parsing", "too_large") from None


def chunk_parsed(parsed: ParsedDocument, strategy: Strategy) -> list[Chunk]:
    return segment(parsed, strategy)


def block_record(parsed: ParsedDocument, block: Block) -> dict:
    d = jsonl.record_to_dict(block)
    return {"doc_id": parsed.document.id, "source": parsed.document.source, **d}


def document_record(parsed: ParsedDocument) -> dict:
    return jsonl.record_to_dict(parsed.document)


def _chunk_one(item: tuple[Source, bytes | None], options: ChunkOptions) -> FileResult:
    source, data = item
    try:
        parsed = parse_source(source, options.parse, data, options.inputs.max_bytes)
        chunks = chunk_parsed(parsed, options.strategy)
    except InputError as exc:
        return FileResult(source.display, error=exc)
    except RecursionError:
        return FileResult(source.display, error=InputError(source.display, "structure nested too deeply", "too_deep"))
    payload = b"".join(jsonl.dumps_line(c) for c in chunks)
    docs = jsonl.dumps_line(document_record(parsed)) if options.documents_path else b""
    return FileResult(source.display, payload, docs, len(chunks), None, _warn(parsed))


def _parse_one(item: tuple[Source, bytes | None], options: ParseRunOptions) -> FileResult:
    source, data = item
    try:
        parsed = parse_source(source, options.parse, data, options.inputs.max_bytes)
    except InputError as exc:
        return FileResult(source.display, error=exc)
    if options.text_only:
        text = parsed.document.text
        payload = (text if text.endswith("\n") or not text else text + "\n").encode("utf-8")
        return FileResult(source.display, payload, b"", 1, None, _warn(parsed))
    payload = b"".join(jsonl.dumps_line(block_record(parsed, b)) for b in parsed.blocks)
    return FileResult(source.display, payload, b"", len(parsed.blocks), None, _warn(parsed))


def _warn(parsed: ParsedDocument) -> tuple[str, ...]:
    return tuple(f"{parsed.document.source}: {w}" for w in parsed.warnings)


# ----------------------------------------------------------------- many files


def _worker_init() -> None:
    # Workers leave Ctrl-C to the parent, which stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def map_ordered(fn: Callable, items: Iterable, jobs: int) -> Iterator:
    """``map`` in input order, across ``jobs`` processes when jobs > 1."""
    if jobs <= 1:
        yield from map(fn, items)
        return
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    pool = ctx.Pool(jobs, initializer=_worker_init)
    try:
        yield from pool.imap(fn, items, chunksize=1)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _items(sources: list[Source], max_bytes: int) -> Iterator[tuple[Source, bytes | None]]:
    for s in sources:
        # stdin can only be read here, in the parent
        yield (s, read_bytes(s, max_bytes) if s.path is None else None)


def _run(
    inputs: InputOptions,
    worker: Callable[[tuple[Source, bytes | None]], FileResult],
    jobs: int,
    output: str | None,
    errors_path: str | None,
    documents_path: str | None = None,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> RunSummary:
    sources, skipped = discover(list(inputs.paths), inputs.include, inputs.exclude, inputs.hidden)
    summary = RunSummary(files=len(sources), skipped=skipped)
    if on_start:
        on_start(len(sources))
    docs_out = Output(documents_path) if documents_path else None
    with Output(output) as out:
        if docs_out:
            docs_out.__enter__()
        try:
            for res in map_ordered(worker, _items(sources, inputs.max_bytes), jobs):
                if res.error is not None:
                    summary.failed.append(res.error)
                else:
                    summary.ok += 1
                    summary.records += res.records
                    summary.warnings.extend(res.warnings)
                    if res.payload:
                        out.write(res.payload)
                        if output in (None, "-"):
                            out.flush()  # stream per document for pipelines
                    if docs_out and res.documents:
                        docs_out.write(res.documents)
                if on_result:
                    on_result(res)
        except BaseException as exc:
            if docs_out:
                docs_out.__exit__(type(exc), exc, None)
            raise
        if docs_out:
            docs_out.__exit__(None, None, None)
    if errors_path:
        write_errors(errors_path, summary)
    return summary


def write_errors(path: str, summary: RunSummary) -> None:
    """The ``--errors`` file: one JSON line per failed or skipped input."""
    with Output(path) as out:
        for e in summary.failed:
            out.write(jsonl.dumps_line({"path": e.path, "status": "failed", "kind": e.kind, "message": e.message}))
        for s in summary.skipped:
            out.write(jsonl.dumps_line({"path": s.display, "status": "skipped", "kind": "skipped", "message": s.reason}))


def run_chunk(options: ChunkOptions, on_start=None, on_result=None) -> RunSummary:
    """Chunk every input and write chunk JSONL (library form of ``chunkline chunk``)."""
    worker = functools.partial(_chunk_one, options=options)
    return _run(options.inputs, worker, options.jobs, options.output, options.errors_path, options.documents_path, on_start, on_result)


def run_parse(options: ParseRunOptions, on_start=None, on_result=None) -> RunSummary:
    """Parse every input and write block JSONL or document texts (``chunkline parse``)."""
    worker = functools.partial(_parse_one, options=options)
    return _run(options.inputs, worker, options.jobs, options.output, options.errors_path, None, on_start, on_result)


def chunk_text(text: str, strategy: Strategy, fmt: str = "text", source: str = "<string>") -> list[Chunk]:
    """Convenience for library users: chunk an in-memory string."""
    data = text.encode("utf-8")
    parsed = parse_bytes(data, ParseContext(source, None, ParseOptions(format=fmt)))
    return segment(parsed, strategy)


__all__ = [
    "ChunkOptions",
    "FileResult",
    "InputOptions",
    "ParseRunOptions",
    "RunSummary",
    "chunk_parsed",
    "chunk_text",
    "map_ordered",
    "parse_source",
    "run_chunk",
    "run_parse",
]
