"""Batching and a text-hash cache in front of any embedding backend.

Why a cache: the same sentence is embedded again and again - the semantic
segmenter's windows overlap, ``score`` embeds a chunk for cohesion and again
for coherence, ``compare`` runs several strategies over one corpus whose
chunks often coincide.  Keys are a 128-bit BLAKE2b digest of the UTF-8 text,
so the cache holds no document text and a key costs the same for any length.

Why batching: neural backends are fastest on batches of a few dozen texts
of similar length; the wrapper feeds them fixed-size batches and keeps peak
memory bounded however many texts a caller passes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy


def text_key(text: str) -> bytes:
    """Cache key of a text: BLAKE2b-128 of its UTF-8 bytes (lone surrogates kept)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class EmbeddingCache:
    """A bounded LRU map from text key to one embedding row (float32, read-only).

    Thread-safe; ``maxsize`` 0 disables caching.  ``hits``/``misses`` let
    benchmarks and tests see whether the cache did its job.
    """

    def __init__(self, maxsize: int = 100_000) -> None:
        self.maxsize = max(0, int(maxsize))
        self._rows: OrderedDict[bytes, "numpy.ndarray"] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, key: bytes) -> "numpy.ndarray | None":
        with self._lock:
            row = self._rows.get(key)
            if row is None:
                self.misses += 1
                return None
            self._rows.move_to_end(key)
            self.hits += 1
            return row

    def put(self, key: bytes, row: "numpy.ndarray") -> None:
        if not self.maxsize:
            return
        row = row.copy()
        row.setflags(write=False)
        with self._lock:
            self._rows[key] = row
            self._rows.move_to_end(key)
            while len(self._rows) > self.maxsize:
                self._rows.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self.hits = self.misses = 0


_SHARED: dict[str, EmbeddingCache] = {}
_SHARED_LOCK = threading.Lock()


def shared_cache(name: str, maxsize: int) -> EmbeddingCache:
    """One process-wide cache per backend whose vectors do not depend on a
    fit (``minilm``): the segmenter makes an embedder per document, and the
    same sentence in two documents (or two strategies) is embedded once."""
    with _SHARED_LOCK:
        cache = _SHARED.get(name)
        if cache is None or cache.maxsize != maxsize:
            cache = _SHARED[name] = EmbeddingCache(maxsize)
        return cache


class CachedEmbedder:
    """An ``Embedder`` that answers from ``cache`` where it can and sends the
    remaining distinct texts to ``backend`` in batches of ``batch_size``.

    A backend that must see all texts before embedding any (``lexical``
    without a corpus fits on its first call) exposes ``prepare(texts)``;
    it is called with every text of a call before the first batch.
    """

    def __init__(
        self,
        backend,
        *,
        batch_size: int = 32,
        cache_size: int = 100_000,
        cache: EmbeddingCache | None = None,
    ) -> None:
        self.backend = backend
        self.name: str = backend.name
        self.batch_size = max(1, int(batch_size))
        self.cache = cache if cache is not None else EmbeddingCache(cache_size)

    @property
    def dim(self) -> int | None:
        """Vector width, when the backend knows it yet (lexical: after fitting)."""
        return getattr(self.backend, "dim", None)

    def embed(self, texts: Sequence[str]) -> "numpy.ndarray":
        import numpy as np

        texts = list(texts)
        prepare = getattr(self.backend, "prepare", None)
        if prepare is not None:
            prepare(texts)
        keys = [text_key(t) for t in texts]
        rows: list["numpy.ndarray | None"] = [self.cache.get(k) for k in keys]
        todo: dict[bytes, int] = {}  # distinct missing texts, first index each
        for i, (k, r) in enumerate(zip(keys, rows)):
            if r is None and k not in todo:
                todo[k] = i
        fresh: dict[bytes, "numpy.ndarray"] = {}
        # Similar lengths batch together: neural backends pad to the longest text.
        pending = sorted(todo.items(), key=lambda kv: len(texts[kv[1]]))
        for b in range(0, len(pending), self.batch_size):
            batch = pending[b : b + self.batch_size]
            vecs = np.asarray(self.backend.embed([texts[i] for _, i in batch]), dtype=np.float32)
            for (k, _), v in zip(batch, vecs):
                fresh[k] = v
                self.cache.put(k, v)
        dim = self.dim
        if dim is None:
            sample = next((r for r in rows if r is not None), None)
            if sample is None:
                sample = next(iter(fresh.values()), None)
            dim = sample.shape[0] if sample is not None else 0
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, (k, r) in enumerate(zip(keys, rows)):
            out[i] = r if r is not None else fresh[k]
        return out
