"""chunkline ``recursive`` against the recursive splitters people use instead.

Same corpus, same tokenizer (cl100k_base counted by the same bpe-openai
function for every contender), same process, same budget.  Prints MB/s and
the ratio of chunkline to each.  Contenders that are not installed are
skipped with a note (``pip install 'chunkline[bench]'`` installs them).

    python bench/recursive_bench.py                      # >= 20 MB corpus, 512 tokens and 2000 chars
    python bench/recursive_bench.py --mb 5 --repeat 1    # quicker
"""

from __future__ import annotations

import argparse
import gc
import glob
import os
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def corpus(limit_mb: float) -> list[str]:
    """Real text on every machine here: the Python stdlib, then installed docs and licences."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    paths = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    paths += sorted(Path(p) for p in glob.glob("/usr/share/doc/nodejs/api/*.md"))
    paths += sorted(Path(p) for p in glob.glob("/usr/share/common-licenses/*") if os.path.isfile(p))
    docs, total = [], 0
    for p in paths:
        try:
            t = p.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if t.strip():
            docs.append(t)
            total += len(t.encode("utf-8"))
        if total >= limit_mb * 1e6:
            break
    return docs


def contenders(mode: str, size: int, count):
    from chunkline.segmenters import parse_strategy
    from chunkline.segmenters._packing import PROSE_SEPARATORS, split_recursive
    from chunkline.core.tokenizers import get_sizer

    spec = f"recursive:max_tokens={size}" if mode == "tokens" else f"recursive:max_chars={size}"
    strat = parse_strategy(spec)
    sizer = get_sizer(strat.budget.tokenizer)

    def chunkline_recursive(text: str) -> int:
        return [text[s:e] for s, e, _ in split_recursive(text, 0, len(text), sizer, size, PROSE_SEPARATORS)]

    out = {"chunkline recursive": chunkline_recursive}
    length = count if mode == "tokens" else len
    try:
        from chonkie import RecursiveChunker

        tok = _chonkie_bpe(count) if mode == "tokens" else "character"
        ch = RecursiveChunker(tokenizer=tok, chunk_size=size) if _accepts(RecursiveChunker, "tokenizer") else RecursiveChunker(tokenizer_or_token_counter=tok, chunk_size=size)
        out["chonkie RecursiveChunker"] = lambda t: [c.text for c in ch.chunk(t)]
    except Exception as exc:  # pragma: no cover
        print(f"  (chonkie unavailable: {exc})", file=sys.stderr)
    try:
        import semchunk

        sc = semchunk.chunkerify(length, size)
        out["semchunk"] = lambda t: sc(t)
    except Exception as exc:  # pragma: no cover
        print(f"  (semchunk unavailable: {exc})", file=sys.stderr)
    try:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        lc = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=0, length_function=length)
        out["langchain RecursiveCharacterTextSplitter"] = lambda t: lc.split_text(t)
    except Exception as exc:  # pragma: no cover
        print(f"  (langchain unavailable: {exc})", file=sys.stderr)
    try:
        from semantic_text_splitter import TextSplitter

        ts = TextSplitter.from_callback(length, size) if mode == "tokens" else TextSplitter(size)
        out["semantic-text-splitter"] = lambda t: ts.chunks(t)
    except Exception as exc:  # pragma: no cover
        print(f"  (semantic-text-splitter unavailable: {exc})", file=sys.stderr)
    return out


def _chonkie_bpe(count):
    """cl100k_base for Chonkie through its Tokenizer base class (the same bpe-openai
    encoder and counter chunkline uses; Chonkie's own "cl100k_base" would fetch
    tiktoken's files from the network)."""
    import bpe_openai
    from chonkie.tokenizer import Tokenizer

    enc = bpe_openai.get_encoding("cl100k_base")

    class BpeOpenAI(Tokenizer):
        def tokenize(self, text):
            return enc._backend.encode(text)

        def encode(self, text):
            return enc._backend.encode(text)

        def decode(self, tokens):
            return enc.decode(list(tokens))

        def count_tokens(self, text):
            return count(text)

        def __repr__(self):
            return "BpeOpenAI(cl100k_base)"

    return BpeOpenAI()


def _accepts(cls, name: str) -> bool:
    import inspect

    return name in inspect.signature(cls.__init__).parameters


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tokens", type=int, default=512)
    ap.add_argument("--chars", type=int, default=2000)
    ap.add_argument("--only", nargs="*", help="substrings of contender names to run")
    args = ap.parse_args()
    from chunkline.core.tokenizers import get_sizer

    docs = corpus(args.mb)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB (stdlib .py, Node.js API markdown, licences)")
    count = get_sizer("cl100k_base").count
    for mode, size in (("tokens", args.tokens), ("chars", args.chars)):
        print(f"\n## {mode} mode, budget {size} {'cl100k_base tokens' if mode == 'tokens' else 'characters'}")
        results = {}
        for name in contenders(mode, size, count):
            if args.only and not any(o in name for o in args.only):
                continue
            best = float("inf")
            chunks: list[str] = []
            for _ in range(args.repeat):
                # a fresh splitter each time: semchunk memoizes token counts, so a
                # second pass over the same corpus would measure its cache
                fn = contenders(mode, size, lambda t: count(t))[name]  # a new counter object too
                gc.collect()
                t0 = time.perf_counter()
                chunks = [c for d in docs for c in fn(d)]
                best = min(best, time.perf_counter() - t0)
            measure = count if mode == "tokens" else len
            over = sum(1 for c in chunks if measure(c) > size)
            results[name] = (mb / best, len(chunks), best, over)
        ours = results.get("chunkline recursive", (None,))[0]
        print("| splitter | MB/s | chunks | over budget | seconds | chunkline / this |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, (speed, n, secs, over) in sorted(results.items(), key=lambda kv: -kv[1][0]):
            ratio = f"{ours / speed:.2f}x" if ours else "-"
            print(f"| {name} | {speed:.2f} | {n} | {over} | {secs:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
