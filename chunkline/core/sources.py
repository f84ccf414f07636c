"""Finding inputs and reading them as bytes and text, with clear per-file errors."""

from __future__ import annotations

import codecs
import fnmatch
import glob
import os
import stat
from dataclasses import dataclass

from .errors import DecodeError, InputError, UsageError

#: Directory names never descended into (vendored or generated trees).
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache"})
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    """One input: the path shown to users (``-`` for stdin) and where to read it."""

    display: str
    path: str | None  # None: stdin


@dataclass(frozen=True, slots=True)
class Skipped:
    display: str
    reason: str


def _glob_chars(p: str) -> bool:
    return any(c in p for c in "*?[")


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    base = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(base, p) for p in patterns)


def discover(
    paths: list[str],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    hidden: bool = False,
) -> tuple[list[Source], list[Skipped]]:
    """Expand files, directories (recursively) and globs into sorted sources.

    Explicit files are always taken (the user named them); inside directories,
    hidden entries, vendored trees and files not matching ``include`` (or
    matching ``exclude``) are skipped, symlinked directories are not followed
    (no loops).  Order: the order paths were given, each expanded in sorted
    order, so output order is stable.
    """
    sources: list[Source] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()

    def add(display: str, path: str | None) -> None:
        key = path if path is None else os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)  # type: ignore[arg-type]
        sources.append(Source(display, path))

    for raw in paths:
        if raw == "-":
            add("-", None)
            continue
        if not os.path.lexists(raw) and _glob_chars(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise UsageError(f"no files match {raw!r}")
            for m in matches:
                if os.path.isfile(m):
                    add(m, m)
            continue
        if os.path.isdir(raw):
            root = raw.rstrip("/") or "/"
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                keep = []
                for d in sorted(dirnames):
                    if (not hidden and d.startswith(".")) or d in SKIP_DIRS:
                        skipped.append(Skipped(_disp(dirpath, d) + "/", "hidden or vendored directory"))
                    else:
                        keep.append(d)
                dirnames[:] = keep
                for f in sorted(filenames):
                    full = os.path.join(dirpath, f)
                    disp = _disp(dirpath, f)
                    rel = os.path.relpath(full, root).replace(os.sep, "/")
                    if not hidden and f.startswith("."):
                        skipped.append(Skipped(disp, "hidden file"))
                    elif include and not _matches(rel, include):
                        continue
                    elif exclude and _matches(rel, exclude):
                        continue
                    elif os.path.islink(full) and not os.path.exists(full):
                        skipped.append(Skipped(disp, "broken symlink"))
                    else:
                        add(disp, full)
            continue
        # An explicit file (existing or not: reading it reports the cause).
        add(raw, raw)
    return sources, skipped


def _disp(dirpath: str, name: str) -> str:
    return os.path.join(dirpath, name).replace(os.sep, "/")


def read_bytes(source: Source, max_bytes: int = DEFAULT_MAX_BYTES, stdin=None) -> bytes:
    """The raw bytes of a source, or an InputError naming it and the cause."""
    if source.path is None:
        import sys

        stream = stdin or sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(source.display, f"input larger than the {max_bytes:,}-byte limit (--max-bytes)", "too_large")
        return data
    try:
        st = os.stat(source.path)
    except FileNotFoundError:
        raise InputError(source.display, "no such file", "unreadable") from None
    except OSError as exc:
        raise InputError(source.display, f"cannot read: {exc.strerror or exc}", "unreadable") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(source.display, "is a directory", "unreadable")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(source.display, "not a regular file", "unreadable")
    if st.st_size > max_bytes:
        raise InputError(
            source.display, f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)", "too_large"
        )
    try:
        with open(source.path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(source.display, f"cannot read: {exc.strerror or exc}", "unreadable") from None


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first 8 KiB (and no UTF-16/32 BOM) mean binary, as git decides."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def decode_text(data: bytes, display: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Decode file bytes to the document text.

    A UTF-8 BOM is dropped and a UTF-16 BOM selects UTF-16 (offsets are then
    into the decoded text, not the bytes).  Invalid bytes are an error naming
    the byte offset, unless the user chose ``errors='replace'`` (U+FFFD) or
    another encoding explicitly: text is never changed silently.
    """
    if data.startswith(codecs.BOM_UTF8):
        data, enc = data[3:], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = encoding
    try:
        return data.decode(enc, errors)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            display,
            f"not valid {exc.encoding.upper()} at byte {exc.start} (use --encoding or --decode-errors replace)",
        ) from None
    except LookupError:
        raise UsageError(f"unknown encoding {enc!r}") from None
