"""Load what ``score`` judges: documents (re-parsed) and chunks (any tool's).

Chunks are JSONL records with at least ``text``.  chunkline's own records
carry ``source``/``doc_id`` and exact ``start``/``end``; other tools' records
are accepted too: the document is named by ``source``, ``doc_id``, ``doc``,
``document``, ``path``, ``file`` or ``corpus_id`` (top level or inside
``metadata``/``meta``), offsets by ``start``/``end``, ``start_index``/
``end_index`` (chonkie, Chroma, LangChain's ``add_start_index``) or
``start_char_idx``/``end_char_idx`` (LlamaIndex).  Every chunk is then
*located*: its offsets are kept when the document text there equals the chunk
text; otherwise its text is searched for in the document, first verbatim
(from where the previous chunk of that document was found, so repeated
passages resolve in reading order), then with whitespace runs relaxed (tools
that strip or collapse whitespace).  Chunks that cannot be located are
counted, never guessed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..core.errors import InputError, UsageError
from ..core.records import ParsedDocument
from ..core.sources import discover, read_bytes
from ..parsers.base import ParseOptions

_DOC_KEYS = ("source", "doc_id", "doc", "document", "document_id", "path", "file", "filename", "source_path", "corpus_id")
_START_KEYS = ("start", "start_index", "start_char_idx", "start_char", "char_start")
_END_KEYS = ("end", "end_index", "end_char_idx", "end_char", "char_end")
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    """One chunk as read from a file, before locating it."""

    line: int  # 1-based line (or array index + 1) in the chunk file
    text: str
    doc_key: str | None
    start: int | None
    end: int | None
    token_count: int | None
    tokenizer: str | None
    context: str | None = None  # the record's ``context`` (breadcrumb, model-written situating text)


@dataclass(frozen=True, slots=True)
class LocatedChunk:
    """A chunk pinned to ``documents[doc]`` at ``[start, end)``; ``text`` is the document text there."""

    doc: int
    start: int
    end: int
    text: str
    line: int
    how: str  # "offsets", "search" or "relaxed"
    context: str | None = None  # what the record carried besides its text (``--embed-context``)


@dataclass(frozen=True)
class Corpus:
    """Documents and the chunks located in them, plus what could not be placed."""

    documents: tuple[ParsedDocument, ...]
    chunks: tuple[LocatedChunk, ...]
    texts: tuple[str, ...]  # the text of every chunk read, located or not (size metrics)
    records: int
    located_by: Mapping[str, int] = field(default_factory=dict)
    unlocated: int = 0
    unmatched_keys: tuple[str, ...] = ()
    document_errors: tuple[str, ...] = ()
    tokenizers: tuple[str, ...] = ()  # distinct tokenizer names the records declare

    def by_document(self) -> list[list[LocatedChunk]]:
        """Located chunks per document, in document order (start, then end)."""
        out: list[list[LocatedChunk]] = [[] for _ in self.documents]
        for c in self.chunks:
            out[c.doc].append(c)
        for lst in out:
            lst.sort(key=lambda c: (c.start, c.end, c.line))
        return out


def _field(obj: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for k in keys:
        if k in obj and obj[k] is not None:
            return obj[k]
    for nest in ("metadata", "meta"):
        inner = obj.get(nest)
        if isinstance(inner, Mapping):
            for k in keys:
                if k in inner and inner[k] is not None:
                    return inner[k]
    return None


def _int_or_none(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return None


def _record(obj: Any, line: int, display: str) -> ChunkRecord:
    if not isinstance(obj, Mapping):
        raise InputError(display, f"line {line}: a chunk must be a JSON object, got {type(obj).__name__}", "format")
    text = obj.get("text", obj.get("page_content", obj.get("content")))
    if not isinstance(text, str):
        raise InputError(display, f"line {line}: chunk has no string field 'text'", "format")
    key = _field(obj, _DOC_KEYS)
    tc = obj.get("token_count")
    return ChunkRecord(
        line=line,
        text=text,
        doc_key=str(key) if key is not None else None,
        start=_int_or_none(_field(obj, _START_KEYS)),
        end=_int_or_none(_field(obj, _END_KEYS)),
        token_count=tc if isinstance(tc, int) and not isinstance(tc, bool) else None,
        tokenizer=obj.get("tokenizer") if isinstance(obj.get("tokenizer"), str) else None,
        context=obj.get("context") if isinstance(obj.get("context"), str) else None,
    )


def read_chunks(path: str) -> list[ChunkRecord]:
    """Chunk records of a JSONL file (or a JSON array); ``-`` reads stdin."""
    display = path
    if path == "-":
        import sys

        data = sys.stdin.buffer.read()
    else:
        from ..core.sources import Source

        data = read_bytes(Source(path, path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(display, f"chunk file is not UTF-8 (byte {exc.start})", "decode") from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(display, f"not valid JSON: {exc.msg} at line {exc.lineno}", "format") from None
        return [_record(o, i + 1, display) for i, o in enumerate(items)]
    out: list[ChunkRecord] = []
    loads = json.loads
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(display, f"line {n}: not valid JSON ({exc.msg})", "format") from None
        out.append(_record(obj, n, display))
    return out


def load_documents(paths: Sequence[str], fmt: str | None = None, shown: Callable[[str], str] | None = None) -> tuple[list[ParsedDocument], list[str]]:
    """Parse ``paths`` (files, directories, globs) through the parser registry.

    Returns the parsed documents and one message per document that failed
    (the run goes on without it, as ``chunk`` does), its parameters shown by
    ``shown`` (the command line passes its flag names).
    """
    from ..run.worker import load

    sources, _skipped = discover(list(paths))
    docs: list[ParsedDocument] = []
    errors: list[str] = []
    opts = ParseOptions(format=fmt)
    for src in sources:
        loaded = load(src, opts)
        if loaded.parsed is not None:
            docs.append(loaded.parsed.portable())  # kept for the whole run: no syntax tree
        elif loaded.error is not None:
            errors.append(loaded.error.render(shown) if shown is not None else str(loaded.error))
    if not docs and sources:
        raise UsageError("none of the docs inputs could be parsed: " + "; ".join(errors[:3]), "docs")
    return docs, errors


class DocumentIndex:
    """Finds a document by any name a chunk might use for it."""

    def __init__(self, docs: Sequence[ParsedDocument]) -> None:
        self._map: dict[str, int | None] = {}
        for i, p in enumerate(docs):
            d = p.document
            src = d.source
            for key in {d.id, src, os.path.normpath(src), os.path.abspath(src)}:
                self._map[key] = i  # exact names win over basenames
        short: dict[str, set[int]] = {}
        for i, p in enumerate(docs):
            base = os.path.basename(p.document.source)
            for key in (base, os.path.splitext(base)[0]):
                short.setdefault(key, set()).add(i)
        for key, owners in short.items():
            if key not in self._map:
                self._map[key] = next(iter(owners)) if len(owners) == 1 else None  # None: ambiguous

    def find(self, key: str) -> int | None:
        for k in (key, os.path.normpath(key), os.path.abspath(key), os.path.basename(key), os.path.splitext(os.path.basename(key))[0]):
            if self._map.get(k) is not None:
                return self._map[k]
        return None


def _relaxed_search(text: str, needle: str, start: int) -> tuple[int, int] | None:
    words = _WORDS.findall(needle)
    if not words:
        return None
    pattern = re.compile(r"\s*".join(re.escape(w) for w in words) if len(words) == 1 else r"\s+".join(re.escape(w) for w in words))
    m = pattern.search(text, start) or (pattern.search(text, 0) if start else None)
    return (m.start(), m.end()) if m else None


def locate(records: Sequence[ChunkRecord], docs: Sequence[ParsedDocument]) -> Corpus:
    """Pin every record to a document span (see the module docstring for the rules)."""
    index = DocumentIndex(docs)
    cursor = [0] * len(docs)
    located: list[LocatedChunk] = []
    how_count = {"offsets": 0, "search": 0, "relaxed": 0}
    unlocated = 0
    unmatched: dict[str, None] = {}
    for r in records:
        if not r.text.strip():
            unlocated += 1
            continue
        candidates: list[int]
        d = index.find(r.doc_key) if r.doc_key is not None else None
        if d is not None:
            candidates = [d]
        else:
            if r.doc_key is not None:
                unmatched.setdefault(r.doc_key, None)
            candidates = list(range(len(docs)))
        placed = None
        for di in candidates:
            text = docs[di].document.text
            s, e = r.start, r.end
            if s is not None and e is None:
                e = s + len(r.text)
            if s is not None and e is not None and 0 <= s <= e <= len(text) and text[s:e] == r.text:
                placed = (di, s, e, "offsets")
                break
        if placed is None:
            for di in candidates:
                text = docs[di].document.text
                pos = text.find(r.text, cursor[di])
                if pos < 0 and cursor[di]:
                    pos = text.find(r.text)
                if pos >= 0:
                    placed = (di, pos, pos + len(r.text), "search")
                    break
        if placed is None:
            for di in candidates:
                hit = _relaxed_search(docs[di].document.text, r.text, cursor[di])
                if hit is not None:
                    placed = (di, hit[0], hit[1], "relaxed")
                    break
        if placed is None:
            unlocated += 1
            continue
        di, s, e, how = placed
        cursor[di] = s + 1
        how_count[how] += 1
        located.append(LocatedChunk(di, s, e, docs[di].document.text[s:e], r.line, how, r.context))
    return Corpus(
        documents=tuple(docs),
        chunks=tuple(located),
        texts=tuple(r.text for r in records),
        records=len(records),
        located_by=how_count,
        unlocated=unlocated,
        unmatched_keys=tuple(unmatched),
        tokenizers=tuple(sorted({r.tokenizer for r in records if r.tokenizer})),
    )
