"""The segmenter interface, the strategy record and the one place chunks are built.

A segmenter is a function ``fn(parsed, ctx: SegmentContext) -> Iterable[Span]``
registered with ``@register_segmenter(name, params=ParamsDataclass, summary=...)``
in its own module.  It only decides *where* chunks go; ``build_chunks`` turns
spans into ``Chunk`` records, measures each exactly, aggregates provenance,
derives ids, and refuses (``BudgetError``) any span that is off its text or
over budget.  So no strategy can emit a chunk that breaks the contract.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from ..core.errors import BudgetError, UsageError
from ..core.ids import short_hash
from ..core.records import Block, Chunk, ParsedDocument
from ..core.registry import Entry, Registry
from ..core.tokenizers import Sizer, get_sizer


@dataclass(frozen=True, slots=True)
class Budget:
    """Size limits of every chunk, in ``tokenizer`` units.

    ``max_size``: hard ceiling, never exceeded.  ``min_size``: strategies that
    merge try to avoid chunks below it (a soft floor: a short document is one
    short chunk).  ``overlap``: how much of the previous chunk a chunk repeats
    at its start (strategy-specific granularity, never above ``overlap``).
    """

    max_size: int = 512
    tokenizer: str = "cl100k_base"
    overlap: int = 0
    min_size: int = 0

    def __post_init__(self) -> None:
        if self.max_size < 1:
            raise UsageError("the size budget must be at least 1", "max_size")
        if self.tokenizer not in ("chars", "nws", "words") and self.max_size < 4:
            # one code point can take up to 4 byte-level tokens and offsets never split a character
            raise UsageError("a token budget must be at least 4 (one character can take 4 tokens)")
        if not 0 <= self.overlap < self.max_size:
            raise UsageError("overlap must be at least 0 and below the budget", "overlap")
        if not 0 <= self.min_size <= self.max_size:
            raise UsageError("min_size must be between 0 and the budget", "min_size")


@dataclass(frozen=True, slots=True)
class Span:
    """Where a segmenter wants a chunk: ``[start, end)`` of the document text,
    plus optional non-source ``context`` and ``section`` overrides and ``meta``.
    ``count`` may carry the exact size the segmenter already measured for
    exactly this span (saves a second tokenization); tests re-measure."""

    start: int
    end: int
    count: int | None = None
    context: str | None = None
    section: tuple[str, ...] | None = None
    meta: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class SegmentContext:
    """Everything a segmenter needs besides the document."""

    budget: Budget
    sizer: Sizer
    params: Any = None
    keep_furniture: bool = False

    def regions(self, parsed: ParsedDocument) -> list[tuple[int, int]]:
        return content_regions(parsed, self.keep_furniture)

    def blocks(self, parsed: ParsedDocument) -> list[Block]:
        """The blocks chunks may cover, in reading order."""
        return [b for b in parsed.blocks if self.keep_furniture or not b.furniture]


SegmentFn = Callable[[ParsedDocument, SegmentContext], Iterable[Span]]


@dataclass(frozen=True)
class SegmenterEntry(Entry):
    """A strategy's table row.  ``params`` names the options dataclass in the
    same module; ``formats`` are the formats it is designed for (``compare``
    uses them to choose default candidates; every strategy accepts any
    format); ``default_tokenizer`` is the unit when the user names none."""

    params: str | None = None
    formats: tuple[str, ...] = ()
    default_tokenizer: str | None = None


@dataclass(frozen=True)
class SegmenterSpec:
    """A loaded strategy: its function, options class and what the table says about it."""

    name: str
    fn: SegmentFn
    params: type | None = None
    summary: str = ""
    formats: tuple[str, ...] = ()
    default_tokenizer: str | None = None


#: Every strategy, in the order the CLI lists them.
SEGMENTER_TABLE: dict[str, SegmenterEntry] = {
    "ast": SegmenterEntry(
        "chunkline.segmenters.ast",
        "ast_segment",
        "code: split syntax nodes over budget, merge sibling nodes (cAST); exact tiling, signatures in context",
        params="AstParams",
        formats=("code",),
        default_tokenizer="nws",
    ),
    "auto": SegmenterEntry(
        "chunkline.segmenters.auto",
        "auto",
        "per document, the best of several strategies by five intrinsic metrics (Adaptive Chunking); choice recorded in meta",
        params="AutoParams",
    ),
    "fixed": SegmenterEntry("chunkline.segmenters.fixed", "fixed", "fixed-size windows of N tokens/characters/words with overlap (baseline)"),
    "legal": SegmenterEntry(
        "chunkline.segmenters.legal",
        "legal",
        "whole sentences packed within a section (legal parser); long sentences split at clauses; section path as context",
        params="LegalParams",
        formats=("legal",),
    ),
    "lumber": SegmenterEntry(
        "chunkline.segmenters.lumber",
        "lumber",
        "LumberChunker: an LLM names the paragraph where the content shifts (OpenAI-compatible endpoint); budget held",
        params="LumberParams",
    ),
    "perplexity": SegmenterEntry(
        "chunkline.segmenters.perplexity",
        "perplexity",
        "Meta-Chunking PPL: boundaries at minima of sentence perplexity from an LLM's prompt log-probabilities; budget held",
        params="PerplexityParams",
    ),
    "recursive": SegmenterEntry(
        "chunkline.segmenters.recursive",
        "recursive",
        "separator hierarchy (sections, paragraphs, lines, sentences, words), merged greedily",
        params="RecursiveParams",
    ),
    "semantic": SegmenterEntry(
        "chunkline.segmenters.semantic",
        "semantic",
        "topic shifts between sentence windows (lexical or MiniLM embeddings), never over budget or across headings",
        params="SemanticParams",
    ),
    "sentence": SegmenterEntry(
        "chunkline.segmenters.sentence", "sentence", "whole sentences packed up to the budget; long sentences split at clauses, then words"
    ),
    "structure": SegmenterEntry(
        "chunkline.segmenters.structure",
        "structure",
        "heading-aware: never crosses a chosen heading level, merges small sections, keeps tables/code whole",
        params="StructureParams",
    ),
}


def _build(name: str, row: SegmenterEntry, fn: SegmentFn) -> SegmenterSpec:
    import importlib

    params = getattr(importlib.import_module(row.module), row.params) if row.params else None
    return SegmenterSpec(name, fn, params, row.summary, row.formats, row.default_tokenizer)


SEGMENTERS: Registry[SegmenterSpec] = Registry("segmenter", SEGMENTER_TABLE, _build)


def register_segmenter(
    name: str,
    *,
    params: type | None = None,
    summary: str = "",
    formats: tuple[str, ...] = (),
    default_tokenizer: str | None = None,
) -> Callable[[SegmentFn], SegmentFn]:
    """Add a strategy at run time (a plugin); the built-in ones are in ``SEGMENTER_TABLE``."""

    def wrap(fn: SegmentFn) -> SegmentFn:
        SEGMENTERS.add(name, SegmenterSpec(name, fn, params, summary, formats, default_tokenizer))
        return fn

    return wrap


def get_segmenter(name: str) -> SegmenterSpec:
    spec = SEGMENTERS.get(name)
    if spec is None:
        raise UsageError(f"unknown strategy {name!r}; choose from {', '.join(SEGMENTERS.names())}")
    return spec


# ---------------------------------------------------------------- strategies

#: Re-measure every chunk even when the segmenter reported its size (tests set it).
VERIFY = os.environ.get("CHUNKLINE_VERIFY", "") not in ("", "0")


@dataclass(frozen=True)
class Strategy:
    """A segmenter with its budget and parameters: what ``-s`` names.

    ``params_hash`` identifies the configuration (it is part of every chunk id
    and of the incremental manifest).
    """

    name: str
    budget: Budget
    params: Any = None
    keep_furniture: bool = False
    #: ``chunkline.llm.LLMOptions`` when each chunk gets a model-written context
    #: (``contextualize=true``); None otherwise.
    contextualize: Any = None

    @property
    def spec(self) -> SegmenterSpec:
        return get_segmenter(self.name)

    @property
    def params_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self.params) if self.params is not None else {}

    @property
    def asks_model(self) -> bool:
        """Whether chunking waits on a language model (an LLM strategy or ``contextualize``)."""
        from ..llm.settings import LLMOptions

        return self.contextualize is not None or isinstance(self.params, LLMOptions)

    @functools.cached_property
    def params_hash(self) -> str:
        # Cached: the fields are frozen, and hashing their JSON per document
        # showed up in profiles of many-small-file runs (code repositories).
        parts: list[Any] = [self.name, dataclasses.asdict(self.budget), self.identity_dict, self.keep_furniture]
        if self.contextualize is not None:
            parts.append({"contextualize": self.contextualize.llm_model})  # only then: other hashes stay as they were
        return short_hash(*parts)

    @property
    def identity_dict(self) -> dict[str, Any]:
        """The parameters that decide the chunks: ``params_dict`` without the
        fields marked ``metadata={"identity": False}`` (where an LLM runs,
        its cache, parallelism), so moving a server keeps chunk ids."""
        if self.params is None:
            return {}
        skip = {f.name for f in dataclasses.fields(self.params) if f.metadata.get("identity") is False}
        return {k: v for k, v in self.params_dict.items() if k not in skip}

    @property
    def label(self) -> str:
        """Short human name, e.g. ``recursive:max_tokens=512``; parsed back by
        ``parse_strategy`` it gives the same strategy (so the tokenizer is
        named whenever it is not the strategy's own default: ``ast`` counts
        ``nws`` unless told otherwise)."""
        unit = "max_chars" if self.budget.tokenizer == "chars" else "max_tokens"
        bits = [f"{unit}={self.budget.max_size}"]
        if self.budget.tokenizer not in ("chars", self.spec.default_tokenizer or "cl100k_base"):
            bits.append(f"tokenizer={self.budget.tokenizer}")
        if self.budget.overlap:
            bits.append(f"overlap={self.budget.overlap}")
        if self.budget.min_size:
            bits.append(f"min_size={self.budget.min_size}")
        defaults = _defaults(self.spec.params) if self.params is not None else {}
        bits += [f"{k}={v}" for k, v in self.params_dict.items() if defaults.get(k) != v]
        if self.contextualize is not None:
            bits.append("contextualize=true")
            if self.params is None or not hasattr(self.params, "llm_url"):
                llm_defaults = _defaults(type(self.contextualize))
                bits += [f"{k}={v}" for k, v in dataclasses.asdict(self.contextualize).items() if llm_defaults.get(k) != v]
        return f"{self.name}:{','.join(bits)}"


def _defaults(params_cls: type | None) -> dict[str, Any]:
    if params_cls is None:
        return {}
    return dataclasses.asdict(params_cls())


def _coerce(value: str, typ: Any, key: str) -> Any:
    t = typ if isinstance(typ, type) else None
    name = typ if isinstance(typ, str) else getattr(typ, "__name__", str(typ))
    try:
        if t is bool or name == "bool":
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if t is int or name == "int":
            return int(value)
        if t is float or name == "float":
            return float(value)
    except ValueError:
        raise UsageError(f"option {key}={value!r}: expected {name}", key, named=False) from None
    return value


def parse_strategy(
    text: str,
    *,
    max_tokens: int | None = None,
    max_chars: int | None = None,
    tokenizer: str | None = None,
    overlap: int | None = None,
    min_size: int | None = None,
    keep_furniture: bool = False,
    options: Mapping[str, str] | None = None,
) -> Strategy:
    """Build a Strategy from ``name[:key=value,...]`` plus command-line defaults.

    Keys inside the strategy string win over the command-line flags, so
    ``compare -s fixed:max_tokens=256 -s fixed:max_tokens=512`` works.
    Budget keys: ``max_tokens``, ``max_chars`` (= tokenizer ``chars``),
    ``tokenizer``, ``overlap``, ``min_size``; every other key must be a field
    of the strategy's parameter record (``chunkline strategies`` lists them).
    """
    name, _, rest = text.partition(":")
    name = name.strip()
    spec = get_segmenter(name)
    kv: dict[str, str] = dict(options or {})
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq:
            raise UsageError(f"strategy option {item!r} in {text!r} is not key=value")
        kv[key.strip().replace("-", "_")] = value.strip()

    b_max_tokens = int(kv.pop("max_tokens")) if "max_tokens" in kv else None
    b_max_chars = int(kv.pop("max_chars")) if "max_chars" in kv else None
    if b_max_tokens is None and b_max_chars is None:
        b_max_tokens, b_max_chars = max_tokens, max_chars
    if b_max_tokens is not None and b_max_chars is not None:
        raise UsageError("give either max_tokens or max_chars, not both", "max_tokens", also=("max_chars",))
    tok = kv.pop("tokenizer", None) or tokenizer
    if b_max_chars is not None:
        size, tok = b_max_chars, (tok if tok in ("chars", "nws") else "chars")
    else:
        size = b_max_tokens if b_max_tokens is not None else 512
        tok = tok or spec.default_tokenizer or "cl100k_base"
    ov = int(kv.pop("overlap")) if "overlap" in kv else (overlap or 0)
    mn = kv.pop("min_size", None) or kv.pop("min_tokens", None) or kv.pop("min_chars", None)
    mn_i = int(mn) if mn is not None else (min_size or 0)
    kf = kv.pop("keep_furniture", None)
    keep = _coerce(kf, bool, "keep_furniture") if kf is not None else keep_furniture
    contextualize = _contextualize_options(spec, kv)
    budget = Budget(max_size=size, tokenizer=tok, overlap=ov, min_size=min(mn_i, size))

    params = None
    if spec.params is not None:
        fields = {f.name: f for f in dataclasses.fields(spec.params)}
        values: dict[str, Any] = {}
        for key, value in kv.items():
            if key not in fields:
                allowed = sorted(set(fields) | {"max_tokens", "max_chars", "tokenizer", "overlap", "min_size", "keep_furniture"})
                raise UsageError(f"strategy {name!r} has no option {key!r}; options: {', '.join(allowed)}", key, named=False)
            values[key] = _coerce(value, fields[key].type, key)
        try:
            params = spec.params(**values)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"strategy {name!r}: {exc}") from None
    elif kv:
        raise UsageError(f"strategy {name!r} takes no option {sorted(kv)[0]!r}", sorted(kv)[0], named=False)
    get_sizer(tok)  # fail early on an unknown tokenizer
    return Strategy(name=name, budget=budget, params=params, keep_furniture=keep, contextualize=contextualize)


def asks_model(text: str) -> bool:
    """Whether the strategy string ``name[:key=value,...]`` asks a language model: an LLM
    strategy (its parameters take the ``llm_*`` options) or ``contextualize=true``."""
    from ..llm.settings import LLMOptions

    name, _, rest = text.partition(":")
    spec = get_segmenter(name.strip())
    if spec.params is not None and issubclass(spec.params, LLMOptions):
        return True
    for item in rest.split(","):
        key, _, value = item.partition("=")
        if key.strip().replace("-", "_") == "contextualize":
            return _coerce(value.strip(), bool, "contextualize") is True
    return False


def _contextualize_options(spec: SegmenterSpec, kv: dict[str, str]) -> Any:
    """``contextualize=true`` (any strategy): its ``LLMOptions`` from the ``llm_*`` keys,
    which are taken out of ``kv`` unless the strategy asks a model itself (then they
    are its parameters too and both use the same endpoint)."""
    from ..llm.settings import LLMOptions, llm_option_names

    raw = kv.pop("contextualize", None)
    on = _coerce(raw, bool, "contextualize") if raw is not None else False
    names = llm_option_names()
    own = spec.params is not None and issubclass(spec.params, LLMOptions)
    if not on:
        if not own and any(k in kv for k in names):
            key = next(k for k in kv if k in names)
            raise UsageError(f"{key} needs a strategy that asks a model (lumber, perplexity) or contextualize=true", key)
        return None
    types = {f.name: f.type for f in dataclasses.fields(LLMOptions)}
    values = {k: _coerce(kv[k] if own else kv.pop(k), types[k], k) for k in names if k in kv}
    try:
        return LLMOptions(**values)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"contextualize: {exc}") from None


# ------------------------------------------------------------ chunk building


def content_regions(parsed: ParsedDocument, keep_furniture: bool = False) -> list[tuple[int, int]]:
    """Spans of the document text that chunks may cover: everything but page
    furniture blocks (unless kept).  Text-walking strategies run per region,
    so no chunk straddles a running header."""
    n = len(parsed.document.text)
    if keep_furniture:
        return [(0, n)] if n else []
    cuts = sorted((b.start, b.end) for b in parsed.blocks if b.furniture)
    out: list[tuple[int, int]] = []
    pos = 0
    for s, e in cuts:
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < n:
        out.append((pos, n))
    return out


class BlockIndex:
    """Fast lookup of the blocks overlapping a span (blocks may nest)."""

    def __init__(self, blocks: Iterable[Block]) -> None:
        self.blocks = sorted(blocks, key=lambda b: (b.start, -b.end))
        self.starts = [b.start for b in self.blocks]
        self.max_end: list[int] = []
        m = -1
        for b in self.blocks:
            m = max(m, b.end)
            self.max_end.append(m)

    def overlapping(self, start: int, end: int) -> list[Block]:
        hi = bisect.bisect_left(self.starts, end)
        lo = bisect.bisect_right(self.max_end, start, 0, hi)
        return [b for b in self.blocks[lo:hi] if b.end > start or (b.start == b.end == start)]


def _chunk_id_maker(doc_id: str, strategy: str, params_hash: str) -> Callable[[int, int], str]:
    """``chunk_id(doc_id, s, e, strategy, params_hash)`` for one document:
    the same canonical-JSON payload and hash, with the constant parts
    serialised once (ids are made for every chunk of every file)."""
    import hashlib
    import json

    def enc(x: str) -> str:
        return json.dumps(x, ensure_ascii=False)

    head = '["chunk",' + enc(doc_id) + ","
    tail = "," + enc(strategy) + "," + enc(params_hash) + "]"
    sha = hashlib.sha256

    def make(s: int, e: int) -> str:
        return sha(f"{head}{s},{e}{tail}".encode("utf-8")).hexdigest()[:16]

    return make


def _newlines(text: str, a: int, b: int) -> int:
    return text.count("\n", a, b)


def _line_breaks(text: str, a: int, b: int) -> int:
    """Line breaks in ``text[a:b]`` where lone CRs (classic Mac files) end lines too."""
    return text.count("\n", a, b) + text.count("\r", a, b) - text.count("\r\n", a, b)


def build_chunks(parsed: ParsedDocument, spans: Iterable[Span], strategy: Strategy, sizer: Sizer | None = None) -> list[Chunk]:
    """Turn spans into verified Chunk records (the only constructor of chunks)."""
    from ..parsers.base import PARSERS

    doc = parsed.document
    text = doc.text
    sizer = sizer or get_sizer(strategy.budget.tokenizer)
    limit = strategy.budget.max_size
    params_hash = strategy.params_hash
    make_id = _chunk_id_maker(doc.id, strategy.name, params_hash)
    index = BlockIndex(b for b in parsed.blocks if strategy.keep_furniture or not b.furniture)
    pspec = PARSERS.get(doc.format)
    text_like = pspec is None or pspec.text_like
    # 1-based line of an offset = 1 + newlines before it; counted from the
    # previous chunk's position (chunks come in order, overlaps step back a
    # little), so the whole document is scanned about once, in C, with no
    # per-document list of line starts.
    line_pos, line_no = 0, 1
    breaks = _line_breaks if "\r" in text else _newlines
    chunks: list[Chunk] = []
    for span in spans:
        s, e = span.start, span.end
        if not (0 <= s < e <= len(text)):
            raise BudgetError(f"{doc.source}: strategy {strategy.name} made an empty or out-of-range span [{s}, {e})")
        piece = text[s:e]
        count = span.count if (span.count is not None and not VERIFY) else sizer.count(piece)
        if VERIFY and span.count is not None and span.count != count:
            raise BudgetError(
                f"{doc.source}: strategy {strategy.name} reported {span.count} {sizer.name} for [{s}, {e}), measured {count}"
            )
        if count > limit:
            raise BudgetError(
                f"{doc.source}: strategy {strategy.name} made a chunk of {count} {sizer.name} over the budget of {limit}"
            )
        blocks = index.overlapping(s, e)
        pages = tuple(sorted({b.page for b in blocks if b.page is not None} | {bb[0] for b in blocks for bb in b.bboxes}))
        if text_like:
            if s >= line_pos:
                line_no += breaks(text, line_pos, s)
            else:
                line_no -= breaks(text, s, line_pos)
            line_pos = s
            lines: tuple[int, int] | None = (line_no, line_no + breaks(text, s, e - 1))
        else:
            spans_l = [b.lines for b in blocks if b.lines]
            lines = (min(a for a, _ in spans_l), max(z for _, z in spans_l)) if spans_l else None
        bboxes = tuple(bb for b in blocks for bb in b.bboxes)
        if span.section is not None:
            section = span.section
        else:
            section = next((b.section for b in blocks), ())
        chunks.append(
            Chunk(
                id=make_id(s, e),
                doc_id=doc.id,
                source=doc.source,
                index=len(chunks),
                text=piece,
                start=s,
                end=e,
                token_count=count,
                tokenizer=sizer.name,
                strategy=strategy.name,
                params_hash=params_hash,
                section=tuple(section),
                context=span.context,
                pages=pages,
                lines=lines,
                bboxes=bboxes,
                meta=dict(span.meta) if span.meta else {},
            )
        )
    return chunks


def segment(parsed: ParsedDocument, strategy: Strategy, warnings: list[str] | None = None) -> list[Chunk]:
    """Chunk one parsed document with one strategy (and, with ``contextualize``, add the model's contexts).

    The strategy's spans go through ``tidy`` (the rules every strategy
    shares: no chunk ending on a heading, no chunk without a letter or digit,
    ``min_size``) when its neighbours have room.  ``warnings``, when given,
    receives why chunks stay under ``min_size``."""
    sizer = get_sizer(strategy.budget.tokenizer)
    ctx = SegmentContext(strategy.budget, sizer, strategy.params, strategy.keep_furniture)
    spans = tidy_spans(parsed, strategy.spec.fn(parsed, ctx), ctx)
    if warnings is not None and ctx.budget.min_size:
        from .tidy import shortfall

        why = shortfall(parsed, spans, ctx)
        if why:
            warnings.append(why)
    chunks = build_chunks(parsed, spans, strategy, sizer)
    if strategy.contextualize is not None and chunks:
        from ..llm.contextualize import contextualize

        chunks = contextualize(parsed, chunks, strategy.contextualize.llm_settings())
    return chunks


def tidy_spans(parsed: ParsedDocument, spans: Iterable[Span], ctx: SegmentContext) -> list[Span]:
    """A strategy's spans after the shared rules of ``segmenters.tidy``."""
    from .tidy import tidy

    return tidy(parsed, spans, ctx)
