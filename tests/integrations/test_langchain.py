"""LangChain: ``Chunk.to_langchain()`` and ``ChunklineTextSplitter`` (skipped without langchain)."""

from __future__ import annotations

from pathlib import Path

import pytest

import chunkline

pytest.importorskip("langchain_core")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_chunk_to_langchain_document():
    from langchain_core.documents import Document

    doc = chunkline.parse(EXAMPLES / "node-path.md")
    chunks = chunkline.chunk(doc, "structure", max_tokens=200)
    for c in chunks:
        d = c.to_langchain()
        assert isinstance(d, Document) and d.page_content == c.text and d.id == c.id
        m = d.metadata
        assert (m["start_index"], m["end_index"], m["source"], m["id"]) == (c.start, c.end, c.source, c.id)
        assert m["section"] == list(c.section) and m["pages"] == list(c.pages)
        assert doc.document.text[m["start_index"] : m["end_index"]] == d.page_content


def test_text_splitter_is_a_langchain_splitter_with_exact_offsets():
    pytest.importorskip("langchain_text_splitters")
    from langchain_core.documents import Document
    from langchain_text_splitters import TextSplitter

    from chunkline.integrations.langchain import ChunklineTextSplitter

    splitter = ChunklineTextSplitter("structure", format="markdown", max_tokens=150)
    assert isinstance(splitter, TextSplitter)
    text = (EXAMPLES / "node-path.md").read_text(encoding="utf-8")
    assert splitter.split_text(text) == [c.text for c in chunkline.chunk_text(text, "structure", format="markdown", max_tokens=150)]
    # a passage repeated in the text: offsets come from the segmenter, not from searching
    twice = "Same words here.\n\n" * 40
    docs = ChunklineTextSplitter("fixed", max_chars=40).split_documents([Document(page_content=twice, metadata={"source": "t.txt", "lang": "en"})])
    assert len(docs) > 2 and len({d.metadata["start_index"] for d in docs}) == len(docs)
    for d in docs:
        assert twice[d.metadata["start_index"] : d.metadata["end_index"]] == d.page_content
        assert d.metadata["lang"] == "en" and d.metadata["source"] == "t.txt"
    with pytest.raises(chunkline.UsageError):
        ChunklineTextSplitter("recursive", bogus=1)
