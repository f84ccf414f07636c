"""Directory output: sharded chunk JSONL, a manifest, incremental and resumable runs.

The previous run's manifest (plus the journal of an interrupted run) says
which bytes of which shard hold each file's chunks and from which content
and configuration they came.  An incremental run:

1. decides per current input whether its stored chunks are still right
   (same configuration hash and content hash; the hash is re-read only when
   size or mtime changed, as git does), else the file is redone;
2. keeps every shard whose files are all still current as it is, copies the
   still-current byte ranges out of shards that also hold stale files
   (changed or deleted ones), and writes the redone files to new shards;
3. commits by replacing ``manifest.jsonl`` and ``manifest.json`` atomically,
   then deletes shards no entry refers to.

Killed at any point, the directory still holds the previous manifest and its
shards; completed new shards are in the journal, so the next incremental run
takes them and redoes only the rest: no chunk lost, none twice.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable

from ..core.errors import RunError
from ..core.io import Output
from ..core import jsonl
from ..core.sources import Source
from .manifest import (
    FORMAT_VERSION,
    JOURNAL,
    LOCK,
    MANIFEST_LINES,
    MANIFEST_SUMMARY,
    Entry,
    Journal,
    read_journal,
    read_manifest,
    is_racy,
    shard_number,
)
from .shards import ShardWriter

#: Failures worth retrying on the next incremental run even if nothing changed.
TRANSIENT_KINDS = frozenset({"timeout", "crashed", "unreadable"})


def is_directory_output(output: str | None) -> bool:
    """``-o DIR/`` (trailing slash) or an existing directory means sharded output."""
    if output in (None, "-"):
        return False
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


@dataclass
class Plan:
    """What an incremental run does with each current input."""

    keep: list[Entry] = field(default_factory=list)  # stay where they are (clean shard, or no chunks)
    copy: list[Entry] = field(default_factory=list)  # current, but their shard also holds stale files
    work: list[Source] = field(default_factory=list)  # to parse and chunk


class ShardedOutput:
    """One run's view of an output directory (use as a context manager)."""

    def __init__(self, directory: str, config: str, incremental: bool, shard_bytes: int, strategy_label: str) -> None:
        self.directory = directory.rstrip("/" + os.sep) or "/"
        self.config = config
        self.incremental = incremental
        self.shard_bytes = shard_bytes
        self.strategy_label = strategy_label
        self.previous: dict[str, Entry] = {}
        self._raw: list[Entry] = []
        self.writer: ShardWriter | None = None
        self.kept: list[Entry] = []
        self.recorded_ns: int | None = None  # mtime of the previous manifest/journal
        self._lock_fd: int | None = None

    # ------------------------------------------------------------ lifecycle

    def __enter__(self) -> "ShardedOutput":
        if os.path.lexists(self.directory) and not os.path.isdir(self.directory):
            raise RunError(f"cannot write {self.directory}/: it exists and is not a directory (an output ending in / writes shards into a directory)")
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as exc:
            raise RunError(f"cannot create {self.directory}: {exc.strerror or exc}") from exc
        self._lock()
        try:
            return self._open()
        except BaseException:
            self._unlock()
            raise

    def _open(self) -> "ShardedOutput":
        manifest = read_manifest(self.directory)
        journal = read_journal(self.directory) if self.incremental else []
        # when the previous entries were recorded (after their files were read)
        stamps = []
        for name in (MANIFEST_LINES, JOURNAL):
            try:
                stamps.append(os.stat(os.path.join(self.directory, name)).st_mtime_ns)
            except OSError:
                pass
        self.recorded_ns = max(stamps) if stamps else None
        self._raw = manifest + journal
        for e in self._raw:  # later wins: journal over manifest
            self.previous[e.path] = e
        referenced = {e.shard for e in self._raw if e.shard}
        top = 0
        for name in os.listdir(self.directory):
            num = shard_number(name)
            if name.endswith(".part") and name.startswith(".chunks-"):
                _unlink(os.path.join(self.directory, name))  # cut by a kill
            elif num is not None:
                if name in referenced:
                    top = max(top, num + 1)
                else:
                    _unlink(os.path.join(self.directory, name))  # complete but never journaled
        self.writer = ShardWriter(self.directory, top, self.shard_bytes, Journal(self.directory, fresh=not self.incremental))
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.writer is None:
                return
            if exc_type is not None:
                self.writer.abort()  # completed shards stay journaled for the next --incremental run
                self.writer.journal.close()
                return
            self.writer.finish_shard()
            self._commit()
        finally:
            self._unlock()

    def _lock(self) -> None:
        """One run per directory: a second one would delete the first one's
        shard in progress (it looks like the leftover of a killed run).  The
        lock dies with its process, SIGKILL included."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        path = os.path.join(self.directory, LOCK)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise RunError(f"cannot write {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise RunError(f"{self.directory}/ is being written by another chunkline run; wait for it to finish") from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    # ------------------------------------------------------------ planning

    def plan(self, sources: Iterable[Source]) -> Plan:
        """Split current inputs into kept, copied and to-do (``--incremental``)."""
        plan = Plan()
        reused: dict[str, Entry] = {}
        for src in sources:
            entry = self._reusable(src) if self.incremental else None
            if entry is None:
                plan.work.append(src)
            else:
                reused[src.display] = entry
        dirty: set[str] = set()
        for r in self._raw:
            if r.shard is None:
                continue
            cur = reused.get(r.path)
            if cur is None or self.previous[r.path].key != r.key:
                dirty.add(r.shard)
        for entry in reused.values():
            (plan.copy if entry.shard is not None and entry.shard in dirty else plan.keep).append(entry)
        self.kept = plan.keep
        return plan

    def _reusable(self, src: Source) -> Entry | None:
        prev = self.previous.get(src.display)
        if prev is None or src.path is None or prev.config != self.config:
            return None
        if prev.status == "failed" and prev.kind in TRANSIENT_KINDS:
            return None
        if prev.shard is not None and not os.path.exists(os.path.join(self.directory, prev.shard)):
            return None
        try:
            st = os.stat(src.path)
        except OSError:
            return None
        if st.st_size == prev.size and st.st_mtime_ns == prev.mtime_ns and not is_racy(st.st_mtime_ns, self.recorded_ns):
            return prev
        try:
            digest = file_sha256(src.path)
        except OSError:
            return None
        if digest != prev.sha256:
            return None
        return replace(prev, size=st.st_size, mtime_ns=st.st_mtime_ns)  # touched, not changed

    # ------------------------------------------------------------ writing

    def copy(self, entry: Entry) -> Entry:
        """Move a still-current file's chunks out of a shard that is going away."""
        assert self.writer is not None and entry.shard is not None
        src = os.path.join(self.directory, entry.shard)
        return self.writer.add(entry, copy_from=(src, entry.offset, entry.bytes))

    def add(self, entry: Entry, payload: bytes | bytearray = b"", spill: str | None = None) -> Entry:
        assert self.writer is not None
        return self.writer.add(entry, payload, spill)

    def _commit(self) -> None:
        assert self.writer is not None
        entries = self.kept + self.writer.written
        with Output(os.path.join(self.directory, MANIFEST_LINES)) as out:
            for e in entries:
                out.write(e.to_line())
        shards: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        counts = {"ok": 0, "failed": 0, "skipped": 0}
        for e in entries:
            counts[e.status] = counts.get(e.status, 0) + 1
            if e.shard:
                shards[e.shard][0] += e.bytes
                shards[e.shard][1] += e.chunks
        summary = {
            "format": "chunkline-shards",
            "version": FORMAT_VERSION,
            "strategy": self.strategy_label,
            "config": self.config,
            "files": len(entries),
            **counts,
            "chunks": sum(e.chunks for e in entries),
            "shards": [{"name": n, "bytes": b, "chunks": c} for n, (b, c) in sorted(shards.items())],
        }
        with Output(os.path.join(self.directory, MANIFEST_SUMMARY)) as out:
            out.write(jsonl.dumps_line(summary))
        self.writer.journal.remove()
        for name in os.listdir(self.directory):
            if shard_number(name) is not None and name not in shards:
                _unlink(os.path.join(self.directory, name))
        _unlink(os.path.join(self.directory, JOURNAL))


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise RunError(f"cannot remove {path}: {exc.strerror or exc}") from exc
