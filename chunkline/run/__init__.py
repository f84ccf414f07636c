"""Runs over many files: the library entry points behind ``chunkline parse`` and ``chunkline chunk``.

Each job has one module:

- ``options``: what a run is asked (``InputOptions``, ``ChunkOptions``,
  ``ParseRunOptions``), defaults and the limits check;
- ``worker``: one file, read -> decode -> detect format -> parse -> segment
  -> serialise (``load`` is the read-and-parse path every command uses);
- ``dispatch``: where the worker runs (this process, the supervised pool of
  ``pool``, or Ray in ``ray_engine``), chosen once per run;
- ``writing``: one output file or a sharded directory (``directory``,
  ``shards``, ``manifest``), the ``--errors`` file, ``RunSummary``.

One bad file becomes one ``InputError`` in the summary; the run goes on.
"""

from __future__ import annotations

import functools
from typing import Callable

from ..core.errors import UsageError
from .dispatch import map_ordered, prepare
from .options import DEFAULT_TIMEOUT, ENGINES, ChunkOptions, InputOptions, ParseRunOptions, checked_limits, config_hash, default_timeout
from .worker import FileResult, Loaded, block_record, chunk_one, chunk_parsed, document_record, load, parse_one, parse_source
from .writing import RunSummary, write_directory, write_errors, write_file


def run_chunk(options: ChunkOptions, on_start=None, on_result=None, shown: Callable[[str], str] | None = None) -> RunSummary:
    """Chunk every input and write chunk JSONL (library form of ``chunkline chunk``).

    ``options.output`` ending in ``/`` (or an existing directory) selects the
    sharded directory output with its manifest.  ``shown`` names parameters
    in the errors file's messages (the command line passes its flags).
    """
    if options.engine not in ENGINES:
        raise UsageError(f"engine must be one of {', '.join(ENGINES)}", "engine")
    how, options = prepare(checked_limits(options))
    worker = functools.partial(chunk_one, options=options)
    from .directory import is_directory_output

    if is_directory_output(options.output):
        summary = write_directory(options, worker, how, on_start, on_result, shown)
    elif options.incremental:
        raise UsageError("incremental needs a directory output (a path ending in /), where the manifest lives", "incremental")
    else:
        summary = write_file(
            options.inputs, worker, how, options.jobs, options.output, options.errors_path, options.documents_path,
            on_start, on_result, options.timeout, options.address, shown=shown,
        )
    summary.notes.extend(format_notes(options.strategy, summary.formats))
    return summary


def format_notes(strategy, formats: dict[str, int]) -> list[str]:
    """A strategy made for some formats (``legal``, ``ast``) met documents of
    another: one line saying how many and, for plain text, which ``--format``
    would read them as the strategy expects (a ``.txt`` file is read as text)."""
    made_for = strategy.spec.formats
    if not made_for:
        return []
    notes = []
    for fmt, n in sorted(formats.items()):
        if fmt in made_for:
            continue
        files = "1 file was" if n == 1 else f"{n} files were"
        note = f"strategy {strategy.name} works on {' or '.join(made_for)} documents, but {files} read as {fmt} and chunked without that structure"
        if fmt == "text" and made_for[0] != "code":  # a .txt file may well be legal text; it is not code
            note += f"; give --format {made_for[0]} to read them as {made_for[0]}"
        notes.append(note)
    return notes


def run_parse(options: ParseRunOptions, on_start=None, on_result=None, shown: Callable[[str], str] | None = None) -> RunSummary:
    """Parse every input and write block JSONL or document texts (``chunkline parse``)."""
    how, options = prepare(checked_limits(options))
    worker = functools.partial(parse_one, options=options)
    # --text: a form feed line between two documents, so concatenated texts can be told apart
    separator = DOCUMENT_SEPARATOR if options.text_only else b""
    return write_file(options.inputs, worker, how, options.jobs, options.output, options.errors_path, None, on_start, on_result, options.timeout, separator=separator, shown=shown)


#: ``parse --text``: the line between two documents' texts (a form feed, which documents rarely hold).
DOCUMENT_SEPARATOR = b"\f\n"


__all__ = [
    "DEFAULT_TIMEOUT",
    "default_timeout",
    "ENGINES",
    "ChunkOptions",
    "FileResult",
    "InputOptions",
    "Loaded",
    "ParseRunOptions",
    "RunSummary",
    "block_record",
    "checked_limits",
    "chunk_parsed",
    "config_hash",
    "document_record",
    "load",
    "map_ordered",
    "parse_source",
    "run_chunk",
    "run_parse",
    "write_errors",
]
