"""The supervised pool: input order, per-file timeout even inside C code, crashed workers, bugs re-raised."""

from __future__ import annotations

import ctypes
import os
import signal
import time

import pytest

from chunkline.run.pool import TaskFailure, map_supervised
from chunkline.core.errors import BudgetError
from chunkline.run import ChunkOptions, InputOptions, run_chunk
from chunkline.segmenters.base import parse_strategy


def _work(x: int) -> int:
    if x == 3:
        ctypes.CDLL(None).sleep(60)  # stuck in C: no Python signal handler can run here
    if x == 5:
        os.kill(os.getpid(), signal.SIGKILL)
    if x == 7:
        raise BudgetError("a bug in a segmenter")
    return x * x


def _failed(item, failure: TaskFailure):
    return (item, failure.kind)


def test_order_timeout_in_c_and_crash():
    t0 = time.monotonic()
    out = list(map_supervised(_work, [0, 1, 2, 3, 4, 5, 6, 8], jobs=2, timeout=1.5, on_failure=_failed))
    assert out == [0, 1, 4, (3, "timeout"), 16, (5, "crashed"), 36, 64]
    assert time.monotonic() - t0 < 30


def test_bug_in_worker_is_raised_in_parent():
    with pytest.raises(BudgetError, match="a bug"):
        list(map_supervised(_work, [1, 7, 2], jobs=1, timeout=None, on_failure=_failed))


def test_many_items_bounded_window_single_job():
    assert list(map_supervised(abs, range(-300, 0), jobs=1, timeout=30, on_failure=_failed)) == list(range(300, 0, -1))


def _hang_on_b(data, ctx, fmt=None):
    from chunkline.parsers.base import parse_bytes

    if ctx.display.endswith("b.txt"):
        ctypes.CDLL(None).sleep(60)
    return parse_bytes(data, ctx, fmt)


@pytest.mark.parametrize("isolate", [False, True])
def test_run_reports_timeout_and_continues(tmp_path, monkeypatch, isolate):
    """Stuck in C (libc sleep): the in-process timer's signal interrupts it; the pool kills its worker."""
    import chunkline.run.worker as worker

    for name in "abc":
        (tmp_path / f"{name}.txt").write_text(f"file {name} text.\n")
    # workers are forked from this process, so they see the patched parser
    monkeypatch.setattr(worker, "parse_bytes", _hang_on_b)
    out = tmp_path / "out.jsonl"
    opts = ChunkOptions(InputOptions((str(tmp_path),)), parse_strategy("recursive", max_tokens=64), output=str(out), timeout=1.0, isolate=isolate)
    summary = run_chunk(opts)
    assert summary.ok == 2 and [(e.path.rsplit("/", 1)[-1], e.kind) for e in summary.failed] == [("b.txt", "timeout")]
    err = summary.failed[0]
    assert "(timeout)" in err.message and err.params == ("timeout",)  # the library names the parameter; the CLI shows --timeout
    assert [line.count(b"file a") + line.count(b"file c") for line in out.read_bytes().splitlines()] == [1, 1]
