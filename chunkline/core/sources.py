"""Finding inputs and reading them as bytes and text, with clear per-file errors."""

from __future__ import annotations

import codecs
import fnmatch
import glob
import os
import re
import stat
from dataclasses import dataclass
from typing import Iterator

from .errors import DecodeError, InputError, UsageError

#: Directory names never descended into (vendored or generated trees).
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", "vendor", "third_party", "dist", "build"}
)
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    """One input: the path shown to users (``-`` for stdin) and where to read it."""

    display: str
    path: str | None  # None: stdin
    #: Found by walking a directory (not named by the user): content filters
    #: such as "generated or minified" apply only to these.
    walked: bool = False


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
    gitignore: bool = True,
) -> tuple[list[Source], list[Skipped]]:
    """Expand files, directories (recursively) and globs into sorted sources.

    The list form of ``iter_sources`` (tests and small runs); batch runs
    stream ``iter_sources`` instead so memory does not grow with the corpus.
    """
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for item in iter_sources(paths, include, exclude, hidden, gitignore):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            sources.append(item)
    return sources, skipped


def iter_sources(
    paths: list[str],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    hidden: bool = False,
    gitignore: bool = True,
) -> Iterator[Source | Skipped]:
    """Yield sources and skipped entries in a stable order, lazily.

    Explicit files are always taken (the user named them); inside directories,
    hidden entries, vendored trees (``SKIP_DIRS``), paths ignored by
    ``.gitignore`` files (the walked tree's and those of its enclosing git
    work tree), generated files by name (``*.min.js``, ``*_pb2.py``, lock
    files) and files not matching ``include`` (or matching ``exclude``) are
    skipped, symlinked directories are not followed (no loops).  Order: the
    order paths were given, each expanded in sorted order, so output order is
    stable.  Only the set of real paths already yielded is kept (duplicates).
    """
    from .filters import is_generated_or_minified

    seen: set[str] = set()
    real_dirs: dict[str, str] = {}

    def add(display: str, path: str | None, walked: bool = False, key: str | None = None) -> Iterator[Source]:
        if key is None:
            key = "-" if path is None else os.path.realpath(path)
        if key in seen:
            return
        seen.add(key)
        yield Source(printable(display), path, walked)

    for raw in paths:
        if raw == "-":
            yield from add("-", None)
            continue
        if not os.path.lexists(raw) and _glob_chars(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise UsageError(f"no files match {raw!r}")
            for m in matches:
                if os.path.isfile(m):
                    yield from add(m, m)
            continue
        if os.path.isdir(raw):
            root = raw.rstrip("/") or "/"
            ignores = _Ignores(root) if gitignore else None
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                rules = ignores.enter(dirpath, filenames) if ignores else None
                keep = []
                for d in sorted(dirnames):
                    full = os.path.join(dirpath, d)
                    if (not hidden and d.startswith(".")) or d in SKIP_DIRS:
                        yield Skipped(_disp(dirpath, d) + "/", "hidden or vendored directory")
                    elif rules and (why := rules.ignored(full, True)):
                        yield Skipped(_disp(dirpath, d) + "/", why)
                    elif exclude and _matches(os.path.relpath(full, root).replace(os.sep, "/"), exclude):
                        continue  # --exclude names a directory: its whole subtree is left out
                    else:
                        keep.append(d)
                dirnames[:] = keep
                # per directory, not per file: relpath and realpath stat every path component
                rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/") if include or exclude else ""
                for f in sorted(filenames):
                    full = os.path.join(dirpath, f)
                    disp = _disp(dirpath, f)
                    rel = f if rel_dir in ("", ".") else rel_dir + "/" + f
                    if not hidden and f.startswith("."):
                        yield Skipped(disp, "hidden file")
                    elif include and not _matches(rel, include):
                        continue
                    elif exclude and _matches(rel, exclude):
                        continue
                    elif rules and (why := rules.ignored(full, False)):
                        yield Skipped(disp, why)
                    elif (link := os.path.islink(full)) and not os.path.exists(full):
                        yield Skipped(disp, "broken symlink")
                    elif why := is_generated_or_minified(f, b""):
                        yield Skipped(disp, why)
                    else:
                        if link:
                            key = os.path.realpath(full)
                        else:
                            if dirpath not in real_dirs:
                                real_dirs.clear()  # the walk never comes back to a directory
                                real_dirs[dirpath] = os.path.realpath(dirpath)
                            key = os.path.join(real_dirs[dirpath], f)
                        yield from add(disp, full, walked=True, key=key)
            continue
        # An explicit file (existing or not: reading it reports the cause).
        yield from add(raw, raw)


class _Ignores:
    """``.gitignore`` rules in force while walking one tree.

    Git reads the ``.gitignore`` of every directory from the work tree's root
    down; a deeper file's rules (negations included) win over a shallower
    one's.  So the rules of the walked root's ancestors up to the enclosing
    ``.git`` are loaded first, then each directory's file as the walk enters it.
    Rules are kept per directory only while the walk can still need them.
    """

    def __init__(self, root: str) -> None:
        self._by_dir: dict[str, list[tuple[str, object]]] = {}
        chain: list[tuple[str, object]] = []
        top = os.path.abspath(root)
        ancestors = []
        d = os.path.dirname(top)
        while True:
            ancestors.append(d)
            if os.path.exists(os.path.join(d, ".git")):
                break
            parent = os.path.dirname(d)
            if parent == d:
                ancestors = []  # not inside a git work tree: parents' rules do not apply
                break
            d = parent
        for a in reversed(ancestors):
            spec = _load_gitignore(a)
            if spec is not None:
                chain.append((a, spec))
        if chain and _inside_ignored(chain, top):
            # The named directory lies in an ignored part of the enclosing work
            # tree (a pyenv or virtualenv install, a build/ or data/ folder):
            # naming it is asking for it, as naming a file is.  The ancestors'
            # rules would skip every file in it; its own .gitignore files apply.
            chain = []
        self._root_chain = chain
        self._top = top
        self._root = root

    def enter(self, dirpath: str, filenames: list[str]) -> "_Rules | None":
        absdir = os.path.abspath(dirpath)
        chain = self._by_dir.get(os.path.dirname(absdir), self._root_chain) if absdir != self._top else self._root_chain
        if ".gitignore" in filenames:
            spec = _load_gitignore(absdir)
            if spec is not None:
                chain = chain + [(absdir, spec)]
        self._by_dir[absdir] = chain  # one shared list per rule change, not per file
        return _Rules(chain, self._top, self._root) if chain else None


def _inside_ignored(chain: list[tuple[str, object]], top: str) -> bool:
    """Whether ``top``, or a directory above it inside the rules' reach, is
    ignored by ``chain`` (git never looks inside an ignored directory)."""
    d = top
    while True:
        for base, spec in reversed(chain):  # deepest first: it decides
            if not d.startswith(base + os.sep):
                continue
            res = spec.check_file(os.path.relpath(d, base).replace(os.sep, "/") + "/")  # type: ignore[attr-defined]
            if res.include is not None:
                if res.include:
                    return True
                break
        parent = os.path.dirname(d)
        if parent == d or not parent.startswith(chain[0][0] + os.sep):
            return False
        d = parent


class _Rules:
    def __init__(self, chain: list[tuple[str, object]], top: str, root: str) -> None:
        self.chain = chain
        self.top = top
        self.root = root

    def ignored(self, full: str, is_dir: bool) -> str | None:
        full = os.path.abspath(full)
        for base, spec in reversed(self.chain):  # deepest first: it decides
            rel = os.path.relpath(full, base).replace(os.sep, "/") + ("/" if is_dir else "")
            res = spec.check_file(rel)  # type: ignore[attr-defined]
            if res.include is not None:
                if res.include:
                    where = _disp(os.path.normpath(os.path.join(self.root, os.path.relpath(base, self.top))), ".gitignore")
                    return f"ignored by {where}"
                return None
        return None


def _load_gitignore(directory: str):
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # a malformed pattern must not stop the run
        return None


_NOT_UTF8 = re.compile(r"[\udc80-\udcff]")


def printable(name: str) -> str:
    """The path as users and JSONL see it: valid UTF-8.

    Bytes of a file name that are not UTF-8 (decoded by Python as lone
    surrogates) become ``\\xNN``; the real path is still used to read the
    file.  (Error lines additionally escape control characters, see
    ``errors.one_line``.)
    """
    if not _NOT_UTF8.search(name):
        return name
    return _NOT_UTF8.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name)


def _disp(dirpath: str, name: str) -> str:
    return os.path.join(dirpath, name).replace(os.sep, "/")


def read_bytes(source: Source, max_bytes: int = DEFAULT_MAX_BYTES, stdin=None) -> bytes:
    """The raw bytes of a source, or an InputError naming it and the cause."""
    if source.path is None:
        import sys

        stream = stdin or sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(source.display, f"input larger than the {max_bytes:,}-byte limit (max_bytes)", "too_large", ("max_bytes",))
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
            source.display, f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit (max_bytes)", "too_large", ("max_bytes",)
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
            f"not valid {exc.encoding.upper()} at byte {exc.start} (use encoding or decode_errors replace)",
            params=("encoding", "decode_errors"),
        ) from None
    except LookupError:
        raise UsageError(f"unknown encoding {enc!r}", "encoding") from None
