"""The ``legal`` segmenter: sentence packing within sections, clause splits, context, fallback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chunkline.core.errors import UsageError
from chunkline.core.records import verify
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters.base import parse_strategy, segment

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "legal"


def parsed(data: bytes, fmt: str = "legal"):
    return parse_bytes(data, ParseContext("doc.txt", None, ParseOptions(format=fmt)))


def _nonspace(s: str) -> str:
    return re.sub(r"\s+", "", s)


def check(pd, chunks, limit, tokenizer):
    text = pd.document.text
    verify(text, chunks)
    sizer = get_sizer(tokenizer)
    for c in chunks:
        assert c.token_count == sizer.count(c.text) <= limit
    # every non-space character is in exactly one chunk, in order (no overlap)
    assert "".join(_nonspace(c.text) for c in chunks) == _nonspace(text)


@pytest.fixture(scope="module")
def contract():
    return parsed((FIX / "contract.txt").read_bytes())


@pytest.mark.parametrize("limit", [12, 40, 400])
def test_budget_coverage_and_context(contract, limit):
    chunks = segment(contract, parse_strategy("legal", max_tokens=limit))
    check(contract, chunks, limit, "cl100k_base")
    for c in chunks:
        if c.section:
            assert c.context == " > ".join(c.section)
            assert c.context not in c.text or c.text.startswith(c.section[-1])


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_never_crosses_a_section_at_the_chosen_level(contract, level):
    chunks = segment(contract, parse_strategy(f"legal:section_level={level}", max_tokens=400))
    for c in chunks:
        keys = {b.section[:level] for b in contract.blocks if c.start <= b.start < c.end}
        assert len(keys) == 1, (c.text, keys)


def test_section_level_controls_packing(contract):
    # title > ARTICLE > Section > clause: at level 3 two Sections never share a chunk,
    # but the clauses (a) and (b) of Section 2.1 do
    chunks = segment(contract, parse_strategy("legal:section_level=3", max_tokens=400))
    heads = [b.start for b in contract.blocks if b.kind == "heading" and b.text.startswith("Section")]
    assert not any(sum(c.start <= h < c.end for h in heads) > 1 for c in chunks)
    assert any("(a)" in c.text and "(b)" in c.text for c in chunks)
    loose = segment(contract, parse_strategy("legal:section_level=0", max_tokens=400))
    assert len(loose) < len(chunks)


def test_whole_sentences_when_they_fit(contract):
    sents = [(b.start, b.end) for b in contract.blocks]
    starts = {s for s, _ in sents}
    ends = {e for _, e in sents}
    for c in segment(contract, parse_strategy("legal", max_tokens=60)):
        assert c.start in starts and c.end in ends


def test_long_sentence_splits_at_clauses_before_words():
    clause = "the Supplier shall deliver the goods to the Company at the agreed place and time"
    text = f"Section 1. Delivery.\n\n{clause}; {clause}; and {clause}.\n"
    pd = parsed(text.encode())
    limit = get_sizer("cl100k_base").count(clause + ";") + 2
    chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
    check(pd, chunks, limit, "cl100k_base")
    body = [c for c in chunks if "Supplier" in c.text]
    assert len(body) == 3
    assert body[0].text.endswith(";") and body[1].text.endswith(";")


@pytest.mark.parametrize("fmt,data", [
    ("text", b"First sentence here. Second one follows.\n\nA new paragraph. With two sentences."),
    ("markdown", b"# Title\n\nIntro text. More text.\n\n## Part\n\nBody sentence one. Body two.\n"),
])
def test_falls_back_to_rule_sentences_on_other_formats(fmt, data):
    pd = parsed(data, fmt)
    for limit in (4, 8, 100):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
    chunks = segment(pd, parse_strategy("legal", max_tokens=8))
    assert chunks[0].text.endswith(".")


def test_overlap_and_chars_budget(contract):
    chunks = segment(contract, parse_strategy("legal", max_chars=120, overlap=40))
    verify(contract.document.text, chunks)
    assert all(len(c.text) <= 120 for c in chunks)


def test_bad_option():
    with pytest.raises(UsageError):
        parse_strategy("legal:section_level=-1", max_tokens=100)
    with pytest.raises(UsageError):
        parse_strategy("legal:levels=2", max_tokens=100)
