"""Properties every registered segmenter must hold, on generated documents.

For each strategy in the registry (so a new strategy is covered by adding
it): offsets reproduce the text, every chunk is within budget with an exact
count, at overlap 0 every non-space character is covered, and the output is
deterministic.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chunkline.core.records import verify
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import SEGMENTERS, parse_strategy, segment

NAMES = SEGMENTERS.names()

_words = st.text(alphabet=st.sampled_from(list("abcdefghij XYZ.,;:!?'\"()-éß日本")), min_size=1, max_size=40)
_line = st.one_of(
    _words,
    _words.map(lambda w: "# " + w),
    _words.map(lambda w: "## " + w),
    _words.map(lambda w: "- " + w),
    _words.map(lambda w: "    " + w),
    st.just("```"),
    st.just("| a | b |\n|---|---|\n| 1 | 2 |"),
    st.just(""),
    st.just("x" * 300),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
)
documents = st.lists(_line, min_size=0, max_size=40).map(lambda ls: "\n".join(ls))
budgets = st.sampled_from([("chars", 1), ("chars", 7), ("chars", 80), ("words", 3), ("cl100k_base", 4), ("cl100k_base", 16), ("cl100k_base", 64), ("nws", 20)])


#: Strategies that ask a model: run against the in-process fake server (tests/conftest.py), no cache.
LLM_STRATEGIES = ("lumber", "perplexity")


_LLM_URL = ""


_LLM_CACHE = ""


@pytest.fixture(autouse=True, scope="module")
def _llm_endpoint(fake_llm_server, tmp_path_factory):
    """The LLM strategies talk to the session's fake server (module-scoped: hypothesis refuses
    function-scoped fixtures), through a cache of this module's own (the determinism rerun is free)."""
    global _LLM_URL, _LLM_CACHE
    _LLM_URL = fake_llm_server.url
    _LLM_CACHE = str(tmp_path_factory.mktemp("llm-cache"))
    yield


def _run(name, text, fmt, tok, size, overlap):
    parsed = parse_bytes(text.encode("utf-8"), ParseContext(f"doc.{'md' if fmt == 'markdown' else 'txt'}", None, ParseOptions(format=fmt)))
    extra = f",llm_url={_LLM_URL},llm_cache={_LLM_CACHE}" if name in LLM_STRATEGIES else ""
    strat = parse_strategy(f"{name}:tokenizer={tok},max_tokens={size},overlap={overlap}{extra}")
    return parsed, segment(parsed, strat)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=int(__import__("os").environ.get("CHUNKLINE_EXAMPLES", "45")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents, fmt=st.sampled_from(["text", "markdown"]), budget=budgets, overlap_frac=st.sampled_from([0, 0, 0.25]))
def test_offsets_budget_coverage_determinism(name, text, fmt, budget, overlap_frac):
    tok, size = budget
    overlap = int(size * overlap_frac)
    parsed, chunks = _run(name, text, fmt, tok, size, overlap)
    doc = parsed.document.text
    verify(doc, chunks)
    sizer = get_sizer(tok)
    for c in chunks:
        assert c.text.strip(), "empty chunk"
        assert c.token_count == sizer.count(c.text)
        assert c.token_count <= size
    assert [c.index for c in chunks] == list(range(len(chunks)))
    if overlap == 0:
        covered = bytearray(len(doc))
        for c in chunks:
            covered[c.start : c.end] = b"\x01" * (c.end - c.start)
        missing = [i for i, ch in enumerate(doc) if not ch.isspace() and not covered[i]]
        assert not missing, f"{name} lost text at {missing[:5]}: {doc[missing[0]:missing[0]+20]!r}"
    _, again = _run(name, text, fmt, tok, size, overlap)
    assert again == chunks


@pytest.mark.parametrize("name", NAMES)
def test_single_huge_word_is_cut_not_emitted_over_budget(name):
    parsed, chunks = _run(name, "z" * 5000 + " tail", "text", "cl100k_base", 8, 0)
    verify(parsed.document.text, chunks)
    assert all(c.token_count <= 8 for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == "z" * 5000 + "tail"


@pytest.mark.parametrize("name", NAMES)
def test_empty_and_whitespace_documents_give_no_chunks(name):
    for text in ["", "   \n\n\t  "]:
        _, chunks = _run(name, text, "text", "chars", 10, 0)
        assert chunks == []


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("tok", ["chars", "nws", "words", "cl100k_base", "o200k_base"])
def test_label_parses_back_to_the_same_strategy(name, tok):
    """A strategy's label (recorded by auto and compare) names everything that
    differs from the defaults, so it reproduces the strategy exactly; a
    strategy whose default tokenizer is not cl100k (ast: nws) must name cl100k."""
    kwargs = {"max_chars": 300} if tok == "chars" else {"max_tokens": 300}
    strategy = parse_strategy(name, tokenizer=tok, overlap=5, **kwargs)
    again = parse_strategy(strategy.label)
    assert (again.name, again.budget, again.params_hash) == (strategy.name, strategy.budget, strategy.params_hash)
