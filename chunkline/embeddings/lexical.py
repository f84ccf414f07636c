"""``lexical``: TF-IDF (with LSA when the vocabulary is large), fitted per corpus.

Why a lexical backend is the default: topic shifts in prose show up as shifts
in vocabulary (Hearst's TextTiling, Choi's C99 and Utiyama-Isahara all work on
word counts), it costs milliseconds, is exactly reproducible, and needs no
model, no download and no PyTorch, so ``-s semantic`` and ``score`` always work.

The vector space is fitted on a corpus: the vocabulary (word forms of at least
two characters that contain a letter, lower-cased, minus a short English
stop list) and smoothed IDF weights ``log((1+n)/(1+df)) + 1``.  Term
frequencies are sublinear (``1 + log tf``).  A corpus of at most ``dims``
texts (a document's sentences, say) keeps plain TF-IDF vectors, one dimension
per term; a larger corpus with a larger vocabulary is projected onto the top
``dims`` singular directions of its matrix (LSA, seeded randomized SVD), so
memory stays ``n x dims`` however big the vocabulary.  Words
not in the fitted vocabulary are ignored, so a text with only unknown words
gets a zero row.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    import numpy

_WORD = re.compile(r"[^\W_]+")

#: Function words that carry no topic (English; other languages rely on IDF).
STOP_WORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself yourselves one two may
    might must shall upon us said say says like well even much many every get got made make way back still yet
    though although however thus therefore since via per etc whether either neither nt ll ve re""".split()
)


def terms(text: str) -> list[str]:
    """The index terms of ``text``: lower-cased word forms of at least two
    characters, not purely numeric, not stop words (``_`` separates words)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOP_WORDS and not w.isnumeric()]


class LexicalEmbedder:
    """TF-IDF/LSA vectors.  Fitted by ``fit`` (or the ``corpus`` argument), else
    on the texts of the first ``embed``/``prepare`` call; later calls reuse
    that fit, so all vectors of one embedder share one space."""

    name = "lexical"

    def __init__(self, corpus: Sequence[str] | None = None, *, dims: int = 256, seed: int = 0) -> None:
        if dims < 1:
            raise ValueError("dims must be at least 1")
        self.dims = dims
        self.seed = seed
        self.vocab: dict[str, int] | None = None
        self.idf: "numpy.ndarray | None" = None
        self.projection: "numpy.ndarray | None" = None  # (V, d) or None = identity
        self._memo: dict[str, list[str]] = {}  # terms of the fitted texts, used once by embed
        if corpus is not None:
            self.fit(corpus)

    # ------------------------------------------------------------------ fit
    @property
    def fitted(self) -> bool:
        return self.vocab is not None

    @property
    def dim(self) -> int | None:
        if self.vocab is None:
            return None
        return self.projection.shape[1] if self.projection is not None else max(1, len(self.vocab))

    def prepare(self, texts: Sequence[str]) -> None:
        """Fit on ``texts`` unless already fitted (called by the cache wrapper)."""
        if self.vocab is None:
            self.fit(texts)

    def fit(self, corpus: Iterable[str]) -> "LexicalEmbedder":
        import numpy as np

        corpus_list = list(corpus)
        docs = [terms(t) for t in corpus_list]
        df: dict[str, int] = {}
        for d in docs:
            for w in set(d):
                df[w] = df.get(w, 0) + 1
        self.vocab = {w: i for i, w in enumerate(sorted(df))}
        n = len(docs)
        dfa = np.array([df[w] for w in sorted(df)], dtype=np.float64)
        self.idf = (np.log((1.0 + n) / (1.0 + dfa)) + 1.0).astype(np.float32)
        self.projection = None
        if len(self.vocab) > self.dims and n > self.dims:
            self.projection = self._lsa(self._tfidf(docs))
        self._memo = dict(zip(corpus_list, docs)) if len(docs) <= 100_000 else {}
        return self

    def _lsa(self, x) -> "numpy.ndarray":
        """Right singular vectors (V, r) of the corpus matrix, r <= dims."""
        n = x.shape[0]
        return _randomized_right_vectors(x, self.dims, self.seed)

    # ---------------------------------------------------------------- embed
    def _weights(self, docs: list[list[str]]):
        """CSR parts (indptr, indices, values) of the sublinear TF-IDF rows."""
        import numpy as np

        vocab = self.vocab or {}
        indptr = [0]
        indices: list[int] = []
        data: list[int] = []
        get = vocab.get
        for d in docs:
            counts: dict[int, int] = {}
            for w in d:
                j = get(w)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        idx = np.asarray(indices, dtype=np.int64)
        val = np.asarray(data, dtype=np.float32)
        if val.size:
            val = (1.0 + np.log(val)) * self.idf[idx]
        return np.asarray(indptr, dtype=np.int64), idx, val

    def _tfidf(self, docs: list[list[str]]):
        """Sparse (n, V) TF-IDF matrix, rows not normalised."""
        import scipy.sparse as sp

        indptr, idx, val = self._weights(docs)
        return sp.csr_matrix((val, idx, indptr), shape=(len(docs), max(1, len(self.vocab or {}))))

    def embed(self, texts: Sequence[str]) -> "numpy.ndarray":
        import numpy as np

        texts = list(texts)
        if self.vocab is None:
            self.fit(texts)
        memo, self._memo = self._memo, {}
        docs = [memo[t] if t in memo else terms(t) for t in texts]
        if self.projection is not None:
            dense = np.asarray(self._tfidf(docs) @ self.projection, dtype=np.float32)
        else:  # small vocabulary or corpus: plain dense TF-IDF, no scipy round trip
            indptr, idx, val = self._weights(docs)
            dense = np.zeros((len(docs), max(1, len(self.vocab or {}))), dtype=np.float32)
            dense[np.repeat(np.arange(len(docs)), np.diff(indptr)), idx] = val
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        np.divide(dense, norms, out=dense, where=norms > 0)
        return dense


def _randomized_right_vectors(x, k: int, seed: int, oversample: int = 10, power: int = 4) -> "numpy.ndarray":
    """Top-``k`` right singular vectors of sparse ``x`` (Halko et al. 2011),
    seeded so the same corpus always gives the same space."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n, v = x.shape
    width = min(k + oversample, n, v)
    xt = x.T.tocsr()
    q = np.asarray(x @ rng.standard_normal((v, width)).astype(np.float32))
    for _ in range(power):
        q, _ = np.linalg.qr(q)
        q = np.asarray(x @ np.asarray(xt @ q))
    q, _ = np.linalg.qr(q)
    b = np.asarray(xt @ q).T  # (width, V)
    _, s, vt = np.linalg.svd(b, full_matrices=False)
    r = min(k, int((s > (s[0] * 1e-6 if s.size else 0)).sum())) or 1
    return np.ascontiguousarray(vt[:r].T, dtype=np.float32)
