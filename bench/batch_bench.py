"""Batch throughput, scaling, Ray overhead, incremental re-run and peak RSS of ``chunkline chunk``.

Corpus: real files already on the machine (the Python standard library's
``.py`` files, Node.js API markdown, the Rust book/std HTML if present),
copied and replicated under /tmp until it reaches ``--size-mb``.  Every run is
the real CLI in a subprocess writing a sharded directory (``-o DIR/``); peak
RSS is the largest sum of RSS over the CLI process and all its children
(workers; Ray's raylet and workers for the Ray run), sampled every 50 ms with
psutil.

    python bench/batch_bench.py --size-mb 100            # quick
    python bench/batch_bench.py --size-mb 1024           # the 1 GB run (needs ~4 GB of /tmp)
    python bench/batch_bench.py --big-file-mb 200        # one 200 MB text file
    python bench/batch_bench.py --small-files 100000     # 100,000 small files
    python bench/batch_bench.py --no-ray                 # skip the Ray run

Generated data is deleted afterwards (``--keep`` keeps it).
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

import psutil


def _real_files() -> list[str]:
    stdlib = sysconfig.get_paths()["stdlib"]
    files = sorted(f for f in glob.glob(os.path.join(stdlib, "**", "*.py"), recursive=True) if "site-packages" not in f and "/test" not in f)
    files += sorted(glob.glob("/usr/share/doc/nodejs/api/*.md"))
    try:
        sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, timeout=30).stdout.strip()
        files += sorted(glob.glob(os.path.join(sysroot, "share/doc/rust/html/book/*.html")))
    except (OSError, subprocess.SubprocessError):
        pass
    return [f for f in files if 0 < os.path.getsize(f) < 2_000_000]


def make_corpus(root: str, size_mb: float) -> tuple[int, int]:
    files = _real_files()
    target = int(size_mb * 1024 * 1024)
    total = n = copy = 0
    while total < target:
        d = os.path.join(root, f"copy{copy:03d}")
        for i, f in enumerate(files):
            if total >= target:
                break
            dst = os.path.join(d, f"{i // 500:03d}", f"{i:05d}_{os.path.basename(f)}")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(f, dst)
            total += os.path.getsize(dst)
            n += 1
        copy += 1
    return n, total


def run_measured(args: list[str], env: dict | None = None) -> dict:
    """Run the CLI; wall time and peak RSS of its whole process tree."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "chunkline", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    proc = psutil.Process(p.pid)
    peak = 0
    while p.poll() is None:
        try:
            procs = [proc] + proc.children(recursive=True)
            rss = 0
            for q in procs:
                try:
                    rss += q.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    if p.returncode not in (0, 1):
        raise SystemExit(f"chunkline failed ({p.returncode}): {err[-2000:]}")
    return {"seconds": wall, "peak_rss_mb": peak / 2**20, "stderr_tail": err.strip().splitlines()[-1:]}


def _row(name: str, r: dict, nbytes: int, nfiles: int) -> str:
    return f"| {name} | {r['seconds']:.1f} | {nbytes / 2**20 / r['seconds']:.2f} | {nfiles / r['seconds']:.0f} | {r['peak_rss_mb']:.0f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--strategy", default="recursive")
    ap.add_argument("--tokenizer", default="cl100k_base")
    ap.add_argument("--max-tokens", default="512")
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--big-file-mb", type=float, default=0, help="also chunk one text file of this size")
    ap.add_argument("--small-files", type=int, default=0, help="also chunk a directory of this many small files")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--tmp", default=tempfile.gettempdir())
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="chunkline-batch-bench-", dir=a.tmp)
    common = ["-s", a.strategy, "-t", a.max_tokens, "--tokenizer", a.tokenizer, "-q"]
    rows = []
    try:
        if a.size_mb > 0:
            corpus = os.path.join(work, "corpus")
            nfiles, nbytes = make_corpus(corpus, a.size_mb)
            print(f"corpus: {nfiles} files, {nbytes / 2**20:.0f} MiB (stdlib .py, Node.js API .md, Rust book .html, replicated)", file=sys.stderr)
            res = {}
            for jobs in (1, 2):
                out = os.path.join(work, f"out-j{jobs}") + "/"
                res[jobs] = run_measured(["chunk", corpus, "-o", out, "-j", str(jobs), *common])
                rows.append(_row(f"local --jobs {jobs}", res[jobs], nbytes, nfiles))
                print(rows[-1], file=sys.stderr)
            out1 = os.path.join(work, "out-j1") + "/"
            inc = run_measured(["chunk", corpus, "-o", out1, "--incremental", "-j", "2", *common])
            rows.append(_row("--incremental re-run, nothing changed", inc, nbytes, nfiles))
            same = _same_dir(os.path.join(work, "out-j1"), os.path.join(work, "out-j2"))
            if not a.no_ray:
                try:
                    import ray  # noqa: F401

                    out = os.path.join(work, "out-ray") + "/"
                    res["ray"] = run_measured(["chunk", corpus, "-o", out, "--engine", "ray", "-j", "2", *common])
                    rows.append(_row("ray, 2 CPUs (local Ray started by the run)", res["ray"], nbytes, nfiles))
                    same = same and _same_dir(os.path.join(work, "out-ray"), os.path.join(work, "out-j2"))
                except ImportError:
                    print("ray not installed: skipping the Ray run", file=sys.stderr)
            print("\n| run | seconds | MiB/s | files/s | peak RSS MiB |\n|---|---:|---:|---:|---:|")
            print("\n".join(rows))
            print(f"\nscaling --jobs 1 -> 2: {res[1]['seconds'] / res[2]['seconds']:.2f}x")
            if "ray" in res:
                print(f"Ray overhead vs local pool (--jobs 2): {res['ray']['seconds'] / res[2]['seconds'] - 1:+.0%}")
            print(f"incremental re-run / full --jobs 1 run: {inc['seconds'] / res[1]['seconds']:.3f}")
            print(f"outputs byte-identical across jobs and engines: {same}")
            shutil.rmtree(corpus, ignore_errors=True)
        if a.big_file_mb:
            big = os.path.join(work, "big.txt")
            para = open(os.path.join(os.path.dirname(__file__), "..", "examples", "emma-opening.txt"), encoding="utf-8").read()
            with open(big, "w", encoding="utf-8") as fh:
                size = 0
                while size < a.big_file_mb * 2**20:
                    fh.write(para)
                    size += len(para.encode("utf-8"))
            r = run_measured(["chunk", big, "-o", os.path.join(work, "big-out") + "/", "--timeout", "0", *common])
            print(f"\none {size / 2**20:.0f} MiB text file: {r['seconds']:.1f} s, {size / 2**20 / r['seconds']:.2f} MiB/s, peak RSS {r['peak_rss_mb']:.0f} MiB")
            os.unlink(big)
        if a.small_files:
            d = os.path.join(work, "small")
            for i in range(a.small_files):
                sub = os.path.join(d, f"{i // 1000:04d}")
                if i % 1000 == 0:
                    os.makedirs(sub, exist_ok=True)
                with open(os.path.join(sub, f"f{i:06d}.txt"), "w") as fh:
                    fh.write(f"Small file {i}. It has two sentences of text.\n")
            r = run_measured(["chunk", d, "-o", os.path.join(work, "small-out") + "/", "-j", "2", *common])
            print(f"\n{a.small_files:,} small files, --jobs 2: {r['seconds']:.1f} s, {a.small_files / r['seconds']:.0f} files/s, peak RSS {r['peak_rss_mb']:.0f} MiB")
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


def _same_dir(a: str, b: str) -> bool:
    names = sorted(os.listdir(a))
    if names != sorted(os.listdir(b)):
        return False
    for n in names:
        with open(os.path.join(a, n), "rb") as fa, open(os.path.join(b, n), "rb") as fb:
            if fa.read() != fb.read():
                return False
    return True


if __name__ == "__main__":
    main()
