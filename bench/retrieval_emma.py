"""GutenQA's *Emma* (../shared/gutenqa_emma): retrieval quality of several chunkings.

Chunkings: LumberChunker's own Gemini chunks (the reference), the book's
paragraphs, and chunkline's ``recursive`` and ``fixed`` strategies.  Each is
scored by ``chunkline.score`` against the 30 questions' located
evidence with BM25 and, with ``--dense NAME``, with that embedder
(``lexical`` or ``minilm``).  Prints GutenQA's recall@k / DCG@k and Chroma's
recall / precision / IoU / precision-Ω at k = 5, plus a paired bootstrap
interval of each chunking's recall@5 against LumberChunker's.

    nice -n 10 python bench/retrieval_emma.py [--dense minilm]

Chroma's own corpora and questions (chunking_evaluation) are not on this
machine and cannot be fetched offline, so the Chroma reproduction is not run
here; ``score`` reads its CSV layout (tests/scoring/test_loading.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[1] / "../shared")
EMMA = SHARED / "gutenqa_emma"


def _write_spans(path: Path, text: str, spans) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for s, e in spans:
            fh.write(json.dumps({"text": text[s:e], "doc": "emma.txt", "start": s, "end": e}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-s", "--strategy", action="append", help="chunkline strategies to score (default: recursive, fixed and semantic at 256 and 512 tokens)")
    ap.add_argument("--dense", default=None, help="also rank with this embedder (lexical, minilm)")
    args = ap.parse_args()

    import chunkline

    text = (EMMA / "emma.txt").read_text(encoding="utf-8")
    tmp = Path(tempfile.mkdtemp(prefix="chunkline-emma-"))
    try:
        files: dict[str, Path] = {}
        lc = [json.loads(x) for x in (EMMA / "emma_lumberchunker_chunks.jsonl").read_text().splitlines()]
        files["lumberchunker (Gemini)"] = tmp / "lc.jsonl"
        _write_spans(files["lumberchunker (Gemini)"], text, [(c["start"], c["end"]) for c in lc])
        paras = [json.loads(x) for x in (EMMA / "emma_paragraphs.jsonl").read_text().splitlines()]
        files["paragraphs"] = tmp / "para.jsonl"
        _write_spans(files["paragraphs"], text, [(p["start"], p["end"]) for p in paras])
        parsed = chunkline.parse(EMMA / "emma.txt")
        names = {s["name"] for s in chunkline.strategies()}
        strategies = ["recursive:max_tokens=256", "recursive:max_tokens=512"]
        if "fixed" in names:
            strategies += ["fixed:max_tokens=250,overlap=125"]
        if "semantic" in names:
            strategies += ["semantic:max_tokens=256", "semantic:max_tokens=512"]
        strategies = args.strategy or strategies
        for s in strategies:
            p = tmp / (s.replace(":", "_").replace(",", "_").replace("=", "") + ".jsonl")
            with p.open("w", encoding="utf-8") as fh:
                for c in chunkline.chunk(parsed, s):
                    fh.write(c.to_json() + "\n")
            files[s] = p
        retrievers = [("bm25", "lexical")] + ([("dense", args.dense)] if args.dense else [])
        ref = str(files["lumberchunker (Gemini)"])
        for retr, emb in retrievers:
            print(f"\n### retriever {retr}" + (f" ({emb})" if retr == "dense" else "") + ", 30 questions, k = 5 for recall/precision/IoU")
            print("| chunking | chunks | recall@1 | recall@5 | recall@20 | DCG@20 | recall | precision | IoU | precision-Ω | Δ recall@5 vs LC [95% CI] |")
            print("|---|---|---|---|---|---|---|---|---|---|---|")
            for name, path in files.items():
                rep = chunkline.score(path, documents=[EMMA / "emma.txt"], questions=EMMA / "emma_questions.jsonl",
                                      retriever=retr, embedder=emb, boundaries=False, baseline=None if path == Path(ref) else ref)
                m = rep.metrics
                cmp = ""
                if rep.comparison:
                    c = rep.comparison["metrics"]["recall@5"]
                    cmp = f"{c['diff']:+.3f} [{c['ci95'][0]:+.3f}, {c['ci95'][1]:+.3f}]"
                print(f"| {name} | {rep.records} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@20']:.3f} | {m['dcg@20']:.3f} | "
                      f"{m['recall']:.3f} | {m['precision']:.3f} | {m['iou']:.3f} | {m['precision_omega']:.3f} | {cmp} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
