"""The LLM flags on the command line, against the in-process fake server (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-cli-SECRET-9d1e"


def run(*args, env=None):
    e = dict(os.environ, PYTHONPATH=str(ROOT), CHUNKLINE_LLM_API_KEY=KEY, **(env or {}))
    e.pop("CHUNKLINE_LLM_URL", None) if env is None or "CHUNKLINE_LLM_URL" not in env else None
    return subprocess.run([sys.executable, "-m", "chunkline", *map(str, args)], capture_output=True, env=e, timeout=300)


def _docs(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("\n\n".join(f"Apples {i} are red and sweet." for i in range(6)) + "\n", encoding="utf-8")
    b.write_text("\n\n".join(f"Boats {i} float on the lake." for i in range(6)) + "\n", encoding="utf-8")
    return a, b


def test_cached_file_finishes_and_the_other_fails_with_one_line(fake_llm, tmp_path):
    a, b = _docs(tmp_path)
    cache = tmp_path / "cache"
    r = run("chunk", a, "-s", "lumber:window=30", "--llm-url", fake_llm.url, "--llm-cache", cache)
    assert r.returncode == 0, r.stderr.decode()
    first = r.stdout
    r = run("chunk", a, b, "-s", "lumber:window=30", "--llm-url", "http://127.0.0.1:9", "--llm-cache", cache)
    assert r.returncode == 1
    err = r.stderr.decode().splitlines()
    bad = [x for x in err if x.startswith("chunkline: error:")]
    assert len(bad) == 1 and str(b) in bad[0] and "unreachable" in bad[0] and "Traceback" not in r.stderr.decode()
    assert r.stdout == first  # a.txt entirely from the cache
    assert KEY not in r.stderr.decode() + r.stdout.decode()


def test_contextualize_and_fallback_summary(fake_llm, tmp_path):
    a, _ = _docs(tmp_path)
    fake_llm.script += [("reply", "no idea")] * 10
    r = run("chunk", a, "-s", "lumber:window=30", "--contextualize", "--llm-url", fake_llm.url, "--llm-cache", "none")
    assert r.returncode == 0, r.stderr.decode()
    rows = [json.loads(x) for x in r.stdout.decode().splitlines()]
    assert all(c["context"] and c["context"] not in c["text"] for c in rows)
    assert any(c["meta"]["llm_boundary"] == "fallback" for c in rows)
    assert "chunk ends by the LLM fallback rule" in r.stderr.decode()
    assert KEY not in r.stderr.decode() + r.stdout.decode()


def test_no_endpoint_is_a_usage_error(tmp_path):
    a, _ = _docs(tmp_path)
    r = run("chunk", a, "-s", "lumber")
    assert r.returncode == 2 and "CHUNKLINE_LLM_URL" in r.stderr.decode()


def test_score_lm_and_embed_context(fake_llm, tmp_path):
    a, _ = _docs(tmp_path)
    chunks = tmp_path / "c.jsonl"
    r = run("chunk", a, "-s", "recursive:max_tokens=16", "--contextualize", "--llm-url", fake_llm.url, "--llm-cache", tmp_path / "k", "-o", chunks)
    assert r.returncode == 0, r.stderr.decode()
    r = run("score", chunks, "--docs", a, "--lm", "--embed-context", "--llm-url", fake_llm.url, "--llm-cache", tmp_path / "k", "--json", "-q")
    assert r.returncode == 0, r.stderr.decode()
    rep = json.loads(r.stdout)
    assert rep["metrics"]["lm_boundary_clarity"] is not None and rep["settings"]["embed_context"] is True


def test_llm_flag_error_names_the_flag(tmp_path):
    a, _ = _docs(tmp_path)
    r = run("chunk", a, "--llm-url", "http://127.0.0.1:9")
    assert r.returncode == 2 and "--llm-url needs a strategy that asks a model" in r.stderr.decode()


def test_compare_gives_the_llm_flags_to_the_strategies_that_ask_a_model(fake_llm, tmp_path):
    a, _ = _docs(tmp_path)
    cache = tmp_path / "k"
    r = run("compare", a, "-s", "lumber:window=30", "-s", "recursive:max_tokens=16", "-s", "recursive:max_tokens=16,contextualize=true",
            "--no-auto", "--llm-url", fake_llm.url, "--llm-cache", cache, "--json", "-q")
    assert r.returncode == 0, r.stderr.decode()
    labels = [row["label"] for row in json.loads(r.stdout)["results"]]
    assert len(labels) == 3 and any(x.startswith("lumber") for x in labels)
    assert fake_llm.requests > 0
    r = run("compare", a, "-s", "recursive", "--llm-url", fake_llm.url)
    assert r.returncode == 2 and "--llm-url needs a strategy that asks a model" in r.stderr.decode()


def test_strategies_that_ask_a_model_have_no_default_file_time_limit(fake_llm, tmp_path):
    from chunkline.run import DEFAULT_TIMEOUT, default_timeout
    from chunkline.segmenters import parse_strategy

    assert default_timeout(parse_strategy("recursive")) == DEFAULT_TIMEOUT
    assert default_timeout(parse_strategy(f"lumber:llm_url={fake_llm.url}")) is None
    assert default_timeout(parse_strategy(f"recursive:contextualize=true,llm_url={fake_llm.url}")) is None
    # an explicit --timeout still holds for them
    a, _ = _docs(tmp_path)
    fake_llm.delay = 1.5
    r = run("chunk", a, "-s", "lumber:window=30,structured=false", "--llm-url", fake_llm.url, "--llm-cache", "none", "--timeout", "1")
    assert r.returncode == 1 and "took longer than the 1-second limit (--timeout)" in r.stderr.decode()
