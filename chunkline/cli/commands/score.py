"""``chunkline score``: intrinsic and retrieval quality of a chunk file, with CI thresholds.

Thin: options -> ``ScoreOptions`` -> ``chunkline.scoring.score`` -> a rich
table on stderr (and the JSON report on stdout with ``--json``).  Exit code
``THRESHOLD`` (4) when a --fail-under/--fail-over threshold is missed, else
``INPUTS_FAILED`` (1) when a --docs input could not be read or parsed.
"""

from __future__ import annotations

import sys
from typing import Any, List, Optional

import typer

from ...core.errors import ExitCode
from .. import options as o
from ..app import flag
from .. import llm_flags
from ..reporting import parse_cutoffs
from ._stdout import emit

# ---------------------------------------------------------------- rendering (stderr)

def _groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The table's groups and rows, from the metric table (retrieval is shown apart, with deviations)."""
    from ...scoring.metrics import METRICS, arrow

    groups: dict[str, list[tuple[str, str]]] = {}
    for m in METRICS:
        if m.group in ("Retrieval", "Compare") or m.name == "unlocated":
            continue
        groups.setdefault(m.group, []).append((m.name, m.label + arrow(m.name)))
    return list(groups.items())


def _fmt(name: str, value: Any) -> str:
    if value is None:
        return "n/a"
    if name.startswith("size_") and name != "size_compliance":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:.3f}"


def _render(report, per_document: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    from ...core.tokenizers import unit_phrase

    console = Console(stderr=True)
    m = report.metrics
    loc = report.located
    head = f"{report.records} chunks, {report.documents} documents, sizes in {unit_phrase(report.size.tokenizer)}"
    if report.documents:
        head += f"; located by offsets {loc.get('offsets', 0)}, by search {loc.get('search', 0)}, whitespace-relaxed {loc.get('relaxed', 0)}, not located {report.unlocated}"
    table = Table(title=f"chunkline score: {report.chunks_file}", caption=head, show_lines=False)
    table.add_column("group")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for group, items in _groups():
        first = True
        for key, label in items:
            if key not in m:
                continue
            table.add_row(group if first else "", label, _fmt(key, m[key]))
            first = False
    r = report.retrieval
    if r:
        group = f"Retrieval ({r['retriever']}, k={r['k']}, {r['questions']} questions)"
        rows = [("recall", "recall ↑"), ("precision", "precision ↑"), ("iou", "IoU ↑"), ("precision_omega", "precision-Ω ↑"), ("mrr", "MRR ↑")]
        first = True
        for key, label in rows:
            table.add_row(group if first else "", label, f"{m[key]:.3f} ± {r[key + '_std']:.3f}")
            first = False
        for key in sorted((k for k in m if "@" in k), key=lambda k: (k.split("@")[0], int(k.split("@")[1]))):
            table.add_row("", key, f"{m[key]:.3f}")
    console.print(table)
    if report.comparison:
        ct = Table(title=f"vs baseline {report.comparison['baseline']} (paired bootstrap, 95% CI)")
        for col in ("metric", "this", "baseline", "difference", "95% CI"):
            ct.add_column(col, justify="right" if col != "metric" else "left")
        for name, v in report.comparison["metrics"].items():
            ct.add_row(name, f"{v['value']:.3f}", f"{v['baseline']:.3f}", f"{v['diff']:+.3f}", f"[{v['ci95'][0]:+.3f}, {v['ci95'][1]:+.3f}]")
        console.print(ct)
    if per_document and report.per_document:
        pt = Table(title="per document")
        keys = ["source", "chunks", "icc", "dcc", "sc", "boundary_clarity", "chunk_stickiness"]
        for kname in keys:
            pt.add_column(kname)
        for row in report.per_document:
            pt.add_row(*[(str(row.get(kname)) if not isinstance(row.get(kname), float) else f"{row[kname]:.3f}") if row.get(kname) is not None else "–" for kname in keys])
        console.print(pt)


def _notes(report, quiet: bool) -> None:
    """Lines after the table.  Errors and missed thresholds print even with --quiet: they explain the exit code."""
    from ..reporting import say

    for err in report.document_errors:
        say("error", err)
    if report.documents_from == "sources" and not quiet:
        say("note", f"scored against the {report.documents} document(s) the chunks name as their source (--docs chooses others)")
    if report.unmatched_documents and not quiet:
        say("warning", f"chunks name documents not in --docs: {', '.join(report.unmatched_documents[:5])}")
    for t in report.thresholds:
        if quiet and t.passed:
            continue
        sign = "≥" if t.op == "under" else "≤"
        status = "ok" if t.passed else "FAILED"
        sys.stderr.write(f"threshold {t.metric} {sign} {t.limit:g}: {t.value:.4f} {status}\n")



def register(app: typer.Typer) -> None:
    @app.command("score", no_args_is_help=True)
    def score_cmd(
        chunks: str = typer.Argument(..., metavar="CHUNKS", help="Chunk JSONL (chunkline's, or any tool's records with 'text'), or - for stdin."),
        docs: Optional[List[str]] = typer.Option(
            None, "--docs", "-d", help="Documents the chunks came from (files, directories, globs; repeatable). Default: the files the chunk records name as their source, where they exist."
        ),
        fmt: Optional[str] = typer.Option(None, "--format", "-f", help="Format of --docs (default: by extension)."),
        questions: Optional[str] = o.QUESTIONS(),
        k: int = o.TOP_K(),
        ks: str = o.KS(),
        retriever: str = o.RETRIEVER(),
        embedder: str = o.EMBEDDER(),
        max_tokens: Optional[int] = typer.Option(None, "--max-tokens", "-t", help="Budget the chunks were made for (size compliance, fill ratio)."),
        max_chars: Optional[int] = typer.Option(None, "--max-chars", "-c", help="Budget in characters (instead of tokens)."),
        min_size: int = typer.Option(0, "--min-size", help="Lower size bound for size compliance."),
        tokenizer: Optional[str] = typer.Option(None, "--tokenizer", "-T", help="Tokenizer for sizes (default: the one the chunks declare, else cl100k_base)."),
        semantic: bool = o.SEMANTIC(False),
        boundaries: bool = o.BOUNDARIES(),
        lm: bool = typer.Option(False, "--lm", help="Also boundary clarity and chunk stickiness from a language model's perplexities (LLM endpoint with prompt log-probabilities)."),
        embed_context: bool = typer.Option(False, "--embed-context", help="Retrieval ranks each chunk's context + text (breadcrumbs, --contextualize)."),
        llm_url: Optional[str] = llm_flags.opt_url(),
        llm_model: Optional[str] = llm_flags.opt_model(),
        llm_cache: Optional[str] = llm_flags.opt_cache(),
        llm_concurrency: Optional[int] = llm_flags.opt_concurrency(),
        llm_bos: Optional[str] = llm_flags.opt_bos(),
        baseline: Optional[str] = typer.Option(None, "--baseline", help="Another chunk file of the same documents: paired bootstrap CIs of the retrieval differences."),
        fail_under: Optional[List[str]] = typer.Option(None, "--fail-under", help="metric=value: exit 4 when the metric is below value (repeatable)."),
        fail_over: Optional[List[str]] = typer.Option(None, "--fail-over", help="metric=value: exit 4 when the metric is above value (repeatable)."),
        as_json: bool = o.JSON(),
        per_document: bool = typer.Option(False, "--per-document", help="Also show per-document scores in the table."),
        quiet: bool = o.QUIET(),
        debug: bool = o.DEBUG(),
    ) -> int:
        """Score a chunking: size, coverage, integrity, cohesion, boundaries; retrieval with --questions."""
        from ...scoring import ScoreOptions, score
        from ...scoring.api import score_budget
        from ...scoring.thresholds import parse_thresholds

        cutoffs = parse_cutoffs(ks, max_tokens, max_chars)
        unit, max_size = score_budget(max_tokens, max_chars, tokenizer)
        opts = ScoreOptions(
            chunks=chunks,
            docs=tuple(docs or ()),
            format=fmt,
            questions=questions,
            k=k,
            ks=cutoffs,
            retriever=retriever,
            embedder=embedder,
            tokenizer=unit,
            max_size=max_size,
            min_size=min_size,
            semantic=semantic,
            boundaries=boundaries,
            embed_context=embed_context,
            lm=llm_flags.settings(llm_url, llm_model, llm_cache, llm_concurrency, llm_bos) if lm else None,
            baseline=baseline,
            thresholds=parse_thresholds(fail_under or (), "under") + parse_thresholds(fail_over or (), "over"),
        )
        report = score(opts, shown=flag)
        if as_json:
            import json

            emit(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        if not quiet:
            _render(report, per_document)
        _notes(report, quiet)
        if not report.passed:
            return int(ExitCode.THRESHOLD)
        return int(ExitCode.INPUTS_FAILED if report.document_errors else ExitCode.OK)
