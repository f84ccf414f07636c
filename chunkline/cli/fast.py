"""``chunkline chunk`` without typer, for the command lines most runs use.

Why: typer (0.29) validates every option through pydantic, and importing the
two costs ~0.25 s, more than chunking a small file.  ``run_fast`` takes a
``chunk`` command line made only of the options in ``CHUNK_OPTIONS`` (paths,
``--name value``, ``--name=value``, ``-x value``, flags) and calls the same
``commands.chunk.execute`` the typer command calls.  Anything else (help,
another command, an unknown or malformed option, stdin, a value typer would
refuse) returns None and typer parses the line as always, errors included.
A test checks that every option here is the typer command's, with its name.
"""

from __future__ import annotations

import re

#: Option string -> (parameter of ``execute``, kind): "str", "int", "int>=1",
#: "float", "float>0.001" (typer's bounds), "list" (repeatable) or "flag".
CHUNK_OPTIONS: dict[str, tuple[str, str]] = {}


def _add(param: str, kind: str, *names: str) -> None:
    for n in names:
        CHUNK_OPTIONS[n] = (param, kind)


_add("strategy", "str", "--strategy", "-s")
_add("max_tokens", "int", "--max-tokens", "-t")
_add("max_chars", "int", "--max-chars", "-c")
_add("tokenizer", "str", "--tokenizer", "-T")
_add("overlap", "int", "--overlap")
_add("min_size", "int", "--min-size")
_add("option", "list", "--option", "-O")
_add("embedder", "str", "--embedder")
_add("keep_furniture", "flag", "--keep-furniture")
_add("fmt", "str", "--format", "-f")
_add("language", "str", "--language")
_add("include", "list", "--include")
_add("exclude", "list", "--exclude")
_add("hidden", "flag", "--hidden")
_add("no_gitignore", "flag", "--no-gitignore")
_add("encoding", "str", "--encoding")
_add("decode_errors", "str", "--decode-errors")
_add("layout", "str", "--layout")
_add("scanned", "str", "--scanned")
_add("max_bytes", "int", "--max-bytes")
_add("timeout", "float", "--timeout")
_add("isolate", "flag", "--isolate")
_add("output", "str", "--output", "-o")
_add("incremental", "flag", "--incremental")
_add("shard_mb", "float>0.001", "--shard-mb")
_add("engine", "str", "--engine")
_add("address", "str", "--address")
_add("errors", "str", "--errors")
_add("documents", "str", "--documents")
_add("jobs", "int>=1", "--jobs", "-j")
_add("quiet", "flag", "--quiet", "-q")
_add("verbose", "flag", "--verbose", "-v")
_add("debug", "flag", "--debug")

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+(?:\.[0-9]*)?|-?\.[0-9]+")


def parse_chunk_args(args: list[str]) -> dict | None:
    """The keyword arguments of ``execute`` for ``chunk ARGS``, or None when typer must parse them."""
    if not args or args[0] != "chunk":
        return None
    kw: dict = {}
    paths: list[str] = []
    i, n = 1, len(args)
    while i < n:
        a = args[i]
        i += 1
        if not a.startswith("-"):
            paths.append(a)
            continue
        name, eq, value = a.partition("=") if a.startswith("--") else (a, "", "")
        spec = CHUNK_OPTIONS.get(name)
        if spec is None:
            return None  # help, "-", "--", an unknown or combined option: typer's business
        param, kind = spec
        if kind == "flag":
            if eq:
                return None
            kw[param] = True
            continue
        if not eq:
            if i >= n:
                return None
            value = args[i]
            i += 1
        if kind == "list":
            kw.setdefault(param, []).append(value)
        elif kind.startswith("int"):
            if not _INT.fullmatch(value) or (kind == "int>=1" and int(value) < 1):
                return None
            kw[param] = int(value)
        elif kind.startswith("float"):
            if not _FLOAT.fullmatch(value) or (kind == "float>0.001" and float(value) < 0.001):
                return None
            kw[param] = float(value)
        else:
            kw[param] = value
    if not paths:
        return None  # stdin or a usage error: typer words it
    kw["paths"] = paths
    return kw


def run_fast(args: list[str]) -> int | None:
    """Run ``chunkline chunk`` without typer, or return None when the line needs typer."""
    kw = parse_chunk_args(args)
    if kw is None:
        return None
    from .commands.chunk import execute

    return execute(**kw)
