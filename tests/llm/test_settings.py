"""Where settings come from: flags, then the environment; no endpoint is a usage error."""

from __future__ import annotations

import pytest

from chunkline.core.errors import UsageError
from chunkline.llm.settings import LLMOptions, LLMSettings, default_cache_dir


def test_environment_fills_what_flags_leave_empty(monkeypatch):
    monkeypatch.setenv("CHUNKLINE_LLM_URL", "http://127.0.0.1:1234")
    monkeypatch.setenv("CHUNKLINE_LLM_MODEL", "m1")
    s = LLMSettings.resolve()
    assert (s.url, s.model) == ("http://127.0.0.1:1234", "m1")
    assert LLMSettings.resolve(url="http://x", model="m2").model == "m2"


def test_no_endpoint_is_a_usage_error(monkeypatch):
    monkeypatch.delenv("CHUNKLINE_LLM_URL", raising=False)
    with pytest.raises(UsageError, match="llm_url or \\$CHUNKLINE_LLM_URL"):
        LLMOptions().llm_settings()


def test_cache_dir_default_and_off(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == str(tmp_path / "chunkline" / "llm")
    assert LLMSettings("http://x").cache_dir == str(tmp_path / "chunkline" / "llm")
    assert LLMSettings("http://x", cache="none").cache_dir is None


def test_where_the_server_runs_does_not_change_chunk_ids(monkeypatch):
    from chunkline.segmenters.base import parse_strategy

    monkeypatch.delenv("CHUNKLINE_LLM_MODEL", raising=False)
    a = parse_strategy("lumber:llm_url=http://a:1,llm_cache=/tmp/x,llm_concurrency=2")
    b = parse_strategy("lumber:llm_url=http://b:2")
    c = parse_strategy("lumber:llm_url=http://b:2,llm_model=other")
    assert a.params_hash == b.params_hash != c.params_hash
    monkeypatch.setenv("CHUNKLINE_LLM_MODEL", "other")
    assert parse_strategy("lumber").params_hash == c.params_hash  # a model from the environment counts too
