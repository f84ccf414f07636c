"""Every option more than one command takes, declared once: flag, default and help.

A command lists the options it takes as parameters whose defaults come from
here (``fmt: Optional[str] = options.FORMAT()``), so ``chunk``, ``parse``,
``score`` and ``compare`` spell, default and explain an option the same way;
``input_options`` and ``parse_options`` build the frozen records the
library takes from them.  Options of one command stay in that command.
typer is imported only when a command is declared (``cli.fast`` runs
without it), so each factory imports it.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from ..core.errors import UsageError
from ..core.sources import DEFAULT_MAX_BYTES
from ..parsers.base import PARSERS, ParseOptions
from ..run.options import DEFAULT_TIMEOUT, InputOptions

# ---------------------------------------------------------------- inputs


def PATHS() -> Any:
    import typer

    return typer.Argument(None, help="Files, directories, globs, or - for stdin.", show_default=False)


def FORMAT() -> Any:
    import typer

    return typer.Option(None, "--format", "-f", help="Input format (default: by extension). One of: " + ", ".join(PARSERS.names()) + ".")


def LANGUAGE() -> Any:
    import typer

    return typer.Option(None, "--language", help="Programming language of code inputs (python, rust, js...; default: by extension or #! line); implies --format code. Names the language of code on stdin.")


def INCLUDE() -> Any:
    import typer

    return typer.Option(None, "--include", help="Glob of files to take inside directories (repeatable).")


def EXCLUDE() -> Any:
    import typer

    return typer.Option(
        None, "--exclude", help="Glob of files or directories to leave out inside directories (matched against the path relative to the named directory and against the name; repeatable)."
    )


def HIDDEN() -> Any:
    import typer

    return typer.Option(False, "--hidden", help="Also read hidden files and directories.")


def NO_GITIGNORE() -> Any:
    import typer

    return typer.Option(False, "--no-gitignore", help="Also read files that .gitignore files ignore.")


def ENCODING() -> Any:
    import typer

    return typer.Option("utf-8", "--encoding", help="Text encoding of inputs without a BOM.")


def DECODE_ERRORS() -> Any:
    import typer

    return typer.Option("strict", "--decode-errors", help="strict: undecodable input is an error; replace: U+FFFD, explicitly.")


def LAYOUT() -> Any:
    import typer

    return typer.Option("rules", "--layout", help="PDF layout analysis: rules (the default; model is not available yet).")


def SCANNED() -> Any:
    import typer

    return typer.Option("warn", "--scanned", help="PDF pages with no text layer: warn or error.")


def MAX_BYTES() -> Any:
    import typer

    return typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Skip inputs larger than this, with an error.")


# ---------------------------------------------------------------- running


def TIMEOUT() -> Any:
    import typer

    return typer.Option(
        None, "--timeout",
        help=f"Seconds one file may take; a file over it is stopped and reported (kind timeout). 0: no limit. Default {DEFAULT_TIMEOUT:g}; "
        "none for strategies that ask a model (each LLM request has its own time-out).",
    )


def ISOLATE() -> Any:
    import typer

    return typer.Option(
        False, "--isolate", help="Process files in a supervised worker process even with -j 1, so a parser that hangs in native code or crashes is stopped and reported (always so with -j 2 or more)."
    )


def JOBS() -> Any:
    import typer

    return typer.Option(1, "--jobs", "-j", min=1, help="Files processed in parallel (output order stays the input order).")


def OUTPUT() -> Any:
    import typer

    return typer.Option(None, "--output", "-o", help="Write to FILE atomically (default: stdout).")


def ERRORS() -> Any:
    import typer

    return typer.Option(None, "--errors", help="Write failed and skipped inputs to FILE as JSONL.")


def QUIET() -> Any:
    import typer

    return typer.Option(False, "--quiet", "-q", help="No progress, warnings, table or summary on stderr (errors still print).")


def VERBOSE() -> Any:
    import typer

    return typer.Option(False, "--verbose", "-v", help="Also list skipped files on stderr.")


def DEBUG() -> Any:
    import typer

    return typer.Option(False, "--debug", help="Show tracebacks for errors.")


def JSON() -> Any:
    import typer

    return typer.Option(False, "--json", help="Print the report as JSON on stdout.")


# ---------------------------------------------------------------- budget and metrics

TOKENIZER_HELP = (
    "cl100k_base (default), o200k_base, words, chars, nws, or a tokenizer.json path "
    "(counted without the special tokens such as [CLS]/[SEP] a model adds; leave room for them)."
)


def MAX_TOKENS() -> Any:
    import typer

    return typer.Option(None, "--max-tokens", "-t", help="Budget in tokens of --tokenizer (default 512).")


def MAX_CHARS() -> Any:
    import typer

    return typer.Option(None, "--max-chars", "-c", help="Budget in characters (instead of tokens).")


def TOKENIZER() -> Any:
    import typer

    return typer.Option(None, "--tokenizer", "-T", help=TOKENIZER_HELP)


def MIN_SIZE() -> Any:
    import typer

    return typer.Option(0, "--min-size", help="Soft minimum chunk size, in budget units.")


def EMBEDDER(default: Optional[str] = "lexical") -> Any:
    import typer

    return typer.Option(default, "--embedder", help="Embedding backend (semantic and auto strategies, ICC/DCC, dense retrieval): lexical (TF-IDF, no model; the default) or minilm (extra).")


def QUESTIONS() -> Any:
    import typer

    return typer.Option(None, "--questions", "-Q", help="Questions with gold evidence spans (JSONL, or Chroma's CSV layout): retrieval metrics.")


def TOP_K() -> Any:
    import typer

    return typer.Option(5, "-k", "--top-k", help="Chunks retrieved per question for recall/precision/IoU.")


def KS() -> Any:
    import typer

    return typer.Option("1,2,5,10,20", "--ks", help="Cut-offs for recall@K and dcg@K, comma-separated.")


def RETRIEVER() -> Any:
    import typer

    return typer.Option("bm25", "--retriever", help="bm25 (bm25s) or dense (vectors from --embedder).")


def SEMANTIC(default: bool) -> Any:
    import typer

    return typer.Option(default, "--semantic/--no-semantic", help="Compute ICC and DCC (embeds every chunk, its units and its DCC windows: the slowest metrics).")


def BOUNDARIES() -> Any:
    import typer

    return typer.Option(True, "--boundaries/--no-boundaries", help="Compute boundary clarity and chunk stickiness.")


# ---------------------------------------------------------------- records


def input_options(paths: Sequence[str], include, exclude, hidden: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, gitignore: bool = True) -> InputOptions:
    return InputOptions(tuple(paths), tuple(include or ()), tuple(exclude or ()), hidden, max_bytes, gitignore)


def parse_options(fmt, encoding="utf-8", decode_errors="strict", layout="rules", scanned="warn", language: Optional[str] = None) -> ParseOptions:
    """The parse options of a command line, checked (each mistake one ``UsageError``)."""
    if fmt is not None and PARSERS.get(fmt) is None:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(PARSERS.names())}")
    if decode_errors not in ("strict", "replace"):
        raise UsageError("--decode-errors must be strict or replace")
    if layout not in ("rules", "model"):
        raise UsageError("--layout must be rules or model")
    if scanned not in ("warn", "error"):
        raise UsageError("--scanned must be warn or error")
    extra: tuple[tuple[str, object], ...] = ()
    if language:
        from ..parsers.code.languages import BY_NAME, normalize_language

        if fmt not in (None, "code"):
            raise UsageError(f"--language is for source code; it cannot be combined with --format {fmt}")
        if normalize_language(language) is None:
            raise UsageError(f"unknown code language {language!r}; choose from {', '.join(sorted(BY_NAME))}")
        extra = (("language", language),)
        fmt = "code"
    return ParseOptions(format=fmt, encoding=encoding, decode_errors=decode_errors, pdf_layout=layout, scanned=scanned, extra=extra)
