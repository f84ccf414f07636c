"""``auto``: per document, run several strategies and keep the one that scores best.

After Adaptive Chunking (de Moura Junior, Lelong, Blangero, Ekimetrics 2025):
no single strategy is best for every document, but the intrinsic metrics
tell, without questions or a model, which chunking of *this* document is
cleanest.  For each document every candidate strategy is run with auto's
budget, and each candidate's spans are scored with five intrinsic metrics,
each computed by ``chunkline.scoring`` (never re-implemented here):

* ``sc``  size compliance: share of chunks with ``floor <= size <= max``,
  ``floor`` = the budget's ``min_size`` or, when none is set,
  ``sc_floor x max_size`` (default 10%), so a candidate that litters the
  document with tiny chunks pays for it;
* ``bi``  block integrity (``scoring.structure.block_integrity_paper``);
* ``icc`` intra-chunk cohesion and ``dcc`` document contextual coherence
  (``scoring.cohesion``, with the ``lexical`` embedder fitted on all
  candidates' chunks of the document, so the candidates share one space);
* ``rc``  references completeness (``scoring.references``: chunkline's
  heuristic instead of the paper's non-commercial coreference model).

The candidate's score is the mean of the five, i.e. weights 0.2 each, as in
the paper.  A metric that is undefined for some candidate of a document (ICC
needs a chunk with two blocks) is dropped for *all* candidates of that
document and the weights of the rest are renormalised, so candidates are
always compared on the same metrics.  Ties go to the earlier candidate.
Every chunk records ``meta["auto"] = {"chosen": label, "scores": {...},
"candidates": {label: score}}``.

Candidates (``candidates``): strategy specs separated by ``|``; a candidate's
own options are separated by ``;`` (the ``,`` separates auto's options), e.g.
``auto:candidates=recursive|structure;split_level=2|sentence``.  A candidate
may set a smaller budget (``max_tokens``) or its own overlap, never a larger
budget or another tokenizer.  Empty: a default set by document format
(``DEFAULT_CANDIDATES``); ``semantic`` is not a default candidate because it
costs seconds per long document, name it to include it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

from ..core.errors import UsageError
from ..core.records import ParsedDocument
from .base import SegmentContext, Span, Strategy, get_segmenter, parse_strategy, tidy_spans

#: Candidate sets by document format; ``*`` is the fallback.
DEFAULT_CANDIDATES: dict[str, str] = {
    "code": "ast|recursive",
    "legal": "legal|sentence|recursive",
    "markdown": "structure|recursive|sentence",
    "html": "structure|recursive|sentence",
    "pdf": "structure|recursive|sentence",
    "*": "recursive|sentence|structure",
}

#: The five intrinsic metrics and their weights (the paper's equal weighting).
WEIGHTS: dict[str, float] = {"sc": 0.2, "bi": 0.2, "icc": 0.2, "dcc": 0.2, "rc": 0.2}


@dataclass(frozen=True)
class AutoParams:
    """candidates: ``|``-separated strategy specs (``;`` between a candidate's
    options), empty for the default set of the document's format;
    embedder: vectors for ICC/DCC (``lexical`` or ``minilm``);
    sc_floor: size-compliance floor as a share of the budget when no min_size is set."""

    candidates: str = ""
    embedder: str = "lexical"
    sc_floor: float = 0.1

    def __post_init__(self) -> None:
        if not 0.0 <= self.sc_floor <= 1.0:
            raise ValueError("sc_floor must be between 0 and 1")
        for spec in split_candidates(self.candidates):
            name = spec.partition(":")[0].strip()
            if name == "auto":
                raise ValueError("auto cannot be its own candidate")
            get_segmenter(name)  # UsageError naming the choices


def split_candidates(candidates: str) -> list[str]:
    """Candidate specs of a ``candidates`` value, with ``;`` turned into ``,``
    (``recursive;max_tokens=128`` means ``recursive:max_tokens=128``)."""
    out = []
    for c in (c.strip() for c in candidates.split("|")):
        if c:
            if ":" not in c and ";" in c:
                c = c.replace(";", ":", 1)
            out.append(c.replace(";", ","))
    return out


def candidate_strategies(candidates: str, fmt: str, auto: Strategy | SegmentContext) -> list[Strategy]:
    """The candidate strategies for a document of format ``fmt``, with auto's budget as default."""
    budget = auto.budget
    keep = auto.keep_furniture
    specs = split_candidates(candidates) or split_candidates(DEFAULT_CANDIDATES.get(fmt, DEFAULT_CANDIDATES["*"]))
    out: list[Strategy] = []
    for spec in specs:
        chars = budget.tokenizer == "chars"
        st = parse_strategy(
            spec,
            max_tokens=None if chars else budget.max_size,
            max_chars=budget.max_size if chars else None,
            tokenizer=budget.tokenizer,
            overlap=budget.overlap,
            min_size=budget.min_size,
            keep_furniture=keep,
        )
        if st.name == "auto":
            raise UsageError("auto cannot be its own candidate")
        if st.budget.tokenizer != budget.tokenizer:
            raise UsageError(f"auto candidate {spec!r} uses tokenizer {st.budget.tokenizer}, auto measures in {budget.tokenizer}")
        if st.budget.max_size > budget.max_size:
            raise UsageError(f"auto candidate {spec!r} has a budget of {st.budget.max_size}, above auto's {budget.max_size}")
        out.append(st)
    return out


def intrinsic_scores(parsed: ParsedDocument, runs: list[tuple[list[tuple[int, int]], list[int], Strategy]], embedder: str = "lexical", sc_floor: float = 0.1) -> list[dict[str, float | None]]:
    """The five Adaptive Chunking metrics of each candidate chunking of one document.

    ``runs`` holds per candidate its spans, their exact sizes and its strategy.
    Returns one dict per candidate with ``sc``, ``bi``, ``icc``, ``dcc``, ``rc``
    (None when undefined) and ``score`` (their weighted mean, see the module
    docstring for how undefined metrics are handled).
    """
    import numpy as np

    from ..core.tokenizers import get_sizer
    from ..embeddings import get_embedder
    from ..scoring import cohesion, references, structure

    text = parsed.document.text
    blocks = structure.content_blocks(parsed)
    block_starts = [b.start for b in blocks]
    heads = [b for b in blocks if b.kind in structure.HEADING_KINDS]
    terms = references.defined_terms(text)
    all_texts = [text[s:e] for spans, _, _ in runs for s, e in spans]
    emb = get_embedder(embedder, corpus=all_texts) if all_texts else None
    rows: list[dict[str, float | None]] = []
    for spans, sizes, st in runs:
        row: dict[str, float | None] = dict.fromkeys(WEIGHTS)
        if spans:
            b = st.budget
            floor = b.min_size if (b.min_size or not sc_floor) else max(1, math.ceil(sc_floor * b.max_size))
            sz = np.asarray(sizes)
            row["sc"] = float(((sz >= floor) & (sz <= b.max_size)).mean())
            row["bi"] = structure.block_integrity_paper(block_starts, [s for s, _ in spans], len(text)) if blocks else None
            counts = [references.chunk_references(text[s:e], terms, any(s <= h.start and h.end <= e for h in heads)) for s, e in spans]
            row["rc"] = references.references_completeness(counts)[0]
            if emb is not None:
                cvecs = np.asarray(emb.embed([text[s:e] for s, e in spans]), dtype=np.float32)
                row["icc"] = cohesion.clipped_mean(cohesion.icc_scores(text, spans, block_starts, emb, cvecs))
                count = get_sizer(b.tokenizer).count
                row["dcc"] = cohesion.clipped_mean(cohesion.dcc_scores(text, spans, emb, count, 3000, cvecs))
        rows.append(row)
    shared = [m for m in WEIGHTS if all(r[m] is not None for r in rows)]
    total = sum(WEIGHTS[m] for m in shared)
    for r in rows:
        r["score"] = sum(WEIGHTS[m] * float(r[m] or 0.0) for m in shared) / total if total else 0.0  # shared: none is None
    return rows


def auto(parsed: ParsedDocument, ctx: SegmentContext) -> Iterator[Span]:
    p: AutoParams = ctx.params or AutoParams()
    text = parsed.document.text
    if not text.strip():
        return
    runs: list[tuple[list[tuple[int, int]], list[int], Strategy]] = []
    produced: list[list[Span]] = []
    for st in candidate_strategies(p.candidates, parsed.document.format, ctx):
        sizer = ctx.sizer if st.budget.tokenizer == ctx.budget.tokenizer else None
        sub = SegmentContext(st.budget, sizer or ctx.sizer, st.params, ctx.keep_furniture)
        spans = tidy_spans(parsed, st.spec.fn(parsed, sub), sub)
        sizes = [sp.count if sp.count is not None else sub.sizer.count(text[sp.start : sp.end]) for sp in spans]
        produced.append([Span(sp.start, sp.end, n, sp.context, sp.section, sp.meta) for sp, n in zip(spans, sizes)])
        runs.append(([(sp.start, sp.end) for sp in spans], sizes, st))
    rows = intrinsic_scores(parsed, runs, p.embedder, p.sc_floor)
    best = max(range(len(rows)), key=lambda i: (rows[i]["score"], -i))
    chosen = runs[best][2].label
    meta = {
        "chosen": chosen,
        "scores": {k: (round(v, 4) if v is not None else None) for k, v in rows[best].items()},
        "candidates": {runs[i][2].label: round(rows[i]["score"] or 0.0, 4) for i in range(len(rows))},
    }
    for sp in produced[best]:
        yield Span(sp.start, sp.end, sp.count, sp.context, sp.section, {**(sp.meta or {}), "auto": meta})
