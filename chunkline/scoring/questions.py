"""Questions with gold evidence spans, for retrieval metrics.

Two layouts are read:

* JSONL (chunkline's): ``{"question": ..., "references": [{"doc": ..., "start": ..., "end": ...}]}``.
  A record with top-level ``start``/``end`` (and optional ``doc``) is one
  reference, so GutenQA-style files such as ``gutenqa_emma/emma_questions.jsonl``
  load as they are; ``doc`` may be omitted when there is one document.
* CSV (Chroma's chunking evaluation): columns ``question``, ``references``
  (a JSON list of ``{"content", "start_index", "end_index"}``) and ``corpus_id``
  (the document, by path or file name).

Evidence offsets are exact character offsets into the document text; they
are checked against the document, never searched for.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Sequence

from ..core.errors import InputError, UsageError
from ..core.sources import Source, read_bytes
from .loading import DocumentIndex


@dataclass(frozen=True, slots=True)
class Question:
    """One question and its evidence: (document index, start, end) spans."""

    text: str
    evidence: tuple[tuple[int, int, int], ...]


def _decode(path: str) -> str:
    data = read_bytes(Source(path, path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"questions file is not UTF-8 (byte {exc.start})", "decode") from None


def _resolve(path: str, where: str, key: Any, index: DocumentIndex, n_docs: int) -> int:
    if key is None or key == "":
        if n_docs == 1:
            return 0
        raise InputError(path, f"{where}: reference names no document and docs has {n_docs}", "format", ("docs",))
    d = index.find(str(key))
    if d is None:
        raise InputError(path, f"{where}: document {key!r} is not among docs", "format", ("docs",))
    return d


def _span(path: str, where: str, ref: dict, index: DocumentIndex, docs_text: Sequence[str], doc_key: Any) -> tuple[int, int, int]:
    d = _resolve(path, where, ref.get("doc", ref.get("document", ref.get("source", doc_key))), index, len(docs_text))
    s = ref.get("start", ref.get("start_index"))
    e = ref.get("end", ref.get("end_index"))
    try:
        s, e = int(s), int(e)  # type: ignore[arg-type]  # None is caught below
    except (TypeError, ValueError):
        raise InputError(path, f"{where}: reference needs integer start and end", "format") from None
    if not 0 <= s < e <= len(docs_text[d]):
        raise InputError(path, f"{where}: reference [{s}, {e}) is outside its document ({len(docs_text[d])} characters)", "format")
    content = ref.get("content")
    if isinstance(content, str) and docs_text[d][s:e] != content and docs_text[d][s:e].strip() != content.strip():
        raise InputError(path, f"{where}: reference text does not match the document at [{s}, {e})", "format")
    return (d, s, e)


def load_questions(path: str, index: DocumentIndex, docs_text: Sequence[str]) -> list[Question]:
    """Questions of a JSONL or Chroma-style CSV file, with evidence checked against the documents."""
    text = _decode(path)
    out: list[Question] = []
    if path.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "question" not in reader.fieldnames or "references" not in reader.fieldnames:
            raise InputError(path, "CSV questions need the columns question, references (and corpus_id)", "format")
        for n, row in enumerate(reader, 2):
            where = f"row {n}"
            try:
                refs = json.loads(row["references"])
            except json.JSONDecodeError:
                raise InputError(path, f"{where}: references is not a JSON list", "format") from None
            if not (row["question"] or "").strip():
                raise InputError(path, f"{where}: the question is empty", "format")
            ev = tuple(_span(path, where, r, index, docs_text, row.get("corpus_id")) for r in refs)
            out.append(Question(row["question"], ev))
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"line {n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"{where}: not valid JSON ({exc.msg})", "format") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                raise InputError(path, f"{where}: a question record needs a string 'question'", "format")
            if not obj["question"].strip():
                raise InputError(path, f"{where}: the question is empty", "format")
            refs = obj.get("references")
            doc_key = obj.get("doc", obj.get("document", obj.get("corpus_id")))
            if refs is None and "start" in obj:
                refs = [{"start": obj["start"], "end": obj.get("end")}]
            if not isinstance(refs, list) or not refs:
                raise InputError(path, f"{where}: no evidence (give references, or start and end)", "format")
            ev = tuple(_span(path, where, r if isinstance(r, dict) else {}, index, docs_text, doc_key) for r in refs)
            out.append(Question(obj["question"], ev))
    if not out:
        raise UsageError(f"{path}: no questions found")
    return out
