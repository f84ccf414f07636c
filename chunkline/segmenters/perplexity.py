"""``perplexity``: Meta-Chunking's PPL chunking (Zhao et al. 2024) through any OpenAI-compatible endpoint.

Per content region:

1. **Units**: sentences of the prose blocks; headings, tables and code
   blocks are one unit each.
2. **Perplexity**: each unit's perplexity given the text before it, from
   the server's prompt log-probabilities (``chunkline.llm.perplexity``;
   ``window`` tokens per request, at least ``context`` tokens before).  A
   server that gives none is an error naming what is missing.
3. **Boundaries**: at the perplexity minima (``find_minima``, the paper's
   rule with ``threshold``): a sentence the model predicts well from what
   came before, followed by one it predicts badly, ends a chunk.  As in
   Meta-Chunking's code, the chunk ends *after* the minimum.
4. **Budget**: a segment over ``max_tokens`` is split by the recursive
   rules (``meta.budget_split``); consecutive segments merge while the
   current one is under ``min_size`` (default ``min_fraction`` of the
   budget) and the two fit (Meta-Chunking merges its small chunks likewise).

Chunks carry ``meta.llm_boundary``: ``"model"`` (a minimum) or ``"end"``
(region end).  Units that got no scored token (NaN) never make a minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.records import ParsedDocument
from ..core.spans import trim
from ..core.tokenizers import get_sizer
from ..llm.client import get_client
from ..llm.perplexity import find_minima, unit_perplexities
from ..llm.settings import LLMOptions
from ._llm import block_units, held
from .base import SegmentContext, Span


@dataclass(frozen=True)
class PerplexityParams(LLMOptions):
    """threshold: how far (in perplexity) a minimum must lie below a neighbour (Meta-Chunking's 0 by default).
    window: cl100k tokens of sentences scored per request; context: at least this many tokens before them.
    min_fraction: without ``--min-size``, segments under this share of the budget merge with the next.
    Plus the LLM options (llm_url, llm_model, llm_cache, llm_concurrency, llm_timeout, llm_retries)."""

    threshold: float = 0.0
    window: int = 512
    context: int = 256
    min_fraction: float = 0.125

    def __post_init__(self) -> None:
        LLMOptions.__post_init__(self)
        if self.threshold < 0:
            raise ValueError("threshold must be 0 or more")
        if self.window < 1 or self.context < 0:
            raise ValueError("window must be at least 1 and context at least 0")
        if not 0 <= self.min_fraction <= 1:
            raise ValueError("min_fraction must be between 0 and 1")


def perplexity(parsed: ParsedDocument, ctx: SegmentContext):
    p: PerplexityParams = ctx.params or PerplexityParams()
    client = get_client(p.llm_settings())
    text = parsed.document.text
    source = parsed.document.source
    count = get_sizer("cl100k_base").count
    limit = ctx.budget.max_size
    min_size = ctx.budget.min_size or int(p.min_fraction * limit)
    for rs, re_ in ctx.regions(parsed):
        units = block_units(parsed, ctx, rs, re_, None, count)
        if not units:
            continue
        ppl = unit_perplexities(client, text, units, source, p.window, p.context)
        cuts = [m + 1 for m in find_minima(ppl, p.threshold)]
        bounds = [0, *cuts, len(units)]
        segs = [(units[a][0], units[b - 1][1]) for a, b in zip(bounds, bounds[1:]) if a < b]
        yield from _merged(text, segs, ctx, limit, min_size)


def _merged(text: str, segs: list[tuple[int, int]], ctx: SegmentContext, limit: int, min_size: int):
    """Segments joined forward while the current one is under ``min_size`` and the join fits."""
    count = ctx.sizer.count
    i, n = 0, len(segs)
    while i < n:
        s, e = segs[i]
        j = i + 1
        size = count(text[s:e])
        while size < min_size and j < n:
            joined = count(text[s : segs[j][1]])
            if joined > limit:
                break
            e, size, j = segs[j][1], joined, j + 1
        s, e = trim(text, s, e)
        if s < e:
            meta = {"llm_boundary": "end" if j == n else "model"}
            if size <= limit:
                yield Span(s, e, count=size, meta=meta)
            else:
                yield from held(text, s, e, ctx, meta)
        i = j
