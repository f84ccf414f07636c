"""``chunkline chunk``: files, directories, globs or stdin -> chunk JSONL."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from ...core.sources import DEFAULT_MAX_BYTES
from ...run import DEFAULT_TIMEOUT, ChunkOptions, run_chunk
from ...segmenters.base import SEGMENTERS, parse_strategy
from ..app import flag
from .._common import Reporter, input_options, opt_debug, opt_errors, opt_format, opt_jobs, opt_quiet, opt_verbose, parse_options, resolve_paths

if TYPE_CHECKING:
    import typer


def register(app: "typer.Typer") -> None:
    import typer

    @app.command("chunk", no_args_is_help=False)
    def chunk(
        paths: Optional[List[str]] = typer.Argument(None, help="Files, directories, globs, or - for stdin.", show_default=False),
        strategy: str = typer.Option(
            "recursive", "--strategy", "-s", help="Strategy, optionally with options: NAME[:key=value,...]. One of: " + ", ".join(SEGMENTERS.names()) + "."
        ),
        max_tokens: Optional[int] = typer.Option(None, "--max-tokens", "-t", help="Budget in tokens of --tokenizer (default 512)."),
        max_chars: Optional[int] = typer.Option(None, "--max-chars", "-c", help="Budget in characters (instead of tokens)."),
        tokenizer: Optional[str] = typer.Option(None, "--tokenizer", "-T", help="cl100k_base (default), o200k_base, words, chars, nws, or a tokenizer.json path."),
        overlap: int = typer.Option(0, "--overlap", help="Overlap between consecutive chunks, in budget units."),
        min_size: int = typer.Option(0, "--min-size", help="Soft minimum chunk size, in budget units."),
        option: Optional[List[str]] = typer.Option(None, "--option", "-O", help="Strategy option key=value (repeatable); see `chunkline strategies`."),
        embedder: Optional[str] = typer.Option(None, "--embedder", help="Embedding backend for semantic/auto: lexical (default) or minilm (extra)."),
        keep_furniture: bool = typer.Option(False, "--keep-furniture", help="Keep page headers/footers (PDF) in chunks."),
        fmt: Optional[str] = opt_format(),
        include: Optional[List[str]] = typer.Option(None, "--include", help="Glob of files to take inside directories (repeatable)."),
        exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Glob of files or directories to leave out inside directories (matched against the path relative to the named directory and against the name; repeatable)."),
        hidden: bool = typer.Option(False, "--hidden", help="Also read hidden files and directories."),
        no_gitignore: bool = typer.Option(False, "--no-gitignore", help="Also read files that .gitignore files ignore."),
        encoding: str = typer.Option("utf-8", "--encoding", help="Text encoding of inputs without a BOM."),
        decode_errors: str = typer.Option("strict", "--decode-errors", help="strict: undecodable input is an error; replace: U+FFFD, explicitly."),
        layout: str = typer.Option("rules", "--layout", help="PDF layout analysis: rules (the default; model is not available yet)."),
        scanned: str = typer.Option("warn", "--scanned", help="PDF pages with no text layer: warn or error."),
        max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Skip inputs larger than this, with an error."),
        timeout: float = typer.Option(DEFAULT_TIMEOUT, "--timeout", help="Seconds one file may take; a file over it is stopped and reported (kind timeout). 0: no limit."),
        output: Optional[str] = typer.Option(
            None, "--output", "-o", help="Write to FILE atomically, or to DIR/ as size-bounded shards plus manifest.jsonl (default: stdout)."
        ),
        incremental: bool = typer.Option(False, "--incremental", help="With -o DIR/: redo only new or changed files, drop chunks of deleted ones; resumes a killed run."),
        shard_mb: float = typer.Option(128, "--shard-mb", min=0.001, help="With -o DIR/: size bound of one shard, in MiB."),
        engine: str = typer.Option("local", "--engine", help="local (process pool) or ray (Ray tasks; pip install 'chunkline[ray]')."),
        address: Optional[str] = typer.Option(None, "--address", help="With --engine ray: cluster address (auto, ray://HOST:10001); default: a local Ray."),
        errors: Optional[str] = opt_errors(),
        documents: Optional[str] = typer.Option(None, "--documents", help="Also write each document (id, source, format, text) to FILE as JSONL."),
        jobs: int = opt_jobs(),
        quiet: bool = opt_quiet(),
        verbose: bool = opt_verbose(),
        debug: bool = opt_debug(),
    ) -> int:
        """Chunk documents into JSONL, one chunk record per line (see README: the record contract)."""
        return execute(**locals())


def execute(
    paths, strategy="recursive", max_tokens=None, max_chars=None, tokenizer=None, overlap=0, min_size=0, option=None,
    embedder=None, keep_furniture=False, fmt=None, include=None, exclude=None, hidden=False, no_gitignore=False,
    encoding="utf-8", decode_errors="strict", layout="rules", scanned="warn", max_bytes=DEFAULT_MAX_BYTES,
    timeout=DEFAULT_TIMEOUT, output=None, incremental=False, shard_mb=128, engine="local", address=None, errors=None,
    documents=None, jobs=1, quiet=False, verbose=False, debug=False,
) -> int:
    """The ``chunk`` command's work, without typer: the typer command and the
    lean start-up path (``cli.fast``) both call it.  Defaults are the
    command's (a test checks they match its declarations)."""
    opts = ChunkOptions(
        inputs=input_options(resolve_paths(paths, fmt), include, exclude, hidden, max_bytes, gitignore=not no_gitignore),
        strategy=parse_strategy(
            strategy,
            max_tokens=max_tokens,
            max_chars=max_chars,
            tokenizer=tokenizer,
            overlap=overlap,
            min_size=min_size,
            keep_furniture=keep_furniture,
            options={**({"embedder": embedder} if embedder else {}), **_kv(option)},
        ),
        parse=parse_options(fmt, encoding, decode_errors, layout, scanned),
        output=output,
        errors_path=errors,
        documents_path=documents,
        jobs=jobs,
        timeout=timeout or None,
        engine=engine,
        address=address,
        incremental=incremental,
        shard_bytes=max(1, int(shard_mb * 1024 * 1024)),
    )
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
