"""Pages per second on ../shared/pdfs: chunkline's PDF parser against what users
would run instead, same files, same process.

    python bench/pdf_speed.py                  # all 29 files (594 pages), every contender
    python bench/pdf_speed.py --quick          # 3 small files, while developing
    python bench/pdf_speed.py --only raw,chunkline
    python bench/pdf_speed.py --per-file       # raw vs chunkline pages/s for each file
    python bench/pdf_speed.py --whole -n 5     # whole processes, interleaved, best of 5:
                                               # `chunkline parse DIR` vs a raw get_text("dict") script

Contenders:
- raw:        PyMuPDF ``page.get_text("dict")`` with images off (the floor any
              PyMuPDF-based parser pays)
- chunkline:  ``chunkline.parse(pdf_bytes, format="pdf")`` (default rules mode; tables from the dict and ruling lines)
- p4llm:      ``pymupdf4llm.to_markdown(doc)`` (legacy path unless pymupdf.layout is active)
- p4llm-chunks: ``pymupdf4llm.to_markdown(doc, page_chunks=True)``, its own per-page chunker

pymupdf4llm is a benchmark-only dependency (the ``bench`` extra), never imported by chunkline.
Results are ratios against raw extraction and against pymupdf4llm.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pdf_quality import shared_dir  # noqa: E402


def files(quick: bool) -> list[Path]:
    all_ = sorted((shared_dir() / "pdfs").glob("*.pdf"))
    if quick:
        keep = ("docling__multi_page", "pymupdf__test_4435", "pymupdf__test_3842")
        return [f for f in all_ if f.stem in keep]
    return all_


def run_raw(paths: list[Path]) -> int:
    import pymupdf

    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    n = 0
    for p in paths:
        with pymupdf.open(p) as doc:
            for page in doc:
                page.get_text("dict", flags=flags)
                n += 1
    return n


def run_chunkline(paths: list[Path]) -> int:
    import chunkline

    n = 0
    for p in paths:
        parsed = chunkline.parse(p.read_bytes(), format="pdf", source=p.name)
        n += parsed.document.meta["pages"]
    return n


def run_p4llm(paths: list[Path], chunks: bool = False) -> int:
    import pymupdf
    import pymupdf4llm

    n = 0
    for p in paths:
        with pymupdf.open(p) as doc:
            pymupdf4llm.to_markdown(doc, page_chunks=chunks, show_progress=False)
            n += doc.page_count
    return n


CONTENDERS = {
    "raw": run_raw,
    "chunkline": run_chunkline,
    "p4llm": run_p4llm,
    "p4llm-chunks": lambda ps: run_p4llm(ps, chunks=True),
}


def per_file(paths: list[Path]) -> None:
    """Raw dict extraction vs chunkline on each file: where the time goes."""
    print(f"{'file':44s} {'pages':>5s} {'raw p/s':>9s} {'chunkline p/s':>14s} {'ratio':>6s}")
    for p in paths:
        t0 = time.perf_counter()
        n = run_raw([p])
        t1 = time.perf_counter()
        run_chunkline([p])
        t2 = time.perf_counter()
        raw, ours = n / (t1 - t0), n / (t2 - t1)
        print(f"{p.name:44s} {n:5d} {raw:9.1f} {ours:14.1f} {ours / raw:6.2f}")


RAW_SCRIPT = """
import sys
from pathlib import Path
import pymupdf
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)
flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
for p in sorted(Path(sys.argv[1]).glob("*.pdf")):
    with pymupdf.open(p) as doc:
        for page in doc:
            page.get_text("dict", flags=flags)
"""


def whole(folder: Path, n: int, jobs: int) -> int:
    """What users wait for: the `parse` command as a whole process (start-up,
    imports, worker, JSONL out) against a whole-process script doing only
    PyMuPDF's dict extraction of the same files; runs interleaved (raw,
    chunkline, raw, ...) so load on the shared machine hits both, best of n."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmds = {
        "raw": [sys.executable, "-c", RAW_SCRIPT, str(folder)],
        "chunkline": [sys.executable, "-m", "chunkline", "parse", str(folder), "--include", "*.pdf", "-q", "-j", str(jobs), "-o", os.devnull],
    }
    best = {k: float("inf") for k in cmds}
    pairs = []
    for i in range(n):
        took = {}
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            took[name] = dt = time.perf_counter() - t0
            best[name] = min(best[name], dt)
            print(f"run {i + 1} {name:10s} {dt:6.2f} s", flush=True)
        pairs.append(took["raw"] / took["chunkline"])
    pairs.sort()
    print(f"ratio of each interleaved pair: {', '.join(f'{r:.2f}' for r in pairs)} (median {pairs[len(pairs) // 2]:.2f})")
    pages = run_raw(sorted(folder.glob("*.pdf")))
    for name, dt in best.items():
        print(f"{name:10s} best {dt:6.2f} s  {pages / dt:7.1f} pages/s")
    print(f"chunkline parse / raw get_text('dict') (whole processes, best of {n}) = {best['raw'] / best['chunkline']:.2f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="PDF pages/s: chunkline vs PyMuPDF raw vs pymupdf4llm")
    ap.add_argument("--quick", action="store_true", help="three small files only")
    ap.add_argument("--only", default=",".join(CONTENDERS), help="comma-separated contenders")
    ap.add_argument("--per-file", action="store_true", help="raw vs chunkline for each file")
    ap.add_argument("--whole", action="store_true", help="whole processes: `chunkline parse` vs a raw dict script")
    ap.add_argument("-n", type=int, default=5, help="--whole: runs of each, best taken")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="--whole: chunkline's -j")
    args = ap.parse_args(argv)
    if args.whole:
        return whole(shared_dir() / "pdfs", args.n, args.jobs)
    paths = files(args.quick)
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    if args.per_file:
        run_chunkline(paths[:1])  # warm up imports
        per_file(paths)
        return 0
    rates: dict[str, float] = {}
    for name in args.only.split(","):
        fn = CONTENDERS[name]
        try:
            t0 = time.perf_counter()
            pages = fn(paths)
            dt = time.perf_counter() - t0
        except ImportError as exc:
            print(f"{name:14s} skipped ({exc})")
            continue
        rates[name] = pages / dt
        print(f"{name:14s} {pages:5d} pages {dt:8.2f} s {pages / dt:9.1f} pages/s", flush=True)
    if "chunkline" in rates:
        for other in ("raw", "p4llm", "p4llm-chunks"):
            if other in rates:
                print(f"chunkline / {other:12s} = {rates['chunkline'] / rates[other]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
