"""``--fail-under`` / ``--fail-over``: turn metrics into a CI gate.

A threshold is ``metric=value``.  ``--fail-under recall@5=0.8`` fails when
recall@5 < 0.8; ``--fail-over redundancy=0.1`` fails when redundancy > 0.1.
Naming a metric that does not exist, or one this run did not compute (e.g.
``recall`` without ``--questions``), is a usage error: a gate must never pass
by silently checking nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..core.errors import UsageError
from .metrics import SCORE_METRICS

#: Every metric name a report can hold (``recall@K``/``dcg@K`` for any K): the metric table's.
METRIC_NAMES: tuple[str, ...] = SCORE_METRICS
#: Tolerance of a threshold comparison (float rounding of means, far below any reported digit).
_EPS = 1e-9
_AT = re.compile(r"^(recall|dcg)@([1-9][0-9]*)$")


@dataclass(frozen=True, slots=True)
class Threshold:
    metric: str
    op: str  # "under" (fail when value < limit) or "over" (fail when value > limit)
    limit: float


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    metric: str
    op: str
    limit: float
    value: float
    passed: bool


def known_metric(name: str) -> bool:
    return name in METRIC_NAMES or bool(_AT.match(name))


def parse_thresholds(items: Iterable[str], op: str) -> tuple[Threshold, ...]:
    """Parse ``metric=value`` items for one direction."""
    out = []
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip().lower()
        if not eq:
            raise UsageError(f"fail_{op} {item!r} is not metric=value", f"fail_{op}")
        if not known_metric(name):
            raise UsageError(f"fail_{op}: unknown metric {name!r}; metrics: {', '.join(METRIC_NAMES)}, recall@K, dcg@K", f"fail_{op}")
        try:
            limit = float(value)
        except ValueError:
            raise UsageError(f"fail_{op} {item!r}: {value!r} is not a number", f"fail_{op}") from None
        out.append(Threshold(name, op, limit))
    return tuple(out)


def check(thresholds: Iterable[Threshold], metrics: Mapping[str, float | None]) -> tuple[ThresholdResult, ...]:
    """Evaluate thresholds; a metric the run did not compute is a usage error."""
    results = []
    for t in thresholds:
        value = metrics.get(t.metric)
        if value is None:
            raise UsageError(f"metric {t.metric} was not computed in this run ({_why(t.metric)}), so it cannot be a threshold")
        # A mean of exact values can miss them by one ulp (mean([0.7] * 3) == 0.6999999999999998):
        # within _EPS of the limit is at the limit, as the report's rounded value shows.
        passed = value >= t.limit - _EPS if t.op == "under" else value <= t.limit + _EPS
        results.append(ThresholdResult(t.metric, t.op, t.limit, float(value), passed))
    return tuple(results)


def _why(metric: str) -> str:
    if metric in ("recall", "precision", "iou", "precision_omega", "mrr") or _AT.match(metric):
        m = _AT.match(metric)
        return "needs --questions" + (f" and {m.group(2)} in --ks" if m else "")
    if metric in ("size_compliance", "fill_ratio", "sc"):
        return "needs --max-tokens or --max-chars"
    if metric == "small_mergeable":
        return "needs --docs, --min-size and --max-tokens or --max-chars"
    if metric in ("icc", "dcc"):
        return "needs --semantic, and chunks with at least two units"
    return "needs --docs, or the documents have nothing to measure it on"
