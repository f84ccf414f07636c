"""LlamaIndex: ``Chunk.to_llamaindex()`` (skipped without llama-index-core)."""

from __future__ import annotations

import pytest

import chunkline

pytest.importorskip("llama_index.core")


def test_chunk_to_llamaindex_text_node():
    from llama_index.core.schema import TextNode

    text = "First paragraph here.\n\nSecond paragraph, a little longer than the first.\n\n" * 10
    for c in chunkline.chunk_text(text, "recursive", max_tokens=24):
        node = c.to_llamaindex()
        assert isinstance(node, TextNode) and node.id_ == c.id and node.text == c.text
        assert text[node.start_char_idx : node.end_char_idx] == node.text
        assert node.metadata["source"] == "<string>" and node.metadata["start_index"] == c.start
