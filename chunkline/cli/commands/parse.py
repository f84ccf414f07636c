"""``chunkline parse``: the block stream (or the document text) of each input."""

from __future__ import annotations

from typing import List, Optional

import typer

from ...run import DEFAULT_TIMEOUT, ParseRunOptions, run_parse
from .. import options as o
from ..app import flag
from ..reporting import Reporter, resolve_paths


def register(app: typer.Typer) -> None:
    @app.command("parse")
    def parse(
        paths: Optional[List[str]] = o.PATHS(),
        text: bool = typer.Option(
            False, "--text", help="Print each document's text (what offsets point into) instead of blocks; documents are separated by a form feed line (\\f)."
        ),
        fmt: Optional[str] = o.FORMAT(),
        language: Optional[str] = o.LANGUAGE(),
        include: Optional[List[str]] = o.INCLUDE(),
        exclude: Optional[List[str]] = o.EXCLUDE(),
        hidden: bool = o.HIDDEN(),
        no_gitignore: bool = o.NO_GITIGNORE(),
        encoding: str = o.ENCODING(),
        decode_errors: str = o.DECODE_ERRORS(),
        layout: str = o.LAYOUT(),
        scanned: str = o.SCANNED(),
        max_bytes: int = o.MAX_BYTES(),
        timeout: Optional[float] = o.TIMEOUT(),
        isolate: bool = o.ISOLATE(),
        output: Optional[str] = o.OUTPUT(),
        errors: Optional[str] = o.ERRORS(),
        jobs: int = o.JOBS(),
        quiet: bool = o.QUIET(),
        verbose: bool = o.VERBOSE(),
        debug: bool = o.DEBUG(),
    ) -> int:
        """Parse documents into the common block stream (JSONL, one block per line)."""
        opts = ParseRunOptions(
            inputs=o.input_options(resolve_paths(paths, fmt or ("code" if language else None)), include, exclude, hidden, max_bytes, gitignore=not no_gitignore),
            parse=o.parse_options(fmt, encoding, decode_errors, layout, scanned, language),
            output=output,
            errors_path=errors,
            text_only=text,
            jobs=jobs,
            timeout=(DEFAULT_TIMEOUT if timeout is None else timeout) or None,
            isolate=isolate,
        )
        rep = Reporter(quiet, verbose, "parsing")
        with rep.running():
            summary = run_parse(opts, on_start=rep.start, on_result=rep.result, shown=flag)
        return rep.finish(summary, "documents" if text else "blocks")
