"""Cache and batching in front of any backend."""

from __future__ import annotations

import numpy as np

from chunkline.embeddings.cache import CachedEmbedder, EmbeddingCache, text_key


class CountingBackend:
    name = "counting"
    dim = 3

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 3), np.float32)
        for i, t in enumerate(texts):
            out[i, len(t) % 3] = 1.0
        return out


def test_batches_dedupes_and_caches():
    be = CountingBackend()
    emb = CachedEmbedder(be, batch_size=2)
    v = emb.embed(["a", "bb", "a", "ccc", "dddd"])
    assert [len(c) for c in be.calls] == [2, 2]  # 4 distinct texts, batches of 2
    assert np.array_equal(v[0], v[2])
    be.calls.clear()
    w = emb.embed(["ccc", "a", "eeeee"])
    assert be.calls == [["eeeee"]]
    assert np.array_equal(w[0], v[3]) and emb.cache.hits >= 2


def test_cache_is_bounded_lru_and_can_be_disabled():
    c = EmbeddingCache(2)
    for t in ("x", "y", "z"):
        c.put(text_key(t), np.ones(2, np.float32))
    assert len(c) == 2 and c.get(text_key("x")) is None
    be = CountingBackend()
    emb = CachedEmbedder(be, cache_size=0)
    emb.embed(["a"])
    emb.embed(["a"])
    assert len(be.calls) == 2


def test_keys_distinguish_texts_and_survive_surrogates():
    assert text_key("a") != text_key("a ")
    assert len(text_key("\ud800")) == 16


def test_empty_input():
    emb = CachedEmbedder(CountingBackend())
    assert emb.embed([]).shape == (0, 3)
