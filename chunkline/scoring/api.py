"""``score(options) -> ScoreReport``: the library entry point behind ``chunkline score``.

One call reads the chunks, re-parses the documents, locates every chunk,
computes the intrinsic metrics, the retrieval metrics when questions are
given, a paired comparison with a baseline chunking when one is given, and
checks the thresholds.  It returns a frozen report; rendering is the CLI's
business.

The steps are public so that ``compare`` (which has its chunks in memory,
with offsets, and needs no reading or locating) computes every number with
the same code: ``size_metrics``, ``intrinsic_metrics``, ``retrieve`` and
``retrieval_metrics`` take a located ``Corpus`` (``loading``) and return
plain metric dicts under the names ``ScoreReport.metrics`` uses.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core.errors import UsageError
from . import boundary, cohesion, hygiene, references, retrieval, structure
from ..core.records import ParsedDocument
from .loading import ChunkRecord, Corpus, DocumentIndex, load_documents, locate, read_chunks
from .questions import Question, load_questions
from .size import SizeStats, measure, size_stats
from .thresholds import Threshold, ThresholdResult, check


__all__ = ["ScoreOptions", "ScoreReport", "check_metric_settings", "intrinsic_metrics", "metric_names", "retrieval_metrics", "retrieve", "score", "score_records", "size_metrics"]


def _check_embedder(name: str) -> None:
    from ..embeddings import EMBEDDERS

    if name not in EMBEDDERS:
        raise UsageError(f"embedder must be one of {', '.join(EMBEDDERS)}", "embedder")


def check_metric_settings(k: int, retriever: str, embedder: str) -> None:
    """The checks ``ScoreOptions`` makes of ``-k``, ``--retriever`` and ``--embedder`` (``compare`` makes them before it chunks)."""
    if k < 1:
        raise UsageError("k must be at least 1", "k")
    if retriever not in retrieval.RETRIEVERS:
        raise UsageError(f"retriever must be one of {', '.join(retrieval.RETRIEVERS)}", "retriever")
    _check_embedder(embedder)


def score_budget(max_tokens: int | None, max_chars: int | None, tokenizer: str | None) -> tuple[str | None, int | None]:
    """``(tokenizer, max_size)`` of ``ScoreOptions`` from a token or character budget: a
    character budget counts in ``chars`` unless a tokenizer is named."""
    if max_chars is not None:
        return (tokenizer or "chars"), max_chars
    return tokenizer, max_tokens


@dataclass(frozen=True)
class ScoreOptions:
    """What to score and how.  ``max_size``/``min_size`` are the budget in
    ``tokenizer`` units (None: no compliance metrics); ``tokenizer`` None means
    the one the chunk records declare, else ``cl100k_base``."""

    chunks: str
    docs: tuple[str, ...] = ()
    format: str | None = None
    questions: str | None = None
    k: int = 5
    ks: tuple[int, ...] = (1, 2, 5, 10, 20)
    retriever: str = "bm25"
    embedder: str = "lexical"
    tokenizer: str | None = None
    max_size: int | None = None
    min_size: int = 0
    semantic: bool = False
    boundaries: bool = True
    window_tokens: int = 3000
    bi_tolerance: int = 5
    baseline: str | None = None
    bootstrap_resamples: int = 10_000
    thresholds: tuple[Threshold, ...] = ()
    #: retrieval ranks ``context + text`` of each chunk (a breadcrumb, a model-written context)
    embed_context: bool = False
    #: MoC's boundary clarity and chunk stickiness from this model too (``lm_boundary_clarity``, ``lm_chunk_stickiness``)
    lm: Any = None  # chunkline.llm.LLMSettings | None (kept untyped: scoring imports the LLM code only when asked)
    lm_band: int = 2

    def __post_init__(self) -> None:
        check_metric_settings(self.k, self.retriever, self.embedder)
        if self.max_size is not None and self.max_size < 1:
            raise UsageError("the size budget must be at least 1", "max_size")
        if self.baseline and not self.questions:
            raise UsageError("baseline compares retrieval, so it needs questions", "baseline", also=("questions",))
        if (self.questions or self.baseline) and not self.docs:
            raise UsageError("questions needs docs (evidence offsets point into the documents)", "questions", also=("docs",))


@dataclass(frozen=True)
class ScoreReport:
    """Everything ``score`` measured.  ``metrics`` is flat (name -> value or
    None when not computed); thresholds refer to these names."""

    chunks_file: str
    records: int
    documents: int
    located: Mapping[str, int]
    unlocated: int
    unmatched_documents: tuple[str, ...]
    document_errors: tuple[str, ...]
    documents_from: str | None  # "docs" (given), "sources" (the files the chunk records name), None (no documents)
    size: SizeStats
    metrics: Mapping[str, float | None]
    per_document: tuple[Mapping[str, Any], ...] = ()
    retrieval: Mapping[str, Any] | None = None
    comparison: Mapping[str, Any] | None = None
    thresholds: tuple[ThresholdResult, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.thresholds)

    def to_dict(self) -> dict[str, Any]:
        from ..core.jsonl import plain

        d = plain(self)
        d["passed"] = self.passed
        return d


def _declared_tokenizer(opts: ScoreOptions, corpus_tokenizers: tuple[str, ...]) -> str:
    if opts.tokenizer:
        return opts.tokenizer
    if len(corpus_tokenizers) == 1:
        return corpus_tokenizers[0]
    if len(corpus_tokenizers) > 1:
        raise UsageError(f"the chunks use several tokenizers ({', '.join(corpus_tokenizers)}); choose one with tokenizer", "tokenizer")
    return "cl100k_base"


def _mean(values) -> float | None:
    return float(np.mean(values)) if len(values) else None


#: Retrieval metrics that are means over questions (besides ``recall@K`` and ``dcg@K``).
RETRIEVAL_MEANS = ("recall", "precision", "iou", "precision_omega", "mrr")


def metric_names(opts: ScoreOptions, questions: bool) -> list[str]:
    """Every name ``ScoreReport.metrics`` has for ``opts`` (values may be None), known before any work."""
    from .loading import Corpus

    names = [*size_metrics(size_stats(np.zeros(0, dtype=np.int64), "chars", opts.max_size, opts.min_size)), "unlocated"]
    names += list(intrinsic_metrics(Corpus((), (), (), 0), opts, "chars")[0])
    if questions:
        names += [*RETRIEVAL_MEANS, *(f"{m}@{k}" for k in opts.ks for m in ("recall", "dcg"))]  # retrieval_metrics' order
    return names


def size_metrics(stats: SizeStats) -> dict[str, float | None]:
    """The size rows of a report (``size_min`` ... ``size_mean``, ``size_compliance``, ``fill_ratio``)."""
    return {
        "size_min": float(stats.min), "size_p10": stats.p10, "size_median": stats.median, "size_p90": stats.p90,
        "size_max": float(stats.max), "size_mean": stats.mean, "size_compliance": stats.compliance, "fill_ratio": stats.fill,
    }


def intrinsic_metrics(corpus: Corpus, opts: ScoreOptions, tokenizer: str) -> tuple[dict[str, float | None], list[dict[str, Any]], dict[str, Any]]:
    """Every metric that needs the documents but no questions, over ``corpus``'s located chunks.

    ``opts`` supplies the budget (``max_size``/``min_size`` for sc), ``semantic``
    (ICC/DCC with ``embedder``), ``boundaries`` (BC/CS), ``window_tokens`` and
    ``bi_tolerance``; ``tokenizer`` measures sizes.  Returns the flat metrics
    (coverage, redundancy, blocks_cut, ..., the hygiene counts, None where not computed), one row
    per document (``source``, ``chunks``, and its per-document sc/icc/dcc/BC/CS)
    and the blocks cut per block kind (``{kind: {"blocks", "cut"}}``).
    """
    from ..core.tokenizers import get_sizer

    metrics: dict[str, float | None] = {}
    per_doc: list[dict[str, Any]] = []
    tot = structure.StructureTotals()
    ref_counts: list[references.ReferenceCounts] = []
    icc_docs: list[float] = []
    dcc_docs: list[float] = []
    bc_all: list[float] = []
    cs_docs: list[float] = []
    sc_docs: list[float] = []
    embedder = None
    if opts.semantic and corpus.chunks:
        from ..embeddings import get_embedder

        embedder = get_embedder(opts.embedder, corpus=[c.text for c in corpus.chunks])
    bg = boundary.Background.fit([p.document.text for p in corpus.documents]) if opts.boundaries else None
    count = get_sizer(tokenizer).count
    flags: list[tuple[int, str]] = []
    for parsed, chunks in zip(corpus.documents, corpus.by_document()):
        text = parsed.document.text
        spans = [(c.start, c.end) for c in chunks]
        structure.add_document(tot, parsed, spans, opts.bi_tolerance)
        row: dict[str, Any] = {"source": parsed.document.source, "chunks": len(spans)}
        per_doc.append(row)
        if not spans:
            continue
        flags += hygiene.chunk_flags(parsed, spans, count, opts.max_size, opts.min_size)
        blocks = structure.content_blocks(parsed)
        terms = references.defined_terms(text)
        heads = [b for b in blocks if b.kind in structure.HEADING_KINDS]
        for s, e in spans:
            has_heading = any(s <= h.start and h.end <= e for h in heads)
            ref_counts.append(references.chunk_references(text[s:e], terms, has_heading))
        if opts.max_size is not None:
            doc_sizes = np.array([count(text[s:e]) for s, e in spans])
            sc_docs.append(float(((doc_sizes >= opts.min_size) & (doc_sizes <= opts.max_size)).mean()))
            row["sc"] = sc_docs[-1]
        if embedder is not None:
            cvecs = np.asarray(embedder.embed([text[s:e] for s, e in spans]), dtype=np.float32)
            icc = cohesion.icc_scores(text, spans, [b.start for b in blocks], embedder, cvecs)
            dcc = cohesion.dcc_scores(text, spans, embedder, count, opts.window_tokens, cvecs)
            if icc:
                icc_m = cohesion.clipped_mean(icc)
                if icc_m is not None:
                    icc_docs.append(icc_m)
                row["icc"] = icc_m
            if dcc:
                dcc_m = cohesion.clipped_mean(dcc)
                if dcc_m is not None:
                    dcc_docs.append(dcc_m)
                row["dcc"] = dcc_m
        if bg is not None:
            bc, cs = boundary.boundary_scores([text[s:e] for s, e in spans], bg)
            bc_all.extend(bc)
            if bc:
                row["boundary_clarity"] = float(np.mean(bc))
            if cs is not None:
                cs_docs.append(cs)
                row["chunk_stickiness"] = cs
    metrics.update(tot.ratios())
    rc, rr = references.references_completeness(ref_counts)
    metrics["references_completeness"] = rc
    metrics["references_resolved"] = rr
    metrics.update(hygiene.hygiene_counts(flags, opts.min_size if opts.max_size is not None else 0))
    metrics["icc"] = _mean(icc_docs)
    metrics["dcc"] = _mean(dcc_docs)
    metrics["sc"] = _mean(sc_docs)
    metrics["boundary_clarity"] = _mean(bc_all)
    metrics["chunk_stickiness"] = _mean(cs_docs)
    # always named (None unless --lm): the metric table and thresholds know every name up front
    metrics.update(_lm_metrics(corpus, opts, per_doc) if opts.lm is not None else {"lm_boundary_clarity": None, "lm_chunk_stickiness": None})
    return metrics, per_doc, {k: {"blocks": v[0], "cut": v[1]} for k, v in sorted(tot.cut_by_kind.items())}


def _lm_metrics(corpus: Corpus, opts: ScoreOptions, per_doc: list[dict[str, Any]]) -> dict[str, float | None]:
    """MoC's BC and CS from the model (``opts.lm``), per document; a document whose
    requests fail gets ``lm_error`` in its row (``score`` reports it) and the others go on."""
    from ..llm.client import get_client
    from ..llm.errors import LLMError

    client = get_client(opts.lm)
    bc_all: list[float] = []
    cs_docs: list[float] = []
    for parsed, chunks, row in zip(corpus.documents, corpus.by_document(), per_doc):
        if not chunks:
            continue
        try:
            bc, cs = boundary.lm_boundary_scores([c.text for c in chunks], client, parsed.document.source, opts.lm_band)
        except LLMError as exc:
            row["lm_error"] = str(exc)
            continue
        bc_all.extend(bc)
        if bc:
            row["lm_boundary_clarity"] = float(np.mean(bc))
        if cs is not None:
            cs_docs.append(cs)
            row["lm_chunk_stickiness"] = cs
    return {"lm_boundary_clarity": _mean(bc_all), "lm_chunk_stickiness": _mean(cs_docs)}


def _table(corpus: Corpus, embed_context: bool = False) -> retrieval.ChunkTable:
    cs = corpus.chunks
    return retrieval.ChunkTable(
        doc=np.array([c.doc for c in cs], dtype=np.int64),
        start=np.array([c.start for c in cs], dtype=np.int64),
        end=np.array([c.end for c in cs], dtype=np.int64),
        texts=tuple(f"{c.context}\n{c.text}" if embed_context and c.context else c.text for c in cs),
    )


def retrieve(corpus: Corpus, questions: Sequence[Question], opts: ScoreOptions) -> retrieval.QuestionScores:
    """Rank every located chunk for every question (``opts.retriever``) and score the rankings against the evidence.

    Per-question arrays; ``retrieval_metrics`` turns them into the report's means.
    """
    table = _table(corpus, opts.embed_context)
    if not table.texts:
        raise UsageError("no chunk could be located in the documents, so retrieval cannot be scored")
    depth = len(table.texts)  # full rankings: MRR and recall@K need no cut-off
    queries = [q.text for q in questions]
    if opts.retriever == "bm25":
        ranks = retrieval.bm25_rankings(table.texts, queries, depth)
    else:
        ranks = retrieval.dense_rankings(table.texts, queries, depth, opts.embedder)
    return retrieval.score_questions(table, questions, ranks, opts.ks, opts.k)


def retrieval_metrics(qs: retrieval.QuestionScores, opts: ScoreOptions) -> tuple[dict[str, float], dict[str, Any]]:
    """Means of ``retrieve``'s per-question scores (recall, precision, iou, precision_omega, mrr, recall@K, dcg@K)
    and the detail of ``ScoreReport.retrieval`` (k, retriever, standard deviations, per-question rows)."""
    metrics: dict[str, float] = {}
    detail: dict[str, Any] = {"k": opts.k, "retriever": opts.retriever, "questions": int(qs.recall.size)}
    if opts.retriever == "dense":
        detail["embedder"] = opts.embedder
    for name in RETRIEVAL_MEANS:
        arr = getattr(qs, name)
        metrics[name] = float(arr.mean())
        detail[f"{name}_std"] = float(arr.std())
    for kk in opts.ks:
        metrics[f"recall@{kk}"] = float(qs.recall_at[kk].mean())
        metrics[f"dcg@{kk}"] = float(qs.dcg_at[kk].mean())
    detail["per_question"] = [
        {"recall": float(qs.recall[i]), "precision": float(qs.precision[i]), "iou": float(qs.iou[i]), "first_rank": (float(qs.first_rank[i]) if np.isfinite(qs.first_rank[i]) else None)}
        for i in range(qs.recall.size)
    ]
    return metrics, detail


def documents_named_by(records) -> tuple[str, ...]:
    """Without ``docs``: the files the chunk records name (``source`` and
    the like) that exist on this machine, in order of first mention, so a
    chunkline chunk file is scored against its documents by default."""
    seen: dict[str, None] = {}
    for r in records:
        key = r.doc_key
        if key and key not in seen and key != "-" and os.path.isfile(key):
            seen[key] = None
    return tuple(seen)


def score(opts: ScoreOptions, shown: Callable[[str], str] | None = None) -> ScoreReport:
    """Score one chunk file (see the package docstring for every metric).  ``shown``:
    how parameters are named in the messages of documents that failed (the CLI: flags)."""
    t0 = time.perf_counter()
    records = read_chunks(opts.chunks)
    if not records:
        raise UsageError(f"{opts.chunks}: no chunks to score")
    doc_paths = opts.docs or documents_named_by(records)
    docs, doc_errors = load_documents(doc_paths, opts.format, shown) if doc_paths else ([], [])
    return score_records(records, docs, doc_errors, opts, t0, documents_from="docs" if opts.docs else ("sources" if doc_paths else None))


def score_records(
    records: Sequence[ChunkRecord],
    docs: Sequence[ParsedDocument],
    doc_errors: Sequence[str],
    opts: ScoreOptions,
    t0: float | None = None,
    baseline: Sequence[ChunkRecord] | None = None,
    documents_from: str | None = None,
) -> ScoreReport:
    """``score`` of chunk records already read and documents already parsed (``opts.chunks``,
    ``opts.docs`` and ``opts.baseline`` only name them; the Python API passes chunks it holds
    in memory).  ``baseline`` None: read from ``opts.baseline`` when it is set.
    ``documents_from``: "docs" (given), "sources" (named by the records), None: "docs" when there are documents."""
    t0 = time.perf_counter() if t0 is None else t0
    docs = list(docs)
    if documents_from is None and docs:
        documents_from = "docs"
    corpus = locate(records, docs)
    tokenizer = _declared_tokenizer(opts, corpus.tokenizers)
    sizes = measure(corpus.texts, tokenizer)
    stats = size_stats(sizes, tokenizer, opts.max_size, opts.min_size)
    metrics: dict[str, float | None] = {**size_metrics(stats), "unlocated": float(corpus.unlocated) if docs else None}
    per_doc: list = []
    cut_by_kind: dict = {}
    if docs:
        intrinsic, per_doc, cut_by_kind = intrinsic_metrics(corpus, opts, tokenizer)
        metrics.update(intrinsic)
        doc_errors = [*doc_errors, *(row["lm_error"] for row in per_doc if "lm_error" in row)]
    retrieval_detail = comparison = None
    if opts.questions:
        index = DocumentIndex(docs)
        questions = load_questions(opts.questions, index, [p.document.text for p in docs])
        qs = retrieve(corpus, questions, opts)
        rmetrics, retrieval_detail = retrieval_metrics(qs, opts)
        metrics.update(rmetrics)
        if opts.baseline:
            base_corpus = locate(baseline if baseline is not None else read_chunks(opts.baseline), docs)
            bq = retrieve(base_corpus, questions, opts)
            cmp: dict[str, Any] = {"baseline": opts.baseline, "baseline_unlocated": base_corpus.unlocated, "resamples": opts.bootstrap_resamples, "metrics": {}}
            comparison = cmp
            pairs = [("recall", qs.recall, bq.recall), ("precision", qs.precision, bq.precision), ("iou", qs.iou, bq.iou), ("mrr", qs.mrr, bq.mrr)]
            pairs += [(f"recall@{kk}", qs.recall_at[kk], bq.recall_at[kk]) for kk in opts.ks]
            for name, a, b in pairs:
                diff, lo, hi = retrieval.paired_bootstrap(a, b, opts.bootstrap_resamples)
                cmp["metrics"][name] = {"value": float(a.mean()), "baseline": float(b.mean()), "diff": diff, "ci95": [lo, hi]}
    results = check(opts.thresholds, metrics)
    settings: dict[str, Any] = {
        "tokenizer": tokenizer, "max_size": opts.max_size, "min_size": opts.min_size, "embedder": opts.embedder if opts.semantic else None,
        "window_tokens": opts.window_tokens, "bi_tolerance": opts.bi_tolerance, "blocks_cut_by_kind": cut_by_kind,
        "embed_context": opts.embed_context,
    }
    if opts.lm is not None:
        from ..llm.client import get_client

        settings["lm"] = {"model": opts.lm.model, "band": opts.lm_band, "usage": get_client(opts.lm).usage.as_dict()}
    return ScoreReport(
        chunks_file=opts.chunks,
        records=corpus.records,
        documents=len(docs),
        located=dict(corpus.located_by),
        unlocated=corpus.unlocated,
        unmatched_documents=corpus.unmatched_keys,
        document_errors=tuple(doc_errors),
        documents_from=documents_from,
        size=stats,
        metrics=metrics,
        per_document=tuple(per_doc),
        retrieval=retrieval_detail,
        comparison=comparison,
        thresholds=results,
        settings=settings,
        seconds=time.perf_counter() - t0,
    )
