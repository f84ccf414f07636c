"""Fresh-eyes audit: chunk any documents and show the chunks a person would not keep.

    python scripts/audit_chunks.py DIR_OR_FILES... [-s recursive -s structure ...]
        [--max-tokens 512 | --max-chars N] [--overlap N] [--min-size N] [--top 5]
        [--include GLOB] [--exclude GLOB] [--summary-only]

For every strategy: the hygiene counts of ``chunkline.scoring.hygiene``
(lone headings, chunks ending on a heading, split fences, junk chunks, small
chunks that could have merged) over all documents, then the worst chunks by
each metric (source, chunk index, the end of the chunk before, the chunk, the
start of the chunk after), so the next audit is one command.  Files that fail
to parse are listed and skipped.  Strategies default to every registered one
except LLM-backed ones (``auto`` included).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict

from chunkline.core.errors import ChunklineError
from chunkline.core.sources import discover
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes
from chunkline.scoring.hygiene import HYGIENE_METRICS, chunk_flags
from chunkline.segmenters.base import SEGMENTERS, parse_strategy, segment


def _clip(s: str, n: int, tail: bool = False) -> str:
    s = s if len(s) <= n else (("…" + s[-n:]) if tail else (s[:n] + "…"))
    return s.replace("\n", "⏎\n        ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-s", "--strategy", action="append", default=[])
    ap.add_argument("--max-tokens", type=int)
    ap.add_argument("--max-chars", type=int)
    ap.add_argument("--overlap", type=int, default=0)
    ap.add_argument("--min-size", type=int, default=0)
    ap.add_argument("--format")
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--exclude", action="append", default=[])
    ap.add_argument("--top", type=int, default=5, help="chunks shown per metric and strategy")
    ap.add_argument("--summary-only", action="store_true")
    a = ap.parse_args(argv)
    names = a.strategy or [n for n in SEGMENTERS.names() if n not in ("lumber", "perplexity")]
    budget = {"max_chars": a.max_chars} if a.max_chars else {"max_tokens": a.max_tokens or 512}
    strategies = [parse_strategy(n, overlap=a.overlap, min_size=a.min_size, **budget) for n in names]
    sources, _ = discover(a.paths, tuple(a.include), tuple(a.exclude))
    parsed_docs = []
    for src in sources:
        try:
            with open(src.path, "rb") as fh:
                data = fh.read()
            parsed_docs.append(parse_bytes(data, ParseContext(src.display, src.path, ParseOptions(format=a.format))))
        except (ChunklineError, OSError, UnicodeDecodeError) as exc:
            print(f"skipped {src.display}: {exc}", file=sys.stderr)
    print(f"{len(parsed_docs)} documents parsed of {len(sources)} found")
    header = f"{'strategy':40} {'chunks':>7} " + " ".join(f"{m:>15}" for m in HYGIENE_METRICS)
    print(header)
    details = {}
    for st in strategies:
        count = get_sizer(st.budget.tokenizer).count
        totals: Counter[str] = Counter()
        n_chunks = 0
        found = defaultdict(list)
        for parsed in parsed_docs:
            try:
                chunks = segment(parsed, st)
            except ChunklineError as exc:
                print(f"  {st.label}: {parsed.document.source}: {exc}", file=sys.stderr)
                totals["failed"] += 1
                continue
            n_chunks += len(chunks)
            spans = [(c.start, c.end) for c in chunks]
            for i, m in chunk_flags(parsed, spans, count, st.budget.max_size, st.budget.min_size):
                totals[m] += 1
                found[m].append((parsed, chunks, i))
        cells = " ".join(f"{totals[m] if (m != 'small_mergeable' or st.budget.min_size) else '-':>15}" for m in HYGIENE_METRICS)
        print(f"{st.label:40} {n_chunks:>7} {cells}" + (f"  ({totals['failed']} documents failed)" if totals["failed"] else ""))
        details[st.label] = found
    if a.summary_only:
        return 0
    for label, found in details.items():
        for m in HYGIENE_METRICS:
            for parsed, chunks, i in found.get(m, [])[: a.top]:
                c = chunks[i]
                text = parsed.document.text
                print(f"\n== {label} {m}: {parsed.document.source} chunk {i} [{c.start}:{c.end}] {c.token_count} {c.tokenizer}")
                if i > 0:
                    print("  before:", _clip(text[chunks[i - 1].start : chunks[i - 1].end], 120, tail=True))
                body = c.text if len(c.text) <= 500 else c.text[:250] + " […] " + c.text[-250:]
                print("  chunk: ", _clip(body, 600))
                if i + 1 < len(chunks):
                    print("  after: ", _clip(chunks[i + 1].text, 120))
    return 0


if __name__ == "__main__":
    sys.exit(main())
