"""Topic-segmentation quality (Pk, WindowDiff) and time of chunkline strategies
on Choi's (2000) set 1 (``../shared/choi_segmentation/choi_set1.jsonl``).

Each document concatenates 10 Brown-corpus segments; a good topic segmenter
puts its chunk boundaries at the segment joins.  Chunk boundaries are mapped
to the gold sentence units (a cut inside a sentence counts after the sentence
it is closer to the end of), then Pk (Beeferman et al. 1999) and WindowDiff
(Pevzner & Hearst 2002) are computed per document with k = half the mean gold
segment length and averaged over documents (as in Choi's tables).  Lower is
better; "no boundaries" scores about 0.46.

Time is the segmenting time only (documents are parsed once beforehand, the
same tokenizer for all), after one warm-up document per strategy (model
loading is reported separately), as a ratio to ``recursive``.  Strategies are
timed interleaved, document by document, best of ``--repeat`` runs each, so
other processes on a shared machine skew no strategy more than another.

    nice -n 10 python bench/choi_segmentation.py                 # all 200 docs, 512 tokens
    nice -n 10 python bench/choi_segmentation.py --limit 40 --max-tokens 256
    nice -n 10 python bench/choi_segmentation.py -s semantic -s semantic:embedder=minilm
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import chunkline  # noqa: E402

DEFAULT_STRATEGIES = ("semantic", "semantic:embedder=minilm", "sentence", "recursive", "fixed")


def shared_dir() -> Path:
    env = os.environ.get("CHUNKLINE_SHARED")
    return Path(env) if env else (ROOT / "../shared").resolve()


def load(path: Path, limit: int | None, ranges: set[str] | None) -> list[dict]:
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if ranges and d["range"] not in ranges:
                continue
            docs.append(d)
            if limit and len(docs) >= limit:
                break
    return docs


def hyp_boundaries(sentences: list[list[int]], cut_positions: list[int]) -> set[int]:
    """Sentence indices a hypothesis boundary follows (cuts inside a sentence go
    to the nearer sentence end)."""
    starts = [s for s, _ in sentences]
    out = set()
    n = len(sentences)
    for p in cut_positions:
        i = bisect.bisect_right(starts, p) - 1  # sentence containing (or ending before) p
        if i < 0:
            continue
        s, e = sentences[i]
        if p < e and (p - s) < (e - p):  # closer to this sentence's start
            i -= 1
        if 0 <= i < n - 1:
            out.add(i)
    return out


def seg_ids(n: int, bounds: set[int]) -> list[int]:
    ids, cur = [], 0
    for i in range(n):
        ids.append(cur)
        if i in bounds:
            cur += 1
    return ids


def pk_wd(n: int, ref: set[int], hyp: set[int]) -> tuple[float, float]:
    """(Pk, WindowDiff) over n units, k = half the mean reference segment length."""
    k = max(1, round(n / (len(ref) + 1) / 2))
    r, h = seg_ids(n, ref), seg_ids(n, hyp)
    m = n - k
    if m <= 0:
        return 0.0, 0.0
    pk = sum((r[i] == r[i + k]) != (h[i] == h[i + k]) for i in range(m)) / m
    wd = sum((r[i + k] - r[i]) != (h[i + k] - h[i]) for i in range(m)) / m
    return pk, wd


def run_all(specs: list[str], parsed_docs, docs, max_tokens: int, tokenizer: str, repeat: int = 1) -> list[dict]:
    """Quality and time of every strategy.  Timing is interleaved: each
    document is segmented by every strategy in turn (best of ``repeat``), so
    a load spike from other processes on a shared machine hits all
    strategies alike and the ratios stay meaningful."""
    runs = []
    for spec in specs:
        try:
            strategy = chunkline.make_strategy(spec, max_tokens=max_tokens, tokenizer=tokenizer)
            t0 = time.perf_counter()
            chunkline.chunk(parsed_docs[0], strategy)  # warm-up: imports, model load
            runs.append({"spec": spec, "strategy": strategy, "warm": time.perf_counter() - t0, "elapsed": 0.0, "pks": [], "wds": [], "n": [], "by_range": {}})
        except Exception as exc:  # e.g. the minilm extra missing: report, go on
            print(f"{spec}: skipped ({exc})", file=sys.stderr)
    for pd, d in zip(parsed_docs, docs):
        for r in runs:
            best = float("inf")
            for _ in range(max(1, repeat)):
                t = time.perf_counter()
                chunks = chunkline.chunk(pd, r["strategy"])
                best = min(best, time.perf_counter() - t)
            r["elapsed"] += best
            sents = d["sentences"]
            hyp = hyp_boundaries(sents, [c.end for c in chunks[:-1]])
            pk, wd = pk_wd(len(sents), set(d["boundary_after_sentence"]), hyp)
            r["pks"].append(pk)
            r["wds"].append(wd)
            r["n"].append(len(chunks))
            r["by_range"].setdefault(d["range"], []).append(pk)
    return [
        {
            "strategy": r["strategy"].label,
            "pk": statistics.fmean(r["pks"]),
            "windowdiff": statistics.fmean(r["wds"]),
            "chunks_per_doc": statistics.fmean(r["n"]),
            "pk_by_range": {k: statistics.fmean(v) for k, v in sorted(r["by_range"].items())},
            "seconds": r["elapsed"],
            "warmup_seconds": r["warm"],
        }
        for r in runs
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-s", "--strategy", action="append", help="strategy spec (repeatable); default: semantic (both backends), sentence, recursive, fixed")
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--tokenizer", default="cl100k_base")
    ap.add_argument("--limit", type=int, default=None, help="first N documents only (quick runs)")
    ap.add_argument("--range", action="append", help="only these segment-length ranges (3-11, 3-5, 6-8, 9-11)")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3, help="time each (document, strategy) this many times, keep the best")
    ap.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args = ap.parse_args(argv)

    path = args.data or shared_dir() / "choi_segmentation" / "choi_set1.jsonl"
    docs = load(path, args.limit, set(args.range) if args.range else None)
    parsed = [chunkline.parse_text(d["text"], "text", source=d["id"]) for d in docs]

    specs = args.strategy or list(DEFAULT_STRATEGIES)
    if "recursive" not in specs:
        specs.append("recursive")  # the time reference
    results = run_all(specs, parsed, docs, args.max_tokens, args.tokenizer, args.repeat)
    ref = next(r["seconds"] for r in results if r["strategy"].startswith("recursive"))
    for r in results:
        r["time_vs_recursive"] = r["seconds"] / ref if ref else float("nan")

    none = statistics.fmean(pk_wd(len(d["sentences"]), set(d["boundary_after_sentence"]), set())[0] for d in docs)
    if args.json:
        for r in results:
            print(json.dumps(r))
        return 0
    print(f"Choi set 1: {len(docs)} documents, budget {args.max_tokens} {args.tokenizer}; no boundaries Pk = {none:.3f}")
    ranges = sorted({d["range"] for d in docs})
    head = f"| strategy | Pk | WindowDiff | Pk {' / '.join(ranges)} | chunks/doc | seconds | time vs recursive |"
    print(head)
    print("|---|---|---|---|---|---|---|")
    for r in results:
        by = " / ".join(f"{r['pk_by_range'].get(x, float('nan')):.3f}" for x in ranges)
        print(
            f"| {r['strategy']} | {r['pk']:.3f} | {r['windowdiff']:.3f} | {by} | {r['chunks_per_doc']:.1f} "
            f"| {r['seconds']:.2f} (+{r['warmup_seconds']:.2f} warm-up) | {r['time_vs_recursive']:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
