"""The public Python API: parse, chunk, score and compare from Python.

Everything here is a thin layer over the engine the command line uses:
``parse`` reads a file through the same read-and-parse path as
``chunkline parse``, ``chunk_files`` runs the same per-file worker and
dispatch as ``chunkline chunk`` (so it yields exactly the records the CLI
writes, in the same order), ``score`` and ``compare`` compute every number
with ``chunkline.scoring``.  Errors are ``ChunklineError`` subclasses whose
messages name the keyword arguments of these functions; nothing here exits
the process.

Strategy options are keyword arguments: the budget (``max_tokens`` or
``max_chars``, ``tokenizer``, ``overlap``, ``min_size``, ``keep_furniture``)
and the fields of the strategy's parameter record (``chunkline.strategies()``
lists them); an unknown keyword is a ``UsageError`` naming it.  A strategy
may also be given as a spec string (``"structure:max_tokens=400"``, as on
the command line) or as a ``Strategy`` built by ``chunkline.make_strategy``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal, Mapping, Sequence, Union

from .core.errors import InputError, UsageError
from .core.records import Chunk, ParsedDocument
from .core.sources import DEFAULT_MAX_BYTES, Skipped, Source, printable
from .parsers.base import ParseOptions, text_like
from .segmenters.base import Strategy, parse_strategy, segment

if TYPE_CHECKING:
    from .run import ChunkOptions, FileResult, RunSummary
    from .scoring.api import ScoreReport
    from .scoring.compare import CompareReport

__all__ = [
    "ChunkStream",
    "chunk",
    "chunk_files",
    "chunk_text",
    "compare",
    "formats",
    "parse",
    "parse_text",
    "score",
    "make_strategy",
    "strategies",
    "token_counter",
]

#: A file to read: a path as ``str`` or ``os.PathLike``.
PathArg = Union[str, "os.PathLike[str]"]
#: What ``chunk`` accepts: a path, or a document parsed before (parse once, chunk many).
Source_ = Union[PathArg, ParsedDocument]
#: A strategy: its name, a spec string (``"structure:max_tokens=400"``) or a ``Strategy``.
StrategyArg = Union[str, Strategy]

#: Keyword arguments every strategy takes (the budget); the rest are the strategy's own parameters.
BUDGET_KEYWORDS = ("max_tokens", "max_chars", "tokenizer", "overlap", "min_size", "keep_furniture")


# ----------------------------------------------------------------- strategies


def _option_text(value: Any) -> str:
    # strategy parameters travel as the strings a spec carries; parse_strategy types them
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def make_strategy(name: StrategyArg = "recursive", **options: Any) -> Strategy:
    """A ``Strategy`` (name, budget, parameters) from a name or spec string and keyword options.

    Options inside a spec string win over keywords, as on the command line.
    A ``Strategy`` passed in is returned as it is (no options allowed then).
    """
    if isinstance(name, Strategy):
        if options:
            key = sorted(options)[0]
            raise UsageError(f"{key} cannot be combined with a Strategy object; build it with chunkline.make_strategy(..., {key}=...)", key)
        return name
    if not isinstance(name, str):
        raise UsageError(f"strategy must be a name, a spec string or a Strategy, not {type(name).__name__}", "strategy")
    budget: dict[str, Any] = {}
    for key in BUDGET_KEYWORDS:
        if key not in options:
            continue
        value = options.pop(key)
        if value is None:
            continue
        if key == "keep_furniture":
            if not isinstance(value, bool):
                raise UsageError(f"keep_furniture must be True or False, not {value!r}", "keep_furniture")
        elif key == "tokenizer":
            if not isinstance(value, str):
                raise UsageError(f"tokenizer must be a name or a tokenizer.json path, not {value!r}", "tokenizer")
        elif not isinstance(value, int) or isinstance(value, bool):
            raise UsageError(f"{key} must be an integer, not {value!r}", key)
        budget[key] = value
    return parse_strategy(name, **budget, options={k: _option_text(v) for k, v in options.items()})


def strategies() -> list[dict[str, Any]]:
    """Every strategy: name, summary, formats it is designed for, default tokenizer and
    options with their defaults (what ``chunkline strategies --json`` prints)."""
    from .segmenters.describe import describe_strategies

    return describe_strategies()


def formats() -> list[dict[str, Any]]:
    """Every input format: name, file extensions and summary (``chunkline strategies --json``)."""
    from .segmenters.describe import describe_parsers

    return describe_parsers()


# ----------------------------------------------------------------- parsing


def _parse_options(
    format: str | None, encoding: str, decode_errors: str, scanned: str, options: Mapping[str, object] | None = None
) -> ParseOptions:
    from .parsers.base import PARSER_OPTIONS, PARSERS

    if format is not None and PARSERS.get(format) is None:
        raise UsageError(f"unknown format {format!r}; choose from {', '.join(PARSERS.names())}", "format")
    if decode_errors not in ("strict", "replace"):
        raise UsageError("decode_errors must be strict or replace", "decode_errors")
    if scanned not in ("warn", "error"):
        raise UsageError("scanned must be warn or error", "scanned")
    for key in options or {}:
        if key not in PARSER_OPTIONS:
            raise UsageError(f"parser_options has no option {key!r}; options: {', '.join(PARSER_OPTIONS)}", key, named=False)
    extra = tuple(sorted((options or {}).items()))
    return ParseOptions(format=format, encoding=encoding, decode_errors=decode_errors, scanned=scanned, extra=extra)


def _path(source: object, what: str = "source") -> str:
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if isinstance(path, str):
            return path
    raise UsageError(f"{what} must be a file path (str or os.PathLike), not {type(source).__name__}", what)


def _parse_data(data: bytes, source: str, options: ParseOptions) -> ParsedDocument:
    # the one read-and-parse path of every command (run.worker.load), given the bytes
    from .run import parse_source

    return parse_source(Source(source, None), options, data)


def parse(
    file: PathArg | bytes,
    *,
    format: str | None = None,
    source: str | None = None,
    encoding: str = "utf-8",
    decode_errors: str = "strict",
    scanned: str = "warn",
    max_bytes: int = DEFAULT_MAX_BYTES,
    parser_options: Mapping[str, object] | None = None,
) -> ParsedDocument:
    """Read and parse one file: its ``Document`` (``.document``: text, id, source, format) and
    its blocks in reading order (``.blocks``), as ``chunkline parse`` sees them.

    ``file`` is a path, or the file's bytes (then ``source`` names the
    document, ``"<bytes>"`` by default, and the format is detected from that
    name and the bytes).  ``format`` overrides detection by extension and
    content.  ``parser_options`` are the parsers' own options
    (``chunkline.parsers.base.PARSER_OPTIONS``: ``language`` for code,
    ``legal_tokenizer``, ``pdf_password``...).  Raises ``InputError`` (or its
    ``DecodeError``/``FormatError``) naming the file when it cannot be read
    or parsed.
    """
    if max_bytes < 1:
        raise UsageError("max_bytes must be a positive number of bytes", "max_bytes")
    opts = _parse_options(format, encoding, decode_errors, scanned, parser_options)
    if isinstance(file, (bytes, bytearray, memoryview)):
        name = source or "<bytes>"
        if len(file) > max_bytes:
            raise InputError(name, f"input larger than the {max_bytes:,}-byte limit (max_bytes)", "too_large", ("max_bytes",))
        return _parse_data(bytes(file), name, opts)
    from .run import parse_source

    path = _path(file, "file")
    if source is not None:
        raise UsageError("source names in-memory input; a file is named by its path", "source")
    return parse_source(Source(printable(path), path), opts, None, max_bytes)


def parse_text(text: str, format: str = "text", *, source: str = "<string>", parser_options: Mapping[str, object] | None = None) -> ParsedDocument:
    """Parse an in-memory string as ``format`` (``text``, ``markdown``, ``html``, ``code``, ``legal``).

    ``source`` names the document (its ``Document.source``; the document id
    is derived from it and the text, as for a file).  For ``code`` it is also
    how the language is found (``source="lib.rs"``), unless
    ``parser_options={"language": ...}`` names it.
    """
    if not isinstance(text, str):
        raise UsageError(f"text must be a str, not {type(text).__name__}", "text")
    opts = _parse_options(format, "utf-8", "strict", "warn", parser_options)
    if not text_like(format):
        raise UsageError(f"format {format!r} is read from files, not text: use chunkline.parse(path or bytes)", "format")
    return _parse_data(text.encode("utf-8", "surrogatepass"), source, opts)


def token_counter(tokenizer: str = "cl100k_base") -> Callable[[str], int]:
    """The exact size function chunk budgets use: ``token_counter("cl100k_base")(text)``.

    ``tokenizer``: ``cl100k_base``, ``o200k_base``, ``words``, ``chars``,
    ``nws`` (non-whitespace characters) or a ``tokenizer.json`` path.
    """
    from .core.tokenizers import get_sizer

    return get_sizer(tokenizer).count


# ----------------------------------------------------------------- chunking


def chunk(
    source: Source_,
    strategy: StrategyArg = "recursive",
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    decode_errors: str = "strict",
    **options: Any,
) -> list[Chunk]:
    """Chunk one file, or a document parsed before (``chunk(chunkline.parse(path))``
    gives the same chunks and ids as ``chunk(path)``).

    ``strategy`` is a name (``"structure"``), a spec string or a ``Strategy``;
    ``options`` are the budget and the strategy's parameters (module docstring).
    """
    st = make_strategy(strategy, **options)
    if isinstance(source, ParsedDocument):
        if format is not None:
            raise UsageError("format applies to files; this document is parsed already", "format")
        parsed = source
    else:
        parsed = parse(source, format=format, encoding=encoding, decode_errors=decode_errors)
    return segment(parsed, st)


def chunk_text(text: str, strategy: StrategyArg = "recursive", *, format: str = "text", source: str = "<string>", **options: Any) -> list[Chunk]:
    """Chunk an in-memory string (``parse_text`` then ``chunk``)."""
    st = make_strategy(strategy, **options)
    return segment(parse_text(text, format, source=source), st)


class ChunkStream(Iterator[Chunk]):
    """The chunks of many files, streamed in input order (what ``chunk_files`` returns).

    Iterate it for ``Chunk`` records.  ``failed`` lists the ``InputError`` of
    every file that could not be processed (with ``errors="skip"``; with
    ``errors="raise"`` the first one is raised when its turn comes), and
    ``skipped`` the files left out (generated, minified, hidden, binary, as
    the command line skips them); ``files`` counts the inputs seen so far.
    """

    def __init__(self, chunks: Iterator[Chunk], summary: RunSummary) -> None:
        self._chunks = chunks
        self._summary = summary

    def __iter__(self) -> "ChunkStream":
        return self

    def __next__(self) -> Chunk:
        return next(self._chunks)

    def close(self) -> None:
        """Stop early: worker processes are shut down."""
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()

    @property
    def failed(self) -> list[InputError]:
        return list(self._summary.failed)

    @property
    def skipped(self) -> list[Skipped]:
        return list(self._summary.skipped)

    @property
    def files(self) -> int:
        return int(self._summary.files)


def chunk_files(
    paths: Iterable[PathArg],
    strategy: StrategyArg = "recursive",
    *,
    jobs: int = 1,
    timeout: float | None = None,
    errors: Literal["raise", "skip"] = "raise",
    format: str | None = None,
    encoding: str = "utf-8",
    decode_errors: str = "strict",
    scanned: str = "warn",
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    hidden: bool = False,
    gitignore: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    **options: Any,
) -> ChunkStream:
    """Chunk files, directories and globs: the records ``chunkline chunk`` writes for
    the same paths and settings, in the same order, streamed.

    The same engine runs behind both: discovery (directories walked in sorted
    order; hidden, vendored, ``.gitignore``d, generated and minified files
    skipped), the per-file worker (read, detect, parse, segment) and its
    dispatch (in this process when ``jobs`` is 1 and there is no ``timeout``,
    else supervised worker processes: a file over ``timeout`` seconds, or
    whose worker dies, fails alone).

    ``errors="raise"`` (the default): a file that cannot be processed raises
    its ``InputError`` when its turn comes (the chunks of the files before it
    have been yielded).  ``errors="skip"``: it is left out, as the command
    line does, and listed in the returned stream's ``failed``.
    """
    from . import run

    if errors not in ("raise", "skip"):
        raise UsageError("errors must be 'raise' or 'skip'", "errors")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    plist = tuple(_path(p, "paths") for p in paths)
    if not plist:
        raise UsageError("paths is empty: give files, directories or globs", "paths")
    if "-" in plist:
        raise UsageError("paths: chunk_files reads files; use chunk_text for a string", "paths")
    if not isinstance(jobs, int) or jobs < 1:
        raise UsageError("jobs must be at least 1", "jobs")
    st = make_strategy(strategy, **options)
    opts = run.ChunkOptions(
        inputs=run.InputOptions(plist, tuple(include), tuple(exclude), hidden, max_bytes, gitignore),
        strategy=st,
        parse=_parse_options(format, encoding, decode_errors, scanned),
        jobs=jobs,
        timeout=timeout or None,
    )
    opts = run.checked_limits(opts)
    summary = run.RunSummary()
    return ChunkStream(_stream(opts, summary, errors == "raise"), summary)


def _stream(opts: ChunkOptions, summary: RunSummary, raise_errors: bool) -> Iterator[Chunk]:
    """The records of ``run_chunk``'s worker and dispatch, decoded from the bytes it would write."""
    import functools

    from .core.jsonl import loads_chunk
    from .run.dispatch import map_files, prepare
    from .run.worker import chunk_one
    from .run.writing import account, items, sources

    how, opts = prepare(opts)  # here, in the thread that iterates: an in-process time limit needs the main thread
    worker = functools.partial(chunk_one, options=opts)
    work = items(sources(opts.inputs), opts.inputs.max_bytes, summary)
    for res in map_files(worker, work, how, opts.jobs, opts.timeout):
        account(summary, res)
        payload = _payload(res)  # also removes a spilled payload's temporary file
        if res.error is not None:
            if raise_errors:
                raise res.error
            continue
        # decoded from the bytes the CLI writes: the same records, by construction
        for line in payload.splitlines():
            yield loads_chunk(line)


def _payload(res: FileResult) -> bytes:
    if res.spill is None:
        return bytes(res.payload)
    try:
        with open(res.spill, "rb") as fh:
            return fh.read()
    finally:
        try:
            os.unlink(res.spill)
        except OSError:
            pass


# ----------------------------------------------------------------- scoring


def _documents(documents: Sequence[ParsedDocument | PathArg]) -> tuple[list[ParsedDocument], list[str]]:
    """Parsed documents as given; paths (files, directories, globs) parsed as ``score --docs`` does:
    a file that fails is reported in the report's ``document_errors``, the others are scored."""
    from .scoring.loading import load_documents

    if isinstance(documents, (str, os.PathLike, ParsedDocument)):
        documents = [documents]
    out: list[ParsedDocument] = []
    errors: list[str] = []
    for d in documents:
        if isinstance(d, ParsedDocument):
            out.append(d)
        else:
            got, errs = load_documents([_path(d, "documents")])
            out += got
            errors += errs
    return out, errors


def _records(chunks: Sequence[Chunk] | PathArg, what: str) -> list[Any]:
    from .scoring.loading import ChunkRecord, read_chunks

    if isinstance(chunks, (str, os.PathLike)):
        return list(read_chunks(os.fspath(chunks)))
    records = []
    for i, c in enumerate(chunks, 1):
        if not isinstance(c, Chunk):
            raise UsageError(f"{what} must be Chunk records or a chunk file, got {type(c).__name__}", what)
        records.append(ChunkRecord(i, c.text, c.doc_id, c.start, c.end, c.token_count, c.tokenizer))
    return records


def score(
    chunks: Sequence[Chunk] | PathArg,
    *,
    documents: Sequence[ParsedDocument | PathArg] = (),
    questions: PathArg | None = None,
    max_tokens: int | None = None,
    max_chars: int | None = None,
    tokenizer: str | None = None,
    min_size: int = 0,
    k: int = 5,
    ks: Sequence[int] = (1, 2, 5, 10, 20),
    retriever: str = "bm25",
    embedder: str = "lexical",
    semantic: bool = False,
    boundaries: bool = True,
    baseline: Sequence[Chunk] | PathArg | None = None,
    bootstrap_resamples: int = 10_000,
    embed_context: bool = False,
    lm: bool = False,
    llm_url: str = "",
    llm_model: str = "",
    llm_cache: str = "",
    llm_concurrency: int = 4,
    llm_timeout: float = 120.0,
    llm_retries: int = 3,
    llm_bos: str = "",
) -> ScoreReport:
    """Score a chunking: ``chunkline.scoring.ScoreReport`` with every metric ``chunkline score`` reports.

    ``chunks`` are ``Chunk`` records (from ``chunk``) or a JSONL file of any
    tool's chunks.  ``documents`` (parsed documents or paths) enable the
    intrinsic metrics and locate the chunks; ``questions`` (JSONL or Chroma
    CSV with gold evidence offsets) the retrieval metrics.  ``max_tokens`` or
    ``max_chars`` is the budget the size-compliance metrics check against.
    ``baseline`` (another chunking, records or file) adds a paired bootstrap
    comparison of retrieval (``report.comparison``).  Documents given as paths
    that cannot be parsed are listed in ``report.document_errors``.
    ``embed_context``: retrieval ranks each chunk's ``context`` + ``text``.
    ``lm``: MoC's boundary clarity and chunk stickiness from a language model
    too (``lm_boundary_clarity``, ``lm_chunk_stickiness``), through the
    endpoint the ``llm_*`` options name (as the LLM strategies take them).
    """
    from .scoring.api import ScoreOptions, score_budget, score_records

    if max_tokens is not None and max_chars is not None:
        raise UsageError("give either max_tokens or max_chars, not both", "max_tokens", also=("max_chars",))
    label = os.fspath(chunks) if isinstance(chunks, (str, os.PathLike)) else "<chunks>"
    records = _records(chunks, "chunks")
    if not records:
        raise UsageError("chunks is empty: nothing to score", "chunks")
    base = _records(baseline, "baseline") if baseline is not None else None
    base_label = (os.fspath(baseline) if isinstance(baseline, (str, os.PathLike)) else "<baseline>") if baseline is not None else None
    docs, doc_errors = _documents(documents)
    unit, max_size = score_budget(max_tokens, max_chars, tokenizer)
    opts = ScoreOptions(
        chunks=str(label),
        docs=tuple(p.document.source for p in docs),
        questions=os.fspath(questions) if questions is not None else None,
        k=k,
        ks=tuple(sorted(set(ks))),
        retriever=retriever,
        embedder=embedder,
        tokenizer=unit,
        max_size=max_size,
        min_size=min_size,
        semantic=semantic,
        boundaries=boundaries,
        baseline=str(base_label) if base_label is not None else None,
        bootstrap_resamples=bootstrap_resamples,
        embed_context=embed_context,
        lm=_lm_settings(llm_url, llm_model, llm_cache, llm_concurrency, llm_timeout, llm_retries, llm_bos) if lm else None,
    )
    return score_records(records, docs, doc_errors, opts, baseline=base)


def _lm_settings(url: str, model: str, cache: str, concurrency: int, timeout: float, retries: int, bos: str) -> Any:
    from .llm.settings import LLMOptions

    try:
        opts = LLMOptions(url, model, cache, concurrency, timeout, retries, bos)
    except ValueError as exc:  # LLMOptions names the parameter (llm_concurrency must be ...)
        name = str(exc).split()[0]
        raise UsageError(str(exc), name) from None
    return opts.llm_settings()


def compare(
    paths: Iterable[PathArg],
    strategies: Sequence[StrategyArg] = (),
    *,
    questions: PathArg | None = None,
    max_tokens: int | None = None,
    max_chars: int | None = None,
    tokenizer: str | None = None,
    include_auto: bool = True,
    k: int = 5,
    ks: Sequence[int] = (1, 2, 5, 10, 20),
    retriever: str = "bm25",
    embedder: str = "lexical",
    semantic: bool = True,
    boundaries: bool = True,
    rank_by: str | None = None,
    format: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    jobs: int = 1,
    embed_context: bool = False,
) -> CompareReport:
    """Chunk the documents with every strategy (each document parsed once) and score each
    like ``score``: a ``chunkline.scoring.compare.CompareReport`` ranked best first
    (``rank_by``: recall@k with questions, else ``adaptive``), as ``chunkline compare``.

    ``strategies``: names, spec strings (``"structure:max_tokens=400"``) or
    ``Strategy`` objects; empty: one per family that fits the input formats.
    ``max_tokens``/``max_chars``/``tokenizer`` are the default budget of the
    spec strings (one tokenizer for every row, ``cl100k_base`` by default).
    ``embed_context``: retrieval ranks each chunk's ``context`` + ``text``
    (breadcrumbs, ``contextualize=True``).
    """
    from .scoring.compare import CompareOptions
    from .scoring.compare import compare as run_compare

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    plist = tuple(_path(p, "paths") for p in paths)
    if isinstance(strategies, (str, Strategy)):
        strategies = [strategies]
    if max_tokens is not None and max_chars is not None:
        raise UsageError("give either max_tokens or max_chars, not both", "max_tokens", also=("max_chars",))
    if tokenizer is None and max_chars is None:
        tokenizer = "cl100k_base"  # one unit for every row, as the command line does
    budget: dict[str, Any] = {"max_tokens": max_tokens, "max_chars": max_chars, "tokenizer": tokenizer}
    built = tuple(s if isinstance(s, Strategy) else parse_strategy(s, **budget) for s in strategies)
    opts = CompareOptions(
        paths=plist, strategies=built, default_budget=budget, include_auto=include_auto,
        parse=_parse_options(format, "utf-8", "strict", "warn"), include=tuple(include), exclude=tuple(exclude),
        questions=os.fspath(questions) if questions is not None else None, k=k, ks=tuple(sorted(set(ks))),
        retriever=retriever, embedder=embedder, semantic=semantic, boundaries=boundaries, rank_by=rank_by, jobs=jobs,
        embed_context=embed_context,
    )
    return run_compare(opts)
