"""The library entry points behind ``chunkline parse`` and ``chunkline chunk``.

Inputs are discovered lazily, each file is parsed and segmented
independently in worker processes (``chunkline.batch.pool``: a file over the
time limit or whose worker dies is killed and reported, the run goes on), or
as Ray tasks (``engine="ray"``), and results are written in the input order,
so the output bytes depend neither on ``jobs`` nor on the engine.  One bad
file becomes one ``InputError`` in the summary.  Output goes through
``core.io.Output`` (one file, atomic; quiet on a closed pipe) or, for a
directory, through ``chunkline.batch`` (size-bounded shards, a manifest,
incremental and resumable runs).  Memory stays bounded: sources are
streamed, at most a few files per worker are in flight, and large results
travel through a temporary file rather than the pipe.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from . import __version__
from .core import jsonl
from .core.errors import ChunklineError, InputError, UsageError
from .core.ids import sha256_hex, short_hash
from .core.io import Output
from .core.records import Block, Chunk, ParsedDocument
from .core.sources import DEFAULT_MAX_BYTES, Skipped, Source, iter_sources, looks_binary, read_bytes
from .parsers.base import ParseContext, ParseOptions, detect_format, parse_bytes, text_like
from .segmenters.base import Strategy, segment

#: Seconds one file may take (parse + chunk) before its worker is killed.
DEFAULT_TIMEOUT = 120.0
#: Results larger than this come back from a worker through a temporary file.
SPILL_BYTES = 8 * 1024 * 1024
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class InputOptions:
    """Which files a run reads."""

    paths: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hidden: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    gitignore: bool = True  # skip what .gitignore files ignore inside directories


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
    timeout: float | None = DEFAULT_TIMEOUT  # per file; None or 0: no limit
    engine: str = "local"  # "local" (process pool) or "ray"
    address: str | None = None  # Ray cluster address ("auto", "ray://host:10001"); None: start a local Ray
    incremental: bool = False  # directory output: redo only new or changed files
    shard_bytes: int = 128 * 1024 * 1024  # directory output: size bound of one shard


@dataclass(frozen=True)
class ParseRunOptions:
    """Everything ``parse`` needs."""

    inputs: InputOptions
    parse: ParseOptions = field(default_factory=ParseOptions)
    output: str | None = None
    errors_path: str | None = None
    text_only: bool = False  # print document texts instead of blocks
    jobs: int = 1
    timeout: float | None = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class FileResult:
    """The outcome for one input, as bytes ready to write (cheap to pickle)."""

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


def _read(source: Source, data: bytes | None, max_bytes: int) -> tuple[bytes, int | None]:
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


def _generated(source: Source, data: bytes, options: ParseOptions) -> str | None:
    """Why a file found in a directory is binary, generated or minified, else None.

    Names (``*.min.js``, lock files) were checked during discovery; here the
    content is: generator markers for every format, minification (very long
    lines) for source code only, since prose often has one-line paragraphs.
    """
    if not source.walked:
        return None
    from .core.filters import is_generated_or_minified

    head = data[:8192]
    fmt = options.format or detect_format(source.display, head[:4096])
    if text_like(fmt) and looks_binary(head):
        # a binary file met while walking a directory is not an input the user asked for
        return "binary file (NUL bytes)"
    if fmt == "code":
        return is_generated_or_minified(source.display, head)
    return _marker_only(source.display, head)


def _marker_only(display: str, head: bytes) -> str | None:
    from .core.filters import is_generated_or_minified

    # only the generator-marker check: short lines cannot look minified
    top = b"\n".join(ln[:200] for ln in head.split(b"\n", 12)[:12])
    why = is_generated_or_minified(display, top)
    return why if why and why.startswith("generated-file marker") else None


def _chunk_one(item: tuple[Source, bytes | None], options: ChunkOptions) -> FileResult:
    source, data = item
    try:
        data, mtime = _read(source, data, options.inputs.max_bytes)
    except InputError as exc:
        return FileResult(source.display, error=exc)
    facts = {"sha256": sha256_hex(data), "size": len(data), "mtime_ns": mtime}
    why = _generated(source, data, options.parse)
    if why:
        return FileResult(source.display, skipped=why, **facts)
    try:
        parsed = parse_source(source, options.parse, data, options.inputs.max_bytes)
        del data  # the document text is all that is needed from here on
        chunks = chunk_parsed(parsed, options.strategy)
    except InputError as exc:
        return FileResult(source.display, error=exc, **facts)
    except RecursionError:
        return FileResult(source.display, error=InputError(source.display, "structure nested too deeply", "too_deep"), **facts)
    docs = jsonl.dumps_line(document_record(parsed)) if options.documents_path else b""
    warnings = _warn(parsed)
    del parsed  # its blocks hold a second copy of the text; the chunks are all that is left to write
    # Serialise chunk by chunk into one growing buffer, dropping each record
    # once written: a large document never holds its chunks, a list of their
    # lines and the joined bytes at the same time.
    n = len(chunks)
    payload = bytearray()
    for i in range(n):
        payload += jsonl.dumps_line(chunks[i])
        chunks[i] = None  # type: ignore[call-overload]
    return FileResult(source.display, payload, docs, n, None, warnings, **facts)


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


def _spilling(item: tuple[Source, bytes | None], worker: Callable[[tuple[Source, bytes | None]], FileResult]) -> FileResult:
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


# ----------------------------------------------------------------- many files


def map_ordered(fn: Callable, items: Iterable, jobs: int, timeout: float | None = None, on_failure: Callable | None = None) -> Iterator:
    """``map`` in input order: in this process when jobs is 1 and there is no
    time limit, else in supervised worker processes (``batch.pool``)."""
    if jobs <= 1 and not timeout:
        yield from map(fn, items)
        return
    from .batch.pool import map_supervised

    yield from map_supervised(fn, items, jobs, timeout or None, on_failure or _failed_result)


def _failed_result(item: tuple[Source, bytes | None], failure) -> FileResult:
    source = item[0]
    return FileResult(source.display, error=InputError(source.display, failure.message, failure.kind))


def _map(worker: Callable, items: Iterable, jobs: int, timeout: float | None, engine: str = "local", address: str | None = None) -> Iterator[FileResult]:
    if engine == "ray":
        from .batch.ray_engine import map_ray

        yield from map_ray(worker, items, jobs, timeout or None, _failed_result, address)
        return
    if jobs <= 1 and not timeout:
        yield from map(worker, items)
        return
    _prewarm(worker)
    yield from map_ordered(functools.partial(_spilling, worker=worker), items, jobs, timeout, _failed_result)


def _prewarm(worker: Callable) -> None:
    """Load registries and the tokenizer once before forking, so workers share them."""
    from .parsers.base import PARSERS
    from .segmenters.base import SEGMENTERS

    PARSERS.names()
    SEGMENTERS.names()
    options = getattr(worker, "keywords", {}).get("options")
    strategy = getattr(options, "strategy", None)
    if strategy is not None:
        import signal

        from .core.tokenizers import get_sizer

        # A SIGTERM/SIGINT inside the tokenizer loader would be swallowed by its
        # error handling ("tokenizer not available"); hold them until it is done.
        held = {signal.SIGTERM, signal.SIGINT}
        try:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        except (AttributeError, ValueError, OSError):
            old = None
        try:
            get_sizer(strategy.budget.tokenizer)
        except ChunklineError:
            pass  # reported by the worker that needs it, per file
        finally:
            if old is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _items(sources: Iterable[Source | Skipped], max_bytes: int, summary: RunSummary) -> Iterator[tuple[Source, bytes | None]]:
    for s in sources:
        if isinstance(s, Skipped):
            summary.skipped.append(s)
            continue
        summary.files += 1
        # stdin can only be read here, in the parent
        yield (s, read_bytes(s, max_bytes) if s.path is None else None)


def _sources(inputs: InputOptions) -> Iterator[Source | Skipped]:
    return iter_sources(list(inputs.paths), inputs.include, inputs.exclude, inputs.hidden, inputs.gitignore)


def _account(summary: RunSummary, res: FileResult) -> None:
    if res.error is not None:
        summary.failed.append(res.error)
    elif res.skipped is not None:
        summary.skipped.append(Skipped(res.display, res.skipped))
    else:
        summary.ok += 1
        summary.records += res.records
        summary.warnings.extend(res.warnings)


def _payload_to(out: Output, res: FileResult) -> None:
    if res.spill is not None:
        try:
            with open(res.spill, "rb") as fh:
                while block := fh.read(1 << 20):
                    out.write(block)
        finally:
            _drop_spill(res)
    elif res.payload:
        out.write(res.payload)


def _drop_spill(res: FileResult) -> None:
    if res.spill is not None:
        try:
            os.unlink(res.spill)
        except OSError:
            pass


def _run(
    inputs: InputOptions,
    worker: Callable[[tuple[Source, bytes | None]], FileResult],
    jobs: int,
    output: str | None,
    errors_path: str | None,
    documents_path: str | None = None,
    on_start: Callable[[int | None], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    timeout: float | None = None,
    engine: str = "local",
    address: str | None = None,
) -> RunSummary:
    summary = RunSummary()
    if on_start:
        on_start(None)  # sources are streamed: the total is not known up front
    docs_out = Output(documents_path) if documents_path else None
    with Output(output) as out:
        if docs_out:
            docs_out.__enter__()
        try:
            for res in _map(worker, _items(_sources(inputs), inputs.max_bytes, summary), jobs, timeout, engine, address):
                _account(summary, res)
                if res.error is None and res.skipped is None:
                    _payload_to(out, res)
                    if output in (None, "-"):
                        out.flush()  # stream per document for pipelines
                    if docs_out and res.documents:
                        docs_out.write(res.documents)
                else:
                    _drop_spill(res)
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


def config_hash(options: ChunkOptions) -> str:
    """What decides a file's chunks besides its bytes: strategy, parsing, limits, version.

    The time limit and the engine are left out: they decide whether a file
    finishes, not what its chunks are.
    """
    parse = dataclasses.asdict(options.parse)
    parse.pop("timeout", None)
    return short_hash("chunk-config", __version__, options.strategy.params_hash, parse, options.inputs.max_bytes)


def _run_directory(options: ChunkOptions, worker: Callable, on_start=None, on_result=None) -> RunSummary:
    """``-o DIR/``: sharded JSONL plus manifest; ``--incremental`` reuses what is current."""
    from .batch.directory import ShardedOutput
    from .batch.manifest import Entry

    if options.documents_path:
        raise UsageError("--documents writes one file; it cannot be combined with a directory output (-o DIR/)")
    cfg = config_hash(options)
    summary = RunSummary()
    if on_start and not options.incremental:
        on_start(None)
    with ShardedOutput(options.output or "", cfg, options.incremental, options.shard_bytes, options.strategy.label) as out:
        if options.incremental:
            sources: list[Source] = []
            for s in _sources(options.inputs):
                (summary.skipped.append(s) if isinstance(s, Skipped) else sources.append(s))  # type: ignore[func-returns-value]
            plan = out.plan(sources)
            if on_start:
                on_start(len(sources))  # the plan has listed every input: the total is known
            for e in plan.copy:
                out.copy(e)
            for e in plan.keep + plan.copy:
                # Reused files are counted and reported like processed ones: a
                # stored failure prints its error line again (the run exits 1
                # because of it) and the progress bar covers every input.
                summary.files += 1
                if e.status == "ok":
                    res = FileResult(e.path, records=e.chunks, reused=True)
                elif e.status == "failed":
                    res = FileResult(e.path, error=InputError(e.path, e.message or "failed", e.kind or "input"), reused=True)
                else:
                    res = FileResult(e.path, skipped=e.message or "skipped", reused=True)
                _account(summary, res)
                if on_result:
                    on_result(res)
            work: Iterable[Source | Skipped] = plan.work
        else:
            work = _sources(options.inputs)
        for res in _map(worker, _items(work, options.inputs.max_bytes, summary), options.jobs, options.timeout, options.engine, options.address):
            _account(summary, res)
            if res.error is not None:
                entry = Entry(res.display, "failed", res.sha256, res.size, res.mtime_ns, cfg, kind=res.error.kind, message=res.error.message)
            elif res.skipped is not None:
                entry = Entry(res.display, "skipped", res.sha256, res.size, res.mtime_ns, cfg, kind="skipped", message=res.skipped)
            else:
                entry = Entry(res.display, "ok", res.sha256, res.size, res.mtime_ns, cfg, chunks=res.records)
            try:
                out.add(entry, res.payload, res.spill)
            finally:
                _drop_spill(res)
            if on_result:
                on_result(res)
    if options.errors_path:
        write_errors(options.errors_path, summary)
    return summary


def write_errors(path: str, summary: RunSummary) -> None:
    """The ``--errors`` file: one JSON line per failed or skipped input."""
    with Output(path) as out:
        for e in summary.failed:
            out.write(jsonl.dumps_line({"path": e.path, "status": "failed", "kind": e.kind, "message": e.message}))
        for s in summary.skipped:
            out.write(jsonl.dumps_line({"path": s.display, "status": "skipped", "kind": "skipped", "message": s.reason}))


def _checked_limits(options):
    """``--timeout`` and ``--max-bytes`` in range; an infinite timeout (or
    one longer than a thread can wait, ~292 years) is no limit."""
    import math
    import threading

    t = options.timeout
    if t is not None and (math.isnan(t) or t < 0):
        raise UsageError("--timeout must be 0 (no limit) or more seconds")
    if t is not None and t >= threading.TIMEOUT_MAX:
        options = dataclasses.replace(options, timeout=None)
    if options.inputs.max_bytes < 1:
        raise UsageError("--max-bytes must be a positive number of bytes")
    return options


def run_chunk(options: ChunkOptions, on_start=None, on_result=None) -> RunSummary:
    """Chunk every input and write chunk JSONL (library form of ``chunkline chunk``).

    ``options.output`` ending in ``/`` (or an existing directory) selects the
    sharded directory output with its manifest (``chunkline.batch``).
    """
    if options.engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}")
    options = _checked_limits(options)
    worker = functools.partial(_chunk_one, options=options)
    from .batch.directory import is_directory_output

    if is_directory_output(options.output):
        return _run_directory(options, worker, on_start, on_result)
    if options.incremental:
        raise UsageError("--incremental needs a directory output (-o DIR/), where the manifest lives")
    return _run(
        options.inputs, worker, options.jobs, options.output, options.errors_path, options.documents_path,
        on_start, on_result, options.timeout, options.engine, options.address,
    )


def run_parse(options: ParseRunOptions, on_start=None, on_result=None) -> RunSummary:
    """Parse every input and write block JSONL or document texts (``chunkline parse``)."""
    options = _checked_limits(options)
    worker = functools.partial(_parse_one, options=options)
    return _run(options.inputs, worker, options.jobs, options.output, options.errors_path, None, on_start, on_result, options.timeout)


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
