"""An ordered process pool that can kill one stuck file.

``multiprocessing.Pool`` cannot stop a single task: a parser hanging inside C
code (a PDF library, a regex, a grammar) would hold a worker forever and a
``signal.alarm`` in the worker never fires while C code runs.  Here every
worker takes one file at a time over its own pipe, so the parent knows which
file each worker is on and since when; a worker past the deadline is killed
with SIGKILL and replaced, and that file becomes a ``timeout`` error.  A worker
that dies on its own (segfault, OOM killer) becomes a ``crashed`` error for its
file.  Results come out in input order, and at most ``window`` items are in
flight or waiting for reordering, so memory does not grow with the input.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator

#: Native thread pools that would each start one thread per core in every
#: worker (N workers x N threads on N cores); one thread each when jobs > 1.
THREAD_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_FRAMEWORK_THREADS", "RAYON_NUM_THREADS", "TOKENIZERS_PARALLELISM")


def single_thread_env() -> dict[str, str]:
    """Environment values that keep native libraries to one thread per process."""
    return {k: ("false" if k == "TOKENIZERS_PARALLELISM" else "1") for k in THREAD_ENV_VARS}


@dataclass(frozen=True)
class TaskFailure:
    """Why the pool gave up on one item (the caller turns it into its own error record)."""

    kind: str  # "timeout" or "crashed"
    message: str


def over_time(timeout: float) -> TaskFailure:
    """The failure of a file stopped at the per-file time limit (every engine says it alike)."""
    return TaskFailure("timeout", f"took longer than the {timeout:g}-second limit (timeout); stopped")


class WorkerBug(Exception):
    """An unexpected exception in a worker (a bug, not bad input); re-raised in the parent."""


def _die_with_parent() -> None:
    # Linux: a worker must not outlive a parent killed with SIGKILL.
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _worker_main(conn: Connection, fn: Callable[[Any], Any], single_thread: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if single_thread:
        os.environ.update(single_thread_env())
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, item = msg
        try:
            reply = (index, True, fn(item))
        except BaseException as exc:  # report, the parent re-raises it
            import pickle
            import traceback

            try:
                pickle.dumps(exc)
                err: BaseException = exc
            except Exception:
                err = WorkerBug(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            reply = (index, False, err)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx, fn: Callable[[Any], Any], single_thread: bool) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, fn, single_thread), daemon=True)
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.item: Any = None
        self.started = 0.0

    def submit(self, index: int, item: Any) -> None:
        self.index, self.item, self.started = index, item, time.monotonic()
        self.conn.send((index, item))

    def kill(self) -> None:
        try:
            self.proc.kill()
        except Exception:
            pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except Exception:
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def map_supervised(
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int,
    timeout: float | None,
    on_failure: Callable[[Any, TaskFailure], Any],
    window: int | None = None,
) -> Iterator[Any]:
    """``map(fn, items)`` in input order across ``jobs`` worker processes.

    ``timeout`` (seconds, None or 0: none) is per item.  An item whose worker
    overran or died yields ``on_failure(item, TaskFailure)`` instead.  An
    exception raised by ``fn`` itself is a bug and stops the run
    (``WorkerBug``), as it would in-process.
    """
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    jobs = max(1, jobs)
    window = max(window or jobs * 4, jobs)
    single_thread = jobs > 1
    workers: list[_Worker] = []
    idle: deque[_Worker] = deque()
    done: dict[int, Any] = {}
    queued: deque[tuple[int, Any]] = deque()
    it = iter(items)
    next_in = 0
    next_out = 0
    exhausted = False
    try:
        for _ in range(jobs):
            w = _Worker(ctx, fn, single_thread)
            workers.append(w)
            idle.append(w)
        while True:
            # keep the window full: read items lazily
            while not exhausted and next_in - next_out < window:
                try:
                    queued.append((next_in, next(it)))
                    next_in += 1
                except StopIteration:
                    exhausted = True
            while idle and queued:
                w = idle.popleft()
                index, item = queued.popleft()
                w.submit(index, item)
            # hand out finished results in order
            if next_out in done:
                yield done.pop(next_out)
                next_out += 1
                continue
            if exhausted and not queued and all(w.index is None for w in workers):
                return
            busy = [w for w in workers if w.index is not None]
            if not busy:
                continue
            wait_for = None
            if timeout:
                now = time.monotonic()
                # at most an hour per wait: poll/select cannot wait ~25 days or more
                wait_for = min(3600.0, max(0.0, min(w.started + timeout - now for w in busy)))
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_for)
            ready_set = set(ready)
            for w in busy:
                if w.conn in ready_set:
                    try:
                        index, ok, value = w.conn.recv()
                    except (EOFError, OSError):
                        ready_set.add(w.proc.sentinel)
                    else:
                        if not ok:
                            raise value
                        done[index] = value
                        w.index, w.item = None, None
                        idle.append(w)
                        continue
                failure = None
                if w.proc.sentinel in ready_set and w.index is not None:
                    w.proc.join(1)
                    code = w.proc.exitcode
                    why = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
                    failure = TaskFailure("crashed", f"the worker processing this file died ({why}); the file was skipped")
                elif timeout and w.index is not None and time.monotonic() - w.started >= timeout:
                    failure = over_time(timeout)
                if failure is not None and w.index is not None:
                    done[w.index] = on_failure(w.item, failure)
                    w.kill()
                    workers.remove(w)
                    fresh = _Worker(ctx, fn, single_thread)
                    workers.append(fresh)
                    idle.append(fresh)
    finally:
        for w in workers:
            if w.index is None:
                w.stop()
            else:
                w.kill()
