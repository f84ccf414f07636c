"""Typed errors and the exit codes they map to.

Library code raises these; the one error boundary in ``chunkline.cli`` turns
them into a single line on stderr and an exit code.  Per-file problems are
``InputError`` (the run goes on without that file); anything that makes the
whole run impossible is ``UsageError`` or ``RunError``.
"""

from __future__ import annotations

import re
from enum import IntEnum

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def one_line(text: str) -> str:
    """Escape control characters (a newline in a file name) so a message stays one line."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


class ExitCode(IntEnum):
    """Documented process exit codes (README, "Exit codes")."""

    OK = 0
    #: The run finished, but at least one input could not be processed.
    INPUTS_FAILED = 1
    #: The command line was wrong (unknown option, strategy, missing --format...).
    USAGE = 2
    #: The run could not be carried out (output not writable, disk full, bug).
    RUN_FAILED = 3
    #: ``score``/``compare``: a --fail-under / --fail-over threshold was missed.
    THRESHOLD = 4
    #: Interrupted by SIGINT / SIGTERM.
    INTERRUPTED = 130


class ChunklineError(Exception):
    """Base of all errors chunkline reports to users."""

    exit_code: ExitCode = ExitCode.RUN_FAILED


class UsageError(ChunklineError):
    """The command line or configuration asks for something impossible."""

    exit_code = ExitCode.USAGE


class RunError(ChunklineError):
    """The run as a whole failed (cannot write output, internal invariant broken)."""

    exit_code = ExitCode.RUN_FAILED


class InputError(ChunklineError):
    """One input could not be processed.  ``path`` names it, the message is the cause.

    ``kind`` is a short machine-readable cause (``decode``, ``format``,
    ``unreadable``, ``too_large``, ``timeout``, ``encrypted``, ``empty``...)
    recorded in the ``--errors`` file.
    """

    exit_code = ExitCode.INPUTS_FAILED

    def __init__(self, path: str, message: str, kind: str = "input") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.kind = kind

    def __str__(self) -> str:  # the one line users see
        return one_line(f"{self.path}: {self.message}")

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.path, self.message, self.kind))


class DecodeError(InputError):
    """The bytes are not valid text in the detected encoding."""

    def __init__(self, path: str, message: str, kind: str = "decode") -> None:
        super().__init__(path, message, kind)


class FormatError(InputError):
    """The file is not what its extension or --format claims, or is corrupt."""

    def __init__(self, path: str, message: str, kind: str = "format") -> None:
        super().__init__(path, message, kind)


class BudgetError(RunError):
    """A segmenter produced a chunk over its budget or off its offsets: a bug."""
