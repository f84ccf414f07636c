"""--engine ray: same bytes as the local engine (skipped when Ray is not installed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _chunk(*args):
    return subprocess.run([sys.executable, "-m", "chunkline", "chunk", *map(str, args)], capture_output=True, timeout=300)


def test_ray_output_is_byte_identical_to_local(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for p in EXAMPLES.iterdir():
        if p.is_file():
            (src / p.name).write_bytes(p.read_bytes())
    (src / "bad.txt").write_bytes(b"caf\xe9\n")
    local, ray = tmp_path / "local", tmp_path / "ray"
    common = ["-s", "recursive", "-t", "96", "--shard-mb", "0.05", "-q"]
    a = _chunk(src, "-o", f"{local}/", "-j", "2", *common)
    # -j 2 without --address: a local Ray started with num_cpus=2
    b = _chunk(src, "-o", f"{ray}/", "--engine", "ray", "-j", "2", *common)
    assert a.returncode == b.returncode == 1, (a.stderr, b.stderr)  # bad.txt fails in both
    assert b"bad.txt: not valid UTF-8" in b.stderr
    names = sorted(p.name for p in local.iterdir())
    assert len(names) > 3 and names == sorted(p.name for p in ray.iterdir())
    for name in names:
        assert (local / name).read_bytes() == (ray / name).read_bytes(), name


def test_ray_worker_deaths_never_reach_stdout(capfd):
    """A timed-out task kills its Ray worker; Ray's driver prints the raylet's
    "A worker died" notice to sys.stdout, which is the JSONL stream when
    ``chunk`` writes to stdout.  It must go to stderr instead."""
    import time

    from chunkline.run.ray_engine import map_ray

    def failed(item, failure):
        return (item, failure.kind)

    # time.sleep is C code: only the watchdog's SIGKILL ends item 30; the
    # later items keep the driver in map_ray while Ray reports the deaths
    out = list(map_ray(time.sleep, [30, 0.5, 0.5, 0.5, 0.5, 0.5], 1, 1.0, failed))
    assert out == [(30, "timeout"), None, None, None, None, None]
    captured = capfd.readouterr()
    assert captured.out == "", captured.out[:500]
