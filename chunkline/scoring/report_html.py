"""``compare --report FILE.html``: one self-contained page with the ranked table and plots.

Why hand-written SVG: the page must open offline, years later, from an
e-mail attachment, so it has no script, no web font, no stylesheet or image
from the network; every plot is an inline ``<svg>`` drawn here from the
report's numbers (size histograms, metric bars, recall@k curves).
"""

from __future__ import annotations

import html
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
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
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
    """Display name: auto's candidate list is long, so it is summarised."""
    if name == "auto" and "candidates=" in label:
        head, _, cands = label.partition("candidates=")
        return f"{head.rstrip(',')} (best of {cands.count('|') + 1})"
    return label


def _table(report: CompareReport) -> str:
    metrics = [m for m in report.metric_names()]
    out = ["<table><thead><tr><th>#</th><th class=l>strategy</th>"]
    for m in metrics:
        out.append(f"<th>{_e(m)}{_arrow(m)}</th>")
    out.append("</tr></thead><tbody>")
    for r in report.results:
        out.append(f"<tr><td>{r.rank}</td><td class=l title=\"{_e(r.label)}\">{_e(short_label(r.label, r.name))}</td>")
        for m in metrics:
            best = r.label in report.best.get(m, ())
            out.append(f"<td{' class=best' if best else ''}>{_e(format_value(m, r.metrics.get(m)))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


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
    """recall@k against k, one line per strategy (log-spaced k positions)."""
    ks = sorted({int(k.split("@")[1]) for r in report.results for k in r.metrics if k.startswith("recall@")})
    w, h, left, base = 640, 300, 50, 260
    parts = [f'<svg class="plot" id="recall" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
    if not ks:
        return parts[0] + "</svg>"
    xs = {k: left + (w - left - 30) * (i / max(len(ks) - 1, 1)) for i, k in enumerate(ks)}
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = base - (base - 20) * frac
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - 20}" y2="{y:.1f}" stroke="#eee"/><text x="8" y="{y + 4:.1f}" font-size="10">{frac:.2f}</text>')
    for k, x in xs.items():
        parts.append(f'<text x="{x - 4:.1f}" y="{base + 16}" font-size="11">{k}</text>')
    parts.append(f'<text x="{w / 2:.0f}" y="{h - 4}" font-size="11">k</text>')
    for i, r in enumerate(report.results):
        pts = [(xs[k], base - (base - 20) * float(r.metrics.get(f"recall@{k}") or 0.0)) for k in ks]
        color = _PALETTE[i % len(_PALETTE)]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}"><title>{_e(short_label(r.label, r.name))}</title></polyline>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in pts)
    parts.append("</svg>")
    return "".join(parts)


def render(report: CompareReport) -> str:
    """The whole page as a string."""
    labels = [short_label(r.label, r.name) for r in report.results]
    body = [f"<h1>chunkline compare: {report.documents} documents, {len(report.results)} strategies</h1>"]
    body.append(f"<p class=note>Ranked by <b>{_e(report.rank_by)}</b>; best value per column in green (↑ higher is better, ↓ lower). "
                f"adaptive = mean of sc, bi, icc, dcc, references_completeness (Adaptive Chunking). Seconds: parse {report.seconds.get('parse', 0):.2f}, "
                f"chunk {report.seconds.get('chunk', 0):.2f}, score {report.seconds.get('score', 0):.2f}.</p>")
    body.append("<h2>Metrics</h2><div style=\"overflow-x:auto\">" + _table(report) + "</div>")
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
    body.append("<h2>Quality metrics</h2>" + _legend(labels) + "<div style=\"overflow-x:auto\">" + metric_bars_svg(report) + "</div>")
    if report.questions:
        body.append(f"<h2>Retrieval: recall@k ({report.questions} questions)</h2>" + _legend(labels) + recall_svg(report))
    for err in report.document_errors:
        body.append(f"<p class=note>error: {_e(err)}</p>")
    return f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>chunkline compare</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"


def write_report(report: CompareReport, path: str) -> None:
    """Write the page atomically (a failed run never leaves a half-written report)."""
    from ..core.io import write_text_atomic

    write_text_atomic(path, render(report))
