"""Reports on stdout fail like chunk JSONL does: one ``cannot write stdout`` line and exit 3, never an internal error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chunkline.core.errors import ExitCode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run_into(stdout, *args):
    return subprocess.run([sys.executable, "-m", "chunkline", *map(str, args)], stdout=stdout, stderr=subprocess.PIPE, timeout=300)


@pytest.fixture(scope="module")
def chunks(tmp_path_factory):
    out = tmp_path_factory.mktemp("c") / "c.jsonl"
    r = subprocess.run([sys.executable, "-m", "chunkline", "chunk", str(EXAMPLES / "emma-opening.txt"), "-t", "64", "-o", str(out), "-q"], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out


def _commands(chunks):
    doc = EXAMPLES / "emma-opening.txt"
    return {
        "score --json": ("score", chunks, "--docs", doc, "--json", "-q", "--no-boundaries"),
        "compare --csv": ("compare", doc, "-s", "fixed:max_tokens=64", "-s", "recursive:max_tokens=64", "--no-auto", "--no-semantic", "--csv", "-q"),
        "strategies --json": ("strategies", "--json"),
        "strategies": ("strategies",),
    }


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("name", ["score --json", "compare --csv", "strategies --json", "strategies"])
def test_full_disk_on_stdout_is_one_error_line(chunks, name):
    with open("/dev/full", "wb") as full:
        r = _run_into(full, *_commands(chunks)[name])
    err = r.stderr.decode()
    assert r.returncode == ExitCode.RUN_FAILED, err
    assert err.strip().splitlines() == ["chunkline: error: cannot write stdout: no space left (disk full or file size limit)"], err


@pytest.mark.parametrize("name", ["score --json", "strategies --json"])
def test_reports_still_reach_a_pipe(chunks, name):
    r = _run_into(subprocess.PIPE, *_commands(chunks)[name])
    assert r.returncode == 0, r.stderr
    assert isinstance(json.loads(r.stdout), dict)
