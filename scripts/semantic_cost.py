"""Where ``semantic``'s time goes on Choi's set 1, next to ``recursive``'s.

Why: issue 8 asks for ``semantic`` (lexical) at under 3x ``recursive``'s
time.  This script measures, per document and interleaved (best of
``--repeat``), the segmenting time of

* ``recursive`` (the reference),
* ``semantic`` as shipped,
* ``semantic`` with its topic search (C99) replaced by "no boundaries" — what
  the rest of the pipeline (sentences, one tokenizer pass, term vectors,
  similarities, budget packing, chunk records) costs even if topic detection
  were free,
* one bare tokenizer pass over the document (``sizer._encode``), the least any
  exact token-budgeted chunker pays,

and, inside the shipped ``semantic``, the time of each stage (wrapped
functions; the wrappers add about a microsecond per call).  Output: a
markdown table, ms per document and the ratio to ``recursive``.

A profiler, not a benchmark: it wraps and replaces functions inside
``chunkline.segmenters.semantic``, so it lives in ``scripts/`` (``bench/``
uses only the public API).  The documents are parsed and chunked through the
public API.

    nice -n 10 python scripts/semantic_cost.py                 # 200 docs, 512 tokens, best of 3
    nice -n 10 python scripts/semantic_cost.py --limit 50 --repeat 5
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from choi_segmentation import load, shared_dir  # noqa: E402

from chunkline.core.tokenizers import get_sizer  # noqa: E402
from chunkline.segmenters import semantic as sem  # noqa: E402
import chunkline  # noqa: E402

#: (label, owner, attribute) of the stages timed inside semantic.
STAGES = (
    ("sentence units", sem, "_units"),
    ("token pass (one encode + tiles)", sem._TokenPass, "run"),
    ("term rows (TF-IDF)", sem._TokenPass, "term_rows"),
    ("Gram matrix", sem._Similarity, "gram"),
    ("C99 (rank transform + divisive search)", sem, "c99_boundaries"),
)


def _timed(fn, acc: dict, key: str, bound_cls=None):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[key] = acc.get(key, 0.0) + time.perf_counter() - t

    return classmethod(lambda cls, *a, **k: wrapper(cls, *a, **k)) if bound_cls else wrapper


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--tokenizer", default="cl100k_base")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    docs = load(shared_dir() / "choi_segmentation" / "choi_set1.jsonl", args.limit, None)
    parsed = [chunkline.parse_text(d["text"], "text", source=d["id"]) for d in docs]
    rec = chunkline.make_strategy("recursive", max_tokens=args.max_tokens, tokenizer=args.tokenizer)
    semantic = chunkline.make_strategy("semantic", max_tokens=args.max_tokens, tokenizer=args.tokenizer)
    sizer = get_sizer(args.tokenizer)
    encode = getattr(sizer, "_encode", None)

    real_c99 = sem.c99_boundaries

    def no_topics(*_a, **_k):
        return []

    def run_semantic_free_c99(pd):
        sem.c99_boundaries = no_topics
        try:
            return chunkline.chunk(pd, semantic)
        finally:
            sem.c99_boundaries = real_c99

    variants = {
        "recursive": lambda pd: chunkline.chunk(pd, rec),
        "semantic": lambda pd: chunkline.chunk(pd, semantic),
        "semantic, C99 replaced by no boundaries": run_semantic_free_c99,
    }
    if encode is not None:
        variants["one bare tokenizer pass (encode)"] = lambda pd: encode(pd.document.text)
    for fn in variants.values():  # warm-up: imports, lazy tables
        fn(parsed[0])

    totals = dict.fromkeys(variants, 0.0)
    for pd in parsed:
        for name, fn in variants.items():
            best = float("inf")
            for _ in range(max(1, args.repeat)):
                t = time.perf_counter()
                fn(pd)
                best = min(best, time.perf_counter() - t)
            totals[name] += best

    # Stage times inside semantic (one more pass, wrapped; not interleaved).
    acc: dict[str, float] = {}
    saved = []
    for label, owner, attr in STAGES:
        raw = owner.__dict__[attr]
        saved.append((owner, attr, raw))
        if isinstance(raw, classmethod):
            setattr(owner, attr, _timed(raw.__func__, acc, label, bound_cls=True))
        else:
            setattr(owner, attr, _timed(raw, acc, label))
    try:
        t = time.perf_counter()
        for _ in range(max(1, args.repeat)):
            for pd in parsed:
                chunkline.chunk(pd, semantic)
        wrapped_total = time.perf_counter() - t
    finally:
        for owner, attr, raw in saved:
            setattr(owner, attr, raw)

    n = len(parsed)
    ref = totals["recursive"] / n
    print(f"Choi set 1: {n} documents, budget {args.max_tokens} {args.tokenizer}, best of {args.repeat}, interleaved")
    print("| what | ms/doc | x recursive |")
    print("|---|---:|---:|")
    for name, total in totals.items():
        print(f"| {name} | {total / n * 1000:.3f} | {total / n / ref:.2f}x |")
    runs = n * max(1, args.repeat)
    print()
    print(f"Stages inside semantic (wrapped run: {wrapped_total / runs * 1000:.3f} ms/doc):")
    print("| stage | ms/doc | x recursive |")
    print("|---|---:|---:|")
    accounted = 0.0
    for label, _, _ in STAGES:
        v = acc.get(label, 0.0) / runs
        accounted += v
        print(f"| {label} | {v * 1000:.3f} | {v / ref:.2f}x |")
    rest = wrapped_total / runs - accounted
    print(f"| the rest (regions, budget fit and merges, chunk records) | {rest * 1000:.3f} | {rest / ref:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
