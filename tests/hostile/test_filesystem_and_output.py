"""File-system oddities and output integrity.

Odd names, symlink loops, FIFOs and unreadable files must each end as chunks
or one error line while the run goes on; ``-o`` output must never be left
looking complete after SIGINT/SIGTERM/SIGKILL, and a full disk (a file size
limit, ``/dev/full``) must be a run failure, never success.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chunkline.core.errors import ExitCode

PROSE = "The quick brown fox jumps over the lazy dog. Sphinx of black quartz, judge my vow.\n\n"


def cmd(*args) -> list[str]:
    return [sys.executable, "-m", "chunkline", *map(str, args)]


def chunkline(*args, timeout=120, **kw):
    return subprocess.run(cmd(*args), capture_output=True, timeout=timeout, **kw)


def jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").split("\n") if x]


# ------------------------------------------------------------------ names, links, permissions


ODD_NAMES = ["with space.txt", "quote'dq\".txt", "semi;colon $HOME `x`.txt", "new\nline.txt", "ünïcödé 日本.md", "-leading-dash.txt"]


def test_odd_file_names_are_read_and_named_exactly(tmp_path):
    d = tmp_path / "names"
    d.mkdir()
    for n in ODD_NAMES:
        (d / n).write_text(PROSE * 3)
    out = tmp_path / "out.jsonl"
    proc = chunkline("chunk", d, "-o", out, "-t", 64)
    assert proc.returncode == ExitCode.OK, proc.stderr
    sources = {c["source"] for c in jsonl(out)}
    assert sources == {f"{d}/{n}" for n in ODD_NAMES}


def test_non_utf8_file_name_does_not_abort_the_run(tmp_path):
    d = tmp_path / "names"
    d.mkdir()
    (d / "good.txt").write_text(PROSE)
    try:
        with open(os.fsencode(str(d)) + b"/bad-\xff\xfe.txt", "wb") as fh:
            fh.write(PROSE.encode())
    except OSError:
        pytest.skip("file system refuses non-UTF-8 names")
    out, errs = tmp_path / "out.jsonl", tmp_path / "errs.jsonl"
    proc = chunkline("chunk", d, "-o", out, "--errors", errs)
    assert b"internal error" not in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (ExitCode.OK, ExitCode.INPUTS_FAILED)
    good = [c for c in jsonl(out) if c["source"].endswith("good.txt")]
    assert good, "the good file's chunks were lost"
    listed = {c["source"] for c in jsonl(out)} | {e["path"] for e in jsonl(errs)}
    assert any("bad-" in s for s in listed), "the bad name is neither chunked nor listed"


def test_symlink_loops_fifo_and_dangling_links_do_not_hang(tmp_path):
    d = tmp_path / "links"
    d.mkdir()
    (d / "real.txt").write_text(PROSE)
    os.symlink("b.txt", d / "a.txt")
    os.symlink("a.txt", d / "b.txt")
    os.symlink(".", d / "self")
    os.symlink("..", d / "up")
    os.symlink("nowhere.txt", d / "dangling.txt")
    os.mkfifo(d / "fifo.txt")
    errs = tmp_path / "errs.jsonl"
    out = tmp_path / "out.jsonl"
    proc = chunkline("chunk", d, d / "a.txt", d / "fifo.txt", "-o", out, "--errors", errs, timeout=60)
    assert proc.returncode == ExitCode.INPUTS_FAILED, proc.stderr
    assert {c["source"] for c in jsonl(out)} == {f"{d}/real.txt"}  # the loop 'self' is not followed
    failed = {e["path"]: e for e in jsonl(errs) if e["status"] == "failed"}
    assert "symbolic links" in failed[f"{d}/a.txt"]["message"]
    assert failed[f"{d}/fifo.txt"]["message"] == "not a regular file"
    skipped = {e["path"] for e in jsonl(errs) if e["status"] == "skipped"}
    assert f"{d}/dangling.txt" in skipped
    for line in proc.stderr.decode().splitlines():
        assert line.startswith("chunkline: "), line


def test_missing_file_and_directory_named_as_file(tmp_path):
    (tmp_path / "ok.txt").write_text(PROSE)
    proc = chunkline("chunk", tmp_path / "nope.txt", tmp_path / "ok.txt", "-o", tmp_path / "o.jsonl")
    assert proc.returncode == ExitCode.INPUTS_FAILED
    assert f"chunkline: error: {tmp_path}/nope.txt: no such file\n".encode() in proc.stderr
    assert jsonl(tmp_path / "o.jsonl")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_unreadable_file_is_one_error_and_the_run_goes_on(tmp_path):
    (tmp_path / "ok.txt").write_text(PROSE)
    bad = tmp_path / "secret.txt"
    bad.write_text(PROSE)
    bad.chmod(0)
    proc = chunkline("chunk", tmp_path, "-o", tmp_path / "o.jsonl")
    assert proc.returncode == ExitCode.INPUTS_FAILED
    assert f"chunkline: error: {bad}: cannot read: Permission denied".encode() in proc.stderr
    assert {c["source"] for c in jsonl(tmp_path / "o.jsonl")} == {f"{tmp_path}/ok.txt"}


def test_max_bytes_limit_is_a_clear_error(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(PROSE * 100)
    proc = chunkline("chunk", big, "--max-bytes", 1000)
    assert proc.returncode == ExitCode.INPUTS_FAILED
    assert b"over the 1,000-byte limit (--max-bytes)" in proc.stderr


# ------------------------------------------------------------------ output integrity


def _slow_inputs(tmp_path: Path) -> list[Path]:
    """Work that takes several seconds: the run is surely mid-way when signalled."""
    files = []
    for i in range(4):
        p = tmp_path / f"big{i}.txt"
        p.write_text((f"Copy {i}. " + PROSE * 40) * 400)
        files.append(p)
    return files


def _wait_for_part(directory: Path, proc: subprocess.Popen, timeout: float = 60) -> bool:
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        if any(n.endswith(".part") for n in os.listdir(directory)):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_signal_leaves_no_output_that_looks_complete(tmp_path, sig):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "chunks.jsonl"
    proc = subprocess.Popen(cmd("chunk", *_slow_inputs(tmp_path), "-s", "sentence", "-t", 16, "-o", out), stderr=subprocess.PIPE)
    try:
        assert _wait_for_part(out_dir, proc), "the run never started writing"
        time.sleep(0.5)
        proc.send_signal(sig)
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc != 0, "finished before the signal: make the inputs slower"
    assert not out.exists(), "an interrupted run left the output file in place"
    if sig != signal.SIGKILL:
        assert rc == ExitCode.INTERRUPTED
        assert [n for n in os.listdir(out_dir) if n.endswith(".part")] == [], "temporary file left behind"
        if sig == signal.SIGTERM:
            assert proc.stderr.read().strip().endswith(b"chunkline: interrupted")


def _fsize_limit(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_file_size_limit_on_output_is_a_run_failure(tmp_path):
    inputs = [tmp_path / "a.txt"]
    inputs[0].write_text(PROSE * 2000)
    out = tmp_path / "o.jsonl"
    proc = subprocess.run(cmd("chunk", *inputs, "-t", 32, "-o", out), capture_output=True, timeout=120, preexec_fn=_fsize_limit(64 * 1024))
    assert proc.returncode == ExitCode.RUN_FAILED, proc.stderr
    assert b"no space left (disk full or file size limit)" in proc.stderr
    assert not out.exists()
    assert [n for n in os.listdir(tmp_path) if n.endswith(".part")] == []


def test_file_size_limit_on_stdout_redirect_is_a_run_failure(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(PROSE * 2000)
    with open(tmp_path / "o.jsonl", "wb") as fh:
        proc = subprocess.run(cmd("chunk", src, "-t", 32), stdout=fh, stderr=subprocess.PIPE, timeout=120, preexec_fn=_fsize_limit(64 * 1024))
    assert proc.returncode == ExitCode.RUN_FAILED, proc.stderr
    assert b"no space left" in proc.stderr


def test_errors_file_size_limit_is_a_run_failure(tmp_path):
    bad = []
    for i in range(300):
        p = tmp_path / f"bad{i:03d}-{'x' * 100}.txt"
        p.write_bytes(b"\xff" * 10)
        bad.append(p)
    errs = tmp_path / "errs.jsonl"
    proc = subprocess.run(cmd("chunk", tmp_path, "-o", os.devnull, "--errors", errs, "-q"), capture_output=True, timeout=120, preexec_fn=_fsize_limit(8 * 1024))
    assert proc.returncode == ExitCode.RUN_FAILED, proc.stderr[-500:]
    assert b"no space left" in proc.stderr
    assert not errs.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_disk_on_stdout_is_a_run_failure(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(PROSE * 200)
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(cmd("chunk", src, "-t", 32), stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == ExitCode.RUN_FAILED, proc.stderr
    assert b"no space left" in proc.stderr
