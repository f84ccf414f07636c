"""Model-written chunk contexts: in ``context``, never in ``text``; cached."""

from __future__ import annotations

from chunkline.llm.contextualize import clean_answer, contextualize, usable_answer
from chunkline.llm.settings import LLMSettings
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment


def test_context_is_added_and_text_is_untouched(fake_llm, tmp_path):
    text = "# Title\n\nFirst part of the text.\n\n## Two\n\nSecond part, with more words.\n"
    parsed = parse_bytes(text.encode(), ParseContext("a.md", None, ParseOptions(format="markdown")))
    chunks = segment(parsed, parse_strategy("structure:max_tokens=12"))
    s = LLMSettings(fake_llm.url, cache=str(tmp_path))
    out = contextualize(parsed, chunks, s)
    assert [c.text for c in out] == [c.text for c in chunks]
    assert [c.id for c in out] == [c.id for c in chunks]
    for before, after in zip(chunks, out):
        assert after.context.endswith("A passage from a test document. It is short.")
        if before.context:
            assert after.context.startswith(before.context + "\n")
        assert after.meta["llm_context"] == "model"
    n = fake_llm.requests
    assert n == len(chunks)
    assert contextualize(parsed, chunks, s) == out and fake_llm.requests == n


def test_clean_answer_keeps_two_sentences_on_one_line():
    assert clean_answer("Context: One.  Two!\nThree.") == "One. Two!"
    assert clean_answer("word " * 200, 30).endswith("...")
    assert len(clean_answer("word " * 200, 30)) <= 33


def test_contextualize_is_a_strategy_option_of_any_strategy(fake_llm, tmp_path):
    import pytest

    from chunkline.core.errors import UsageError

    text = "First part of the text.\n\nSecond part, with more words.\n"
    parsed = parse_bytes(text.encode(), ParseContext("a.txt", None, ParseOptions(format="text")))
    plain = parse_strategy("recursive:max_tokens=8")
    st = parse_strategy(f"recursive:max_tokens=8,contextualize=true,llm_url={fake_llm.url},llm_cache={tmp_path}")
    assert st.params_hash != plain.params_hash  # --incremental must redo files when contexts are asked for
    assert parse_strategy(st.label).params_hash == st.params_hash
    chunks = segment(parsed, st)
    assert [c.text for c in chunks] == [c.text for c in segment(parsed, plain)]
    assert all(c.context and c.meta["llm_context"] == "model" for c in chunks)
    with pytest.raises(UsageError, match="llm_url needs"):
        parse_strategy(f"recursive:llm_url={fake_llm.url}")
    lum = parse_strategy(f"lumber:contextualize=true,llm_url={fake_llm.url},llm_cache={tmp_path}")
    assert lum.params.llm_url == lum.contextualize.llm_url == fake_llm.url


def test_prompt_echoes_and_copies_of_the_chunk_are_rejected(fake_llm, tmp_path):
    # what SmolLM2-135M answered on Node.js's GOVERNANCE.md
    assert not usable_answer("<chunk> See: </chunk>", "See:")
    assert not usable_answer("Please give a short succinct context to situate this chunk within the overall document.", "x")
    assert not usable_answer("If you think the nomination was made too soon, share your concerns.",
                             "* If you think the nomination was made too soon,\n  share your concerns. More.")
    assert usable_answer("The governance rules for nominating Node.js collaborators.", "* If you think the nomination was made too soon")
    text = "First part of the text.\n\nSecond part, with more words.\n"
    parsed = parse_bytes(text.encode(), ParseContext("a.txt", None, ParseOptions(format="text")))
    chunks = segment(parsed, parse_strategy("recursive:max_tokens=8"))
    fake_llm.script += [("reply", "<document> First part </document>"), ("reply", "Second part, with more words")]
    out = contextualize(parsed, chunks, LLMSettings(fake_llm.url, cache=str(tmp_path), concurrency=1))
    assert [c.meta["llm_context"] for c in out] == ["rejected", "rejected"]
    assert all(not c.context for c in out)
