"""``compare`` of 5 strategies vs 5 separate ``chunk`` + ``score`` runs (subprocesses), same corpus.

Both sides compute the same metrics (``score``'s defaults: no ICC/DCC, boundary
metrics on; ``compare --no-semantic --no-auto``), same documents, same
tokenizer and budgets.  The separate runs are what a user scripts today:
``chunkline chunk DOCS -s S -o c.jsonl`` then ``chunkline score c.jsonl --docs DOCS``
for each strategy.  Reported: wall seconds of each side and the ratio.

    nice -n 10 python bench/compare_bench.py [--corpus PATH ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or ROOT / "../shared")
STRATEGIES = ["fixed:max_tokens=256", "sentence:max_tokens=256", "recursive:max_tokens=256", "structure:max_tokens=512", "legal:max_tokens=256"]


def _run(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "chunkline", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", nargs="*", default=[str(ROOT / "examples"), str(SHARED / "gutenqa_emma" / "emma.txt"), *map(str, sorted((SHARED / "pdfs").glob("docling__*.pdf"))[:6])])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    corpus = args.corpus
    best_sep = best_cmp = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            sep = 0.0
            for i, s in enumerate(STRATEGIES):
                out = os.path.join(tmp, f"c{i}.jsonl")
                sep += _run(["chunk", *corpus, "-s", s, "-o", out, "-q"])
                sep += _run(["score", out, "--docs", *sum((["--docs", c] for c in corpus[1:]), [corpus[0]]), "-q", "--max-tokens", s.split("=")[1]])
            cmp_ = _run(["compare", *corpus, *sum((["-s", s] for s in STRATEGIES), []), "--no-semantic", "--no-auto", "-q", "--json"])
            best_sep, best_cmp = min(best_sep, sep), min(best_cmp, cmp_)
    print(f"corpus: {len(corpus)} paths; strategies: {', '.join(STRATEGIES)}")
    print(f"5 x (chunk + score) subprocesses: {best_sep:.2f} s")
    print(f"compare, 5 strategies:            {best_cmp:.2f} s")
    print(f"ratio: compare takes {best_cmp / best_sep:.2f}x the time of separate runs ({best_sep / best_cmp:.1f}x faster)")


if __name__ == "__main__":
    main()
