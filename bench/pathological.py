"""Inputs whose cost used to grow faster than their size, timed as whole commands.

Builds the cost bombs of ``scripts/make_hostile_corpus.py`` (``Corpus.bombs``)
at full size under ``--work``, then runs ``chunkline chunk FILE`` on each with
default settings (output to /dev/null) and checks issue 16's bound: every file
finishes within max(3 s, 2 s per MB) and a peak RSS of 200 MB + 10x its size
(``wait4``'s ``ru_maxrss``: the largest process of the tree).  Each file is
run ``--rounds`` times and the best wall time is kept (the machine is shared;
rounds are interleaved).  The minified line is also run inside a directory,
where it must be skipped before any parsing.

    python bench/pathological.py              # build (once) and run, best of 2
    python bench/pathological.py --only nested_divs --rounds 1
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from whole_process import PY, timed  # noqa: E402


def _generator():
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", ROOT / "scripts" / "make_hostile_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def build(work: Path, scale: str) -> list[tuple[Path, str]]:
    gen = _generator()
    corpus = gen.Corpus(work if not (work / "done").exists() else None, gen.SCALES[scale], 10)
    corpus.bombs()
    (work / "done").write_text("")
    return [(work / c.path, c.why) for c in corpus.cases]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/chunkline-pathological")
    ap.add_argument("--scale", default="full", help="full (issue 16's sizes) or ci")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default="", help="substring of the file names to run")
    args = ap.parse_args()
    work = Path(args.work) / args.scale
    work.mkdir(parents=True, exist_ok=True)
    cases = [(p, why) for p, why in build(work, args.scale) if args.only in p.name]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    jobs = [(p.name, why, p.stat().st_size, [PY, "-m", "chunkline", "chunk", str(p)]) for p, why in cases]
    minified = [p for p, _ in cases if p.name.endswith("minified_line.js")]
    if minified:
        walk = minified[0].parent / "walked"
        walk.mkdir(exist_ok=True)
        target = walk / minified[0].name
        if not target.exists():
            os.link(minified[0], target)
        jobs.append(("(directory) " + target.name, "skipped as minified inside a directory walk", target.stat().st_size, [PY, "-m", "chunkline", "chunk", str(walk)]))
    best: dict[str, tuple[float, float, float, int]] = {}
    for _ in range(args.rounds):
        for name, _why, _size, argv in jobs:
            wall, cpu, rss, rc = timed(argv, env)
            w0, c0, r0, _ = best.get(name, (float("inf"), float("inf"), 0.0, rc))
            best[name] = (min(w0, wall), min(c0, cpu), max(r0, rss), rc)
    print(f"best of {args.rounds} interleaved rounds, whole command `chunkline chunk FILE`, default settings;")
    print("wall = elapsed, CPU = user + system of the process tree (what a quiet machine's wall time approaches)\n")
    print("| file | what | MB | wall s | CPU s | limit s | peak RSS MB | limit MB | exit | within (wall) | within (CPU) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    failed = 0
    for name, why, size, _argv in jobs:
        t, c, rss, rc = best[name]
        mb = size / 1e6
        lim_t, lim_m = max(3.0, 2.0 * mb), 200 + 10 * mb
        ok = t <= lim_t and rss <= lim_m
        ok_cpu = c <= lim_t and rss <= lim_m
        failed += not ok
        yes = lambda b: "yes" if b else "**no**"  # noqa: E731
        print(f"| {name} | {why} | {mb:.2f} | {t:.2f} | {c:.2f} | {lim_t:.1f} | {rss:.0f} | {lim_m:.0f} | {rc} | {yes(ok)} | {yes(ok_cpu)} |")
    print(f"\n{len(jobs) - failed} of {len(jobs)} within bounds")


if __name__ == "__main__":
    main()
