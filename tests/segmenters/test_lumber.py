"""``lumber`` against the in-process fake server: where chunks end, the fallback rule, the budget."""

from __future__ import annotations

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment
from chunkline.segmenters.lumber import PROMPT, PROMPT_JSON, parse_answer

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
    chunks = _run(fake_llm.url, tmp_path, ",window=50,structured=false")
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


def _windows(fake_llm):
    return [b for b in fake_llm.bodies if any(m["role"] == "system" for m in b.get("messages", []))]


def test_free_text_server_gets_the_papers_prompt_after_one_probe_per_format(fake_llm, tmp_path):
    # a server that ignores response_format: both probes answer prose, so the paper's text protocol is used
    chunks = _run(fake_llm.url, tmp_path, ",window=50")
    probes = [b for b in fake_llm.bodies if "response_format" in b and not _windows(fake_llm).count(b)]
    assert [b["response_format"]["type"] for b in probes] == ["json_schema", "json_object"]
    assert all(b["messages"][0]["content"] == PROMPT and "response_format" not in b for b in _windows(fake_llm))
    assert chunks[0].meta["llm_boundary"] == "model"


def test_structured_answer_where_the_server_honours_llama_cpp_json_object(fake_llm, tmp_path):
    # llama-cpp-python: json_schema is a validation error (HTTP 500, tried once), json_object + schema is honoured
    fake_llm.schema_formats = {"json_object"}
    fake_llm.format_status = 500
    chunks = _run(fake_llm.url, tmp_path, ",window=50")
    assert fake_llm.bodies[0]["response_format"]["type"] == "json_schema"
    assert fake_llm.bodies[1]["response_format"]["type"] == "json_object"  # no retry of the 500
    wins = _windows(fake_llm)
    assert wins and all(b["messages"][0]["content"] == PROMPT_JSON for b in wins)
    for b in wins:
        ids = [int(x) for x in __import__("re").findall(r"^ID (\d+):", b["messages"][1]["content"], __import__("re").M)]
        assert b["response_format"]["schema"]["properties"]["answer"]["enum"] == ids[1:], "the first ID cannot open a chunk"
    assert not [c for c in chunks if c.meta["llm_boundary"] == "fallback"]
    # same boundaries as the text protocol gives with the same model choices
    assert chunks[0].text == PARAS[0]


def test_structured_prefers_openai_json_schema_and_rerun_sends_nothing(fake_llm, tmp_path):
    fake_llm.schema_formats = {"json_schema", "json_object"}
    a = _run(fake_llm.url, tmp_path, ",window=50")
    assert all(b["response_format"]["type"] == "json_schema" for b in _windows(fake_llm))
    assert len([b for b in fake_llm.bodies if b not in _windows(fake_llm)]) == 1  # one probe
    n = fake_llm.requests
    b = _run(fake_llm.url, tmp_path, ",window=50")
    assert a == b and fake_llm.requests == n, "the probe's outcome and the answers come from the cache"


def test_structured_false_sends_no_probe(fake_llm, tmp_path):
    fake_llm.schema_formats = {"json_schema"}
    _run(fake_llm.url, tmp_path, ",window=50,structured=false")
    assert fake_llm.bodies and all("response_format" not in b for b in fake_llm.bodies)


def test_a_constrained_reply_out_of_the_window_still_falls_back(fake_llm, tmp_path):
    fake_llm.schema_formats = {"json_schema"}
    fake_llm.script += [("reply", '{"answer": 7}'), ("reply", '{"answer": 0}')]  # probe ok, then an ID the window does not allow
    chunks = _run(fake_llm.url, tmp_path, ",window=50")
    assert chunks[0].meta["llm_boundary"] == "fallback"


def test_an_introduction_is_not_cut_from_what_it_introduces(fake_llm, tmp_path):
    # the fake model names the middle ID of each window; put a colon at the end of the unit before it
    paras = ["Collaborators are trusted people in the project team.", "They gain rights after a nomination vote.",
             "Collaborators have:", "* Commit access to the repository", "* Access to the CI jobs", "Nominations follow."]
    text = "\n\n".join(paras) + "\n"
    fake_llm.script += [("reply", "Answer: ID 3")]
    chunks = _run(fake_llm.url, tmp_path, ",window=500,structured=false", text=text)
    assert chunks[0].text == "\n\n".join(paras[:2])  # ends before "Collaborators have:", not after it
    assert chunks[1].text.startswith("Collaborators have:")
