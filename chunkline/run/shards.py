"""Size-bounded JSONL shards, each complete before anyone can see it.

A shard is written to ``.chunks-NNNNNN.jsonl.part`` and renamed into place
when it reaches the size bound (or the run ends), after an fsync; only then
are the entries of the files it holds journaled.  One file's chunks are
never split across shards, so a file larger than the bound gets a shard of
its own that is larger than the bound.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from typing import BinaryIO

from ..core.errors import RunError
from .manifest import Entry, Journal, fsync_dir, shard_name

#: Default shard size bound: big enough for few files, small enough to ship around.
DEFAULT_SHARD_BYTES = 128 * 1024 * 1024


class ShardWriter:
    """Appends files' chunk bytes to the current shard and rolls shards over."""

    def __init__(self, directory: str, first_number: int, max_bytes: int, journal: Journal) -> None:
        self.directory = directory
        self.number = first_number
        self.max_bytes = max(1, max_bytes)
        self.journal = journal
        self.written: list[Entry] = []  # every entry of this run, in order (manifest lines)
        self.shards: list[tuple[str, int, int]] = []  # (name, bytes, chunks) of shards this run completed
        self._fh: BinaryIO | None = None
        self._tmp: str | None = None
        self._size = 0
        self._chunks = 0
        self._pending: list[Entry] = []

    def _open(self) -> None:
        name = shard_name(self.number)
        self._tmp = os.path.join(self.directory, f".{name}.part")
        try:
            self._fh = open(self._tmp, "wb", buffering=1 << 20)
        except OSError as exc:
            raise RunError(f"cannot write {self._tmp}: {exc.strerror or exc}") from exc
        self._size = 0
        self._chunks = 0

    def add(self, entry: Entry, payload: bytes | bytearray = b"", spill: str | None = None, copy_from: tuple[str, int, int] | None = None) -> Entry:
        """Store one file's chunk bytes (given, in a spill file, or a range of an old shard)."""
        length = len(payload) if spill is None and copy_from is None else (os.path.getsize(spill) if spill else copy_from[2])  # type: ignore[index]
        if length == 0:
            entry = replace(entry, shard=None, offset=0, bytes=0)
            self._pending.append(entry)
            return entry
        if self._fh is None:
            self._open()
        assert self._fh is not None
        offset = self._size
        try:
            if spill is not None:
                with open(spill, "rb") as src:
                    shutil.copyfileobj(src, self._fh, 1 << 20)
            elif copy_from is not None:
                path, start, n = copy_from
                with open(path, "rb") as src:
                    src.seek(start)
                    left = n
                    while left:
                        buf = src.read(min(left, 1 << 20))
                        if not buf:
                            raise RunError(f"{path} is shorter than its manifest says; delete the output directory to start over")
                        self._fh.write(buf)
                        left -= len(buf)
            else:
                self._fh.write(payload)
        except OSError as exc:
            raise RunError(f"cannot write {self._tmp}: {exc.strerror or exc}") from exc
        self._size += length
        self._chunks += entry.chunks
        entry = replace(entry, shard=shard_name(self.number), offset=offset, bytes=length)
        self._pending.append(entry)
        if self._size >= self.max_bytes:
            self.finish_shard()
        return entry

    def finish_shard(self) -> None:
        """Make the current shard durable and visible, then journal its files."""
        if self._fh is not None:
            assert self._tmp is not None
            try:
                self._fh.flush()
                os.fsync(self._fh.fileno())
                self._fh.close()
                os.chmod(self._tmp, 0o644)
                final = os.path.join(self.directory, shard_name(self.number))
                os.replace(self._tmp, final)
                fsync_dir(self.directory)
            except OSError as exc:
                raise RunError(f"cannot write {self._tmp}: {exc.strerror or exc}") from exc
            self.shards.append((shard_name(self.number), self._size, self._chunks))
            self._fh = None
            self._tmp = None
            self.number += 1
        self.journal.append(self._pending)
        self.written.extend(self._pending)
        self._pending = []

    def abort(self) -> None:
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            if self._tmp:
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass
            self._fh = None
