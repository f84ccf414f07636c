"""``compare --report FILE.html``: one self-contained page with the ranked table and plots.

Why hand-written SVG: the page must open offline, years later, from an
e-mail attachment, so it has no script, no web font, no stylesheet or image
from the network; every plot is an inline ``<svg>`` drawn here from the
report's numbers (size histograms, metric bars, recall@k curves).
"""

from __future__ import annotations

import html
import re
from typing import Sequence

from .compare import CompareReport
from .metrics import arrow as _arrow

_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
_BAR_METRICS = ("adaptive", "sc", "bi", "icc", "dcc", "references_completeness", "coverage", "blocks_cut", "sentences_cut", "boundary_clarity")
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}td.best{background:#d8f5d0;font-weight:600}
.note{color:#555;font-size:12px}svg{background:#fff;border:1px solid #ddd;margin:6px 0}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.wide{overflow-x:auto;max-width:100%}
th.c0,td.c0{position:sticky;left:0;z-index:1;background:#fff;min-width:18px}th.c0{background:#f3f3f3}
th.c1,td.c1{position:sticky;left:30px;z-index:1;background:#fff;box-shadow:2px 0 0 #ccc}th.c1{background:#f3f3f3}
th.rankby{background:#e4ecf7}td.rankby{font-weight:600}td.best.rankby{background:#d8f5d0}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
"""


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def format_value(metric: str, v: float | None) -> str:
    """A metric value as the table and the HTML report show it (counts and sizes whole, seconds to 0.01, others to 0.001)."""
    if v is None:
        return "–"
    if metric in ("chunks",) or (metric.startswith("size_") and metric != "size_compliance"):
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
    if metric == "seconds":
        return f"{v:.2f}"
    return f"{v:.3f}"


def short_label(label: str, name: str) -> str:
    """Display name: auto's candidate list is long, so it is summarised; when
    its candidates have different budgets the summary names their range
    (``auto:max_tokens=256..512``), not auto's own budget (the largest)."""
    if name == "auto" and "candidates=" in label:
        head, _, cands = label.partition("candidates=")
        head = head.rstrip(",")
        for unit in ("max_tokens", "max_chars"):
            sizes = sorted({int(m) for m in re.findall(rf"\b{unit}=(\d+)", cands)})
            if len(sizes) > 1:
                head = re.sub(rf"\b{unit}=\d+", f"{unit}={sizes[0]}..{sizes[-1]}", head)
        return f"{head} (best of {cands.count('|') + 1})"
    return label


def _table(report: CompareReport) -> str:
    """Rank, strategy and the ranking metric first (readable without scrolling);
    the other metrics follow, and the first two columns stay in view while the
    table scrolls sideways inside its wrapper."""
    names = report.metric_names()
    metrics = ([report.rank_by] if report.rank_by in names else []) + [m for m in names if m != report.rank_by]
    out = ["<table><thead><tr><th class=\"c0\">#</th><th class=\"l c1\">strategy</th>"]
    for m in metrics:
        cls = " class=rankby" if m == report.rank_by else ""
        out.append(f"<th{cls}>{_e(m)}{_arrow(m)}</th>")
    out.append("</tr></thead><tbody>")
    for r in report.results:
        out.append(f"<tr><td class=\"c0\">{r.rank}</td><td class=\"l c1\" title=\"{_e(r.label)}\">{_e(short_label(r.label, r.name))}</td>")
        for m in metrics:
            classes = " ".join(c for c, on in (("best", r.label in report.best.get(m, ())), ("rankby", m == report.rank_by)) if on)
            out.append(f"<td{f' class={chr(34)}{classes}{chr(34)}' if classes else ''}>{_e(format_value(m, r.metrics.get(m)))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


#: recall@k lines: a dash pattern and a marker shape per strategy besides the colour,
#: so a line drawn over an identical one (auto and the strategy it chose) still shows both.
_DASHES = ("", "7 4", "2 3", "10 3 2 3", "4 4", "1 5", "12 6", "6 2 2 2 2 2")
_MARKERS = ("circle", "square", "triangle", "diamond", "down", "plus", "cross", "star")


def _marker(shape: str, x: float, y: float, color: str, r: float = 3.5) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="none" stroke="{color}" stroke-width="1.5"/>'
    pts = {
        "triangle": ((0, -r - 1), (r + 1, r), (-r - 1, r)),
        "down": ((0, r + 1), (r + 1, -r), (-r - 1, -r)),
        "diamond": ((0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)),
        "star": ((0, -r - 1), (1.2, -1.2), (r + 1, 0), (1.2, 1.2), (0, r + 1), (-1.2, 1.2), (-r - 1, 0), (-1.2, -1.2)),
    }.get(shape)
    if pts is not None:
        fill = "none" if shape in ("triangle", "down") else color
        return f'<polygon points="{" ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in pts)}" fill="{fill}" stroke="{color}" stroke-width="1.5"/>'
    d = r + 1
    if shape == "plus":
        return f'<path d="M{x - d:.1f},{y:.1f}H{x + d:.1f}M{x:.1f},{y - d:.1f}V{y + d:.1f}" stroke="{color}" stroke-width="2"/>'
    return f'<path d="M{x - d:.1f},{y - d:.1f}L{x + d:.1f},{y + d:.1f}M{x - d:.1f},{y + d:.1f}L{x + d:.1f},{y - d:.1f}" stroke="{color}" stroke-width="2"/>'


def _line_legend(labels: Sequence[str]) -> str:
    """The recall plot's legend: each strategy's colour, dash pattern and marker."""
    items = []
    for i, lab in enumerate(labels):
        color, dash = _PALETTE[i % len(_PALETTE)], _DASHES[i % len(_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<span><svg width="36" height="12" style="border:0;margin:0;vertical-align:middle"><line x1="1" y1="6" x2="35" y2="6" stroke="{color}" stroke-width="2"{dash_attr}/>'
                     f'{_marker(_MARKERS[i % len(_MARKERS)], 18, 6, color, 3)}</svg> {_e(lab)}</span>')
    return "<div class=legend>" + "".join(items) + "</div>"


def _legend(labels: Sequence[str]) -> str:
    return "<div class=legend>" + "".join(f"<span><i style=\"background:{_PALETTE[i % len(_PALETTE)]}\"></i>{_e(lab)}</span>" for i, lab in enumerate(labels)) + "</div>"


def size_svg(report: CompareReport) -> str:
    """Small multiples: one histogram of chunk sizes per strategy."""
    rows = report.results
    w, row_h, left = 760, 70, 260
    h = row_h * len(rows) + 30
    edges = report.bin_edges
    nb = len(edges) - 1
    bw = (w - left - 20) / nb
    parts = [f'<svg class="plot" id="sizes" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    for i, r in enumerate(rows):
        y0 = 10 + i * row_h
        top = max(r.histogram, default=0) or 1
        parts.append(f'<text x="4" y="{y0 + row_h / 2:.0f}" font-size="11">{_e(short_label(r.label, r.name)[:42])}</text>')
        for j, c in enumerate(r.histogram):
            bh = (row_h - 16) * c / top
            parts.append(f'<rect x="{left + j * bw:.1f}" y="{y0 + row_h - 12 - bh:.1f}" width="{bw - 1:.1f}" height="{bh:.1f}" fill="{_PALETTE[i % len(_PALETTE)]}"><title>{c} chunks in [{edges[j]:.0f}, {edges[j + 1]:.0f})</title></rect>')
        parts.append(f'<line x1="{left}" y1="{y0 + row_h - 12}" x2="{w - 20}" y2="{y0 + row_h - 12}" stroke="#999"/>')
    parts.append(f'<text x="{left}" y="{h - 4}" font-size="11">0</text><text x="{w - 60}" y="{h - 4}" font-size="11">{edges[-1]:.0f} (size)</text>')
    parts.append("</svg>")
    return "".join(parts)


def _label_width(text: str, font_px: float = 11) -> int:
    """A generous estimate of the width of ``text`` in a sans-serif font (no font metrics offline)."""
    return int(len(text) * font_px * 0.62 + 0.5)


def metric_bars_svg(report: CompareReport) -> str:
    """Grouped bars: for each quality metric, one bar per strategy."""
    metrics = [m for m in _BAR_METRICS if any(r.metrics.get(m) is not None for r in report.results)]
    rows = report.results
    n = max(len(rows), 1)
    # wide enough for its label too ("references_completeness ↑" at 11px): labels never run into each other
    group_w = max(24 * n + 20, 90, *(_label_width(f"{m} ↑") + 12 for m in metrics))
    w, h, base = 60 + group_w * len(metrics), 260, 210
    top = max([1.0] + [float(r.metrics.get(m) or 0.0) for r in rows for m in metrics])
    parts = [f'<svg class="plot" id="metrics" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    parts.append(f'<line x1="40" y1="{base}" x2="{w - 10}" y2="{base}" stroke="#999"/><text x="4" y="24" font-size="10">{top:.2f}</text><text x="4" y="{base}" font-size="10">0</text>')
    for gi, m in enumerate(metrics):
        x0 = 50 + gi * group_w
        for i, r in enumerate(rows):
            v = float(r.metrics.get(m) or 0.0)
            bh = (base - 20) * v / top
            parts.append(f'<rect x="{x0 + i * 24}" y="{base - bh:.1f}" width="20" height="{bh:.1f}" fill="{_PALETTE[i % len(_PALETTE)]}"><title>{_e(short_label(r.label, r.name))}: {m} = {v:.3f}</title></rect>')
        parts.append(f'<text x="{x0}" y="{base + 16}" font-size="11">{_e(m)}{_arrow(m)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def recall_svg(report: CompareReport) -> str:
    """recall@k against k, one line per strategy (log-spaced k positions): each
    line has its own colour, dash pattern and marker, and is named at its right
    end (names pushed apart where lines end at the same value)."""
    ks = sorted({int(k.split("@")[1]) for r in report.results for k in r.metrics if k.startswith("recall@")})
    labels = [short_label(r.label, r.name) for r in report.results]
    label_w = min(max((_label_width(f"{i + 1}. {lab}", 10) for i, lab in enumerate(labels)), default=0) + 16, 320)
    plot_w, left, base = 610, 50, 260
    right = left + plot_w - 30  # the x of the largest k
    w, h = left + plot_w + label_w, max(300, 40 + 13 * len(labels))
    parts = [f'<svg class="plot" id="recall" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    if not ks:
        return parts[0] + "</svg>"
    xs = {k: left + (right - left) * (i / max(len(ks) - 1, 1)) for i, k in enumerate(ks)}
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = base - (base - 20) * frac
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right + 10}" y2="{y:.1f}" stroke="#eee"/><text x="8" y="{y + 4:.1f}" font-size="10">{frac:.2f}</text>')
    for k, x in xs.items():
        parts.append(f'<text x="{x - 4:.1f}" y="{base + 16}" font-size="11">{k}</text>')
    parts.append(f'<text x="{(left + right) / 2:.0f}" y="{base + 34}" font-size="11">k</text>')
    ends: list[tuple[float, int]] = []
    seen: dict[tuple[int, float], int] = {}  # (k, value) -> lines through that point so far
    # the best-ranked strategy is drawn first (solid); the dashed lines after it let it show
    # through their gaps, and a point several lines share is drawn 2.5 px lower per line before
    for i, r in enumerate(report.results):
        pts = []
        for k in ks:
            v = round(float(r.metrics.get(f"recall@{k}") or 0.0), 6)
            tie = seen.get((k, v), 0)
            seen[(k, v)] = tie + 1
            pts.append((xs[k], base - (base - 20) * v + 2.5 * tie))
        color, dash = _PALETTE[i % len(_PALETTE)], _DASHES[i % len(_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline class="recall-line" fill="none" stroke="{color}" stroke-width="2"{dash_attr} points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}"><title>{_e(labels[i])}</title></polyline>')
        parts.extend(_marker(_MARKERS[i % len(_MARKERS)], x, y, color) for x, y in pts)
        ends.append((pts[-1][1], i))
    # direct labels at the right end, in the order of the lines' last values, at least 12 px apart
    placed: list[tuple[float, int]] = []
    for y, i in sorted(ends):
        y = max(y + 4, placed[-1][0] + 12) if placed else y + 4
        placed.append((y, i))
    overflow = placed[-1][0] - (h - 4) if placed else 0
    for y, i in placed:
        y -= max(0.0, overflow)
        parts.append(f'<text class="end-label" x="{right + 14}" y="{y:.1f}" font-size="10" fill="{_PALETTE[i % len(_PALETTE)]}">{i + 1}. {_e(labels[i])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(report: CompareReport) -> str:
    """The whole page as a string."""
    labels = [short_label(r.label, r.name) for r in report.results]
    body = [f"<h1>chunkline compare: {report.documents} documents, {len(report.results)} strategies</h1>"]
    units = report.units_note()
    body.append(f"<p class=note>Ranked by <b>{_e(report.rank_by)}</b>; {_e(units) + '; ' if units else ''}best value per column in green (↑ higher is better, ↓ lower). "
                f"adaptive = mean of sc, bi, icc, dcc, references_completeness (Adaptive Chunking). Seconds: parse {report.seconds.get('parse', 0):.2f}, "
                f"chunk {report.seconds.get('chunk', 0):.2f}, score {report.seconds.get('score', 0):.2f}.</p>")
    body.append("<h2>Metrics</h2><div class=wide>" + _table(report) + "</div>")
    avb = report.auto_vs_best
    if avb:
        line = f"auto {avb['metric']} = {format_value('', avb['auto'])} vs best single strategy {_e(avb['best_single'])} = {format_value('', avb['best_value'])}"
        if "ci95" in avb:
            line += f"; paired bootstrap difference {avb['diff']:+.3f}, 95% CI [{avb['ci95'][0]:+.3f}, {avb['ci95'][1]:+.3f}]"
        body.append(f"<p class=note>{line}.</p>")
    for r in report.results:
        if r.choices:
            body.append("<p class=note>auto chose: " + ", ".join(f"{_e(k)} for {v} document(s)" for k, v in sorted(r.choices.items(), key=lambda kv: -kv[1])) + "</p>")
    body.append("<h2>Chunk size distribution</h2>" + size_svg(report))
    body.append("<h2>Quality metrics</h2>" + _legend(labels) + "<div class=wide>" + metric_bars_svg(report) + "</div>")
    if report.questions:
        body.append(f"<h2>Retrieval: recall@k ({report.questions} questions)</h2>" + _line_legend([f"{i + 1}. {lab}" for i, lab in enumerate(labels)])
                    + "<div class=wide>" + recall_svg(report) + "</div>")
    for err in report.document_errors:
        body.append(f"<p class=note>error: {_e(err)}</p>")
    return f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>chunkline compare</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"


def write_report(report: CompareReport, path: str) -> None:
    """Write the page atomically (a failed run never leaves a half-written report)."""
    from ..core.io import write_text_atomic

    write_text_atomic(path, render(report))
