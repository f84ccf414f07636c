"""The manifest of a sharded output directory, and the journal that makes runs resumable.

``manifest.jsonl`` has one line per input file of the last finished run:
where its chunks are (shard, byte offset and length inside it), how many,
the content hash and the configuration hash that produced them, or why the
file failed or was skipped.  ``manifest.json`` summarises the run (strategy,
config hash, shards, totals).  Both are replaced atomically at the end of a
run: until then the previous run's files stay valid and untouched.

While a run is going, every shard that is complete (renamed into place) is
recorded in ``.chunkline-journal.jsonl``, appended and fsynced.  A run killed
at any moment therefore leaves: the previous manifest (still true), complete
shards listed in the journal, and perhaps an unlisted shard or ``.part``
file, which the next run deletes.  ``--incremental`` reads manifest and
journal, so a restarted run redoes only files that no complete shard holds.
"""

from __future__ import annotations

import builtins
import json
import os
from dataclasses import asdict, dataclass, fields
from typing import Iterator

from ..core import jsonl
from ..core.errors import RunError

MANIFEST_LINES = "manifest.jsonl"
MANIFEST_SUMMARY = "manifest.json"
JOURNAL = ".chunkline-journal.jsonl"
LOCK = ".chunkline.lock"  # held (flock) by the run writing the directory
SHARD_PREFIX = "chunks-"
SHARD_SUFFIX = ".jsonl"
FORMAT_VERSION = 1
#: Timestamps are coarse (a kernel tick; 2 s on FAT): a write this soon after
#: a file was read may leave its size and mtime as they were.
RACY_MTIME_NS = 2_000_000_000


def is_racy(mtime_ns: int, recorded_ns: int | None) -> bool:
    """Whether an entry's mtime is too close to when it was recorded to prove
    the file unchanged (git's "racy" index entries).

    ``recorded_ns`` is the modification time of the manifest (or journal) that
    holds the entry, which was written after the file was read.  A file
    rewritten right after it was read, within the same timestamp granule and
    at the same size, keeps size and mtime; such an entry's content hash is
    compared instead.  The manifest stays a function of the inputs alone.
    """
    return recorded_ns is not None and mtime_ns > recorded_ns - RACY_MTIME_NS


@dataclass(frozen=True, slots=True)
class Entry:
    """One input file's line in ``manifest.jsonl`` (field order is the key order)."""

    path: str
    status: str  # "ok", "failed" or "skipped"
    sha256: str | None
    size: int | None
    mtime_ns: int | None
    config: str
    chunks: int = 0
    shard: str | None = None
    offset: int = 0
    bytes: int = 0
    kind: str | None = None  # failed/skipped: machine-readable cause
    message: str | None = None  # failed/skipped: the one-line reason

    def to_line(self) -> builtins.bytes:  # the field ``bytes`` shadows the type here
        return jsonl.dumps_line(asdict(self))

    @classmethod
    def from_dict(cls, d: dict) -> "Entry":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    @property
    def key(self) -> tuple:
        """Identity of the stored bytes (the same entry may be in manifest and journal)."""
        return (self.path, self.shard, self.offset, self.bytes)


def shard_name(number: int) -> str:
    return f"{SHARD_PREFIX}{number:06d}{SHARD_SUFFIX}"


def shard_number(name: str) -> int | None:
    if name.startswith(SHARD_PREFIX) and name.endswith(SHARD_SUFFIX):
        core = name[len(SHARD_PREFIX) : -len(SHARD_SUFFIX)]
        if core.isdigit():
            return int(core)
    return None


def _read_entries(path: str) -> Iterator[Entry]:
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise RunError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # a journal line cut by a kill: the shard it names is redone
            try:
                yield Entry.from_dict(json.loads(raw))
            except (ValueError, TypeError) as exc:
                raise RunError(f"{path} is damaged ({exc}); delete the output directory to start over") from exc


def read_manifest(directory: str) -> list[Entry]:
    """The committed entries of the last finished run (empty if none)."""
    return list(_read_entries(os.path.join(directory, MANIFEST_LINES)))


def read_journal(directory: str) -> list[Entry]:
    """Entries of complete shards written by a run that did not finish."""
    return list(_read_entries(os.path.join(directory, JOURNAL)))


class Journal:
    """Append-only, fsynced record of completed shards of the current run."""

    def __init__(self, directory: str, fresh: bool) -> None:
        self.path = os.path.join(directory, JOURNAL)
        mode = "wb" if fresh else "ab"
        try:
            self._fh = open(self.path, mode)
        except OSError as exc:
            raise RunError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def append(self, entries: list[Entry]) -> None:
        if not entries:
            return
        self._fh.write(b"".join(e.to_line() for e in entries))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()

    def remove(self) -> None:
        self.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def fsync_dir(directory: str) -> None:
    """Make renames in ``directory`` durable (a crash after rename keeps them)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
