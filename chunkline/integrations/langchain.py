"""``ChunklineTextSplitter``: chunkline's strategies as a LangChain ``TextSplitter``.

``split_text`` returns the chunk texts; ``create_documents`` and
``split_documents`` return one ``Document`` per chunk whose metadata holds the
input document's metadata plus the chunk's (``Chunk.metadata()``: exact
``start_index``/``end_index`` into the input text, ``section``, ``id``...).
The offsets come from the segmenter, not from searching the text afterwards
as LangChain's ``add_start_index`` does, so repeated passages get the right
ones.  Needs ``langchain-text-splitters`` (``pip install 'chunkline[langchain]'``).
"""

from __future__ import annotations

import copy
from typing import Any, Iterable, Sequence

from langchain_core.documents import Document
from langchain_text_splitters import TextSplitter

from ..api import chunk_text, make_strategy
from ..core.records import Chunk
from ..segmenters.base import Strategy

__all__ = ["ChunklineTextSplitter"]


class ChunklineTextSplitter(TextSplitter):
    """Split texts with a chunkline strategy.

    ``strategy`` is a name, spec string or ``Strategy``; ``format`` is how the
    texts are parsed (``text``, ``markdown``, ``html``, ``code``, ``legal``);
    other keyword arguments are the strategy's options (``max_tokens``,
    ``overlap``, ``split_level``...), as for ``chunkline.chunk``.
    """

    def __init__(self, strategy: str | Strategy = "recursive", *, format: str = "text", **options: Any) -> None:
        self.strategy: Strategy = make_strategy(strategy, **options)
        self.format = format
        budget = self.strategy.budget
        # LangChain's own size fields, for code that reads them; chunkline enforces the budget itself
        super().__init__(chunk_size=budget.max_size, chunk_overlap=budget.overlap, add_start_index=True, strip_whitespace=False)

    def split_chunks(self, text: str, source: str = "<string>") -> list[Chunk]:
        """The chunk records of ``text`` (offsets, token counts, ids)."""
        return chunk_text(text, self.strategy, format=self.format, source=source)

    def split_text(self, text: str) -> list[str]:
        return [c.text for c in self.split_chunks(text)]

    def create_documents(self, texts: Sequence[str], metadatas: Sequence[dict[Any, Any]] | None = None) -> list[Document]:
        metas: Iterable[dict[Any, Any]] = metadatas if metadatas is not None else ({} for _ in texts)
        out: list[Document] = []
        for text, meta in zip(texts, metas):
            src = meta.get("source")
            for c in self.split_chunks(text, src if isinstance(src, str) else "<string>"):
                doc = c.to_langchain()
                doc.metadata = {**copy.deepcopy(meta), **doc.metadata}
                out.append(doc)
        return out
