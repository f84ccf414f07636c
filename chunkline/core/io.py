"""Output plumbing: atomic files, quiet broken pipes.

An output file is written to a temporary sibling and renamed into place only
when the run finished writing it, so an interrupted or failed run never leaves
a file that looks complete (the temporary is removed).  Writes to stdout that
hit a closed pipe (``| head``) end the run quietly, as pip does.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from typing import BinaryIO

from .errors import RunError


class OutputClosed(Exception):
    """The reader went away (EPIPE on stdout); stop producing output, quietly."""


class Output:
    """A binary sink: stdout, or a file written atomically.

    Use as a context manager; ``commit`` happens on a clean exit only.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path if path not in (None, "-") else None
        self._fh: BinaryIO | None = None
        self._tmp: str | None = None

    def __enter__(self) -> "Output":
        if self.path is None:
            self._fh = sys.stdout.buffer
            return self
        try:
            special = not stat.S_ISREG(os.stat(self.path).st_mode)
        except OSError:
            special = False
        if special:
            # A device, FIFO or socket (``-o /dev/null``, a named pipe): write
            # into it.  Renaming a temporary over it would replace the device
            # with a regular file, for the whole machine when run as root.
            try:
                self._fh = open(self.path, "wb", buffering=1 << 20)
            except OSError as exc:
                raise RunError(f"cannot write {self.path}: {_why(exc)}") from exc
            return self
        directory = os.path.dirname(os.path.abspath(self.path)) or "."
        try:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".part", dir=directory)
        except OSError as exc:
            raise RunError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        self._fh = os.fdopen(fd, "wb", buffering=1 << 20)
        return self

    def write(self, data: bytes | bytearray) -> None:
        assert self._fh is not None
        try:
            view = memoryview(data)
            while view:
                written = self._fh.write(view)
                if written is None or written >= len(view):
                    break
                if written == 0:  # no progress at all: the file cannot grow
                    raise OSError(errno.EFBIG, "short write")
                # A buffered writer returns a short count when the OS stopped
                # it part-way: at a file-size limit, or when a pipe's reader
                # left mid-write (| head).  Writing the rest makes the OS say
                # which: EFBIG/ENOSPC, or EPIPE (a quiet end, not an error).
                view = view[written:]
        except BrokenPipeError as exc:
            raise OutputClosed() from exc
        except OSError as exc:
            raise RunError(f"cannot write {self.path or 'stdout'}: {_why(exc)}") from exc

    def flush(self) -> None:
        assert self._fh is not None
        try:
            self._fh.flush()
        except BrokenPipeError as exc:
            raise OutputClosed() from exc
        except OSError as exc:
            raise RunError(f"cannot write {self.path or 'stdout'}: {_why(exc)}") from exc

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.path is None:
            if exc_type is None:
                try:
                    self.flush()
                except OutputClosed:
                    silence_stdout()
            return
        assert self._fh is not None
        if self._tmp is None:  # written in place (a device or FIFO): nothing to rename
            try:
                if exc_type is None:
                    self._fh.flush()
                self._fh.close()
            except BrokenPipeError:
                pass  # a FIFO's reader left: as on stdout, a quiet end
            except OSError as err:
                if exc_type is None:
                    raise RunError(f"cannot write {self.path}: {_why(err)}") from err
            return
        ok = exc_type is None
        try:
            if ok:
                self._fh.flush()
                os.fsync(self._fh.fileno())
            self._fh.close()
            if ok:
                os.chmod(self._tmp, 0o644)
                os.replace(self._tmp, self.path)
                self._tmp = None
        except OSError as err:
            ok = False
            if exc_type is None:
                raise RunError(f"cannot write {self.path}: {_why(err)}") from err
        finally:
            if self._tmp is not None:
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "no space left (disk full or file size limit)"
    return exc.strerror or str(exc)


def silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so interpreter shutdown doesn't complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def write_text_atomic(path: str, text: str) -> None:
    with Output(path) as out:
        out.write(text.encode("utf-8"))
