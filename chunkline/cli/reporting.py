"""Input resolution and rendering shared by the commands (stderr only: stdout is data); the shared options are in ``options``."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from ..core.errors import ExitCode, UsageError, one_line
from ..parsers.base import PARSERS
from ..run import FileResult, RunSummary


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


def summary_line(summary: RunSummary, unit: str, verbose: bool = False) -> str:
    """``732 files: 577 ok, 55 failed, 100 skipped; 12034 chunks`` (the counts add up to the total).

    An ``--incremental`` run adds how many of the files were reused from the previous run.
    """
    failed, skipped = len(summary.failed), len(summary.skipped)
    total = summary.ok + failed + skipped
    parts = [f"{summary.ok} ok"]
    if failed:
        parts.append(f"{failed} failed")
    if skipped:
        parts.append(f"{skipped} skipped" + ("" if verbose else " (--verbose lists them)"))
    records = unit[:-1] if summary.records == 1 and unit.endswith("s") else unit
    line = f"{total} {'file' if total == 1 else 'files'}: {', '.join(parts)}; {summary.records} {records}"
    if summary.reused:
        line += f"; {summary.reused} of the files reused from the previous run, {total - summary.reused} processed"
    if summary.llm_fallbacks:
        line += f"; {summary.llm_fallbacks} chunk ends by the LLM fallback rule"
    return line


class Reporter:
    """Progress bar (only on a terminal), per-file errors and warnings, summary."""

    def __init__(self, quiet: bool, verbose: bool, what: str) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.what = what
        self._progress: Any = None
        self._task: Any = None

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
            for note in summary.notes:
                say("warning", note)
            sys.stderr.write("chunkline: " + summary_line(summary, unit, self.verbose) + "\n")
        return int(ExitCode.INPUTS_FAILED if summary.failed else ExitCode.OK)
