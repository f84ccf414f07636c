"""Whole commands, as users wait for them: chunkline against the scripts a peer's user runs.

Every figure here is one whole process (interpreter start, imports, reading,
parsing, chunking, writing JSONL to /dev/null), timed by wall clock, with its
peak RSS (``wait4``'s ``ru_maxrss``: the largest process of the tree, so a
worker process counts on its own, not added to its parent).  The jobs of one
round run one after the other and rounds repeat, so load from other jobs on a
shared machine falls on every contender alike; the best of the rounds is kept
and chunkline is reported as a ratio to its peer (> 1: chunkline is faster).

The corpus is built on first use under ``--work`` from real files on this
machine (nothing is downloaded): ``mixed/`` is ~10 MB of Python stdlib
``.py``, Node.js API markdown and CMake's reStructuredText help; ``stdlib/``
is ~8 MB of stdlib ``.py``.  Files that are not UTF-8 or that chunkline
skips as generated are left out, so every contender does the same work.

Jobs (``--jobs``, comma separated; default all):

* ``text``: ``chunkline chunk MIXED -s recursive --max-tokens 512 -j 1 -f text``
  against ``bench/peer_chonkie.py MIXED`` (Chonkie RecursiveChunker, same
  bpe-openai counter, JSONL with offsets)
* ``detect``: the same without ``-f text`` (markdown structure, code via
  tree-sitter) against the same script
* ``ast``: ``chunkline chunk STDLIB -s ast --max-chars 1500 -j 1`` against
  ``bench/peer_llamaindex.py STDLIB`` (LlamaIndex CodeSplitter)
* ``startup``: ``chunkline chunk tiny.txt`` against
  ``python -c "import chonkie; from chonkie import RecursiveChunker; RecursiveChunker()"``
* ``jobs``: formats detected at ``-j 2`` against ``-j 1``

    python bench/whole_process.py                    # all jobs, best of 3
    python bench/whole_process.py --jobs startup --rounds 10
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PY = sys.executable


def _take(paths, dest: Path, base: Path, limit: int) -> tuple[int, int]:
    from chunkline.core.filters import is_generated_or_minified

    n = total = 0
    for p in paths:
        if total >= limit:
            break
        data = p.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if b"\x00" in data or not data.strip():
            continue
        head = b"\n".join(ln[:200] for ln in data[:8192].split(b"\n", 12)[:12])
        if is_generated_or_minified(str(p), head) or (p.suffix == ".py" and is_generated_or_minified(str(p), data[:8192])):
            continue
        out = dest / p.relative_to(base)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        n += 1
        total += len(data)
    return n, total


def build_corpus(work: Path) -> tuple[Path, Path]:
    """``mixed/`` (~10 MB: 5 MB stdlib .py, 2.5 MB Node.js markdown, 2.5 MB CMake .rst) and ``stdlib/`` (~8 MB .py)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    py = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts and p.is_file())
    mixed, code = work / "mixed", work / "stdlib"
    if not (work / "done").exists():
        shutil.rmtree(work, ignore_errors=True)
        node = Path("/usr/share/doc/nodejs/api")
        cmake = next(iter(sorted(Path("/usr/share").glob("cmake*/Help"))), None)
        parts = [
            _take(py, mixed / "py", stdlib, 5_000_000),
            _take(sorted(node.glob("*.md")), mixed / "md", node, 2_500_000),
            _take(sorted(cmake.rglob("*.rst")) if cmake else [], mixed / "rst", cmake or node, 2_500_000),
        ]
        _take(py, code, stdlib, 8_000_000)
        (work / "tiny.txt").write_text("A small file.\n\nTwo short paragraphs of plain text.\n")
        (work / "done").write_text(repr(parts))
    return mixed, code


def corpus_size(d: Path) -> tuple[int, int]:
    files = [p for p in d.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def timed(argv: list[str], env: dict) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one whole process (and the
    children it waited for), output to /dev/null."""
    with open(os.devnull, "wb") as null:
        t = time.perf_counter()
        # a neutral working directory: ``python -m`` puts it first on sys.path,
        # where a checkout would shadow the package under test
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE, env=env, cwd="/")
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        sys.stderr.write(f"  {' '.join(argv[:6])}... exit {proc.returncode}: {err.decode(errors='replace')[-500:]}\n")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def chunkline(*args: str) -> list[str]:
    return [PY, "-m", "chunkline", *args]


def with_root(argv: list[str], root: str) -> list[str]:
    """Run ``argv`` with the chunkline code found under ``root`` (before/after comparisons)."""
    return ["env", f"PYTHONPATH={root}", *argv]


def jobs_table(mixed: Path, code: Path, tiny: Path) -> dict[str, list[tuple[str, list[str]]]]:
    peer = [PY, str(ROOT / "bench" / "peer_chonkie.py"), str(mixed)]
    return {
        "text": [("chunkline -f text", chunkline("chunk", str(mixed), "-s", "recursive", "--max-tokens", "512", "-j", "1", "-f", "text")), ("Chonkie script", peer)],
        "detect": [("chunkline formats detected", chunkline("chunk", str(mixed), "-s", "recursive", "--max-tokens", "512", "-j", "1")), ("Chonkie script", peer)],
        "ast": [
            ("chunkline -s ast", chunkline("chunk", str(code), "-s", "ast", "--max-chars", "1500", "-j", "1")),
            ("LlamaIndex script", [PY, str(ROOT / "bench" / "peer_llamaindex.py"), str(code)]),
        ],
        "startup": [
            ("chunkline chunk tiny.txt", chunkline("chunk", str(tiny))),
            ("import chonkie + RecursiveChunker()", [PY, "-c", "import chonkie; from chonkie import RecursiveChunker; RecursiveChunker()"]),
        ],
        "jobs": [
            ("chunkline -j 2", chunkline("chunk", str(mixed), "-s", "recursive", "--max-tokens", "512", "-j", "2")),
            ("chunkline -j 1", chunkline("chunk", str(mixed), "-s", "recursive", "--max-tokens", "512", "-j", "1")),
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/chunkline-whole-process", help="where the corpus is built (reused)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", default="text,detect,ast,startup,jobs")
    ap.add_argument("--root", default=str(ROOT), help="the chunkline package to time (default: this checkout; an exported commit keeps edits out of a long run)")
    ap.add_argument("--before", default="", help="also run each chunkline command with the chunkline package under this directory (e.g. an exported older commit), interleaved")
    args = ap.parse_args()
    work = Path(args.work)
    mixed, code = build_corpus(work)
    env = dict(os.environ, PYTHONPATH=args.root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for d in (mixed, code):
        n, size = corpus_size(d)
        print(f"corpus {d}: {n:,} files, {size / 1e6:.2f} MB")
    table = jobs_table(mixed, code, work / "tiny.txt")
    chosen = [j for j in args.jobs.split(",") if j]
    if args.before:
        for job in chosen:
            table[job] += [(label + " (before)", with_root(argv, args.before)) for label, argv in table[job] if argv[:3] == [PY, "-m", "chunkline"]]
    best: dict[tuple[str, str], list[float]] = {}
    runs: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for job in chosen:
            for label, argv in table[job]:
                wall, cpu, rss, _rc = timed(argv, env)
                runs.setdefault((job, label), []).append(wall)
                w0, c0, r0 = best.get((job, label), (float("inf"), float("inf"), 0.0))
                best[(job, label)] = [min(w0, wall), min(c0, cpu), max(r0, rss)]
    print(f"\nbest of {args.rounds} interleaved rounds; wall = elapsed, CPU = user + system of the process tree;")
    print("speed ratio = peer time / chunkline time (> 1: chunkline faster)\n")
    print("| job | command | wall s (best) | wall s (all runs) | CPU s (best) | peak RSS MB | speed ratio, wall | speed ratio, CPU |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for job in chosen:
        peer = table[job][1][0]
        tb, cb, _ = best[(job, peer)]
        for label, _argv in table[job]:
            t, c, rss = best[(job, label)]
            all_runs = ", ".join(f"{x:.2f}" for x in runs[(job, label)])
            ratio = f"**{tb / t:.2f}x** | {cb / c:.2f}x" if label != peer else " |"
            print(f"| {job} | {label} | {t:.2f} | {all_runs} | {c:.2f} | {rss:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
