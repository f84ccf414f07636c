"""``lumber`` against the in-process fake server: where chunks end, the fallback rule, the budget."""

from __future__ import annotations

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment
from chunkline.segmenters.lumber import parse_answer

PARAS = [f"Paragraph {i} talks about topic {i // 3} with some words of its own." for i in range(12)]
TEXT = "\n\n".join(PARAS) + "\n"


def _parsed(text=TEXT):
    return parse_bytes(text.encode(), ParseContext("book.txt", None, ParseOptions(format="text")))


def _run(url, tmp_path, extra="", text=TEXT):
    st = parse_strategy(f"lumber:llm_url={url},llm_cache={tmp_path / 'c'}{extra}")
    parsed = _parsed(text)
    chunks = segment(parsed, st)
    verify(parsed.document.text, chunks)
    return chunks


def test_chunk_ends_before_the_paragraph_the_model_names(fake_llm, tmp_path):
    # fake model: names the middle ID of each window; a 50-token window holds 3 paragraphs (14 tokens each)
    chunks = _run(fake_llm.url, tmp_path, ",window=50")
    first = chunks[0]
    assert first.text == "\n\n".join(PARAS[:1])  # window IDs 0,1,2 -> "ID 1" -> chunk = paragraph 0
    assert first.meta["llm_boundary"] == "model"
    assert "".join(c.text for c in chunks).replace("\n", "") == "".join(PARAS)
    assert chunks[-1].meta["llm_boundary"] in ("end", "model")


def test_unusable_replies_fall_back_to_the_documented_rule(fake_llm, tmp_path):
    fake_llm.script += [("reply", "I cannot tell."), ("reply", "Answer: ID 0"), ("reply", "Answer: ID 99")]
    chunks = _run(fake_llm.url, tmp_path, ",window=50")
    fb = [c for c in chunks if c.meta.get("llm_boundary") == "fallback"]
    assert len(fb) == 3
    # fallback: the window's paragraphs but the last (window 0..2 -> paragraphs 0 and 1)
    assert chunks[0].text == PARAS[0] + "\n\n" + PARAS[1]


def test_hard_budget_holds(fake_llm, tmp_path):
    chunks = _run(fake_llm.url, tmp_path, ",window=500,max_tokens=20")
    assert all(c.token_count <= 20 for c in chunks)
    assert any(c.meta.get("budget_split") for c in chunks)


def test_parse_answer():
    assert parse_answer("Answer: ID 12", 10, 15) == 12
    assert parse_answer("answer: id 13.", 10, 15) == 13
    assert parse_answer("The shift is at 11", 10, 15) == 11
    assert parse_answer("ID 10", 10, 15) is None  # the first paragraph cannot open a new chunk
    assert parse_answer("ID 15", 10, 15) is None
    assert parse_answer("nothing", 10, 15) is None


def test_rerun_from_cache_makes_no_request(fake_llm, tmp_path):
    a = _run(fake_llm.url, tmp_path, ",window=50")
    n = fake_llm.requests
    assert n > 0
    b = _run(fake_llm.url, tmp_path, ",window=50")
    assert a == b and fake_llm.requests == n
