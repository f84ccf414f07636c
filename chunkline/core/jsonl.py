"""Canonical JSON lines: compact, UTF-8, fixed key order, byte-identical across runs.

Lines are written by ``orjson`` (compiled) where its bytes are the standard
library's, and by ``json`` otherwise: a float JSON writes in exponent form
(0 < |x| < 1e-4 after rounding, or infinite), an integer beyond 64 bits, a
non-string key.  Both write compact separators, raw UTF-8 and the same string
escapes.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Iterable

from .records import Block, Chunk

try:
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib writes the same bytes
    _orjson_dumps = None  # type: ignore[assignment]

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)


class _StdlibFloat(float):
    """A float orjson would write differently (``1e-05`` is ``1e-5`` there, inf
    is null): orjson refuses float subclasses, so its line goes to ``json``."""

    __slots__ = ()


def _float(value: float) -> Any:
    """Rounded to 6 places; NaN to null."""
    if value != value:
        return None
    r = round(value, 6)
    if r and not 1e-4 <= abs(r) < 1e15:
        return _StdlibFloat(r)
    return r


_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass type -> field names; () for other types


def plain(value: Any) -> Any:
    """JSON-ready form of a record: dataclasses and mappings to dicts, tuples to
    lists, floats rounded to 6 places (NaN to null).  Scalars return first and
    field names are looked up once per type: this runs for every value of
    every chunk written."""
    t = type(value)
    if t is str or t is int or t is bool or value is None:
        return value
    if t is float:
        return _float(value)
    names = _FIELDS.get(t)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(value)) if dataclasses.is_dataclass(value) and not isinstance(value, type) else ()
        _FIELDS[t] = names
    if names:
        return {n: plain(getattr(value, n)) for n in names}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return _float(value)
    return value


def record_to_dict(record: Any, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """A record as a plain dict in field order (dict keys of ``meta`` are sorted)."""
    out = plain(record)
    for key in exclude:
        out.pop(key, None)
    if isinstance(out.get("meta"), dict):
        out["meta"] = dict(sorted(out["meta"].items()))
    return out


_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def dumps(obj: Any) -> str:
    """One JSONL line (without newline).

    U+2028, U+2029 and U+0085 are escaped: valid raw in JSON, but readers
    that split lines with ``str.splitlines()`` would cut a record in two.
    """
    if not isinstance(obj, dict):
        obj = record_to_dict(obj)
    line = _encoder.encode(obj)
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        for raw, escaped in _LINE_BREAKERS.items():
            line = line.replace(raw, escaped)
    return line


#: Records orjson can write as they are when they hold no floats and no meta.
_NATIVE = (Chunk, Block)

_LINE_BREAKERS_UTF8 = {raw.encode(): escaped.encode() for raw, escaped in _LINE_BREAKERS.items()}


def dumps_line(obj: Any) -> bytes:
    """One JSONL line, newline included, as UTF-8 bytes (``dumps`` + ``\\n``)."""
    if _orjson_dumps is None:
        return (dumps(obj) + "\n").encode("utf-8")
    line = None
    if type(obj) in _NATIVE and not obj.meta and not obj.bboxes:
        # no floats to round, no meta keys to sort: orjson writes the
        # dataclass itself, in field order, as record_to_dict would
        try:
            line = _orjson_dumps(obj)
        except TypeError:
            pass
    if line is None:
        if not isinstance(obj, dict):
            obj = record_to_dict(obj)
        try:
            line = _orjson_dumps(obj)
        except TypeError:  # a value only the stdlib writes as chunkline always has
            return (dumps(obj) + "\n").encode("utf-8")
    if b"\xe2\x80\xa8" in line or b"\xe2\x80\xa9" in line or b"\xc2\x85" in line:
        for raw, escaped in _LINE_BREAKERS_UTF8.items():
            line = line.replace(raw, escaped)
    return line + b"\n"


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def loads_chunk(line: bytes | str) -> Any:
    """A ``Chunk`` from one line ``dumps_line`` wrote: ``dumps_line(loads_chunk(line)) == line``
    (JSON arrays become the record's tuples; ``meta`` stays as written)."""
    from .records import Chunk

    d = json.loads(line)
    meta = d.pop("meta", None) or {}
    return Chunk(**{k: _tuples(v) for k, v in d.items()}, meta=meta)
