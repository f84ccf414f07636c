"""``compare(options) -> CompareReport``: several chunkings of the same documents, scored side by side.

Why one call and not N ``chunk`` + ``score`` runs: each document is read and
parsed once and the ParsedDocument is reused by every strategy; chunks stay
in memory with their offsets and exact token counts, so nothing is written,
re-read, re-parsed or re-located (``score`` must locate foreign chunks), the
questions are loaded and checked once, and the sizes are the counts the
segmenters measured.  Every metric is computed by the same code as ``score``
(``scoring.api``), so a row of ``compare`` equals ``score`` of that chunking.

Strategies come from ``-s`` specs, a TOML file with grids (``load_config``),
or, when none is given, one strategy per family that fits the input formats
(``default_strategies``).  An ``auto`` row whose candidates are the compared
strategies is added when they share a tokenizer, so the benefit of adaptive
selection is measured on the same documents, not assumed.

Ranking: by ``rank_by`` (default ``recall@K`` with questions, else
``adaptive`` = mean of Adaptive Chunking's five metrics sc, bi, icc, dcc and
references completeness, each as ``score`` computes it over the corpus).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.errors import InputError, UsageError
from ..core.records import Chunk, ParsedDocument
from ..core.sources import DEFAULT_MAX_BYTES, Source, discover, read_bytes
from ..parsers.base import ParseOptions, line_starts
from ..segmenters.base import SEGMENTERS, Strategy, parse_strategy, segment

from .metrics import LOWER_BETTER, NEUTRAL  # noqa: E402  (directions live in the metric table)
#: The paper's five intrinsic metrics, as ``score`` names them.
ADAPTIVE_METRICS = ("sc", "bi", "icc", "dcc", "references_completeness")


@dataclass(frozen=True)
class CompareOptions:
    """What to compare.  ``strategies`` empty: ``default_strategies`` for the
    input formats at ``default_budget`` (keyword arguments of ``parse_strategy``)."""

    paths: tuple[str, ...]
    strategies: tuple[Strategy, ...] = ()
    default_budget: Mapping[str, Any] = field(default_factory=dict)
    include_auto: bool = True
    parse: ParseOptions = field(default_factory=ParseOptions)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    questions: str | None = None
    k: int = 5
    ks: tuple[int, ...] = (1, 2, 5, 10, 20)
    retriever: str = "bm25"
    embedder: str = "lexical"
    semantic: bool = True
    boundaries: bool = True
    rank_by: str | None = None
    show: str | None = None
    show_pair: tuple[str, str] | None = None  # labels or 1-based ranks; default: ``default_show_pair``
    jobs: int = 1
    bootstrap_resamples: int = 10_000
    embed_context: bool = False  # retrieval ranks context + text (see ScoreOptions)

    def __post_init__(self) -> None:
        if not self.paths:
            raise UsageError("compare needs documents (files, directories or globs)")
        if "-" in self.paths:
            raise UsageError("compare reads files, not stdin (every strategy needs the same document)")
        from .api import check_metric_settings

        check_metric_settings(self.k, self.retriever, self.embedder)
        if self.jobs < 1:
            raise UsageError("jobs must be at least 1", "jobs")
        labels = [s.label for s in self.strategies]
        dup = next((lab for lab in labels if labels.count(lab) > 1), None)
        if dup:
            raise UsageError(f"strategy {dup} is given twice")


@dataclass(frozen=True)
class StrategyResult:
    """One row: a strategy's metrics (``score``'s names plus ``adaptive``, ``chunks``, ``seconds``)."""

    label: str
    name: str
    params_hash: str
    metrics: Mapping[str, float | None]
    histogram: tuple[int, ...]  # chunk counts per size bin (``CompareReport.bin_edges``)
    choices: Mapping[str, int] = field(default_factory=dict)  # auto: documents per chosen candidate
    rank: int = 0
    unit: str = ""  # the tokenizer its sizes and budget count in (``ast`` alone defaults to nws)

    @property
    def unit_phrase(self) -> str:
        from ..core.tokenizers import unit_phrase

        return unit_phrase(self.unit) if self.unit else ""


@dataclass(frozen=True)
class BoundaryRow:
    """A chunk start of either strategy in the shown document."""

    offset: int
    line: int
    a: int | None  # index of the chunk of strategy A that starts here
    b: int | None
    snippet: str


@dataclass(frozen=True)
class ShowResult:
    source: str
    a: str
    b: str
    rows: tuple[BoundaryRow, ...]

    @property
    def shared(self) -> int:
        return sum(r.a is not None and r.b is not None for r in self.rows)


@dataclass(frozen=True)
class CompareReport:
    documents: int
    document_errors: tuple[str, ...]
    warnings: tuple[str, ...]
    rank_by: str
    results: tuple[StrategyResult, ...]  # ranked, best first
    best: Mapping[str, tuple[str, ...]]  # metric -> labels with the best value
    bin_edges: tuple[float, ...]
    questions: int = 0
    auto_vs_best: Mapping[str, Any] | None = None
    show: ShowResult | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=dict)

    def metric_names(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.results:
            for k in r.metrics:
                seen.setdefault(k, None)
        return list(seen)

    def units_note(self) -> str:
        """What the size columns count in: "sizes in cl100k_base tokens", or each
        strategy's unit when they differ (``ast`` counts nws unless told)."""
        units = {r.unit_phrase for r in self.results if r.unit}
        if len(units) <= 1:
            return f"sizes in {next(iter(units))}" if units else ""
        return "sizes in each strategy's unit: " + "; ".join(f"{r.label.partition(',candidates=')[0]}: {r.unit_phrase}" for r in self.results if r.unit)

    def to_dict(self) -> dict[str, Any]:
        from ..core.jsonl import plain

        return plain(self)


# ----------------------------------------------------------------- strategies


def default_strategies(formats: Sequence[str], **budget: Any) -> tuple[Strategy, ...]:
    """One strategy per registered family whose ``formats`` fit the inputs (auto excluded: it is its own row;
    so are the strategies that ask a model, which need an endpoint and cost requests: name them with -s)."""
    from ..llm.settings import LLMOptions

    fmts = set(formats)
    if budget.get("max_chars") is None and not budget.get("tokenizer"):
        # one tokenizer for every family (ast would default to nws), so sizes compare and auto can run
        budget = {**budget, "tokenizer": "cl100k_base"}
    out = []
    for name in SEGMENTERS.names():
        spec = SEGMENTERS.get(name)
        if name == "auto" or spec is None or (spec.params is not None and issubclass(spec.params, LLMOptions)):
            continue
        if spec.formats and not fmts & set(spec.formats):
            continue
        out.append(parse_strategy(name, **budget))
    return tuple(out)


def load_config(path: str, **budget: Any) -> tuple[Strategy, ...]:
    """Strategies of a TOML file.  Layout::

        [defaults]                 # optional: applies to every strategy
        max_tokens = 512
        [[strategy]]
        name = "recursive"
        max_tokens = [256, 512]    # a list is a grid: one strategy per value
        [[strategy]]
        name = "structure"
        split_level = [1, 2]

    or ``strategies = ["fixed:max_tokens=256", ...]`` (spec strings).  Lists
    of several keys expand to their cartesian product.
    """
    import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise UsageError(f"{path}: [defaults] must be a table")
    out: list[Strategy] = []
    for spec in data.get("strategies", []):
        if not isinstance(spec, str):
            raise UsageError(f"{path}: strategies must be a list of strings like 'recursive:max_tokens=256'")
        out.append(parse_strategy(spec, **budget, options=_strings(defaults, path)))
    tables = data.get("strategy", [])
    if not isinstance(tables, list):
        raise UsageError(f"{path}: use [[strategy]] tables")
    for i, table in enumerate(tables, 1):
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            raise UsageError(f"{path}: [[strategy]] number {i} needs a name")
        rest = {**defaults, **{k: v for k, v in table.items() if k != "name"}}
        keys = list(rest)
        grids = [v if isinstance(v, list) else [v] for v in rest.values()]
        if any(not g for g in grids):
            raise UsageError(f"{path}: [[strategy]] {table['name']} has an empty list")
        for combo in itertools.product(*grids):
            out.append(parse_strategy(table["name"], **budget, options=_strings(dict(zip(keys, combo)), path)))
    if not out:
        raise UsageError(f"{path}: no strategies (add [[strategy]] tables or a strategies list)")
    return tuple(out)


def _strings(values: Mapping[str, Any], path: str) -> dict[str, str]:
    out = {}
    for k, v in values.items():
        if isinstance(v, (dict, list)):
            raise UsageError(f"{path}: option {k} must be a single value here")
        out[k.replace("-", "_")] = str(v).lower() if isinstance(v, bool) else str(v)
    return out


def auto_strategy(strategies: Sequence[Strategy]) -> Strategy | None:
    """``auto`` over the compared strategies (same tokenizer, auto's budget = the largest); None when impossible."""
    from ..segmenters.auto import AutoParams

    cands = [s for s in strategies if s.name not in ("auto",)]
    if len(cands) < 2 or len({s.budget.tokenizer for s in cands}) != 1:
        return None
    top = max(cands, key=lambda s: s.budget.max_size)
    budget = dataclasses.replace(top.budget, overlap=0, min_size=0)
    specs = "|".join(s.label.replace(",", ";") for s in cands)
    return Strategy("auto", budget, AutoParams(candidates=specs), top.keep_furniture)


# ----------------------------------------------------------------- per document


@dataclass(frozen=True)
class _DocResult:
    display: str
    parsed: ParsedDocument | None = None
    chunks: tuple[tuple[Chunk, ...], ...] = ()
    seconds: tuple[float, ...] = ()
    parse_seconds: float = 0.0
    error: InputError | None = None


def _process(item: tuple[Source, ParseOptions, int], strategies: tuple[Strategy, ...]) -> _DocResult:
    from ..run.worker import input_error, load

    src, popts, max_bytes = item
    loaded = load(src, popts, None, max_bytes)
    parsed = loaded.parsed
    if parsed is None:
        return _DocResult(src.display, error=loaded.error)
    chunks, secs = [], []
    try:
        for st in strategies:
            t = time.perf_counter()
            chunks.append(tuple(segment(parsed, st)))
            secs.append(time.perf_counter() - t)
    except Exception as exc:  # one file's failure never ends a batch
        return _DocResult(src.display, error=input_error(src.display, exc, "chunk"))
    # every document is kept until scoring ends: without its syntax tree (ten times its size)
    return _DocResult(src.display, parsed.portable(), tuple(chunks), tuple(secs), loaded.seconds)


def _formats(sources: Sequence[Source], popts: ParseOptions) -> list[str]:
    """Formats of the inputs (by extension, then by sniffing the first bytes), for the default families."""
    from ..parsers.base import detect_format

    if popts.format:
        return [popts.format]
    fmts = set()
    for s in sources:
        head = b""
        if s.path:
            try:
                with open(s.path, "rb") as fh:
                    head = fh.read(4096)
            except OSError:
                pass  # reported when the document is read
        fmts.add(detect_format(s.display, head))
    return sorted(fmts)


# ----------------------------------------------------------------- scoring


def _score_options(st: Strategy, opts: CompareOptions):
    """``score``'s options for one compared strategy (its budget; the run's metric settings)."""
    from . import api

    return api.ScoreOptions(
        chunks="<compare>", docs=("<compare>",), k=opts.k, ks=opts.ks, retriever=opts.retriever, embedder=opts.embedder,
        tokenizer=st.budget.tokenizer, max_size=st.budget.max_size, min_size=st.budget.min_size, semantic=opts.semantic, boundaries=opts.boundaries,
        embed_context=opts.embed_context,
    )


def row_metric_names(st: Strategy, opts: CompareOptions, questions: bool) -> list[str]:
    """The metrics of a row (what ``--rank-by`` accepts), known before anything is chunked."""
    from . import api

    sopts = _score_options(st, opts)
    base = [n for n in api.metric_names(sopts, False) if n != "unlocated"]
    retrieval = [n for n in api.metric_names(sopts, questions) if n not in base and n != "unlocated"]
    return ["chunks", *base, "adaptive", *retrieval, "seconds"]


def _score_strategy(docs, chunk_lists, st: Strategy, opts: CompareOptions, questions):
    from . import api
    from .loading import Corpus, LocatedChunk
    from .size import size_stats

    located: list[LocatedChunk] = []
    texts: list[str] = []
    counts: list[int] = []
    for di, chunks in enumerate(chunk_lists):
        for c in chunks:
            located.append(LocatedChunk(di, c.start, c.end, c.text, len(located) + 1, "offsets", c.context))
            texts.append(c.text)
            counts.append(c.token_count)
    tok = st.budget.tokenizer
    corpus = Corpus(tuple(docs), tuple(located), tuple(texts), len(texts), {"offsets": len(texts)}, 0, (), (), (tok,))
    sopts = _score_options(st, opts)
    sizes = np.asarray(counts, dtype=np.int64)
    stats = size_stats(sizes, tok, st.budget.max_size, st.budget.min_size)
    metrics: dict[str, float | None] = {"chunks": float(len(texts)), **api.size_metrics(stats)}
    intrinsic, _per_doc, _ = api.intrinsic_metrics(corpus, sopts, tok) if texts else ({}, [], {})
    metrics.update(intrinsic)
    vals = [v for v in (metrics.get(m) for m in ADAPTIVE_METRICS) if v is not None]
    metrics["adaptive"] = float(np.mean(vals)) if vals else None
    qs = None
    if questions is not None and texts:
        qs = api.retrieve(corpus, questions, sopts)
        rmetrics, _ = api.retrieval_metrics(qs, sopts)
        metrics.update(rmetrics)
    return metrics, sizes, qs


def _better(metric: str, a: float, b: float) -> bool:
    return a < b if metric in LOWER_BETTER else a > b


def _best(results: Sequence[StrategyResult]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    names = {k for r in results for k in r.metrics}
    for m in sorted(names):
        if m in NEUTRAL:
            continue
        vals = [(r.label, v) for r in results if (v := r.metrics.get(m)) is not None]
        if len({round(v, 9) for _, v in vals}) < 2:
            continue  # all equal: nothing stands out
        top = vals[0][1]
        for _, v in vals:
            if _better(m, v, top):
                top = v
        out[m] = tuple(lab for lab, v in vals if abs(v - top) <= 1e-12)
    return out


def _rank_key(metric: str, order: Mapping[str, int]):
    """Best first by ``metric``; rows without a value last.  Ties: single
    strategies before ``auto`` (the simpler explanation wins), then the order
    the strategies were given in (``-s`` flags, the config file, or the
    families' table order)."""

    def key(r: StrategyResult):
        v = r.metrics.get(metric)
        if v is None:
            return (1, 0.0, r.name == "auto", order.get(r.label, len(order)))
        return (0, v if metric in LOWER_BETTER else -v, r.name == "auto", order.get(r.label, len(order)))

    return key


# ----------------------------------------------------------------- show


def side_by_side(parsed: ParsedDocument, a: Sequence[Chunk], b: Sequence[Chunk], label_a: str, label_b: str, width: int = 60) -> ShowResult:
    """Every chunk start of two chunkings of one document, merged in document order."""
    text = parsed.document.text
    starts_a = {c.start: i for i, c in enumerate(a)}
    starts_b = {c.start: i for i, c in enumerate(b)}
    ls = line_starts(text)
    rows = []
    for off in sorted(set(starts_a) | set(starts_b)):
        snippet = " ".join(text[off : off + width * 2].split())[:width]
        rows.append(BoundaryRow(off, bisect.bisect_right(ls, off), starts_a.get(off), starts_b.get(off), snippet))
    return ShowResult(parsed.document.source, label_a, label_b, tuple(rows))


def _pick(results: Sequence[StrategyResult], ref: str) -> StrategyResult:
    if ref.isdigit() and 1 <= int(ref) <= len(results):
        return results[int(ref) - 1]
    for r in results:
        if r.label == ref or r.name == ref:
            return r
    raise UsageError(f"show_pair: no compared strategy {ref!r}; give a rank (1..{len(results)}) or one of: {', '.join(r.label for r in results)}", "show_pair")


# ----------------------------------------------------------------- entry point


def compare(
    opts: CompareOptions,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[str, InputError | None, tuple[str, ...]], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
    shown: Callable[[str], str] | None = None,
) -> CompareReport:
    """Chunk every document with every strategy (parsing once) and score each strategy like ``score``.
    ``shown``: how parameters are named in the messages of documents that failed (the CLI: flags)."""
    from ..run.dispatch import map_ordered
    from .loading import DocumentIndex
    from .questions import load_questions

    t0 = time.perf_counter()
    sources, _skipped = discover(list(opts.paths), opts.include, opts.exclude, False)
    if not sources:
        raise UsageError("no input files found")
    strategies = opts.strategies or default_strategies(_formats(sources, opts.parse), **opts.default_budget)
    if opts.include_auto and not any(s.name == "auto" for s in strategies):
        a = auto_strategy(strategies)
        if a is not None:
            strategies = (*strategies, a)
    labels = [s.label for s in strategies]
    # mistakes in what is asked are reported before the (long) chunking and scoring, not after
    if opts.questions:
        read_bytes(Source(opts.questions, opts.questions))  # missing or unreadable: its InputError now
    if opts.rank_by:
        known = {n for st in strategies for n in row_metric_names(st, opts, bool(opts.questions))}
        if opts.rank_by not in known:
            raise UsageError(f"rank_by {opts.rank_by}: not a metric of this run; metrics: {', '.join(sorted(known))}", "rank_by")
    if opts.show and len(strategies) < 2:
        raise UsageError("show needs two strategies", "show")
    for ref in opts.show_pair or ():
        if not (ref.isdigit() and 1 <= int(ref) <= len(strategies)) and not any(ref in (st.label, st.name) for st in strategies):
            raise UsageError(f"show_pair: no compared strategy {ref!r}; give a rank (1..{len(strategies)}) or one of: {', '.join(labels)}", "show_pair")
    if on_start:
        on_start(len(sources))
    docs: list[ParsedDocument] = []
    per_strategy: list[list[tuple[Chunk, ...]]] = [[] for _ in strategies]
    seg_seconds = [0.0] * len(strategies)
    parse_seconds = 0.0
    errors: list[str] = []
    warnings: list[str] = []
    worker = functools.partial(_process, strategies=tuple(strategies))
    for res in map_ordered(worker, ((s, opts.parse, opts.max_bytes) for s in sources), opts.jobs):
        warns: tuple[str, ...] = ()
        if res.error is not None:
            errors.append(res.error.render(shown) if shown is not None else str(res.error))
        else:
            docs.append(res.parsed)
            warns = tuple(f"{res.parsed.document.source}: {w}" for w in res.parsed.warnings)
            warnings.extend(warns)
            parse_seconds += res.parse_seconds
            for i, (chunks, s) in enumerate(zip(res.chunks, res.seconds)):
                per_strategy[i].append(chunks)
                seg_seconds[i] += s
        if on_result:
            on_result(res.display, res.error, warns)
    if not docs:
        raise UsageError("none of the inputs could be parsed: " + "; ".join(errors[:3]))
    if opts.show and DocumentIndex(docs).find(opts.show) is None:
        raise UsageError(f"show {opts.show}: not among the compared documents", "show")
    t_chunked = time.perf_counter()

    questions = None
    if opts.questions:
        questions = load_questions(opts.questions, DocumentIndex(docs), [p.document.text for p in docs])
    rank_by = opts.rank_by or (("recall@%d" % opts.k if opts.k in opts.ks else "recall") if questions else "adaptive")

    top_size = max(st.budget.max_size for st in strategies)
    edges = tuple(float(x) for x in np.linspace(0, top_size, 21))
    results: list[StrategyResult] = []
    qscores = {}
    for i, st in enumerate(strategies):
        if on_stage:
            on_stage(f"scoring {labels[i]}")
        metrics, sizes, qs = _score_strategy(docs, per_strategy[i], st, opts, questions)
        metrics["seconds"] = seg_seconds[i]
        hist = np.histogram(np.clip(sizes, 0, top_size), bins=np.asarray(edges))[0] if sizes.size else np.zeros(20, dtype=int)
        choices: dict[str, int] = {}
        if st.name == "auto":
            for chunks in per_strategy[i]:
                if chunks and isinstance(chunks[0].meta.get("auto"), Mapping):
                    lab = chunks[0].meta["auto"]["chosen"]
                    choices[lab] = choices.get(lab, 0) + 1
        results.append(StrategyResult(labels[i], st.name, st.params_hash, metrics, tuple(int(x) for x in hist), choices, unit=st.budget.tokenizer))
        qscores[labels[i]] = qs
    known = {k for r in results for k in r.metrics}
    if rank_by not in known:
        raise UsageError(f"rank_by {rank_by}: not a metric of this run; metrics: {', '.join(sorted(known))}", "rank_by")
    order = {lab: i for i, lab in enumerate(labels)}
    ranked = sorted(results, key=_rank_key(rank_by, order))
    ranked = [dataclasses.replace(r, rank=n) for n, r in enumerate(ranked, 1)]

    auto_vs_best: dict[str, Any] | None = None
    auto_row = next((r for r in ranked if r.name == "auto"), None)
    singles = [r for r in ranked if r.name != "auto"]
    if auto_row is not None and singles:
        best_single = singles[0]  # ``ranked`` is in rank order
        auto_vs_best = {"metric": rank_by, "auto": auto_row.metrics.get(rank_by), "best_single": best_single.label, "best_value": best_single.metrics.get(rank_by)}
        qa, qb = qscores.get(auto_row.label), qscores.get(best_single.label)
        per_q = _per_question(qa, rank_by), _per_question(qb, rank_by)
        if per_q[0] is not None and per_q[1] is not None:
            from .retrieval import paired_bootstrap

            diff, lo, hi = paired_bootstrap(per_q[0], per_q[1], opts.bootstrap_resamples)
            auto_vs_best.update({"diff": diff, "ci95": [lo, hi]})

    show = None
    if opts.show:
        show = _show(opts, docs, strategies, per_strategy, ranked)
    return CompareReport(
        documents=len(docs), document_errors=tuple(errors), warnings=tuple(warnings), rank_by=rank_by, results=tuple(ranked),
        best=_best(ranked), bin_edges=edges, questions=len(questions) if questions else 0, auto_vs_best=auto_vs_best, show=show,
        settings={"retriever": opts.retriever if questions else None, "k": opts.k, "ks": list(opts.ks), "embedder": opts.embedder if opts.semantic else None, "jobs": opts.jobs,
                  "embed_context": opts.embed_context},
        seconds={"parse": parse_seconds, "chunk": sum(seg_seconds), "score": time.perf_counter() - t_chunked, "total": time.perf_counter() - t0},
    )


def _per_question(qs, metric: str):
    if qs is None:
        return None
    if "@" in metric:
        name, k = metric.split("@")
        table = qs.recall_at if name == "recall" else qs.dcg_at
        return table.get(int(k))
    return getattr(qs, metric, None) if metric in ("recall", "precision", "iou", "precision_omega", "mrr") else None


def default_show_pair(ranked: Sequence[StrategyResult], starts: Callable[[StrategyResult], tuple[int, ...]]) -> tuple[StrategyResult, StrategyResult]:
    """``--show`` without ``--show-pair``: the best single strategy, against
    the next-ranked single strategy whose chunk starts in the shown document
    differ from it.  ``auto`` is left out (it copies one of the singles, so
    ranks 1 and 2 were often the same chunking twice); with fewer than two
    singles, or none that differs, the next-ranked row is taken."""
    singles = [r for r in ranked if r.name != "auto"] or list(ranked)
    a = singles[0]
    others = [r for r in ranked if r is not a]
    rest = [r for r in singles[1:]] or others
    b = next((r for r in rest if starts(r) != starts(a)), rest[0])
    return a, b


def _show(opts, docs, strategies, per_strategy, ranked) -> ShowResult:
    from .loading import DocumentIndex

    di = DocumentIndex(docs).find(opts.show)
    if di is None:
        raise UsageError(f"show {opts.show}: not among the compared documents", "show")
    if len(ranked) < 2:
        raise UsageError("show needs two strategies", "show")
    idx = {st.label: i for i, st in enumerate(strategies)}
    if opts.show_pair:
        a, b = (_pick(ranked, x) for x in opts.show_pair)
    else:
        a, b = default_show_pair(ranked, lambda r: tuple(c.start for c in per_strategy[idx[r.label]][di]))
    # documents that failed to parse are not in ``docs``; chunk lists follow ``docs`` order
    ca = per_strategy[idx[a.label]][di]
    cb = per_strategy[idx[b.label]][di]
    return side_by_side(docs[di], ca, cb, a.label, b.label)
