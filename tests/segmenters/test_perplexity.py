"""``perplexity`` (Meta-Chunking PPL) against the in-process fake server."""

from __future__ import annotations

import math

import pytest

from chunkline.core.records import verify
from chunkline.llm.errors import LLMUnsupported
from chunkline.llm.perplexity import find_minima
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment

TEXT = " ".join(f"Sentence number {i} says {'alpha beta gamma delta'.split()[i % 4]} things." for i in range(40))


def _run(url, tmp_path, extra=""):
    parsed = parse_bytes(TEXT.encode(), ParseContext("a.txt", None, ParseOptions(format="text")))
    chunks = segment(parsed, parse_strategy(f"perplexity:llm_url={url},llm_cache={tmp_path / 'c'}{extra}"))
    verify(parsed.document.text, chunks)
    return chunks


def test_find_minima_follows_meta_chunking():
    assert find_minima([5, 3, 6, 2, 2, 7]) == [1, 3]
    assert find_minima([5, 3, 6], threshold=2.5) == [1]  # 6 - 3 >= 2.5 on one side is enough
    assert find_minima([5, 3, 6], threshold=4) == []
    assert find_minima([5, math.nan, 6, 1, 9]) == [3]  # NaN never a minimum


def test_boundaries_after_minima_and_budget(fake_llm, tmp_path):
    chunks = _run(fake_llm.url, tmp_path, ",min_fraction=0,max_tokens=64")
    assert len(chunks) > 2
    assert all(c.token_count <= 64 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)  # whole sentences: boundaries between units
    assert fake_llm.paths and set(fake_llm.paths) == {"/v1/completions"}
    merged = _run(fake_llm.url, tmp_path, ",max_tokens=64")  # min_fraction merges small segments
    assert len(merged) <= len(chunks)


def test_server_without_prompt_logprobs_is_an_error_naming_it(fake_llm, tmp_path):
    fake_llm.logprobs = False
    with pytest.raises(LLMUnsupported, match="a.txt: .*prompt log-probabilities"):
        _run(fake_llm.url, tmp_path)
