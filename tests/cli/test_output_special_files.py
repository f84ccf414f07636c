"""``-o PATH`` naming something that is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe).

``core.io.Output`` writes to a temporary sibling and renames it over PATH.
For a device or a FIFO that *replaces* it: as root, ``-o /dev/null`` turns
/dev/null into a regular file for the whole machine (the hostile tests' own
``-o os.devnull`` does it on every root CI run).  Such a PATH must be opened
and written, never replaced.  The fix belongs to ``chunkline/core/io.py``
(``Output`` opens such a path and writes into it).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_output_to_a_named_pipe_writes_into_it_and_keeps_it(tmp_path):
    fifo = tmp_path / "chunks.pipe"
    os.mkfifo(fifo)
    rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "chunkline", "chunk", str(EXAMPLES / "emma-opening.txt"), "-t", "128", "-o", str(fifo), "-q"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
        data = bytearray()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                got = os.read(rfd, 1 << 16)
            except BlockingIOError:
                got = None
            if got:
                data += got
            elif proc.poll() is not None:
                break
            else:
                time.sleep(0.01)
        proc.wait(timeout=60)
    finally:
        os.close(rfd)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the named pipe was replaced by a regular file"
    assert proc.returncode == 0, proc.stderr.read()
    chunks = [json.loads(x) for x in data.decode().splitlines()]
    assert chunks and all(c["source"].endswith("emma-opening.txt") for c in chunks)
