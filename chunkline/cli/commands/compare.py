"""``chunkline compare``: several strategies on the same documents, ranked.

Thin: options -> ``CompareOptions`` -> ``chunkline.scoring.compare.compare``
-> a ranked rich table on stderr (best per column highlighted), ``--json`` or
``--csv`` on stdout, ``--report FILE.html``, ``--show DOC`` boundaries.
"""

from __future__ import annotations

from typing import Any, List, Optional

import typer

from ...core.errors import ExitCode, UsageError
from .. import llm_flags
from .. import options as o
from ..app import flag
from ..reporting import Reporter, parse_cutoffs, say
from ._stdout import emit

#: Columns of the terminal table (all metrics go to --json/--csv/--report).
DEFAULT_COLUMNS = ("chunks", "size_median", "coverage", "blocks_cut", "sentences_cut", "references_completeness", "icc", "dcc", "bi", "boundary_clarity", "adaptive", "recall@1", "recall@5", "mrr", "seconds")


_SHORT = {"size_median": "median", "coverage": "cover", "blocks_cut": "blk cut", "sentences_cut": "sent cut", "references_completeness": "refs",
          "boundary_clarity": "BC", "adaptive": "adapt", "seconds": "sec", "size_compliance": "SC"}


def _render(report, columns: tuple[str, ...]) -> None:
    from rich.console import Console
    from rich.table import Table

    from ...scoring.metrics import arrow
    from ...scoring.report_html import format_value, short_label

    console = Console(stderr=True)
    if not console.is_terminal:
        console = Console(stderr=True, width=220)  # a log file: no need to squeeze into 80 columns
    names = report.metric_names()
    cols = [c for c in columns if c in names]
    unknown = [c for c in columns if c not in names]
    if unknown and columns is not DEFAULT_COLUMNS:
        say("warning", f"--columns: not a metric of this run: {', '.join(unknown)} (metrics: {', '.join(names)})")
    title = f"chunkline compare: {report.documents} documents, ranked by {report.rank_by}"
    if report.questions:
        title += f" ({report.questions} questions, {report.settings.get('retriever')})"
    caption = "; ".join(x for x in (report.units_note(), "green: best per column; ↑ higher is better, ↓ lower") if x)
    table = Table(title=title, caption=caption, show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("strategy", no_wrap=True)
    for c in cols:
        table.add_column(_SHORT.get(c, c) + arrow(c), justify="right")
    for r in report.results:
        cells = []
        for c in cols:
            text = format_value(c, r.metrics.get(c))
            cells.append(f"[bold green]{text}[/]" if r.label in report.best.get(c, ()) else text)
        table.add_row(str(r.rank), short_label(r.label, r.name), *cells)
    console.print(table)
    avb = report.auto_vs_best
    if avb and avb.get("auto") is not None:
        line = f"auto {avb['metric']} {avb['auto']:.3f} vs best single {avb['best_single']} {avb['best_value']:.3f}"
        if "ci95" in avb:
            line += f" (paired bootstrap {avb['diff']:+.3f}, 95% CI [{avb['ci95'][0]:+.3f}, {avb['ci95'][1]:+.3f}])"
        console.print(line, markup=False, highlight=False)
    for r in report.results:
        if r.choices:
            console.print("auto chose: " + ", ".join(f"{k} ({v} docs)" for k, v in sorted(r.choices.items(), key=lambda kv: -kv[1])), markup=False, highlight=False)
    if report.show is not None:
        _render_show(console, report.show)


def _render_show(console, show) -> None:
    from rich.table import Table

    t = Table(title=f"chunk starts in {show.source}: {show.shared} shared of {len(show.rows)}", caption=f"A = {show.a}\nB = {show.b}")
    t.add_column("offset", justify="right", no_wrap=True)
    t.add_column("line", justify="right", no_wrap=True)
    t.add_column("A", justify="left", no_wrap=True)
    t.add_column("B", justify="left", no_wrap=True)
    t.add_column("text at the boundary", overflow="ellipsis", no_wrap=True)
    for r in show.rows:
        a = f"[cyan]┃ {r.a}[/]" if r.a is not None else ""
        b = f"[magenta]┃ {r.b}[/]" if r.b is not None else ""
        t.add_row(str(r.offset), str(r.line), a, b, r.snippet.replace("[", r"\["))
    console.print(t)


def _csv(report) -> str:
    import csv
    import io

    buf = io.StringIO()
    names = report.metric_names()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rank", "strategy", *names])
    for r in report.results:
        w.writerow([r.rank, r.label, *["" if r.metrics.get(m) is None else f"{r.metrics[m]:.6g}" for m in names]])
    return buf.getvalue()


def register(app: typer.Typer) -> None:
    @app.command("compare", no_args_is_help=True)
    def compare_cmd(
        paths: List[str] = typer.Argument(..., help="Files, directories or globs."),
        strategy: Optional[List[str]] = typer.Option(None, "--strategy", "-s", help="NAME[:key=value,...], repeatable (default: one per family fitting the formats)."),
        config: Optional[str] = typer.Option(None, "--config", help="TOML file of strategies; lists are grids (max_tokens = [256, 512])."),
        max_tokens: Optional[int] = o.MAX_TOKENS(),
        max_chars: Optional[int] = o.MAX_CHARS(),
        tokenizer: Optional[str] = o.TOKENIZER(),
        no_auto: bool = typer.Option(False, "--no-auto", help="Do not add the auto row (auto over the compared strategies)."),
        questions: Optional[str] = o.QUESTIONS(),
        k: int = o.TOP_K(),
        ks: str = o.KS(),
        retriever: str = o.RETRIEVER(),
        embedder: str = o.EMBEDDER(),
        semantic: bool = o.SEMANTIC(True),
        boundaries: bool = o.BOUNDARIES(),
        embed_context: bool = typer.Option(False, "--embed-context", help="Retrieval ranks each chunk's context + text (breadcrumbs, contextualize=true)."),
        llm_url: Optional[str] = llm_flags.opt_url(),
        llm_model: Optional[str] = llm_flags.opt_model(),
        llm_cache: Optional[str] = llm_flags.opt_cache(),
        llm_concurrency: Optional[int] = llm_flags.opt_concurrency(),
        llm_bos: Optional[str] = llm_flags.opt_bos(),
        rank_by: Optional[str] = typer.Option(None, "--rank-by", help="Metric to rank by (default recall@K with questions, else adaptive). Ties: single strategies before auto, then the order the strategies were given."),
        columns: Optional[str] = typer.Option(None, "--columns", help="Comma-separated metrics for the terminal table."),
        show: Optional[str] = typer.Option(None, "--show", help="Show chunk boundaries of this document for two strategies."),
        show_pair: Optional[str] = typer.Option(None, "--show-pair", help="A,B: the two strategies for --show (ranks or labels; default: the best single strategy and the next-ranked one whose chunks differ on that document)."),
        report_path: Optional[str] = typer.Option(None, "--report", help="Write a self-contained HTML report (table and plots)."),
        as_json: bool = o.JSON(),
        as_csv: bool = typer.Option(False, "--csv", help="Print one CSV row per strategy on stdout."),
        fmt: Optional[str] = o.FORMAT(),
        include: Optional[List[str]] = o.INCLUDE(),
        exclude: Optional[List[str]] = o.EXCLUDE(),
        jobs: int = o.JOBS(),
        quiet: bool = o.QUIET(),
        debug: bool = o.DEBUG(),
    ) -> int:
        """Compare chunking strategies on the same documents: every score metric, ranked; auto included."""
        from ...run import FileResult
        from ...scoring.compare import CompareOptions, compare, load_config
        from ...segmenters.base import asks_model, parse_strategy

        if as_json and as_csv:
            raise UsageError("give --json or --csv, not both")
        cutoffs = parse_cutoffs(ks, max_tokens, max_chars)
        if tokenizer is None and max_chars is None:
            tokenizer = "cl100k_base"  # one unit for every row (ast alone would default to nws)
        budget: dict[str, Any] = {"max_tokens": max_tokens, "max_chars": max_chars, "tokenizer": tokenizer}
        # the --llm-* flags go to the strategies that ask a model (lumber, perplexity, contextualize=true)
        llm = llm_flags.strategy_options(llm_url, llm_model, llm_cache, llm_concurrency, llm_bos)
        if llm and not any(asks_model(s) for s in strategy or ()):
            raise UsageError(f"{llm_flags.first_flag(llm)} needs a strategy that asks a model (-s lumber, -s perplexity, or contextualize=true)")
        strategies = tuple(parse_strategy(s, **budget, options=llm if asks_model(s) else None) for s in strategy or ())
        if config:
            strategies += load_config(config, **budget)
        pair = None
        if show_pair:
            bits = [b.strip() for b in show_pair.split(",") if b.strip()] if "|" not in show_pair else [b.strip() for b in show_pair.split("|")]
            if len(bits) != 2:
                raise UsageError("--show-pair takes two strategies: A,B (ranks or labels; use A|B when labels hold commas)")
            pair = (bits[0], bits[1])
        opts = CompareOptions(
            paths=tuple(paths), strategies=strategies, default_budget=budget, include_auto=not no_auto,
            parse=o.parse_options(fmt), include=tuple(include or ()), exclude=tuple(exclude or ()),
            questions=questions, k=k, ks=cutoffs, retriever=retriever, embedder=embedder, semantic=semantic, boundaries=boundaries, embed_context=embed_context,
            rank_by=rank_by, show=show, show_pair=pair, jobs=jobs,
        )
        rep = Reporter(quiet, False, "chunking")
        with rep.running():
            report = compare(opts, on_start=rep.start, on_result=lambda d, e, w: rep.result(FileResult(d, error=e, warnings=w)), shown=flag)
        if report_path:
            from ...scoring.report_html import write_report

            write_report(report, report_path)
        if as_json:
            import json

            emit(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        elif as_csv:
            emit(_csv(report))
        if not quiet:
            cols = tuple(c.strip() for c in columns.split(",")) if columns else DEFAULT_COLUMNS
            _render(report, cols)
        return int(ExitCode.INPUTS_FAILED if report.document_errors else ExitCode.OK)
