"""A directory of responses, keyed by what decides an answer: endpoint path and request body.

The body holds the model, the prompt or messages and every sampling
parameter (temperature 0), so equal keys mean equal requests.  The server's
URL and the API key are not part of the key (the same model behind another
address gives the same answers) and nothing about the key is ever stored.
Files are written atomically (temporary file + rename), so concurrent
workers and an interrupted run never leave a torn entry; an unreadable entry
is treated as a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any, Mapping

#: Bumped when the stored layout changes, so old entries are simply missed.
FORMAT = 1


def cache_key(path: str, body: Mapping[str, Any]) -> str:
    payload = json.dumps({"v": FORMAT, "path": path, "body": body}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    """``get(key)`` / ``put(key, response)`` over ``root/ab/abcdef....json``."""

    def __init__(self, root: str) -> None:
        self.root = root

    def _file(self, key: str) -> str:
        return os.path.join(self.root, key[:2], key + ".json")

    def get(self, key: str) -> dict | None:
        try:
            with open(self._file(key), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, response: Mapping[str, Any]) -> None:
        path = self._file(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(response, fh, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written costs money on the next run, not this run's result
