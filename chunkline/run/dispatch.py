"""Where the per-file worker runs: in this process, a supervised pool, or Ray.

``mode`` makes the choice once per run from jobs, the time limit and the
engine; ``map_files`` applies it.  Every mode yields results in input order,
so output bytes depend neither on ``jobs`` nor on the engine, and a file the
pool or Ray had to give up on (over the time limit, worker died) becomes
one ``FileResult`` with an ``InputError`` (``failed_result``).
"""

from __future__ import annotations

import functools
from typing import Callable, Iterable, Iterator

from ..core.errors import ChunklineError, InputError
from .worker import FileResult, Item, spilling

#: The ways files can be spread over processes.
MODES = ("inline", "pool", "ray")


def mode(jobs: int, timeout: float | None, engine: str = "local") -> str:
    """``ray`` when asked for; ``inline`` (this process) for one job without a
    time limit; otherwise ``pool``: supervised worker processes, which can
    stop a file stuck in C code at the deadline."""
    if engine == "ray":
        return "ray"
    if jobs <= 1 and not timeout:
        return "inline"
    return "pool"


def map_ordered(fn: Callable, items: Iterable, jobs: int, timeout: float | None = None, on_failure: Callable | None = None) -> Iterator:
    """``map`` in input order: in this process when jobs is 1 and there is no
    time limit, else in supervised worker processes (``run.pool``)."""
    if mode(jobs, timeout) == "inline":
        yield from map(fn, items)
        return
    from .pool import map_supervised

    yield from map_supervised(fn, items, jobs, timeout or None, on_failure or failed_result)


def failed_result(item: Item, failure) -> FileResult:
    """The result of a file the pool or Ray gave up on (``TaskFailure``: timeout, crashed)."""
    source = item[0]
    params = ("timeout",) if failure.kind == "timeout" else ()  # the message names the limit it ran into
    return FileResult(source.display, error=InputError(source.display, failure.message, failure.kind, params))


def map_files(worker: Callable[[Item], FileResult], items: Iterable[Item], jobs: int, timeout: float | None, engine: str = "local", address: str | None = None) -> Iterator[FileResult]:
    """``worker`` over ``items`` in input order, where ``mode`` says."""
    how = mode(jobs, timeout, engine)
    if how == "ray":
        from .ray_engine import map_ray

        yield from map_ray(worker, items, jobs, timeout or None, failed_result, address)
    elif how == "inline":
        yield from map(worker, items)
    else:
        prewarm(worker)
        yield from map_ordered(functools.partial(spilling, worker=worker), items, jobs, timeout, failed_result)


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
