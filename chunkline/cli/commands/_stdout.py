"""Data on stdout, with the same failure handling as ``chunk``'s JSONL.

Reports (``score --json``, ``compare --json/--csv``, ``strategies``) go
through ``core.io.Output``: a full disk or a file-size limit is the one line
``cannot write stdout: no space left ...`` (exit 3), never an internal error,
and a closed pipe (``| head``) ends the run quietly.
"""

from __future__ import annotations

import io


def emit(text: str) -> None:
    """Write ``text`` to stdout and flush it."""
    from ...core.io import Output

    with Output(None) as out:
        out.write(text.encode("utf-8"))


def stdout_console():
    """A rich Console that renders into a buffer as stdout would show it; ``emit(console.file.getvalue())`` prints it."""
    from rich.console import Console

    real = Console()
    return Console(file=io.StringIO(), width=real.width, color_system=real.color_system, force_terminal=real.is_terminal, legacy_windows=False)
