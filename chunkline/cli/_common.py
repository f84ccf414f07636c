"""Options and rendering shared by the commands (stderr only: stdout is data)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator, Optional

from ..core.errors import ExitCode, UsageError, one_line
from ..parsers.base import PARSERS, ParseOptions
from ..run import FileResult, InputOptions, RunSummary


def format_help() -> str:
    return "Input format (default: by extension). One of: " + ", ".join(PARSERS.names()) + "."


def resolve_paths(paths: Optional[list[str]], fmt: Optional[str]) -> tuple[str, ...]:
    """No path: read stdin if it is piped, else it is a usage error (never hang on a terminal)."""
    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            import typer

            ctx = typer.get_current_context(silent=True) if hasattr(typer, "get_current_context") else None
            raise typer.BadParameter("give files, directories, globs, or - for stdin", ctx=ctx, param_hint="PATHS")
        paths = ["-"]
    if "-" in paths and not fmt:
        raise UsageError("reading stdin needs --format (one of " + ", ".join(PARSERS.names()) + ")")
    return tuple(paths)


def input_options(paths, include, exclude, hidden, max_bytes, gitignore: bool = True) -> InputOptions:
    return InputOptions(tuple(paths), tuple(include or ()), tuple(exclude or ()), hidden, max_bytes, gitignore)


def parse_options(fmt, encoding, decode_errors, layout, scanned) -> ParseOptions:
    if fmt is not None and PARSERS.get(fmt) is None:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(PARSERS.names())}")
    if decode_errors not in ("strict", "replace"):
        raise UsageError("--decode-errors must be strict or replace")
    if layout not in ("rules", "model"):
        raise UsageError("--layout must be rules or model")
    if scanned not in ("warn", "error"):
        raise UsageError("--scanned must be warn or error")
    return ParseOptions(format=fmt, encoding=encoding, decode_errors=decode_errors, pdf_layout=layout, scanned=scanned)


def parse_cutoffs(ks: str, max_tokens, max_chars) -> tuple[int, ...]:
    """``--ks 1,5,10`` as sorted positive integers (and the one-budget rule of score/compare)."""
    if max_tokens is not None and max_chars is not None:
        raise UsageError("give either --max-tokens or --max-chars, not both")
    try:
        cutoffs = tuple(sorted({int(x) for x in ks.split(",") if x.strip()}))
    except ValueError:
        raise UsageError(f"--ks {ks!r}: expected integers separated by commas") from None
    if not cutoffs or min(cutoffs) < 1:
        raise UsageError("--ks needs positive integers")
    return cutoffs


def say(kind: str, message: str) -> None:
    sys.stderr.write(f"chunkline: {kind}: {message}\n")


class Reporter:
    """Progress bar (only on a terminal), per-file errors and warnings, summary."""

    def __init__(self, quiet: bool, verbose: bool, what: str) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.what = what
        self._progress = None
        self._task = None

    @contextmanager
    def running(self) -> Iterator["Reporter"]:
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        try:
            yield self
        finally:
            if self._progress is not None:
                self._progress.stop()

    def start(self, total: int | None) -> None:
        """``total`` is None when inputs are streamed (the bar then counts without an end)."""
        if self._progress is not None:
            self._task = self._progress.add_task(self.what, total=total)

    def result(self, res: FileResult) -> None:
        if res.error is not None:
            from .app import render

            self._print(lambda: say("error", render(res.error)))
        if not self.quiet:
            for w in res.warnings:
                self._print(lambda w=w: say("warning", w))
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def _print(self, fn) -> None:
        if self._progress is not None:
            self._progress.console.file.flush()
        fn()

    def finish(self, summary: RunSummary, unit: str) -> int:
        if self.verbose:
            for s in summary.skipped:
                say("skipped", one_line(f"{s.display}: {s.reason}"))
        if not self.quiet:
            parts = [f"{summary.ok} of {summary.files} files", f"{summary.records} {unit}"]
            if summary.failed:
                parts.append(f"{len(summary.failed)} failed")
            if summary.skipped:
                parts.append(f"{len(summary.skipped)} skipped" + ("" if self.verbose else " (--verbose lists them)"))
            sys.stderr.write("chunkline: " + ", ".join(parts) + "\n")
        return int(ExitCode.INPUTS_FAILED if summary.failed else ExitCode.OK)


# typer option factories (so every command spells them the same way); typer is
# imported only when the commands are declared (``cli.fast`` runs without it)
def opt_format():
    import typer

    return typer.Option(None, "--format", "-f", help=format_help())


def opt_output():
    import typer

    return typer.Option(None, "--output", "-o", help="Write to FILE atomically (default: stdout).")


def opt_jobs():
    import typer

    return typer.Option(1, "--jobs", "-j", min=1, help="Files processed in parallel (output order stays the input order).")


def opt_errors():
    import typer

    return typer.Option(None, "--errors", help="Write failed and skipped inputs to FILE as JSONL.")


def opt_quiet():
    import typer

    return typer.Option(False, "--quiet", "-q", help="No progress, warnings or summary on stderr (errors still print).")


def opt_verbose():
    import typer

    return typer.Option(False, "--verbose", "-v", help="Also list skipped files on stderr.")


def opt_debug():
    import typer

    return typer.Option(False, "--debug", help="Show tracebacks for errors.")
