"""Half-open character intervals: union, total length, intersection.

Retrieval metrics compare retrieved chunks with gold evidence as sets of
characters.  Working on merged interval lists (never on ``str.find`` of
texts) keeps the arithmetic exact when chunks overlap each other or the same
passage occurs twice in a document.
"""

from __future__ import annotations

from typing import Iterable

Interval = tuple[int, int]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint, non-adjacent-merged union of half-open intervals (empty ones dropped)."""
    out: list[Interval] = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def length(intervals: Iterable[Interval]) -> int:
    """Sum of lengths (not de-duplicated: pass a ``union`` for the covered size)."""
    return sum(e - s for s, e in intervals if e > s)


def intersection_length(a: list[Interval], b: list[Interval]) -> int:
    """Characters in both unions ``a`` and ``b`` (each sorted and disjoint)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if e > s:
            total += e - s
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def overlaps(a: Interval, b: Interval) -> bool:
    """True when the half-open intervals share at least one character."""
    return min(a[1], b[1]) > max(a[0], b[0])
