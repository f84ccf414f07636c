"""Embedding throughput of chunkline's backends (sentences/second, chunks/second).

Corpus: the sentences of Jane Austen's *Emma* (``../shared/gutenqa_emma``),
split with the semantic segmenter's sentence rules, and its ``recursive``
chunks of <= 256 cl100k tokens.  Each backend embeds them from a cold cache
(the lexical backend is fitted on the same texts, as the segmenter does per
document); model loading is timed separately.  Same process, same texts.

    nice -n 10 python bench/embed_speed.py --limit 2000
    nice -n 10 python bench/embed_speed.py -e lexical --limit 0     # all sentences
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import chunkline  # noqa: E402
from chunkline.embeddings import EMBEDDERS, get_embedder  # noqa: E402  (the embedders are what is measured)


def corpus_text() -> str:
    base = Path(os.environ.get("CHUNKLINE_SHARED", ROOT / "../shared")).resolve() / "gutenqa_emma"
    files = sorted(p for p in base.iterdir() if p.suffix == ".txt")
    if not files:
        raise SystemExit(f"no .txt file in {base}")
    return max(files, key=lambda p: p.stat().st_size).read_text(encoding="utf-8")


def timed(name: str, texts: list[str]) -> tuple[float, float]:
    """(load seconds, embed seconds) from a cold cache."""
    t0 = time.perf_counter()
    emb = get_embedder(name, cache_size=0)
    if name != "lexical":
        emb.embed(["warm up"])  # loads the model
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    emb.embed(texts)
    return load, time.perf_counter() - t1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-e", "--embedder", action="append", choices=EMBEDDERS)
    ap.add_argument("--limit", type=int, default=2000, help="texts per set (0: all)")
    args = ap.parse_args(argv)
    text = corpus_text()
    # sentence-level spans of the legal sentence pipeline: realistic sentence-length inputs
    sents = [b.text for b in chunkline.parse_text(text, "legal", source="emma.txt").blocks if b.text.strip()]
    chunks = [c.text for c in chunkline.chunk_text(text, "recursive", source="emma.txt", max_tokens=256)]
    if args.limit:
        sents, chunks = sents[: args.limit], chunks[: max(1, args.limit // 10)]
    print(f"Emma: {len(sents)} sentences, {len(chunks)} chunks of <= 256 cl100k tokens")
    print("| embedder | load s | sentences/s | chunks (<=256 tok)/s |")
    print("|---|---|---|---|")
    for name in args.embedder or list(EMBEDDERS):
        try:
            load, ts = timed(name, sents)
            _, tc = timed(name, chunks)
        except Exception as exc:
            print(f"| {name} | skipped: {exc} | | |")
            continue
        print(f"| {name} | {load:.2f} | {len(sents) / ts:,.0f} | {len(chunks) / tc:,.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
