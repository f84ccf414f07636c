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
from itertools import compress, count
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


#: Runs of scripts written without spaces between words (Han, kana) or with
#: particles glued to words (Hangul): a "word" there is a whole clause, so
#: such runs are indexed as overlapping character bigrams (a lone character
#: as itself), as Lucene's CJK analyzer does.
_SPACELESS = re.compile(
    "[\u1100-\u11ff\u3005-\u3007\u3040-\u30ff\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f]+"
)


def terms(text: str) -> list[str]:
    """The index terms of ``text``: lower-cased word forms of at least two
    characters, not purely numeric, not stop words (``_`` separates words);
    runs of Han, kana and Hangul give character bigrams."""
    keep = _KEEP
    # ``translate`` + ``split`` finds exactly ``_WORD``'s runs (``[^\W_]`` is
    # ``str.isalnum``), several times faster than ``findall``.
    words = text.lower().translate(_SEPARATORS).split()
    if text.isascii() or not _SPACELESS.search(text):
        return [w for w in words if keep[w]]
    expand = _EXPAND
    return [t for w in words for t in expand[w] if keep[t]]


class _SeparatorTable(dict):
    """``str.translate`` table: word characters (``isalnum``) map to
    themselves, everything else to a space.  Filled lazily per code point."""

    def __init__(self, pinned: dict[int, str] | None = None) -> None:
        super().__init__(pinned or {})
        self.pinned = dict(pinned or {})

    def __missing__(self, c: int) -> str:
        ch = chr(c)
        out = ch if ch.isalnum() else " "
        if len(self) >= 200_000:
            self.clear()
            self.update(self.pinned)
        self[c] = out
        return out


_SEPARATORS = _SeparatorTable()


class _KeepTable(dict):
    """word -> is it an index term?  Decided once per distinct word form (a
    dict hit is much cheaper than the three tests), bounded in size."""

    def __missing__(self, w: str) -> bool:
        ok = (len(w) > 1 or _SPACELESS.match(w) is not None) and w not in STOP_WORDS and not w.isnumeric()
        if len(self) >= 500_000:
            self.clear()
        self[w] = ok
        return ok


_KEEP = _KeepTable()


class _ExpandTable(dict):
    """word -> its pieces: the word itself, or with runs of ``_SPACELESS``
    scripts cut out as character bigrams (``北京是`` -> ``北京``, ``京是``).
    Decided once per distinct word form, bounded in size."""

    def __missing__(self, w: str) -> tuple[str, ...]:
        out: list[str] = []
        pos = 0
        for m in _SPACELESS.finditer(w):
            if m.start() > pos:
                out.append(w[pos : m.start()])
            run = m.group()
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
            pos = m.end()
        if pos < len(w):
            out.append(w[pos:])
        if len(self) >= 500_000:
            self.clear()
        self[w] = pieces = tuple(out)
        return pieces


_EXPAND = _ExpandTable()


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
        self._vocab: dict[str, int] | None = None
        self._vocab_words: Sequence[str] | None = None  # term strings not yet in a dict (``vocab``)
        self.idf: "numpy.ndarray | None" = None
        self.projection: "numpy.ndarray | None" = None  # (V, d) or None = identity
        self._memo: dict[str, list[str]] = {}  # terms of the fitted texts, used once by embed
        self._fitted_rows: "tuple[list[str], tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]] | None" = None  # (texts, CSR parts) of the last fit, used once
        if corpus is not None:
            self.fit(corpus)

    # ------------------------------------------------------------------ fit
    @property
    def vocab(self) -> dict[str, int] | None:
        """term -> column.  Built on first use: the segmenter's own fit never
        embeds another text, so it never needs the term strings."""
        if self._vocab is None and self._vocab_words is not None:
            words, self._vocab_words = self._vocab_words, None
            self._vocab = dict(zip(words, range(len(words))))
        return self._vocab

    @property
    def fitted(self) -> bool:
        return self._vocab is not None or self._vocab_words is not None

    @property
    def dim(self) -> int | None:
        if not self.fitted:
            return None
        return self.projection.shape[1] if self.projection is not None else max(1, self.idf.size if self.idf is not None else 0)

    def prepare(self, texts: Sequence[str]) -> None:
        """Fit on ``texts`` unless already fitted (called by the cache wrapper)."""
        if not self.fitted:
            self.fit(texts)

    def fit(self, corpus: Iterable[str]) -> "LexicalEmbedder":
        corpus_list = list(corpus)
        docs = [terms(t) for t in corpus_list]
        words, rows, cols = _dict_term_ids(docs)
        self._fit_ids(corpus_list, words, rows, cols)
        self._memo = dict(zip(corpus_list, docs)) if len(docs) <= 100_000 else {}
        return self

    def _fit_ids(self, corpus_list: list[str], words: list[str], rows, cols) -> None:
        """Vocabulary, IDF and the fitted texts' own rows from term
        occurrences (``rows[k]`` text, ``cols[k]`` term id into the sorted
        ``words``; the vocabulary order fixes the LSA projection, so it must
        not depend on the order of the texts).  All counting is vectorised."""
        import numpy as np

        self._vocab, self._vocab_words = None, words
        n, v = len(corpus_list), len(words)
        pairs, tf = np.unique(rows * max(1, v) + cols, return_counts=True)
        dfa = np.bincount(pairs % max(1, v), minlength=v)[:v].astype(np.float64)
        self.idf = (np.log((1.0 + n) / (1.0 + dfa)) + 1.0).astype(np.float32)
        self.projection = None
        # The fitted texts' own rows, ready for ``embed``/``cosine_matrix``.
        indptr = np.searchsorted(pairs // max(1, v), np.arange(n + 1)) if n else np.zeros(1, dtype=np.int64)
        idx = pairs % max(1, v)
        idf = self.idf
        val = (1.0 + np.log(tf.astype(np.float32))) * idf[idx] if idx.size else np.zeros(0, dtype=np.float32)
        self._fitted_rows = (corpus_list, (indptr.astype(np.int64), idx, val.astype(np.float32)))
        if v > self.dims and n > self.dims:
            import scipy.sparse as sp

            parts = self._fitted_rows[1]  # just set above
            self.projection = self._lsa(sp.csr_matrix((parts[2], parts[1], parts[0]), shape=(n, v)))

    def _lsa(self, x) -> "numpy.ndarray":
        """Right singular vectors (V, r) of the corpus matrix, r <= dims."""
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
        if val.size and self.idf is not None:
            val = ((1.0 + np.log(val)) * self.idf[idx]).astype(np.float32)
        return np.asarray(indptr, dtype=np.int64), idx, val

    def _rows(self, texts: list[str]):
        """CSR parts of the TF-IDF rows of ``texts`` (from the fit when they
        are exactly the fitted texts: the segmenter's case, no second pass)."""
        fitted, self._fitted_rows = self._fitted_rows, None
        if fitted is not None and fitted[0] == texts:
            self._memo = {}
            return fitted[1]
        memo, self._memo = self._memo, {}
        return self._weights([memo[t] if t in memo else terms(t) for t in texts])

    def embed(self, texts: Sequence[str]) -> "numpy.ndarray":
        import numpy as np

        texts = list(texts)
        if not self.fitted:
            self.fit(texts)
        indptr, idx, val = self._rows(texts)
        width = max(1, self.idf.size if self.idf is not None else 0)
        if self.projection is not None:
            import scipy.sparse as sp

            x = sp.csr_matrix((val, idx, indptr), shape=(len(texts), width))
            dense = np.asarray(x @ self.projection, dtype=np.float32)
        else:  # small vocabulary or corpus: plain dense TF-IDF, no scipy round trip
            dense = np.zeros((len(texts), width), dtype=np.float32)
            dense[np.repeat(np.arange(len(texts)), np.diff(indptr)), idx] = val
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        np.divide(dense, norms, out=dense, where=norms > 0)
        return dense

    def unit_rows(self, texts: Sequence[str]):
        """L2-normalised rows of ``texts`` for similarity products:
        ``SparseRows`` of TF-IDF weights, or (with an LSA projection) the
        dense ``embed`` rows as float64.  Fits on ``texts`` if not fitted yet.

        Why: a caller that needs only cosines (the semantic segmenter) can
        multiply sparse rows - a few hundred non-zeros per document, where a
        dense ``(n, V)`` product wakes BLAS worker threads (milliseconds on a
        busy machine)."""
        import numpy as np

        texts = list(texts)
        if not self.fitted:
            ids = _joined_term_ids(texts, sort=len(texts) > self.dims)
            if ids is None:
                self.fit(texts)
            else:
                self._fit_ids(texts, *ids)
                self._memo = {}
        if self.projection is not None:
            return self.embed(texts).astype(np.float64)
        indptr, idx, val = self._rows(texts)
        val = val.astype(np.float64)
        rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=val * val, minlength=len(texts)))
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return SparseRows(len(texts), rows, idx, val * scale[rows])

    def cosine_matrix(self, texts: Sequence[str]) -> "numpy.ndarray":
        """``(n, n)`` float64 cosines between ``texts`` (``v @ v.T`` for
        ``v = embed(texts)``, computed from ``unit_rows``), exactly symmetric."""

        x = self.unit_rows(texts)
        if isinstance(x, SparseRows):
            return x.gram(0, x.n)
        sim = x @ x.T
        return (sim + sim.T) * 0.5


class SparseRows:
    """Sparse rows as (row, column, value) entries sorted by row, with the
    one operation the semantic segmenter needs: the Gram matrix of a run of
    rows.

    Why not scipy: for one document's sentences (tens of rows, a few
    thousand non-zeros) scipy's constructors and format checks cost more
    than the arithmetic; here the Gram matrix is a handful of numpy calls."""

    __slots__ = ("n", "rows", "cols", "vals", "by_col")

    def __init__(self, n: int, rows, cols, vals, by_col: bool = False) -> None:
        """Entries sorted by row, or with ``by_col`` by column (then row)."""
        self.n, self.rows, self.cols, self.vals, self.by_col = n, rows, cols, vals, by_col

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, int(self.cols.max()) + 1 if self.cols.size else 1)

    def toarray(self) -> "numpy.ndarray":
        import numpy as np

        out = np.zeros(self.shape)
        out[self.rows, self.cols] = self.vals
        return out

    def gram(self, a: int, b: int) -> "numpy.ndarray":
        """``X[a:b] @ X[a:b].T`` as a dense, exactly symmetric float64 array.

        Entries are grouped by column; every pair of entries in one column
        contributes ``v_i * v_j`` to ``G[row_i, row_j]`` (one ``bincount``)."""
        import numpy as np

        m = b - a
        if self.by_col:  # already grouped by column: select the rows, keep the order
            if a <= 0 and b >= self.n:
                rows, cols, vals = self.rows - a, self.cols, self.vals
            else:
                sel = (self.rows >= a) & (self.rows < b)
                rows, cols, vals = self.rows[sel] - a, self.cols[sel], self.vals[sel]
        else:
            lo, hi = np.searchsorted(self.rows, [a, b])
            rows, cols, vals = self.rows[lo:hi] - a, self.cols[lo:hi], self.vals[lo:hi]
        if rows.size == 0 or m <= 0:
            return np.zeros((max(m, 0), max(m, 0)))
        if not self.by_col:
            order = np.argsort(cols, kind="stable")
            rows, cols, vals = rows[order], cols[order], vals[order]
        # group of each entry: [start, start + size) in the column-sorted arrays
        new = np.empty(cols.size, dtype=bool)
        new[0] = True
        np.not_equal(cols[1:], cols[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        sizes = np.diff(np.append(starts, cols.size))
        gid = np.cumsum(new) - 1
        k = sizes[gid]  # partners of each entry (its column's size)
        left = np.repeat(np.arange(cols.size), k)
        first = np.cumsum(k) - k  # where each entry's partner list starts
        partner = starts[gid][left] + (np.arange(left.size) - first[left])
        g = np.bincount(rows[left] * m + rows[partner], weights=vals[left] * vals[partner], minlength=m * m)
        g = g.reshape(m, m)
        return (g + g.T) * 0.5


def weighted_rows(n: int, rows, keys, *, dims: int = 256, seed: int = 0):
    """L2-normalised TF-IDF rows of ``n`` texts from their term occurrences
    (``rows[k]`` text, ``keys[k]`` any non-negative term key), weighted as
    ``LexicalEmbedder`` weights words: sublinear TF, smoothed IDF over the
    ``n`` texts, LSA onto ``dims`` directions when both the texts and the
    distinct terms outnumber ``dims``.  ``SparseRows``, or dense float64
    rows after LSA.

    Why: a caller that already has term ids (the semantic segmenter's BPE
    tokens, from the one tokenizer pass it makes anyway) gets the same kind
    of vectors without the Python word splitting and numbering."""
    import numpy as np

    rows = np.asarray(rows, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    if keys.size == 0:
        return SparseRows(n, rows[:0], keys[:0], np.zeros(0), by_col=True)
    # one sort: entries by (term, text); a term's entries are then one run
    pairs, tf = np.unique(keys * max(n, 1) + rows, return_counts=True)
    key = pairs // max(n, 1)
    prow = pairs - key * max(n, 1)
    new = np.empty(key.size, dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    pcol = np.cumsum(new) - 1  # compact term ids, in key order
    starts = np.flatnonzero(new)
    df = np.diff(np.append(starts, key.size))[pcol]  # texts holding each entry's term
    v = starts.size
    val = (1.0 + np.log(tf.astype(np.float64))) * (np.log((1.0 + n) / (1.0 + df)) + 1.0)
    if v > dims and n > dims:
        import scipy.sparse as sp

        x = sp.csr_matrix((val.astype(np.float32), (prow, pcol)), shape=(n, v))
        dense = np.asarray(x @ _randomized_right_vectors(x, dims, seed), dtype=np.float64)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        np.divide(dense, norms, out=dense, where=norms > 0)
        return dense
    norms = np.sqrt(np.bincount(prow, weights=val * val, minlength=n))
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return SparseRows(n, prow, pcol, val * scale[prow], by_col=True)


class TokenTerms:
    """Index terms of BPE token ids: each token id maps to the key of its
    lower-cased form with spaces and punctuation stripped (`` The``,
    ``The`` and ``the`` are one term), or to -1 when that form is no term
    (stop words, single characters, numbers, punctuation, whitespace),
    under the same rules as ``terms`` applies to words.

    The table is filled lazily, one entry per distinct token id first seen
    (a document's new tokens, not the 100k-200k vocabulary), and kept per
    process for each encoding (``for_encoding``)."""

    _by_name: dict[str, "TokenTerms"] = {}

    def __init__(self, token_bytes) -> None:
        from ..core.tokenizers import LazyTokenTable

        self._token_bytes = token_bytes  # id -> bytes
        self._table = LazyTokenTable(self._key, "int32")
        self._keys: dict[object, int] = {}

    @classmethod
    def for_encoding(cls, name: str, token_bytes) -> "TokenTerms":
        found = cls._by_name.get(name)
        if found is None:
            found = cls._by_name[name] = cls(token_bytes)
        return found

    def keys(self, ids: "numpy.ndarray") -> "numpy.ndarray":
        """Term key of every token id (-1: not a term)."""
        return self._table.lookup(ids)

    def _key(self, token: int) -> int:
        raw = self._token_bytes(token)
        try:
            form: str | bytes = "".join(ch for ch in raw.decode("utf-8").lower() if ch.isalnum())
            if not _KEEP[form]:
                return -1
        except UnicodeDecodeError:  # a piece of a multi-byte character: its bytes are the term
            form = raw.strip().lower()
            if len(form) < 2:
                return -1
        return self._keys.setdefault(form, len(self._keys))


def _dict_term_ids(docs: list[list[str]]):
    """(sorted vocabulary, text index, term id) of every term occurrence."""
    import numpy as np

    first: dict[str, int] = {}
    ids = [first.setdefault(w, len(first)) for d in docs for w in d]
    words = sorted(first)
    remap = np.empty(max(1, len(words)), dtype=np.int64)
    if words:
        remap[[first[w] for w in words]] = np.arange(len(words))
    cols = remap[np.asarray(ids, dtype=np.int64)] if ids else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(len(docs), dtype=np.int64), [len(d) for d in docs]) if docs else np.zeros(0, dtype=np.int64)
    return words, rows, cols


#: Joins texts for ``_joined_term_ids``; survives lower() and its separator table.
_SENTINEL = "\x01"
_JOIN_SEPARATORS = _SeparatorTable({ord(_SENTINEL): _SENTINEL})


def _joined_term_ids(texts: list[str], sort: bool = True):
    """``_dict_term_ids(terms(t) for t in texts)`` for one document's
    sentences, with no per-word Python: the texts are joined around a
    sentinel word, split in one ``translate``/``split``, and numbered in one
    C-level ``map`` over ``dict.setdefault``; the term filter runs once per
    distinct word.
    ``sort=False`` numbers terms by first appearance (fine when no LSA
    projection follows: cosines do not depend on the column order).
    None when a text holds the sentinel: use the dict path."""
    import numpy as np

    if not texts:
        return None
    joined = (" " + _SENTINEL + " ").join(texts).lower()
    if joined.count(_SENTINEL) != len(texts) - 1:
        return None
    words = joined.translate(_JOIN_SEPARATORS).split()
    if not words:
        return None
    if not joined.isascii() and _SPACELESS.search(joined):  # bigrams of Han, kana, Hangul (see ``terms``)
        expand = _EXPAND
        words = [t for w in words for t in (expand[w] if w != _SENTINEL else (w,))]
    # one hashing pass: every distinct word -> where it first occurs (dicts
    # keep insertion order: first appearance); each occurrence -> that place
    index: dict[str, int] = {}
    occ = np.fromiter(map(index.setdefault, words, count()), dtype=np.int64, count=len(words))
    keep = list(map(_KEEP.__getitem__, index))  # the term filter, once per distinct word (the sentinel is too short)
    vocab = list(compress(index, keep))
    first = np.fromiter(compress(index.values(), keep), dtype=np.int64, count=len(vocab))
    if sort:
        order = sorted(range(len(vocab)), key=vocab.__getitem__)
        vocab = [vocab[i] for i in order]
        first = first[np.asarray(order, dtype=np.int64)]
    term = np.full(len(words), -1, dtype=np.int64)  # first occurrence -> term id
    term[first] = np.arange(len(vocab))
    ids = term[occ]
    rows = np.cumsum(occ == index.get(_SENTINEL, -1))
    mask = ids >= 0
    return vocab, rows[mask], ids[mask]


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
