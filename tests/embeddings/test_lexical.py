"""The lexical backend and the embedder interface (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from chunkline.core.errors import UsageError
from chunkline.embeddings import EMBEDDERS, Embedder, get_embedder
from chunkline.embeddings.lexical import LexicalEmbedder, terms

TEXTS = [
    "The cat sat on the mat and purred at the cat next door.",
    "A cat on a mat: cats purr, mats do not.",
    "Stocks fell sharply in Tokyo as the yen rose against the dollar.",
    "The dollar weakened; Tokyo stocks and the yen moved the other way.",
    "",
    "the of and",
]


def test_interface_names_and_protocol():
    assert EMBEDDERS[0] == "lexical" and "minilm" in EMBEDDERS
    emb = get_embedder("lexical")
    assert isinstance(emb, Embedder) and emb.name == "lexical"


def test_unknown_embedder_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown embedder 'nope'"):
        get_embedder("nope")


def test_shape_dtype_unit_rows_and_zero_rows():
    v = get_embedder("lexical").embed(TEXTS)
    assert v.dtype == np.float32 and v.shape[0] == len(TEXTS)
    norms = np.linalg.norm(v, axis=1)
    assert np.allclose(norms[:4], 1.0, atol=1e-5)
    assert norms[4] == 0 and norms[5] == 0  # empty text, stop words only


def test_similarity_follows_topic():
    v = get_embedder("lexical").embed(TEXTS[:4])
    sim = v @ v.T
    assert sim[0, 1] > 0.2 and sim[2, 3] > 0.2
    assert sim[0, 2] < 0.05 and sim[1, 3] < 0.05


def test_fit_on_corpus_then_unknown_words_are_ignored():
    emb = get_embedder("lexical", corpus=TEXTS[:2])
    v = emb.embed(["yen dollar Tokyo", "cat mat"])
    assert np.linalg.norm(v[0]) == 0 and np.isclose(np.linalg.norm(v[1]), 1.0)


def test_first_call_fits_once_and_later_calls_share_the_space():
    emb = get_embedder("lexical")
    a = emb.embed(TEXTS[:4])
    b = emb.embed([TEXTS[2], "purring cat"])  # 'purring' unseen, 'cat' known
    assert np.allclose(a[2], b[0], atol=1e-6)
    assert b.shape[1] == a.shape[1]


def test_small_corpora_are_plain_tfidf_large_ones_lsa():
    words = [f"w{i}x" for i in range(3000)]
    rng = np.random.default_rng(1)
    small = [" ".join(rng.choice(words, 40)) for _ in range(50)]
    raw = LexicalEmbedder(small, dims=64)  # 50 texts <= 64 dims: no projection
    assert raw.projection is None and raw.embed(small[:1]).shape[1] > 64
    big = [" ".join(rng.choice(words[:400], 40)) for _ in range(400)]
    lsa = LexicalEmbedder(big, dims=64)
    v = lsa.embed(big[:20])
    assert v.shape == (20, 64) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    # the projection keeps each text closest to itself
    full = lsa.embed(big)
    assert (np.argmax(v @ full.T, axis=1) == np.arange(20)).all()


def test_deterministic():
    words = [f"w{i}x" for i in range(2000)]
    rng = np.random.default_rng(2)
    corpus = [" ".join(rng.choice(words, 30)) for _ in range(300)]
    a = get_embedder("lexical", corpus=corpus).embed(corpus[:20])
    b = get_embedder("lexical", corpus=corpus).embed(corpus[:20])
    assert np.array_equal(a, b)


def test_terms_drop_stop_words_digits_and_split_underscores():
    assert terms("The Year 1999: snake_case ÉCOLE a 19th ½") == ["year", "snake", "case", "école", "19th"]


def _random_texts(seed: int) -> list[list[str]]:
    import random

    rng = random.Random(seed)
    words = "The cat sat on mat Purr, dollar yen Tokyo É école a 19th ½ snake_case x1 ÄÖ straße İstanbul — « » ' \" 42 3.5 the of".split()
    return [[" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(1, 30))] for _ in range(150)]


def test_joined_term_ids_equal_per_text_terms():
    """The segmenter's one-pass tokenisation must find exactly ``terms`` of each text."""
    from chunkline.embeddings.lexical import _dict_term_ids, _joined_term_ids

    for texts in _random_texts(1):
        ref_words, ref_rows, ref_cols = _dict_term_ids([terms(t) for t in texts])
        for sort in (True, False):
            got = _joined_term_ids(texts, sort)
            if got is None:
                assert not ref_words
                continue
            words, rows, cols = got
            assert sorted(words) == ref_words and (words == ref_words or not sort)
            assert sorted(zip(rows.tolist(), (words[c] for c in cols.tolist()))) == sorted(
                zip(ref_rows.tolist(), (ref_words[c] for c in ref_cols.tolist()))
            )
    assert _joined_term_ids(["a\x01b", "c"]) is None  # the sentinel in a text: dict path


def test_sparse_gram_equals_dense_cosines():
    for texts in _random_texts(2)[:60]:
        rows = LexicalEmbedder().unit_rows(texts)
        fitted = LexicalEmbedder(texts)
        dense = fitted.embed(texts).astype(np.float64)
        n = len(texts)
        for a, b in [(0, n), (0, n // 2), (n // 3, n)]:
            g = rows.gram(a, b)
            assert g.shape == (b - a, b - a) and (g == g.T).all()
            assert np.allclose(g, dense[a:b] @ dense[a:b].T, atol=1e-6)
        assert np.allclose(LexicalEmbedder().cosine_matrix(texts), dense @ dense.T, atol=1e-6)


def test_vocabulary_of_a_unit_rows_fit_is_built_when_needed():
    """``unit_rows`` fits without building the term dict; ``vocab`` and a
    later ``embed`` of other texts still see the same space."""
    texts = ["The cat sat on the mat.", "Dogs chase cats.", "Markets fell in Tokyo."]
    lazy = LexicalEmbedder()
    lazy.unit_rows(texts)
    eager = LexicalEmbedder(texts)
    assert lazy.fitted and lazy.dim == eager.dim
    assert sorted(lazy.vocab) == sorted(eager.vocab)  # columns by first appearance there, sorted here
    assert sorted(lazy.vocab.values()) == list(range(lazy.dim))
    q = ["a cat in Tokyo", "dogs"]
    assert np.allclose(lazy.embed(q) @ lazy.embed(texts).T, eager.embed(q) @ eager.embed(texts).T)


def test_weighted_rows_match_the_embedder_on_the_same_terms():
    """``weighted_rows`` (the semantic segmenter's BPE-term path) weights
    term ids exactly as ``LexicalEmbedder`` weights words, column-grouped
    rows give the same Gram matrix, and large inputs go through LSA."""
    from chunkline.embeddings.lexical import SparseRows, _dict_term_ids, terms, weighted_rows

    for texts in _random_texts(3)[:40]:
        docs = [terms(t) for t in texts]
        words, rows, cols = _dict_term_ids(docs)
        w = weighted_rows(len(texts), rows, cols * 7 + 3)  # any key values
        assert isinstance(w, SparseRows) and w.by_col
        dense = LexicalEmbedder(texts).embed(texts).astype(np.float64)
        n = len(texts)
        for a, b in [(0, n), (n // 3, n), (0, max(1, n // 2))]:
            assert np.allclose(w.gram(a, b), dense[a:b] @ dense[a:b].T, atol=1e-6)
    rng = np.random.default_rng(0)
    big = weighted_rows(300, rng.integers(0, 300, 5000), rng.integers(0, 900, 5000), dims=16)
    assert isinstance(big, np.ndarray) and big.shape == (300, 16)
    assert np.allclose(np.linalg.norm(big, axis=1)[np.linalg.norm(big, axis=1) > 0], 1.0)
    empty = weighted_rows(3, [], [])
    assert empty.gram(0, 3).shape == (3, 3) and not empty.gram(0, 3).any()


def test_scripts_written_without_spaces_index_character_bigrams():
    """A Chinese or Japanese sentence has no spaces: it was one 'word', so two
    sentences about Beijing shared no term and every cosine was 0 (semantic
    cut after every sentence, ICC/DCC measured nothing).  Runs of Han, kana
    and Hangul give overlapping character bigrams (as Lucene's CJK analyzer)."""
    assert terms("北京是中国的首都。") == ["北京", "京是", "是中", "中国", "国的", "的首", "首都"]
    assert terms("量子bit和Qubit") == ["量子", "bit", "和", "qubit"]  # bigrams stay inside their script's run
    assert terms("東") == ["東"]  # a lone ideograph is a term
    assert "서울" in terms("서울은 대한민국의 수도이다") and "서울" in terms("서울에는 사람이 산다")
    assert terms("The cat sat.") == ["cat", "sat"]  # other scripts unchanged
    docs = {
        "zh": ["北京是中国的首都。", "北京位于华北平原。", "量子计算机使用量子比特。", "量子比特可以处于叠加态。"],
        "ja": ["東京は日本の首都です。", "東京は関東平野にあります。", "量子コンピュータは量子ビットを使います。", "量子ビットは重ね合わせの状態をとれます。"],
        "ko": ["서울은 대한민국의 수도이다.", "서울에는 천만 명이 산다.", "양자 컴퓨터는 큐비트를 사용한다.", "큐비트는 중첩 상태에 있다."],
    }
    for lang, texts in docs.items():
        v = get_embedder("lexical").embed(texts)
        sim = v @ v.T
        assert sim[0, 1] > 0.05 and sim[2, 3] > 0.05, (lang, sim)
        assert sim[0, 1] > sim[0, 2] and sim[2, 3] > sim[1, 2], (lang, sim)
        rows = LexicalEmbedder().unit_rows(texts)  # the segmenter's fast fitting path
        g = rows.gram(0, len(texts))
        assert g[0, 1] > 0.05 and g[2, 3] > 0.05 and g[0, 2] < g[0, 1], (lang, g)
