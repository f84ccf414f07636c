"""Hygiene: chunks a person would not keep, counted per chunk.

Each measure counts chunks (or fenced blocks) that a chunker could have
avoided within its budget; a case the budget forces (a fenced block larger
than the budget, a junk chunk whose neighbours have no room) is not counted.
The metric names are ``HYGIENE_METRICS``; their descriptions are in the
metric table (``scoring.metrics``).

- ``lone_headings``: chunks whose only content is headings that open content
  after them (the heading belongs to what it opens; ``blocks.heads_something``).
- ``heading_ends``: other chunks whose last content block is a heading with
  content after it.
- ``split_fences``: fenced code blocks that fit the budget but lie whole in
  no chunk (a fence line opens one chunk, its code is in another).
- ``junk_chunks``: chunks with no letter or digit (closing quotes, braces or fences alone)
  that a neighbour could have absorbed within the budget.
- ``small_mergeable``: chunks under ``min_size`` that a neighbour could have
  absorbed within the budget (needs a ``min_size``).

Comments and empty markup (``is_quiet``) are not content: a heading followed
only by ``<!-- added: v10 -->`` still ends its chunk.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Sequence

from ..core.records import ParsedDocument
from ..segmenters.base import BlockIndex
from ..segmenters.blocks import HEADING_KINDS, heads_something, is_fence, is_quiet
from ..segmenters.packing import trim

#: Hygiene metric names, in report order.
HYGIENE_METRICS: tuple[str, ...] = ("lone_headings", "heading_ends", "split_fences", "junk_chunks", "small_mergeable")

_ALNUM = re.compile(r"[^\W_]")


def is_junk(text: str) -> bool:
    """No letter or digit in ``text`` (any script)."""
    return _ALNUM.search(text) is None


def chunk_flags(
    parsed: ParsedDocument,
    spans: Sequence[tuple[int, int]],
    count: Callable[[str], int] | None = None,
    max_size: int | None = None,
    min_size: int = 0,
) -> list[tuple[int, str]]:
    """``(chunk index, metric)`` for every hygiene finding in one document.

    ``spans`` are the document's chunks in order; ``count`` measures a span in
    the budget's unit (needed to tell whether a neighbour had room: without
    ``max_size`` every junk chunk with a neighbour counts).  A split fence is
    reported on the first chunk that overlaps it.
    """
    text = parsed.document.text
    out: list[tuple[int, str]] = []
    content = [b for b in parsed.blocks if not b.furniture and b.end > b.start and not is_quiet(b)]
    index = BlockIndex(content)
    ordered = sorted(content, key=lambda b: (b.start, -b.end))
    starts = [b.start for b in ordered]
    trimmed = [trim(text, s, e) for s, e in spans]
    for i, (s, e) in enumerate(trimmed):
        if s >= e:
            continue
        inside = index.overlapping(s, e)
        if inside:
            last = max(inside, key=lambda b: (b.start, -b.end))
            k = bisect.bisect_right(starts, last.start)
            after = ordered[k] if k < len(ordered) else None
            if last.kind in HEADING_KINDS and last.start >= s and heads_something(last, after):
                lone = all(b.kind in HEADING_KINDS for b in inside)
                out.append((i, "lone_headings" if lone else "heading_ends"))
    if content:
        fences = [b for b in content if is_fence(b)]
        if fences:
            order = sorted(range(len(spans)), key=lambda k: spans[k][0])
            c_starts = [spans[k][0] for k in order]
            for f in fences:
                if max_size is not None and count is not None and count(f.text) > max_size:
                    continue  # the budget forces the cut
                hi = bisect.bisect_left(c_starts, f.end)
                over = [order[k] for k in range(hi) if spans[order[k]][1] > f.start]
                if over and not any(spans[k][0] <= f.start and f.end <= spans[k][1] for k in over):
                    out.append((min(over), "split_fences"))

    def absorbable(i: int) -> bool:
        for j in (i - 1, i + 1):
            if 0 <= j < len(spans):
                if max_size is None or count is None:
                    return True
                a, z = min(spans[i][0], spans[j][0]), max(spans[i][1], spans[j][1])
                if count(text[a:z]) <= max_size:
                    return True
        return False

    for i, (s, e) in enumerate(trimmed):
        if s < e and is_junk(text[s:e]) and absorbable(i):
            out.append((i, "junk_chunks"))
    if min_size and count is not None and len(spans) > 1:
        for i, (s, e) in enumerate(spans):
            if count(text[s:e]) < min_size and absorbable(i):
                out.append((i, "small_mergeable"))
    return sorted(out)


def hygiene_counts(flags: Sequence[tuple[int, str]], min_size: int = 0) -> dict[str, float | None]:
    """Totals per metric (``small_mergeable`` is None without a ``min_size``)."""
    counts: dict[str, float | None] = {m: 0.0 for m in HYGIENE_METRICS}
    for _, m in flags:
        counts[m] = (counts[m] or 0.0) + 1.0
    if not min_size:
        counts["small_mergeable"] = None
    return counts
