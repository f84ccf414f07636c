"""Whole-command time of ``chunkline chunk`` at ``-j 1``: in this process vs a supervised worker.

Corpus: the first 1,500 ``.py`` files of the Python standard library (sorted
paths, ``site-packages`` left out), copied to a temporary directory.  Every
run is the real CLI in a subprocess (default strategy and ``--timeout``),
output to /dev/null.  Configurations are interleaved and the best of
``--repeat`` runs is kept (the machine is shared; ratios matter).

    python bench/inline_bench.py                       # this checkout: default vs --isolate
    python bench/inline_bench.py --before /work/main   # also another checkout (PYTHONPATH) as "before"
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus(n: int) -> str:
    stdlib = sysconfig.get_paths()["stdlib"]
    files = sorted(f for f in glob.glob(os.path.join(stdlib, "**", "*.py"), recursive=True) if "site-packages" not in f)[:n]
    root = tempfile.mkdtemp(prefix="chunkline-inline-")
    for f in files:
        dst = os.path.join(root, os.path.relpath(f, stdlib))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(f, dst)
    return root


def timed(pythonpath: str, args: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=pythonpath)
    t0 = time.perf_counter()
    # exit 1 is fine: some stdlib test files are deliberately undecodable
    proc = subprocess.run([sys.executable, "-m", "chunkline", "chunk", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"chunkline {' '.join(args)} failed with exit {proc.returncode}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", help="another checkout to time as 'before' (its default -j 1 run)")
    a = ap.parse_args()
    root = corpus(a.files)
    configs = {"in-process (default -j 1)": (HERE, [root, "-q"]), "--isolate (supervised worker)": (HERE, [root, "-q", "--isolate"])}
    if a.before:
        configs["before (checkout given)"] = (a.before, [root, "-q"])
    best = {k: float("inf") for k in configs}
    try:
        for _ in range(a.repeat):
            for name, (pp, args) in configs.items():
                best[name] = min(best[name], timed(pp, args))
    finally:
        shutil.rmtree(root)
    ref = best["in-process (default -j 1)"]
    for name, t in best.items():
        print(f"{name:32s} {t:7.2f} s  {t / ref:5.2f}x")


if __name__ == "__main__":
    main()
