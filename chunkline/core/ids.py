"""Deterministic, content-derived identifiers."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def short_hash(*parts: Any, length: int = 16) -> str:
    """Hash of the parts' canonical JSON: stable across runs, machines and Python versions."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:length]


def document_id(source: str, content_sha256: str) -> str:
    """Document id: the content hash plus the path, so moved or edited files get new ids."""
    return short_hash("doc", source, content_sha256)


def chunk_id(doc_id: str, start: int, end: int, strategy: str, params_hash: str) -> str:
    return short_hash("chunk", doc_id, start, end, strategy, params_hash)
