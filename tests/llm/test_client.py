"""The OpenAI-compatible client against a real HTTP server on 127.0.0.1 (tests/conftest.py: FakeLLM)."""

from __future__ import annotations

import os
import socket

import pytest

from chunkline.llm.client import LLMClient
from chunkline.llm.errors import LLMHTTPError, LLMNoAnswer, LLMUnreachable, LLMUnsupported
from chunkline.llm.settings import LLMSettings

KEY = "sk-test-SECRET-4f9a1c"
MSG = [{"role": "user", "content": "ID 0: one\n\nID 1: two\n\nID 2: three"}]


def _client(url, tmp_path, **kw) -> LLMClient:
    kw.setdefault("cache", str(tmp_path / "cache"))
    s = LLMSettings(url, **kw)
    object.__setattr__(s, "backoff", 0.01)  # no real waiting between retries in tests
    return LLMClient(s)


def test_chat_answers_and_a_rerun_is_served_from_the_cache(fake_llm, tmp_path):
    assert _client(fake_llm.url, tmp_path).chat(MSG, "a.txt") == "Answer: ID 1"
    assert fake_llm.requests == 1
    again = _client(fake_llm.url, tmp_path)  # a new client, as in a new run
    assert again.chat(MSG, "a.txt") == "Answer: ID 1"
    assert fake_llm.requests == 1, "a cached request must open no connection"
    assert again.usage.cached == 1 and again.usage.requests == 0


def test_cache_key_ignores_the_url_and_depends_on_model_and_prompt(fake_llm, tmp_path):
    _client(fake_llm.url, tmp_path).chat(MSG, "a.txt")
    dead = _client("http://127.0.0.1:9/v1", tmp_path)  # nothing listens there; the cache answers
    assert dead.chat(MSG, "a.txt") == "Answer: ID 1"
    _client(fake_llm.url, tmp_path, model="other").chat(MSG, "a.txt")
    _client(fake_llm.url, tmp_path).chat([{"role": "user", "content": "else"}], "a.txt")
    assert fake_llm.requests == 3


def test_requests_are_deterministic_temperature_zero(fake_llm, tmp_path, monkeypatch):
    seen = []
    c = _client(fake_llm.url, tmp_path, cache="none")
    real = c.post
    monkeypatch.setattr(c, "post", lambda path, body, *a, **k: seen.append(body) or real(path, body, *a, **k))
    c.chat(MSG, "a.txt")
    assert seen[0]["temperature"] == 0


def test_dead_endpoint_is_one_unreachable_error_naming_the_file(loopback_only, tmp_path):
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(LLMUnreachable) as exc:
        _client(f"http://127.0.0.1:{port}", tmp_path).chat(MSG, "docs/a.txt")
    line = str(exc.value)
    assert line.startswith("docs/a.txt: LLM endpoint") and "unreachable" in line and "\n" not in line
    assert exc.value.kind == "llm_unreachable"


def test_500_then_success_is_retried(fake_llm, tmp_path):
    fake_llm.script += [("status", 500), ("status", 503)]
    assert _client(fake_llm.url, tmp_path).chat(MSG, "a.txt") == "Answer: ID 1"
    assert fake_llm.requests == 3


def test_429_is_retried_and_a_persistent_one_is_an_http_error(fake_llm, tmp_path):
    fake_llm.script += [("status", 429)]
    assert _client(fake_llm.url, tmp_path).chat(MSG, "a.txt") == "Answer: ID 1"
    fake_llm.reset()
    fake_llm.script += [("status", 429)] * 3
    with pytest.raises(LLMHTTPError) as exc:
        _client(fake_llm.url, tmp_path, retries=2).chat([{"role": "user", "content": "x"}], "b.txt")
    assert fake_llm.requests == 3 and "HTTP 429" in str(exc.value) and str(exc.value).startswith("b.txt: ")


def test_client_errors_are_not_retried(fake_llm, tmp_path):
    fake_llm.script += [("status", 401)]
    with pytest.raises(LLMHTTPError, match="HTTP 401"):
        _client(fake_llm.url, tmp_path).chat(MSG, "a.txt")
    assert fake_llm.requests == 1


def test_garbage_answers_end_in_no_answer_and_are_not_cached(fake_llm, tmp_path):
    fake_llm.script += [("garbage", "<html>oops</html>")] * 2
    with pytest.raises(LLMNoAnswer, match="usable answer"):
        _client(fake_llm.url, tmp_path, retries=1).chat(MSG, "a.txt")
    assert _client(fake_llm.url, tmp_path).chat(MSG, "a.txt") == "Answer: ID 1"  # nothing bad was cached
    assert fake_llm.requests == 3


def test_prompt_logprobs_offsets_and_values(fake_llm, tmp_path):
    prompt = "The cat sat. A dog ran."
    lp = _client(fake_llm.url, tmp_path).prompt_logprobs(prompt, "a.txt")
    assert lp.offsets == (0, 4, 8, 13, 15, 19)  # a token's offset is its first visible character
    assert lp.logprobs[0] is None and all(v < 0 for v in lp.logprobs[1:])
    total, n = lp.span(13, len(prompt))
    assert n == 3 and total < 0
    assert fake_llm.paths == ["/v1/completions"] * 2  # the alignment probe, then the prompt


def test_misaligned_logprobs_are_an_error_naming_llm_bos(fake_llm, tmp_path):
    fake_llm.shifted = True
    with pytest.raises(LLMUnsupported, match="shifted by one token.*llm_bos"):
        _client(fake_llm.url, tmp_path).prompt_logprobs("Some text.", "a.txt")


def test_bos_prefix_is_sent_and_not_scored(fake_llm, tmp_path):
    prompt = "The cat sat."
    lp = _client(fake_llm.url, tmp_path, bos="<s>").prompt_logprobs(prompt, "a.txt")
    assert lp.offsets == (0, 4, 8)  # the fake server spells "<s>The" as one token at 0: shifted back, kept at 0
    assert all(0 <= o < len(prompt) for o in lp.offsets)


def test_server_without_prompt_logprobs_is_a_clear_error(fake_llm, tmp_path):
    fake_llm.logprobs = False
    with pytest.raises(LLMUnsupported, match="prompt log-probabilities") as exc:
        _client(fake_llm.url, tmp_path).prompt_logprobs("Some text here.", "a.txt")
    assert exc.value.kind == "llm_unsupported"
    fake_llm.reset()
    fake_llm.script += [("status", 404, '{"error": "not found"}')]
    with pytest.raises(LLMUnsupported, match="echo=true"):
        _client(fake_llm.url, tmp_path).prompt_logprobs("Other text.", "a.txt")


def test_base_url_with_or_without_v1(fake_llm, tmp_path):
    for url in (fake_llm.url, fake_llm.url + "/v1", fake_llm.url + "/v1/"):
        _client(url, tmp_path, cache="none").chat(MSG, "a.txt")
    assert fake_llm.paths == ["/v1/chat/completions"] * 3


def test_map_keeps_order_with_bounded_concurrency(fake_llm, tmp_path):
    c = _client(fake_llm.url, tmp_path, concurrency=3)
    msgs = [[{"role": "user", "content": f"ID 0: a\n\nID {i}: b\n\nID {i + 1}: c"}] for i in range(1, 9)]
    assert c.map(lambda m: c.chat(m, "a.txt"), msgs) == [f"Answer: ID {i}" for i in range(1, 9)]


def test_api_key_is_sent_but_never_cached_nor_in_errors(fake_llm, tmp_path, monkeypatch):
    monkeypatch.setenv("CHUNKLINE_LLM_API_KEY", KEY)
    c = _client(fake_llm.url, tmp_path)
    c.chat(MSG, "a.txt")
    assert fake_llm.headers.get("Authorization") == "Bearer " + KEY
    fake_llm.script += [("status", 400, '{"error": "bad key ' + KEY + '"}')]
    with pytest.raises(LLMHTTPError) as exc:
        c.chat([{"role": "user", "content": "y"}], "a.txt")
    assert KEY not in str(exc.value) and "***" in str(exc.value)
    assert KEY not in repr(c.settings)
    for root, _dirs, files in os.walk(tmp_path):
        for f in files:
            assert KEY not in open(os.path.join(root, f), encoding="utf-8").read()


def test_openai_key_is_the_fallback(fake_llm, tmp_path, monkeypatch):
    monkeypatch.delenv("CHUNKLINE_LLM_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    _client(fake_llm.url, tmp_path, cache="none").chat(MSG, "a.txt")
    assert fake_llm.headers.get("Authorization") == "Bearer " + KEY


def test_answer_format_probe_per_server(fake_llm, tmp_path):
    fake_llm.schema_formats = {"json_object"}
    c = _client(fake_llm.url, tmp_path)
    assert c.answer_format("a.txt") == "json_object"
    assert c.answer_format("a.txt") == "json_object" and fake_llm.requests == 2  # found once per client
    # a server that accepts a format but ignores its schema does not count
    fake_llm.schema_formats = set()
    assert _client(fake_llm.url, tmp_path, cache=str(tmp_path / "other")).answer_format("a.txt") == "text"
    # the outcome is cached with the answers: a rerun is not probed again, wherever the server is ...
    n = fake_llm.requests
    assert _client("http://127.0.0.1:9/v1", tmp_path).answer_format("a.txt") == "json_object" and fake_llm.requests == n
    # ... and with nothing cached an unreachable endpoint is an error naming the file
    with pytest.raises(LLMUnreachable) as exc:
        _client("http://127.0.0.1:9/v1", tmp_path, cache=str(tmp_path / "empty"), retries=0).answer_format("b.txt")
    assert str(exc.value).startswith("b.txt: ")


def test_chat_json_sends_the_schema_in_the_servers_format(fake_llm, tmp_path):
    fake_llm.schema_formats = {"json_schema"}
    schema = {"type": "object", "properties": {"answer": {"type": "integer", "enum": [1, 2]}}, "required": ["answer"]}
    c = _client(fake_llm.url, tmp_path)
    reply, fmt = c.chat_json(MSG, schema, "a.txt"), c.answer_format("a.txt")
    assert (reply, fmt) == ('{"answer": 1}', "json_schema")
    assert fake_llm.bodies[-1]["response_format"] == {"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": schema}}
