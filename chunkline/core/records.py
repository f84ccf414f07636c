"""The three records every part of chunkline speaks: Document, Block and Chunk.

They are frozen so that a value, once made, can be shared between parsers,
segmenters, scorers and worker processes without anyone changing it under
another's feet.  Their field order is the JSONL key order, so output bytes are
fixed by this file.

The central invariant, checked by ``verify`` and by the property tests::

    document.text[record.start:record.end] == record.text

holds for every Block a parser emits and every Chunk a segmenter emits, for
every format and strategy, overlap included.  Offsets are Python ``str``
indices (Unicode code points) into the *document text*, half-open.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from langchain_core.documents import Document as LangChainDocument
    from llama_index.core.schema import TextNode

#: Block kinds a parser may emit.  Segmenters and scorers rely on these names.
BLOCK_KINDS: tuple[str, ...] = (
    "title",
    "heading",
    "paragraph",
    "list_item",
    "table",
    "code",
    "quote",
    "caption",
    "footnote",
    "formula",
    "page_header",
    "page_footer",
    "front_matter",
    "sentence",
    "definition",
    "comment",
    "docstring",
    "import",
    "statement",
    "signature",
    "other",
)

#: Kinds that are page furniture or boilerplate; left out of chunks by default.
FURNITURE_KINDS: frozenset[str] = frozenset({"page_header", "page_footer"})

#: Bounding box: (page, x0, y0, x1, y1) in PDF points, top-left origin, page 1-based.
BBox = tuple[int, float, float, float, float]


@dataclass(frozen=True, slots=True)
class Document:
    """One input file as chunkline sees it.

    ``text`` is the *document text* every offset points into.  For text-like
    formats (plain text, markdown, code, legal) it is the decoded file itself,
    so offsets point into the file.  For extracted formats (HTML, PDF) it is
    the parser's normalized text, which ``chunkline parse --text`` prints.

    ``id`` is derived from the content hash and the source path, so the same
    file at the same path always gets the same id, on any machine.
    """

    id: str
    source: str
    format: str
    sha256: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit a parser found: heading, paragraph, table, definition...

    Invariant: ``document.text[start:end] == text``.  ``section`` is the heading
    path above the block (titles of enclosing headings, outermost first);
    ``level`` is the heading level (1..6) for headings and the nesting depth
    for list items.  The provenance fields are filled by parsers that know
    them: ``page`` (1-based first page), ``bboxes`` ((page, x0, y0, x1, y1),
    PDF points, top-left origin), ``lines`` (1-based inclusive line span in
    the source file), ``byte_span`` (half-open UTF-8 byte offsets into the
    source file), ``language`` and ``symbol`` (qualified name of a code
    definition).  ``furniture`` marks page headers, footers and boilerplate
    that segmenters leave out unless asked to keep it.  ``meta`` holds
    format-specific extras (table rows, parse-error flags, bad glyphs...).
    """

    kind: str
    start: int
    end: int
    text: str
    section: tuple[str, ...] = ()
    level: int | None = None
    page: int | None = None
    bboxes: tuple[BBox, ...] = ()
    lines: tuple[int, int] | None = None
    byte_span: tuple[int, int] | None = None
    language: str | None = None
    symbol: str | None = None
    furniture: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrieval-ready piece of one document.

    Invariant: ``document.text[start:end] == text`` and ``token_count`` is the
    exact size of ``text`` in ``tokenizer``, never above the budget the
    strategy was given.  Anything that is not source text (a heading
    breadcrumb, an enclosing code signature, a repeated table header) goes in
    ``context``, never in ``text``.

    ``id`` is content-addressed: a hash of the document id, the span, the
    strategy and its parameters, so re-running the same configuration on the
    same file yields the same ids.  ``params_hash`` identifies the strategy
    configuration; ``pages``, ``lines`` and ``bboxes`` aggregate the
    provenance of the blocks the chunk overlaps.
    """

    id: str
    doc_id: str
    source: str
    index: int
    text: str
    start: int
    end: int
    token_count: int
    tokenizer: str
    strategy: str
    params_hash: str
    section: tuple[str, ...] = ()
    context: str | None = None
    pages: tuple[int, ...] = ()
    lines: tuple[int, int] | None = None
    bboxes: tuple[BBox, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """The chunk's provenance as flat metadata for vector stores and frameworks:
        ``id``, ``doc_id``, ``source``, ``index``, ``start_index``/``end_index``
        (= ``start``/``end``), ``section``, ``pages``, ``lines``, ``token_count``,
        ``tokenizer``, ``strategy`` and ``context`` when there is one."""
        out: dict[str, Any] = {
            "id": self.id,
            "doc_id": self.doc_id,
            "source": self.source,
            "index": self.index,
            "start_index": self.start,
            "end_index": self.end,
            "section": list(self.section),
            "pages": list(self.pages),
            "token_count": self.token_count,
            "tokenizer": self.tokenizer,
            "strategy": self.strategy,
        }
        if self.lines is not None:
            out["lines"] = list(self.lines)
        if self.context is not None:
            out["context"] = self.context
        return out

    def to_json(self) -> str:
        """The JSONL line ``chunkline chunk`` writes for this chunk (without the newline)."""
        from .jsonl import dumps

        return dumps(self)

    def to_langchain(self) -> "LangChainDocument":
        """A LangChain ``Document``: ``page_content`` is ``text``, ``metadata`` is
        ``metadata()`` (``start_index`` as LangChain's ``add_start_index`` names it),
        ``id`` the chunk id.  Needs ``langchain-core`` (``pip install 'chunkline[langchain]'``)."""
        try:
            from langchain_core.documents import Document as LangChainDocument
        except ImportError:
            raise ImportError("Chunk.to_langchain needs langchain-core: pip install 'chunkline[langchain]'") from None
        return LangChainDocument(page_content=self.text, metadata=self.metadata(), id=self.id)

    def to_llamaindex(self) -> "TextNode":
        """A LlamaIndex ``TextNode`` with ``start_char_idx``/``end_char_idx`` = ``start``/``end``,
        ``id_`` the chunk id and ``metadata()``.  Needs ``llama-index-core``
        (``pip install 'chunkline[llamaindex]'``)."""
        try:
            from llama_index.core.schema import TextNode
        except ImportError:
            raise ImportError("Chunk.to_llamaindex needs llama-index-core: pip install 'chunkline[llamaindex]'") from None
        return TextNode(id_=self.id, text=self.text, start_char_idx=self.start, end_char_idx=self.end, metadata=self.metadata())


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What a parser returns: the document, its blocks in reading order, and
    warnings worth telling the user (e.g. PDF pages with no text layer).

    ``facts`` carries what a later stage needs from the parser and is never
    written out: it is not part of any record, takes no part in equality,
    and its ``TRANSIENT_FACTS`` (large in-memory objects such as a syntax
    tree) are dropped when the document is pickled to another process.
    Keys in use: ``syntax_tree`` (the code parser's tree, for ``ast``) and
    ``code_fallback`` (why the code parser split the file into blank-line
    blocks instead of using a syntax tree).
    """

    document: Document
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def portable(self) -> "ParsedDocument":
        """This document without its ``TRANSIENT_FACTS`` (to keep many documents, or send one)."""
        if not any(k in TRANSIENT_FACTS for k in self.facts):
            return self
        kept = {k: v for k, v in self.facts.items() if k not in TRANSIENT_FACTS}
        return ParsedDocument(self.document, self.blocks, self.warnings, kept)

    def __reduce__(self):
        p = self.portable()
        return (ParsedDocument, (p.document, p.blocks, p.warnings, p.facts))


#: ``ParsedDocument.facts`` that stay in the process that made them.
TRANSIENT_FACTS = frozenset({"syntax_tree"})


def record_fields(cls: type) -> tuple[str, ...]:
    """Field names of a record in declaration (= JSONL key) order."""
    return tuple(f.name for f in fields(cls))


def verify(text: str, records: "list[Block] | list[Chunk] | tuple") -> None:
    """Raise ``AssertionError`` naming the first record whose span does not
    reproduce its text.  Cheap; used in tests and in ``--verify`` runs."""
    n = len(text)
    for i, r in enumerate(records):
        if not (0 <= r.start <= r.end <= n) or text[r.start : r.end] != r.text:
            raise AssertionError(f"record {i} ({type(r).__name__}) span [{r.start}, {r.end}) does not match its text")
