"""Size metrics: distribution, compliance with the budget, fill ratio.

Sizes are re-measured in the declared tokenizer (never taken from the
records: other tools' counts may use another tokenizer or be wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..core.tokenizers import get_sizer


@dataclass(frozen=True, slots=True)
class SizeStats:
    """Distribution of chunk sizes in ``tokenizer`` units.  ``compliance`` is
    the share of chunks with ``min_size <= size <= max_size``; ``fill`` the
    mean of ``size / max_size``.  Both are None without a budget."""

    tokenizer: str
    n: int
    min: int
    p10: float
    median: float
    p90: float
    max: int
    mean: float
    max_size: int | None
    min_size: int
    compliance: float | None
    fill: float | None
    over_budget: int


def measure(texts: Sequence[str], tokenizer: str) -> np.ndarray:
    """Exact size of every text in ``tokenizer`` units (int64 array)."""
    sizer = get_sizer(tokenizer)
    count = sizer.count
    return np.fromiter((count(t) for t in texts), dtype=np.int64, count=len(texts))


def size_stats(sizes: np.ndarray, tokenizer: str, max_size: int | None, min_size: int = 0) -> SizeStats:
    """Summarise ``sizes`` against an optional budget ``[min_size, max_size]``."""
    if sizes.size == 0:
        return SizeStats(tokenizer, 0, 0, 0.0, 0.0, 0.0, 0, 0.0, max_size, min_size, None, None, 0)
    p10, med, p90 = (float(x) for x in np.percentile(sizes, [10, 50, 90]))
    compliance = fill = None
    over = 0
    if max_size is not None:
        ok = (sizes >= min_size) & (sizes <= max_size)
        compliance = float(ok.mean())
        fill = float((sizes / max_size).mean())
        over = int((sizes > max_size).sum())
    return SizeStats(
        tokenizer, int(sizes.size), int(sizes.min()), p10, med, p90, int(sizes.max()), float(sizes.mean()),
        max_size, min_size, compliance, fill, over,
    )
