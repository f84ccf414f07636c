"""``chunkline chunk``: files, directories, globs or stdin -> chunk JSONL."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from ...core.sources import DEFAULT_MAX_BYTES
from ...run import ChunkOptions, default_timeout, run_chunk
from ...segmenters.base import SEGMENTERS, parse_strategy
from .. import options as o
from ..app import flag
from .. import llm_flags
from ..reporting import Reporter, resolve_paths

if TYPE_CHECKING:
    import typer


def register(app: "typer.Typer") -> None:
    import typer

    @app.command("chunk", no_args_is_help=False)
    def chunk(
        paths: Optional[List[str]] = o.PATHS(),
        strategy: str = typer.Option(
            "recursive", "--strategy", "-s", help="Strategy, optionally with options: NAME[:key=value,...]. One of: " + ", ".join(SEGMENTERS.names()) + "."
        ),
        max_tokens: Optional[int] = o.MAX_TOKENS(),
        max_chars: Optional[int] = o.MAX_CHARS(),
        tokenizer: Optional[str] = o.TOKENIZER(),
        overlap: int = typer.Option(0, "--overlap", help="Overlap between consecutive chunks, in budget units."),
        min_size: int = o.MIN_SIZE(),
        option: Optional[List[str]] = typer.Option(None, "--option", "-O", help="Strategy option key=value (repeatable); see `chunkline strategies`."),
        embedder: Optional[str] = o.EMBEDDER(None),
        keep_furniture: bool = typer.Option(False, "--keep-furniture", help="Keep page headers/footers (PDF) in chunks."),
        fmt: Optional[str] = o.FORMAT(),
        language: Optional[str] = o.LANGUAGE(),
        include: Optional[List[str]] = o.INCLUDE(),
        exclude: Optional[List[str]] = o.EXCLUDE(),
        hidden: bool = o.HIDDEN(),
        no_gitignore: bool = o.NO_GITIGNORE(),
        encoding: str = o.ENCODING(),
        decode_errors: str = o.DECODE_ERRORS(),
        layout: str = o.LAYOUT(),
        scanned: str = o.SCANNED(),
        max_bytes: int = o.MAX_BYTES(),
        timeout: Optional[float] = o.TIMEOUT(),
        isolate: bool = o.ISOLATE(),
        output: Optional[str] = typer.Option(
            None, "--output", "-o", help="Write to FILE atomically, or to DIR/ as size-bounded shards plus manifest.jsonl (default: stdout)."
        ),
        incremental: bool = typer.Option(False, "--incremental", help="With -o DIR/: redo only new or changed files, drop chunks of deleted ones; resumes a killed run."),
        shard_mb: float = typer.Option(128, "--shard-mb", min=0.001, help="With -o DIR/: size bound of one shard, in MiB."),
        engine: str = typer.Option("local", "--engine", help="local (this machine) or ray (Ray tasks; pip install 'chunkline[ray]')."),
        address: Optional[str] = typer.Option(None, "--address", help="With --engine ray: cluster address (auto, ray://HOST:10001); default: a local Ray."),
        errors: Optional[str] = o.ERRORS(),
        documents: Optional[str] = typer.Option(None, "--documents", help="Also write each document (id, source, format, text) to FILE as JSONL."),
        contextualize: bool = typer.Option(False, "--contextualize", help="Add a model-written context situating each chunk (in 'context', never 'text'); needs an LLM endpoint."),
        llm_url: Optional[str] = llm_flags.opt_url(),
        llm_model: Optional[str] = llm_flags.opt_model(),
        llm_cache: Optional[str] = llm_flags.opt_cache(),
        llm_concurrency: Optional[int] = llm_flags.opt_concurrency(),
        llm_bos: Optional[str] = llm_flags.opt_bos(),
        jobs: int = o.JOBS(),
        quiet: bool = o.QUIET(),
        verbose: bool = o.VERBOSE(),
        debug: bool = o.DEBUG(),
    ) -> int:
        """Chunk documents into JSONL, one chunk record per line (see README: the record contract)."""
        return execute(**locals())


def execute(
    paths, strategy="recursive", max_tokens=None, max_chars=None, tokenizer=None, overlap=0, min_size=0, option=None,
    embedder=None, keep_furniture=False, fmt=None, language=None, include=None, exclude=None, hidden=False, no_gitignore=False,
    encoding="utf-8", decode_errors="strict", layout="rules", scanned="warn", max_bytes=DEFAULT_MAX_BYTES,
    timeout=None, isolate=False, output=None, incremental=False, shard_mb=128, engine="local", address=None, errors=None,
    documents=None, jobs=1, quiet=False, verbose=False, debug=False,
    contextualize=False, llm_url=None, llm_model=None, llm_cache=None, llm_concurrency=None, llm_bos=None,
) -> int:
    """The ``chunk`` command's work, without typer: the typer command and the
    lean start-up path (``cli.fast``) both call it.  Defaults are the
    command's (a test checks they match its declarations)."""
    inputs = o.input_options(resolve_paths(paths, fmt or ("code" if language else None)), include, exclude, hidden, max_bytes, gitignore=not no_gitignore)
    chosen = parse_strategy(
        strategy,
        max_tokens=max_tokens,
        max_chars=max_chars,
        tokenizer=tokenizer,
        overlap=overlap,
        min_size=min_size,
        keep_furniture=keep_furniture,
        options={
            **({"embedder": embedder} if embedder else {}),
            **llm_flags.strategy_options(llm_url, llm_model, llm_cache, llm_concurrency, llm_bos, contextualize),
            **_kv(option),
        },
    )
    opts = ChunkOptions(
        inputs=inputs,
        strategy=chosen,
        parse=o.parse_options(fmt, encoding, decode_errors, layout, scanned, language),
        output=output,
        errors_path=errors,
        documents_path=documents,
        jobs=jobs,
        timeout=(default_timeout(chosen) if timeout is None else timeout) or None,
        isolate=isolate,
        engine=engine,
        address=address,
        incremental=incremental,
        shard_bytes=max(1, int(shard_mb * 1024 * 1024)),
    )
    if not quiet:
        from ...segmenters.describe import unit_note
        from ..reporting import say

        note = unit_note(opts.strategy, tokenizer_named=tokenizer is not None or max_chars is not None or "tokenizer=" in strategy or "max_chars=" in strategy)
        if note:
            say("note", note)
    rep = Reporter(quiet, verbose, "chunking")
    with rep.running():
        summary = run_chunk(opts, on_start=rep.start, on_result=rep.result, shown=flag)
    return rep.finish(summary, "chunks")


def _kv(items: Optional[List[str]]) -> dict[str, str]:
    from ...core.errors import UsageError

    out: dict[str, str] = {}
    for item in items or ():
        key, eq, value = item.partition("=")
        if not eq:
            raise UsageError(f"--option {item!r} is not key=value")
        out[key.strip().replace("-", "_")] = value.strip()
    return out
