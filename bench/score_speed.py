"""How long ``chunkline score`` takes on ~10 MB of chunks.

Corpus: N copies of GutenQA's *Emma* (../shared/gutenqa_emma, 875 kB each) under
distinct names, chunked with ``recursive`` at 256 cl100k tokens; the 30 Emma
questions point into the first copy, so BM25 retrieval runs over every chunk
of every copy pooled.  Reports wall time per configuration and MB of chunk
text per second.  There is no offline library to compare with: Chroma's
``chunking_evaluation`` needs chromadb and an embedding API, so this reports
absolute numbers only.

    nice -n 10 python bench/score_speed.py [--copies 12] [--semantic]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[1] / "../shared")
EMMA = SHARED / "gutenqa_emma"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=12)
    ap.add_argument("--semantic", action="store_true", help="also time ICC/DCC with the lexical embedder")
    args = ap.parse_args()

    import chunkline

    tmp = Path(tempfile.mkdtemp(prefix="chunkline-score-bench-"))
    try:
        data = (EMMA / "emma.txt").read_bytes()
        strategy = chunkline.make_strategy("recursive", max_tokens=256)
        chunks_path = tmp / "chunks.jsonl"
        docs = []
        size = 0
        with chunks_path.open("w", encoding="utf-8") as fh:
            for i in range(args.copies):
                p = tmp / f"emma{i:02d}.txt"
                p.write_bytes(data)
                docs.append(str(p))
                for c in chunkline.chunk(p, strategy):
                    fh.write(c.to_json() + "\n")
                    size += len(c.text.encode("utf-8"))
        qpath = tmp / "q.jsonl"
        with qpath.open("w", encoding="utf-8") as fh:
            for line in (EMMA / "emma_questions.jsonl").read_text(encoding="utf-8").splitlines():
                q = json.loads(line)
                fh.write(json.dumps({"question": q["question"], "references": [{"doc": docs[0], "start": q["start"], "end": q["end"]}]}) + "\n")
        n_chunks = sum(1 for _ in chunks_path.open())
        print(f"{n_chunks} chunks, {size / 1e6:.1f} MB of chunk text, {args.copies} documents")
        configs = [
            ("size only (no --docs)", dict()),
            ("intrinsic, no semantic", dict(documents=docs, semantic=False)),
            ("intrinsic + BM25 retrieval, no semantic", dict(documents=docs, semantic=False, questions=str(qpath))),
        ]
        if args.semantic:  # ICC/DCC are opt-in (--semantic) because they embed ~12x the chunk text
            configs.append(("intrinsic + semantic (lexical) + BM25", dict(documents=docs, semantic=True, questions=str(qpath))))
        for label, kw in configs:
            t0 = time.perf_counter()
            rep = chunkline.score(chunks_path, max_tokens=256, **kw)
            dt = time.perf_counter() - t0
            extra = f", recall@5 {rep.metrics['recall@5']:.3f}" if "recall@5" in rep.metrics else ""
            print(f"{label:45s} {dt:7.2f} s  {size / 1e6 / dt:6.2f} MB/s{extra}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
