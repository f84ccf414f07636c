"""Typed errors and the exit codes they map to.

Library code raises these; the one error boundary in ``chunkline.cli`` turns
them into a single line on stderr and an exit code.  Per-file problems are
``InputError`` (the run goes on without that file); anything that makes the
whole run impossible is ``UsageError`` or ``RunError``.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any, Callable

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


def _name_as(text: str, param: str, shown: str) -> str:
    """``text`` with the first whole-word ``param`` replaced by ``shown``."""
    return re.sub(rf"(?<![\w-]){re.escape(param)}(?![\w-])", lambda _m: shown, text, count=1)


class ChunklineError(Exception):
    """Base of all errors chunkline reports to users.

    Messages name parameters as the Python API spells them (``overlap``,
    ``max_bytes``); ``params`` lists the ones a message names, in order, so
    the command line can show each as its flag (``render``) and a library
    user reads the keyword argument they passed.
    """

    exit_code: ExitCode = ExitCode.RUN_FAILED
    params: tuple[str, ...] = ()

    def render(self, shown: Callable[[str], str]) -> str:
        """The message with each parameter in ``params`` replaced by ``shown(param)`` (its first mention)."""
        text = str(self)
        for p in self.params:
            text = _name_as(text, p, shown(p))
        return text

    @property
    def param(self) -> str | None:
        """The parameter the error is about (the first one named), if any."""
        return self.params[0] if self.params else None


class UsageError(ChunklineError):
    """The arguments ask for something impossible (a bad value, an unknown option).

    ``param`` (and ``also``) name the parameters the message mentions.
    """

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, param: str | None = None, *, also: tuple[str, ...] = (), named: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.params = ((param,) if param else ()) + tuple(also)
        #: Whether the message names ``params`` as words (``render`` shows them as flags);
        #: False when it only quotes a user's key (``has no option 'bogus'``).
        self.named = named

    def render(self, shown: Callable[[str], str]) -> str:
        return super().render(shown) if self.named else str(self)

    def __reduce__(self) -> Any:
        return (_usage_error, (type(self), self.message, self.params, self.named))


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

    def __init__(self, path: str, message: str, kind: str = "input", params: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.kind = kind
        self.params = tuple(params)

    def __str__(self) -> str:  # the one line users see
        return one_line(f"{self.path}: {self.message}")

    def render(self, shown: Callable[[str], str]) -> str:
        # parameters are named in the message, never looked for in the path
        return one_line(f"{self.path}: {self.render_message(shown)}")

    def render_message(self, shown: Callable[[str], str] | None = None) -> str:
        """``message`` (without the path) with its parameters shown by ``shown``."""
        text = self.message
        if shown is not None:
            for p in self.params:
                text = _name_as(text, p, shown(p))
        return text

    def __reduce__(self) -> Any:  # picklable across worker processes
        return (type(self), (self.path, self.message, self.kind, self.params))


class DecodeError(InputError):
    """The bytes are not valid text in the detected encoding."""

    def __init__(self, path: str, message: str, kind: str = "decode", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)


class FormatError(InputError):
    """The file is not what its extension or --format claims, or is corrupt."""

    def __init__(self, path: str, message: str, kind: str = "format", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)


class BudgetError(RunError):
    """A segmenter produced a chunk over its budget or off its offsets: a bug."""


def _usage_error(cls: type[UsageError], message: str, params: tuple[str, ...], named: bool) -> UsageError:
    err = cls.__new__(cls)
    UsageError.__init__(err, message, named=named)
    err.params = params
    return err
