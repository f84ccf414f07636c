"""Describe registered strategies and formats (for ``chunkline strategies`` and docs)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..parsers.base import PARSERS
from .base import SEGMENTERS

__all__ = ["describe_parsers", "describe_strategies"]


def describe_strategies() -> list[dict[str, Any]]:
    out = []
    for name, spec in SEGMENTERS.items():
        options = []
        if spec.params is not None:
            for f in dataclasses.fields(spec.params):
                default = f.default if f.default is not dataclasses.MISSING else None
                options.append({"name": f.name, "type": f.type if isinstance(f.type, str) else f.type.__name__, "default": default})
        out.append(
            {
                "name": name,
                "summary": spec.summary,
                "formats": list(spec.formats),
                "default_tokenizer": spec.default_tokenizer or "cl100k_base",
                "options": options,
            }
        )
    return out


def describe_parsers() -> list[dict[str, Any]]:
    return [{"name": n, "extensions": list(p.extensions), "summary": p.summary} for n, p in PARSERS.items()]
