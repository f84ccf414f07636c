"""Perplexities from a server's prompt log-probabilities (Meta-Chunking's PPL chunking, MoC's metrics).

``unit_perplexities``: the perplexity of each unit (sentence) given the text
before it.  Units are sent in batches of about ``window`` tokens, each
prefixed with up to ``context`` tokens of the text before the batch, so
every unit is conditioned on at least that much preceding text (Meta-Chunking
conditions on everything before, within the model's context length).
Batches are independent requests and run concurrently.  A unit's
perplexity is ``exp(-mean log p)`` over the tokens that start in it (a token
with leading spaces counts where its first visible character is); the very
first token of a document has no log-probability and is left out.

``pair_perplexities``: ``ppl(q)`` and ``ppl(q | d)`` for MoC's boundary
clarity and chunk stickiness: the tokens of ``q`` scored alone and after
``d`` + a blank line; the first token of ``q`` is left out of both, since
alone it has no probability.

Token counts for windows are cl100k_base counts (the server's tokenizer is
unknown to chunkline); they bound prompt sizes, not chunk sizes.
"""

from __future__ import annotations

import math
from typing import Sequence

from ..core.tokenizers import get_sizer
from .client import LLMClient

#: Separator between ``d`` and ``q`` in a conditional prompt.
JOIN = "\n\n"


def unit_perplexities(
    client: LLMClient, text: str, units: Sequence[tuple[int, int]], source: str, window: int = 512, context: int = 256
) -> list[float]:
    """Perplexity of each unit ``text[s:e]`` given the text before it (NaN when no token of it was scored)."""
    if not units:
        return []
    count = get_sizer("cl100k_base").count
    sizes = [count(text[s:e]) for s, e in units]
    batches: list[tuple[int, int, int]] = []  # (first unit, end unit, context start offset)
    i = 0
    while i < len(units):
        j, tot = i, 0
        while j < len(units) and (j == i or tot + sizes[j] <= window):
            tot += sizes[j]
            j += 1
        k, back = i, 0
        while k > 0 and back + sizes[k - 1] <= context:
            k -= 1
            back += sizes[k]
        if k == i and i > 0:
            k = i - 1  # always some context: at least the unit before
        batches.append((i, j, units[k][0] if k < i else units[i][0]))
        i = j

    def score(batch: tuple[int, int, int]) -> list[float]:
        a, b, cs = batch
        prompt = text[cs : units[b - 1][1]]
        lp = client.prompt_logprobs(prompt, source)
        out = []
        for s, e in units[a:b]:
            total, n = lp.span(s - cs, e - cs)
            out.append(math.exp(-total / n) if n else math.nan)
        return out

    result: list[float] = []
    for part in client.map(score, batches):
        result.extend(part)
    return result


def pair_perplexities(client: LLMClient, texts: Sequence[str], source: str, band: int = 1, max_chars: int = 4000) -> tuple[list[float], dict[tuple[int, int], float]]:
    """``ppl(q)`` for every chunk text and ``ppl(q | d)`` for pairs ``d < q`` at most ``band`` apart.

    ``d`` is cut to its last ``max_chars`` characters and ``q`` to its first,
    so a prompt fits a small model's context.
    """
    texts = [t[:max_chars] for t in texts]

    def alone(q: int) -> float:
        lp = client.prompt_logprobs(texts[q], source)
        return _ppl_after(lp, 0, len(texts[q]), skip_first=True)

    def given(pair: tuple[int, int]) -> float:
        d, q = pair
        head = texts[d][-max_chars:] + JOIN
        lp = client.prompt_logprobs(head + texts[q], source)
        return _ppl_after(lp, len(head), len(head) + len(texts[q]), skip_first=True)

    n = len(texts)
    pairs = [(d, q) for q in range(1, n) for d in range(max(0, q - band), q)]
    ppl = client.map(alone, range(n))
    cond = client.map(given, pairs)
    return ppl, dict(zip(pairs, cond))


def _ppl_after(lp, start: int, end: int, skip_first: bool) -> float:
    import bisect

    lo = bisect.bisect_left(lp.offsets, start)
    hi = bisect.bisect_left(lp.offsets, end)
    vals = [v for v in lp.logprobs[lo + (1 if skip_first else 0) : hi] if v is not None]
    return math.exp(-sum(vals) / len(vals)) if vals else math.nan


def find_minima(values: Sequence[float], threshold: float = 0.0) -> list[int]:
    """Indices of perplexity minima, Meta-Chunking's rule: ``v[i]`` is below
    both neighbours and at least ``threshold`` below one of them, or below
    the left one by ``threshold`` and equal to the right one.  NaN values
    (units with no scored token) never count and take their left neighbour's
    value for their neighbours' tests."""
    v = list(values)
    for i, x in enumerate(v):
        if math.isnan(x):
            v[i] = v[i - 1] if i else math.inf
    out = []
    for i in range(1, len(v) - 1):
        if math.isnan(values[i]):
            continue
        left, mid, right = v[i - 1], v[i], v[i + 1]
        if mid < left and mid < right:
            if left - mid >= threshold or right - mid >= threshold:
                out.append(i)
        elif mid < left and mid == right and left - mid >= threshold:
            out.append(i)
    return out
