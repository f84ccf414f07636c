"""Where the per-file worker runs: in this process, a supervised pool, or Ray.

``mode`` makes the choice once per run; ``map_files`` applies it.  Every
mode yields results in input order, so output bytes depend neither on
``jobs`` nor on the engine, and a file that had to be given up on (over the
time limit, worker died) becomes one ``FileResult`` with an ``InputError``
(``failed_result``).

One job runs in this process (no worker start-up, no pickling of results);
its time limit is an interval timer whose SIGALRM handler raises in the
Python code that is running, and parsers that spend long in native code
take the limit themselves (tree-sitter through its progress callback, PDF
page by page).  What this process cannot survive is native code that never
returns to Python or crashes the interpreter: ``isolate`` (``--isolate``)
runs even one job in a supervised worker process, which is killed at the
deadline or replaced when it dies, as with several jobs.
"""

from __future__ import annotations

import dataclasses
import functools
import signal
import threading
from typing import Callable, Iterable, Iterator

from ..core.errors import ChunklineError, InputError
from .worker import FileResult, Item, spilling

#: The ways files can be spread over processes.
MODES = ("inline", "pool", "ray")


def mode(jobs: int, timeout: float | None, engine: str = "local", isolate: bool = False) -> str:
    """``ray`` when asked for; ``inline`` (this process) for one job unless
    isolation is asked for, or a time limit is set where no interval timer
    can enforce it (not the main thread, no SIGALRM); otherwise ``pool``:
    supervised worker processes."""
    if engine == "ray":
        return "ray"
    if jobs <= 1 and not isolate and (not timeout or _alarm_usable()):
        return "inline"
    return "pool"


def prepare(options):
    """Where a run's files go (``mode``, chosen once), and its options as that place needs them.

    In this process the time limit is also handed to the parsers, so those
    that spend long in native code (tree-sitter, PDF) stop themselves, and
    a syntax tree is built through tree-sitter's Python callbacks, where the
    SIGALRM handler can run.  Returns ``(mode, options)``.
    """
    how = mode(options.jobs, options.timeout, getattr(options, "engine", "local"), options.isolate)
    if how == "inline" and options.timeout and options.parse.timeout is None:
        options = dataclasses.replace(options, parse=dataclasses.replace(options.parse, timeout=options.timeout))
    return how, options


def _alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def map_ordered(fn: Callable, items: Iterable, jobs: int, timeout: float | None = None, on_failure: Callable | None = None) -> Iterator:
    """``map`` in input order: in this process for one job without a time
    limit, else in supervised worker processes (``run.pool``)."""
    if jobs <= 1 and not timeout:
        yield from map(fn, items)
        return
    from .pool import map_supervised

    yield from map_supervised(fn, items, jobs, timeout or None, on_failure or failed_result)


def failed_result(item: Item, failure) -> FileResult:
    """The result of a file given up on (``TaskFailure``: timeout, crashed)."""
    source = item[0]
    params = ("timeout",) if failure.kind == "timeout" else ()  # the message names the limit it ran into
    return FileResult(source.display, error=InputError(source.display, failure.message, failure.kind, params))


def map_files(worker: Callable[[Item], FileResult], items: Iterable[Item], how: str, jobs: int, timeout: float | None, address: str | None = None) -> Iterator[FileResult]:
    """``worker`` over ``items`` in input order, the way ``how`` (a ``mode``) says."""
    if how == "ray":
        from .ray_engine import map_ray

        yield from map_ray(worker, items, jobs, timeout or None, failed_result, address)
    elif how == "inline":
        yield from (map_with_deadline(worker, items, timeout) if timeout else map(worker, items))
    else:
        from .pool import map_supervised

        prewarm(worker)
        yield from map_supervised(functools.partial(spilling, worker=worker), items, jobs, timeout or None, failed_result)


class _OverTime(BaseException):
    """Raised by the SIGALRM handler in the code running at the deadline.

    A ``BaseException``, so that no ``except Exception`` in a parser mistakes
    it for a failure of its own and carries on.
    """


def map_with_deadline(worker: Callable[[Item], FileResult], items: Iterable[Item], timeout: float) -> Iterator[FileResult]:
    """``map(worker, items)`` in this process, each call stopped after ``timeout`` seconds.

    Main thread only (signal handlers live there).  The previous SIGALRM
    handler and timer are restored when the iteration ends.
    """
    from .pool import over_time

    armed = [False]

    def on_alarm(signum, frame):
        if armed[0]:
            armed[0] = False
            raise _OverTime()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for item in items:
            try:
                armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    res = worker(item)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    armed[0] = False
            except _OverTime:
                res = failed_result(item, over_time(timeout))
            yield res
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def prewarm(worker: Callable) -> None:
    """Load registries and the tokenizer once before forking, so workers share them."""
    from ..parsers.base import PARSERS
    from ..segmenters.base import SEGMENTERS

    PARSERS.names()
    SEGMENTERS.names()
    options = getattr(worker, "keywords", {}).get("options")
    strategy = getattr(options, "strategy", None)
    if strategy is not None:
        import signal

        from ..core.tokenizers import get_sizer

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
