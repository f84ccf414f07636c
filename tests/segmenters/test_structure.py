"""structure segmenter: headings never stand alone or end a chunk, also when
the section's first paragraph is over the budget."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[2] / "../shared").resolve()
PDFS = SHARED / "pdfs"


def _chunks(data: bytes, fmt: str, spec: str, **budget):
    parsed = parse_bytes(data, ParseContext(f"x.{fmt}", None, ParseOptions(format=fmt)))
    chunks = segment(parsed, parse_strategy(spec, **budget))
    verify(parsed.document.text, chunks)
    return parsed, chunks


def _heading_only(parsed, chunks):
    heads = {(b.start, b.end) for b in parsed.blocks if b.kind in ("heading", "title")}
    return [c.text for c in chunks if any(s <= c.start and c.end <= e for s, e in heads)]


LONG = " ".join(f"Sentence {i} of a long paragraph says something about the topic at hand." for i in range(60))


@pytest.mark.parametrize("budget", [{"max_tokens": 64}, {"max_tokens": 200}, {"max_chars": 300}])
def test_heading_opens_the_first_piece_of_an_oversize_paragraph(budget):
    md = f"# Title\n\nIntro.\n\n## Section A\n\n{LONG}\n\n### Deeper\n\n{LONG}\n\n## Section B\n\nShort.\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", **budget)
    assert _heading_only(parsed, chunks) == []
    for head in ("## Section A", "### Deeper"):
        (c,) = [c for c in chunks if c.text.startswith(head)]
        assert "Sentence 0 of a long paragraph" in c.text
    assert all(c.token_count <= next(iter(budget.values())) for c in chunks)


def test_heading_longer_than_the_room_left_still_joins_some_text():
    head = "## " + " ".join(["Heading"] * 20)
    md = f"{head}\n\n{LONG}\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", max_tokens=48)
    assert _heading_only(parsed, chunks) == []
    assert chunks[0].text.startswith(head) and "Sentence 0" in chunks[0].text


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")
def test_pdf_section_headings_do_not_stand_alone():
    path = PDFS / "pymupdf__2201.00069.pdf"
    parsed, chunks = _chunks(path.read_bytes(), "pdf", "structure", max_tokens=256)
    assert _heading_only(parsed, chunks) == []
    assert any(c.text.startswith("3.1.2 e-MERLIN detection") and "Compact persistent emission" in c.text for c in chunks)
    assert not any("MNRAS 000" in c.text or "observations of three localised FRBs 5" in c.text for c in chunks)
