"""``chunkline parse``: the block stream (or the document text) of each input."""

from __future__ import annotations

from typing import List, Optional

import typer

from ...core.sources import DEFAULT_MAX_BYTES
from ...run import ParseRunOptions, run_parse
from ..app import flag
from .._common import Reporter, input_options, opt_debug, opt_errors, opt_format, opt_jobs, opt_output, opt_quiet, opt_verbose, parse_options, resolve_paths


def register(app: typer.Typer) -> None:
    @app.command("parse")
    def parse(
        paths: Optional[List[str]] = typer.Argument(None, help="Files, directories, globs, or - for stdin.", show_default=False),
        text: bool = typer.Option(False, "--text", help="Print each document's text (what offsets point into) instead of blocks."),
        fmt: Optional[str] = opt_format(),
        include: Optional[List[str]] = typer.Option(None, "--include", help="Glob of files to take inside directories."),
        exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of files or directories to leave out inside directories."),
        hidden: bool = typer.Option(False, "--hidden", help="Also read hidden files and directories."),
        encoding: str = typer.Option("utf-8", "--encoding", help="Text encoding of inputs without a BOM."),
        decode_errors: str = typer.Option("strict", "--decode-errors", help="strict or replace (explicit U+FFFD)."),
        layout: str = typer.Option("rules", "--layout", help="PDF layout analysis: rules (the default; model is not available yet)."),
        scanned: str = typer.Option("warn", "--scanned", help="PDF pages with no text layer: warn or error."),
        max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Skip inputs larger than this, with an error."),
        output: Optional[str] = opt_output(),
        errors: Optional[str] = opt_errors(),
        jobs: int = opt_jobs(),
        quiet: bool = opt_quiet(),
        verbose: bool = opt_verbose(),
        debug: bool = opt_debug(),
    ) -> int:
        """Parse documents into the common block stream (JSONL, one block per line)."""
        opts = ParseRunOptions(
            inputs=input_options(resolve_paths(paths, fmt), include, exclude, hidden, max_bytes),
            parse=parse_options(fmt, encoding, decode_errors, layout, scanned),
            output=output,
            errors_path=errors,
            text_only=text,
            jobs=jobs,
        )
        rep = Reporter(quiet, verbose, "parsing")
        with rep.running():
            summary = run_parse(opts, on_start=rep.start, on_result=rep.result, shown=flag)
        return rep.finish(summary, "documents" if text else "blocks")
