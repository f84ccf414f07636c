"""``--engine ray``: the same per-file worker as Ray tasks, results in input order.

Each file is one Ray task running exactly the function the local pool runs
(parse + segment + JSONL bytes), so the output is byte-identical to the local
engine; the driver reads the file list lazily, keeps a bounded window of
tasks in flight and writes results in input order through the same writers.

A task enforces the per-file time limit itself: a watchdog thread kills its
worker process (SIGKILL also stops parsers stuck in C code), Ray replaces
the worker, and the driver reports that file as a ``timeout`` (or
``crashed`` if it died before the limit).  Tasks are never retried: a file
that kills workers would kill them again.

On a cluster, workers read files by path: inputs must be visible at the same
path on every node (a shared or mirrored filesystem), and chunkline must be
installed on every node.  Ray is imported only when this engine is used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from ..core.errors import RunError, UsageError
from .pool import TaskFailure, over_time, single_thread_env


def _run_with_deadline(fn: Callable[[Any], Any], item: Any, timeout: float | None) -> Any:
    """Inside a Ray worker: run one item, killing this process at the deadline."""
    if timeout:
        timer = threading.Timer(timeout, lambda: os.kill(os.getpid(), signal.SIGKILL))
        timer.daemon = True
        timer.start()
        try:
            return fn(item)
        finally:
            timer.cancel()
    return fn(item)


def _run_batch(fn: Callable[[Any], Any], items: list[Any], timeout: float | None) -> list[Any]:
    """Inside a Ray worker: several small files in one task (Ray's per-task
    overhead is milliseconds; most files take less), each under its own deadline."""
    return [_run_with_deadline(fn, item, timeout) for item in items]


#: A Ray task carries up to this many files, or about this many bytes of input.
BATCH_FILES = 32
BATCH_BYTES = 4 << 20


def _size(item: Any) -> int:
    source, data = item if isinstance(item, tuple) and len(item) == 2 else (item, None)
    if data is not None:
        return len(data)
    path = getattr(source, "path", None)
    try:
        return os.path.getsize(path) if path else 0
    except OSError:
        return 0


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    size = 0
    for item in items:
        batch.append(item)
        size += _size(item)
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _one(ray, single, fn_ref, item: Any, timeout: float | None, on_failure) -> Iterator[Any]:
    submitted = time.monotonic()
    try:
        yield ray.get(single.remote(fn_ref, item, timeout))
    except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError, ray.exceptions.TaskCancelledError) as exc:
        elapsed = time.monotonic() - submitted
        if timeout and elapsed >= timeout:
            failure = over_time(timeout)
        else:
            failure = TaskFailure("crashed", f"the worker processing this file died ({type(exc).__name__}); the file was skipped")
        yield on_failure(item, failure)
    except ray.exceptions.RayTaskError as exc:
        raise _task_error(ray, exc) from None


def _task_error(ray, exc) -> BaseException:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException) and not isinstance(cause, ray.exceptions.RayError):
        return cause  # a bug in the worker: same as the local engine
    return RunError(f"Ray task failed: {exc}")


def _import_ray():
    try:
        import ray
    except ImportError:
        raise UsageError("engine ray needs Ray: pip install 'chunkline[ray]' (or ray)", "engine") from None
    return ray


def map_ray(
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int,
    timeout: float | None,
    on_failure: Callable[[Any, TaskFailure], Any],
    address: str | None = None,
    window: int | None = None,
) -> Iterator[Any]:
    """``map(fn, items)`` in order as Ray tasks (local Ray with ``jobs`` CPUs, or ``address``).

    While Ray is in use, Python-level ``sys.stdout`` points at stderr: Ray's
    driver prints the raylet's notices (such as "A worker died", after every
    timeout) to ``sys.stdout``, which would corrupt a JSONL stream there.
    ``core.io.Output`` holds the real stdout from before, so data still goes
    to stdout.
    """
    with contextlib.redirect_stdout(sys.stderr):
        yield from _map_ray(fn, items, jobs, timeout, on_failure, address, window)


def _map_ray(
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int,
    timeout: float | None,
    on_failure: Callable[[Any, TaskFailure], Any],
    address: str | None,
    window: int | None,
) -> Iterator[Any]:
    ray = _import_ray()
    started_here = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "configure_logging": False,
            "runtime_env": {"env_vars": single_thread_env()},
        }
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = max(1, jobs)
        try:
            ray.init(**kwargs)
        except ConnectionError as exc:
            raise RunError(f"cannot connect to the Ray cluster at {address!r}: {exc}") from exc
        started_here = True
    try:
        cpus = int(ray.cluster_resources().get("CPU", jobs)) or 1
        window = window or max(2 * cpus, 4)  # batches in flight
        single = ray.remote(_run_with_deadline).options(num_cpus=1, max_retries=0, retry_exceptions=False)
        batched = ray.remote(_run_batch).options(num_cpus=1, max_retries=0, retry_exceptions=False)
        fn_ref = ray.put(fn)
        inflight: deque[tuple[list[Any], Any, float]] = deque()
        it = _batches(items)
        exhausted = False
        while True:
            while not exhausted and len(inflight) < window:
                try:
                    batch = next(it)
                except StopIteration:
                    exhausted = True
                    break
                inflight.append((batch, batched.remote(fn_ref, batch, timeout), time.monotonic()))
            if not inflight:
                return
            batch, ref, _submitted = inflight.popleft()
            try:
                yield from ray.get(ref)
            except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError, ray.exceptions.TaskCancelledError):
                # one file of the batch ended the worker (watchdog, OOM killer,
                # segfault): run the batch again one file per task to find it
                for item in batch:
                    yield from _one(ray, single, fn_ref, item, timeout, on_failure)
            except ray.exceptions.RayTaskError as exc:
                raise _task_error(ray, exc) from None
    finally:
        if started_here:
            ray.shutdown()
