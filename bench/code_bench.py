"""Benchmark: chunkline ``ast`` vs LlamaIndex CodeSplitter, astchunk, Chonkie CodeChunker.

Same corpus (default: the Python standard library, ~30 MB), same process, one
core.  For every tool: MB/s end-to-end (bytes in -> chunks out, parsing
included), chunks over the budget (in the tool's own unit), coverage of the
source (share of non-whitespace characters that land in some chunk, chunks
located in the source in order), and definitions split although they would
have fitted the budget (from chunkline's definition blocks).

Budgets: chunkline and astchunk measure non-whitespace characters (cAST's
measure); LlamaIndex counts characters (``max_chars``), so it gets the same
number as a character budget.  Run:

    nice -n 10 python bench/code_bench.py                 # whole stdlib
    nice -n 10 python bench/code_bench.py --limit 200     # quick look
    nice -n 10 python bench/code_bench.py --corpus /usr/lib/node_modules/npm --ext .js --language javascript
"""

from __future__ import annotations

import argparse
import bisect
import re
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chunkline.core.errors import InputError  # noqa: E402
from chunkline.parsers.base import ParseContext, parse_bytes  # noqa: E402
from chunkline.segmenters.base import parse_strategy, segment  # noqa: E402

_WS = re.compile(r"\s+")


def nws(s: str) -> int:
    return len(s) - sum(len(m) for m in _WS.findall(s))


def load(corpus: Path, ext: str, limit: int | None) -> list[tuple[str, bytes, str]]:
    files = sorted(p for p in corpus.rglob(f"*{ext}") if "site-packages" not in p.parts and p.is_file())
    out = []
    for p in files:
        data = p.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # every tool gets the same decodable files
        if "\x00" in text:
            continue
        out.append((str(p), data, text))
        if limit and len(out) >= limit:
            break
    return out


def locate(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Find chunk strings in the source, in order (tools that strip or do not report offsets)."""
    spans, pos = [], 0
    for piece in pieces:
        probe = piece.strip()
        if not probe:
            continue
        i = text.find(probe, pos)
        if i == -1:
            i = text.find(probe)
        if i == -1:
            continue
        spans.append((i, i + len(probe)))
        pos = i + 1
    return spans


def quality(text: str, spans: list[tuple[int, int]], defs: list[tuple[int, int, int]], budget: int) -> tuple[int, int, int]:
    """(non-ws chars covered, definitions that fit but were split, definitions that fit)."""
    spans = sorted(spans)
    covered, last = 0, 0
    for s, e in spans:
        s = max(s, last)
        if e > s:
            covered += nws(text[s:e])
            last = e
    starts = [s for s, _ in spans]
    fit = split = 0
    for ds, de, size in defs:
        if size > budget:
            continue
        fit += 1
        i = bisect.bisect_right(starts, ds) - 1
        inside = any(spans[k][0] <= ds and de <= spans[k][1] for k in range(max(0, i - 3), i + 1))
        split += not inside
    return covered, split, fit


def run(args) -> None:
    files = load(Path(args.corpus), args.ext, args.limit)
    total = sum(len(d) for _, d, _ in files)
    print(f"corpus {args.corpus} ({args.ext}): {len(files)} files, {total / 1e6:.1f} MB, budget {args.budget}")
    strategy = parse_strategy(f"ast:max_tokens={args.budget}")  # nws

    # chunkline, timed end-to-end (parse + segment)
    t0 = time.perf_counter()
    results = []
    for path, data, _text in files:
        try:
            parsed = parse_bytes(data, ParseContext(path, path))
        except InputError:
            results.append(None)
            continue
        results.append((parsed, segment(parsed, strategy)))
    t_cl = time.perf_counter() - t0
    defs_by_file = []
    for r, (_p, _d, text) in zip(results, files):
        if r is None:
            defs_by_file.append([])
            continue
        defs_by_file.append([(b.start, b.end, nws(b.text)) for b in r[0].blocks if b.kind == "definition"])

    rows = []

    def report(name, seconds, spans_by_file, over, n_chunks, unit, budget_defs):
        nws_total = cov = split = fit = 0
        for (_p, _d, text), spans, defs in zip(files, spans_by_file, budget_defs):
            nws_total += nws(text)
            c, s, f = quality(text, spans, defs, args.budget)
            cov += c
            split += s
            fit += f
        rows.append((name, total / 1e6 / seconds, seconds, n_chunks, over, unit, 100 * cov / max(1, nws_total), split, fit))

    spans = [[(c.start, c.end) for c in r[1]] if r else [] for r in results]
    over = sum(c.token_count > args.budget for r in results if r for c in r[1])
    tiled = all("".join(c.text for c in r[1]) == r[0].document.text for r in results if r)
    report("chunkline ast", t_cl, spans, over, sum(len(r[1]) for r in results if r), "nws", defs_by_file)

    if "llamaindex" in args.tools:
        try:
            from llama_index.core.node_parser import CodeSplitter

            splitter = CodeSplitter(language=args.language, max_chars=args.budget, chunk_lines=10_000, chunk_lines_overlap=1)
            t0 = time.perf_counter()
            outs = []
            for _p, _d, text in files:
                try:
                    outs.append(splitter.split_text(text))
                except Exception:
                    outs.append([])
            t = time.perf_counter() - t0
            report("LlamaIndex CodeSplitter", t, [locate(text, o) for (_p, _d, text), o in zip(files, outs)], sum(len(c) > args.budget for o in outs for c in o), sum(map(len, outs)), "chars", defs_by_file)
        except Exception as exc:
            print(f"LlamaIndex CodeSplitter not run: {type(exc).__name__}: {exc}")

    if "astchunk" in args.tools:
        try:
            from astchunk import ASTChunkBuilder

            builder = ASTChunkBuilder(max_chunk_size=args.budget, language=args.language, metadata_template="default")
            t0 = time.perf_counter()
            outs = []
            for _p, _d, text in files:
                try:
                    outs.append([c["content"] for c in builder.chunkify(text)])
                except Exception:
                    outs.append([])
            t = time.perf_counter() - t0
            report("astchunk", t, [locate(text, o) for (_p, _d, text), o in zip(files, outs)], sum(nws(c) > args.budget for o in outs for c in o), sum(map(len, outs)), "nws", defs_by_file)
        except Exception as exc:
            print(f"astchunk not run: {type(exc).__name__}: {exc}")

    if "chonkie" in args.tools:
        try:
            from chonkie import CodeChunker

            chunker = CodeChunker(language=args.language, tokenizer="character", chunk_size=args.budget)
            t0 = time.perf_counter()
            outs = [[(c.start_index, c.end_index) for c in chunker.chunk(text)] for _p, _d, text in files]
            t = time.perf_counter() - t0
            report("Chonkie CodeChunker", t, outs, 0, sum(map(len, outs)), "chars", defs_by_file)
        except Exception as exc:
            print(f"Chonkie CodeChunker not run: {type(exc).__name__}: {exc}")

    base = rows[0][1]
    print(f"chunkline exact tiling: {tiled}")
    print("| tool | MB/s | s | chunks | over budget | unit | coverage % | fitting defs split | x chunkline speed |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for name, mbs, sec, n, over_, unit, cov, split_, fit_ in rows:
        print(f"| {name} | {mbs:.2f} | {sec:.1f} | {n:,} | {over_} | {unit} | {cov:.2f} | {split_:,} / {fit_:,} | {base / mbs:.1f}x |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=sysconfig.get_paths()["stdlib"])
    ap.add_argument("--ext", default=".py")
    ap.add_argument("--language", default="python")
    ap.add_argument("--budget", type=int, default=1500)
    ap.add_argument("--limit", type=int, default=None, help="first N files only")
    ap.add_argument("--tools", default="llamaindex,astchunk,chonkie")
    run(ap.parse_args())


if __name__ == "__main__":
    main()
