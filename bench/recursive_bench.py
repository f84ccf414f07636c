"""chunkline ``recursive`` against the recursive splitters people use instead.

Same corpus, same tokenizer (cl100k_base), same process, same budget.  Prints
MB/s and the ratio of chunkline to each.  Contenders that are not installed
are skipped with a note (``pip install 'chunkline[bench]'`` installs them).

Token mode runs in two settings (``--counter``):

* ``native``: each library counts cl100k_base the way its users do: Chonkie
  with a ``tiktoken`` encoding, LangChain ``from_tiktoken_encoder``, semchunk
  ``chunkerify("cl100k_base")`` (tiktoken), semantic-text-splitter
  ``from_tiktoken_model`` (tiktoken-rs, compiled in), chunkline with its own
  counter (bpe-openai).  tiktoken would download its BPE file; the benchmark
  writes that file into a private ``TIKTOKEN_CACHE_DIR`` from the vocabulary
  bpe-openai ships, and tiktoken checks it against OpenAI's published SHA-256
  before use, so it is byte for byte the file users download.
* ``shared``: every contender calls the same bpe-openai count function, so
  only the splitting algorithms differ.

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


_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
_CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"


def offline_tiktoken() -> None:
    """Let tiktoken load cl100k_base without the network: its cache file is
    rebuilt from bpe-openai's vocabulary (tiktoken verifies the hash itself)."""
    import base64
    import hashlib
    import tempfile

    import bpe_openai

    enc = bpe_openai.get_encoding("cl100k_base")
    special = set(enc._special_tokens.values())
    lines = []
    for i in range(enc.n_vocab):
        if i in special:
            continue
        try:
            lines.append(base64.b64encode(enc.decode_single_token_bytes(i)) + b" %d\n" % i)
        except KeyError:  # ids between the ranks and the special tokens are unused
            continue
    data = b"".join(lines)
    if hashlib.sha256(data).hexdigest() != _CL100K_SHA256:
        raise SystemExit("bpe-openai's cl100k_base differs from OpenAI's file; cannot run the native setting")
    cache = Path(tempfile.mkdtemp(prefix="tiktoken-cache-"))
    (cache / hashlib.sha1(_CL100K_URL.encode()).hexdigest()).write_bytes(data)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)


def native_contenders(size: int):
    """Token mode as each library's users run it (see the module docstring)."""
    import chunkline
    import tiktoken

    strat = chunkline.make_strategy("recursive", max_tokens=size)
    out = {"chunkline recursive": lambda t: [c.text for c in chunkline.chunk_text(t, strat)]}
    try:
        from chonkie import RecursiveChunker

        enc = tiktoken.get_encoding("cl100k_base")
        ch = RecursiveChunker(tokenizer=enc, chunk_size=size) if _accepts(RecursiveChunker, "tokenizer") else RecursiveChunker(tokenizer_or_token_counter=enc, chunk_size=size)
        out["chonkie RecursiveChunker (tiktoken)"] = lambda t: [c.text for c in ch.chunk(t)]
    except Exception as exc:  # pragma: no cover
        print(f"  (chonkie unavailable: {exc})", file=sys.stderr)
    try:
        import semchunk

        sc = semchunk.chunkerify("cl100k_base", size)
        out["semchunk (tiktoken)"] = lambda t: sc(t)
    except Exception as exc:  # pragma: no cover
        print(f"  (semchunk unavailable: {exc})", file=sys.stderr)
    try:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        lc = RecursiveCharacterTextSplitter.from_tiktoken_encoder(encoding_name="cl100k_base", chunk_size=size, chunk_overlap=0)
        out["langchain RecursiveCharacterTextSplitter (tiktoken)"] = lambda t: lc.split_text(t)
    except Exception as exc:  # pragma: no cover
        print(f"  (langchain unavailable: {exc})", file=sys.stderr)
    try:
        from semantic_text_splitter import TextSplitter

        ts = TextSplitter.from_tiktoken_model("gpt-4", size)
        out["semantic-text-splitter (tiktoken-rs)"] = lambda t: ts.chunks(t)
    except Exception as exc:  # pragma: no cover
        print(f"  (semantic-text-splitter unavailable: {exc})", file=sys.stderr)
    return out


def contenders(mode: str, size: int, count):
    import chunkline

    strat = chunkline.make_strategy("recursive", **({"max_tokens": size} if mode == "tokens" else {"max_chars": size}))

    def chunkline_recursive(text: str) -> list[str]:
        # the public call users make: parse the text, split, build the chunk records (offsets, exact sizes, ids)
        return [c.text for c in chunkline.chunk_text(text, strat)]

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
    ap.add_argument("--counter", choices=("native", "shared", "both"), default="both", help="token-mode setting (see above)")
    args = ap.parse_args()
    import chunkline

    docs = corpus(args.mb)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB (stdlib .py, Node.js API markdown, licences)")
    count = chunkline.token_counter("cl100k_base")
    runs = []
    if args.counter in ("native", "both"):
        offline_tiktoken()
        runs.append(("tokens", args.tokens, "native", lambda: native_contenders(args.tokens)))
    if args.counter in ("shared", "both"):
        runs.append(("tokens", args.tokens, "shared", lambda: contenders("tokens", args.tokens, lambda t: count(t))))
    runs.append(("chars", args.chars, "", lambda: contenders("chars", args.chars, len)))
    for mode, size, setting, make in runs:
        unit = "cl100k_base tokens" if mode == "tokens" else "characters"
        label = {"native": ", each library's own cl100k_base counter", "shared": ", one shared bpe-openai counter"}.get(setting, "")
        print(f"\n## {mode} mode, budget {size} {unit}{label}")
        results = {}
        for name in make():
            if args.only and not any(o in name for o in args.only):
                continue
            best = float("inf")
            chunks: list[str] = []
            for _ in range(args.repeat):
                # a fresh splitter and counter each time: semchunk memoizes token
                # counts, so a second pass over the same corpus would time its cache
                fn = make()[name]
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
