"""Describe registered strategies and formats (for ``chunkline strategies`` and docs)."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..parsers.base import PARSERS
from .base import SEGMENTERS, Strategy

__all__ = ["describe_parsers", "describe_strategies", "unit_note"]


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


def unit_note(strategy: Strategy, tokenizer_named: bool) -> str | None:
    """A strategy whose own default unit is not cl100k tokens (``ast``: nws),
    when the user gave no ``--tokenizer`` (nor ``--max-chars``): one line
    saying what ``--max-tokens`` counts, since ``compare`` and every other
    strategy count cl100k tokens; None otherwise."""
    from ..core.tokenizers import unit_phrase

    own = strategy.spec.default_tokenizer
    tok = strategy.budget.tokenizer
    if tokenizer_named or own in (None, "cl100k_base") or tok != own:
        return None
    return (f"strategy {strategy.name} counts --max-tokens {strategy.budget.max_size} in {unit_phrase(tok)}, "
            f"not cl100k_base tokens as the other strategies and compare do; give --tokenizer cl100k_base to count tokens")

