"""Where results go: one output file (or stdout), or a sharded directory; the errors file; the summary.

Inputs are discovered lazily and handed to ``dispatch.map_files``; results
come back in input order and are written as they arrive, so memory stays
bounded.  One file goes through ``core.io.Output`` (atomic; quiet on a
closed pipe); a directory through ``ShardedOutput`` (size-bounded shards, a
manifest, incremental and resumable runs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..core import jsonl
from ..core.errors import InputError, UsageError
from ..core.io import Output
from ..core.sources import Skipped, Source, iter_sources, read_bytes
from .dispatch import map_files
from .options import ChunkOptions, InputOptions, config_hash
from .worker import FileResult, Item


@dataclass
class RunSummary:
    """What a run did.

    Every input ends in exactly one of ``ok`` (a count), ``failed`` and
    ``skipped`` (files left out during discovery, and binary, generated or
    minified files left out after reading), so those three add up to the
    inputs considered.  ``files`` counts the inputs handed to the worker or
    reused; ``reused`` those taken unchanged from a previous run
    (``--incremental``), whatever their status; ``formats`` the processed
    documents per format; ``notes`` run-level warnings (one line each).
    """

    files: int = 0
    ok: int = 0
    failed: list[InputError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    records: int = 0
    warnings: list[str] = field(default_factory=list)
    reused: int = 0
    formats: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    llm_fallbacks: int = 0  # chunk ends chosen by an LLM strategy's fallback rule


def account(summary: RunSummary, res: FileResult) -> None:
    if res.reused:
        summary.reused += 1
    if res.error is not None:
        summary.failed.append(res.error)
    elif res.skipped is not None:
        summary.skipped.append(Skipped(res.display, res.skipped))
    else:
        summary.ok += 1
        summary.records += res.records
        summary.warnings.extend(res.warnings)
        if res.format is not None:
            summary.formats[res.format] = summary.formats.get(res.format, 0) + 1
        summary.llm_fallbacks += res.llm_fallbacks


def sources(inputs: InputOptions) -> Iterator[Source | Skipped]:
    return iter_sources(list(inputs.paths), inputs.include, inputs.exclude, inputs.hidden, inputs.gitignore)


def items(found: Iterable[Source | Skipped], max_bytes: int, summary: RunSummary) -> Iterator[Item]:
    """Work items of the sources found; what discovery left out goes to the summary."""
    for s in found:
        if isinstance(s, Skipped):
            summary.skipped.append(s)
            continue
        summary.files += 1
        # stdin can only be read here, in the parent
        yield (s, read_bytes(s, max_bytes) if s.path is None else None)


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


def write_file(
    inputs: InputOptions,
    worker: Callable[[Item], FileResult],
    how: str,
    jobs: int,
    output: str | None,
    errors_path: str | None,
    documents_path: str | None = None,
    on_start: Callable[[int | None], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    timeout: float | None = None,
    address: str | None = None,
    separator: bytes = b"",
    shown: Callable[[str], str] | None = None,
) -> RunSummary:
    """Every input's result into one file (stdout for None or ``-``), in input order.

    ``separator`` goes between two written results (``parse --text``);
    ``shown`` names parameters in the errors file's messages (``write_errors``).
    """
    summary = RunSummary()
    if on_start:
        on_start(None)  # sources are streamed: the total is not known up front
    docs_out = Output(documents_path) if documents_path else None
    with Output(output) as out:
        if docs_out:
            docs_out.__enter__()
        try:
            written = 0
            for res in map_files(worker, items(sources(inputs), inputs.max_bytes, summary), how, jobs, timeout, address):
                account(summary, res)
                if res.error is None and res.skipped is None:
                    if separator and written and (res.payload or res.spill):
                        out.write(separator)
                    written += 1
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
        write_errors(errors_path, summary, shown)
    return summary


def write_directory(
    options: ChunkOptions, worker: Callable[[Item], FileResult], how: str, on_start=None, on_result=None, shown: Callable[[str], str] | None = None
) -> RunSummary:
    """``-o DIR/``: sharded JSONL plus manifest; ``--incremental`` reuses what is current."""
    from .directory import ShardedOutput
    from .manifest import Entry

    if options.documents_path:
        raise UsageError("documents writes one file; it cannot be combined with a directory output (a path ending in /)", "documents")
    cfg = config_hash(options)
    summary = RunSummary()
    if on_start and not options.incremental:
        on_start(None)
    with ShardedOutput(options.output or "", cfg, options.incremental, options.shard_bytes, options.strategy.label) as out:
        if options.incremental:
            found: list[Source] = []
            for s in sources(options.inputs):
                (summary.skipped.append(s) if isinstance(s, Skipped) else found.append(s))
            plan = out.plan(found)
            if on_start:
                on_start(len(found))  # the plan has listed every input: the total is known
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
                account(summary, res)
                if on_result:
                    on_result(res)
            work: Iterable[Source | Skipped] = plan.work
        else:
            work = sources(options.inputs)
        for res in map_files(worker, items(work, options.inputs.max_bytes, summary), how, options.jobs, options.timeout, options.address):
            account(summary, res)
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
        write_errors(options.errors_path, summary, shown)
    return summary


def write_errors(path: str, summary: RunSummary, shown: Callable[[str], str] | None = None) -> None:
    """The ``--errors`` file: one JSON line per failed or skipped input (parameters in
    messages named by ``shown``: the command line passes its flag names, as on stderr)."""
    with Output(path) as out:
        for e in summary.failed:
            out.write(jsonl.dumps_line({"path": e.path, "status": "failed", "kind": e.kind, "message": e.render_message(shown)}))
        for s in summary.skipped:
            out.write(jsonl.dumps_line({"path": s.display, "status": "skipped", "kind": "skipped", "message": s.reason}))
