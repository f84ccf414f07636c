"""Where files run: one job in this process (time limit by interval timer), several in the pool."""

from __future__ import annotations

import signal
import time

import pytest

import chunkline.run.pool as pool
import chunkline.run.worker as worker
from chunkline.parsers.base import parse_bytes
from chunkline.run import ChunkOptions, InputOptions, run_chunk
from chunkline.run.dispatch import map_with_deadline, mode
from chunkline.segmenters.base import parse_strategy


def _no_pool(*a, **k):
    raise AssertionError("a worker process was started")


def _slow_on_b(data, ctx, fmt=None):
    if ctx.display.endswith("b.txt"):
        while True:  # stuck in Python code
            time.sleep(0.01)
    return parse_bytes(data, ctx, fmt)


def _corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for name in "abc":
        (d / f"{name}.txt").write_text(f"file {name} text.\n")
    return d


def test_one_job_with_the_default_timeout_runs_in_this_process(tmp_path, monkeypatch):
    assert mode(1, 120.0) == "inline" and mode(2, 120.0) == "pool" and mode(1, 120.0, isolate=True) == "pool"
    monkeypatch.setattr(pool, "map_supervised", _no_pool)
    d = _corpus(tmp_path)
    summary = run_chunk(ChunkOptions(InputOptions((str(d),)), parse_strategy("recursive", max_tokens=64), output=str(tmp_path / "o.jsonl")))
    assert summary.ok == 3 and not summary.failed


def test_time_limit_holds_in_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "map_supervised", _no_pool)
    monkeypatch.setattr(worker, "parse_bytes", _slow_on_b)
    d = _corpus(tmp_path)
    before = signal.getsignal(signal.SIGALRM)
    out = tmp_path / "o.jsonl"
    summary = run_chunk(ChunkOptions(InputOptions((str(d),)), parse_strategy("recursive", max_tokens=64), output=str(out), timeout=0.5))
    assert summary.ok == 2 and [(e.path.rsplit("/", 1)[-1], e.kind) for e in summary.failed] == [("b.txt", "timeout")]
    err = summary.failed[0]
    assert "0.5-second limit (timeout)" in err.message and err.render(lambda p: "--" + p).endswith("0.5-second limit (--timeout); stopped")
    assert out.read_text().count('"source"') == 2
    assert signal.getsignal(signal.SIGALRM) == before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_deadline_is_not_swallowed_by_a_broad_except():
    def stubborn(item):
        try:
            while True:
                time.sleep(0.01)
        except Exception:  # a parser's own error handling must not eat the deadline
            return "swallowed"

    from chunkline.core.sources import Source

    out = list(map_with_deadline(stubborn, [(Source("x", None), b"")], 0.2))
    assert out[0].error is not None and out[0].error.kind == "timeout"


def test_isolate_uses_a_supervised_worker_at_one_job(tmp_path, monkeypatch):
    seen = []
    real = pool.map_supervised

    def spy(fn, items, jobs, timeout, on_failure, window=None):
        seen.append(jobs)
        return real(fn, items, jobs, timeout, on_failure, window)

    monkeypatch.setattr(pool, "map_supervised", spy)
    d = _corpus(tmp_path)
    summary = run_chunk(ChunkOptions(InputOptions((str(d),)), parse_strategy("recursive", max_tokens=64), output=str(tmp_path / "o.jsonl"), isolate=True, timeout=None))
    assert summary.ok == 3 and seen == [1]


@pytest.mark.parametrize("timeout", [None, 30.0])
def test_inline_output_equals_pool_output(tmp_path, timeout):
    d = _corpus(tmp_path)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    st = parse_strategy("recursive", max_tokens=64)
    run_chunk(ChunkOptions(InputOptions((str(d),)), st, output=str(a), timeout=timeout))
    run_chunk(ChunkOptions(InputOptions((str(d),)), st, output=str(b), timeout=timeout, isolate=True))
    assert a.read_bytes() == b.read_bytes() != b""
