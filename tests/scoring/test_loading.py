"""Chunks from other tools, offset recovery, questions files, thresholds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chunkline.core.errors import InputError, UsageError
from chunkline.scoring import ScoreOptions, score
from chunkline.scoring.loading import DocumentIndex, load_documents, locate, read_chunks
from chunkline.scoring.questions import load_questions
from chunkline.scoring.thresholds import check, parse_thresholds

TEXT = "Alpha beta gamma.\n\nDelta   epsilon zeta.\n\nAlpha beta gamma.\n"


@pytest.fixture()
def docs(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Completely different words here.\n", encoding="utf-8")
    return tmp_path


def _write(path: Path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _csv(path: Path, rows) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["question", "references", "corpus_id"])
        w.writerows(rows)


def test_foreign_chunks_are_located(docs, tmp_path):
    rows = [
        {"text": "Alpha beta gamma.", "metadata": {"source": str(docs / "a.txt"), "start_index": 0}},  # LangChain style
        {"text": "Delta epsilon zeta.", "doc": "a.txt"},  # whitespace collapsed by the tool
        {"text": "Alpha beta gamma.", "doc": "a"},  # repeated passage: found after the previous one
        {"text": "Completely different", "start_char_idx": 999, "end_char_idx": 1019},  # wrong offsets, no doc
        {"text": "never in any document"},
    ]
    parsed, errors = load_documents([str(docs)])
    assert not errors and len(parsed) == 2
    corpus = locate(read_chunks(_write(tmp_path / "c.jsonl", rows)), parsed)
    assert corpus.located_by == {"offsets": 1, "search": 2, "relaxed": 1}
    assert corpus.unlocated == 1
    by = {(c.line, c.start, c.end) for c in corpus.chunks}
    assert (3, TEXT.rindex("Alpha"), TEXT.rindex("Alpha") + 17) in by
    relaxed = next(c for c in corpus.chunks if c.how == "relaxed")
    assert relaxed.text == "Delta   epsilon zeta."


def test_bad_chunk_files_are_input_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: not valid JSON"):
        read_chunks(str(bad))
    _write(bad, [{"content_missing": 1}])
    with pytest.raises(InputError, match="no string field 'text'"):
        read_chunks(str(bad))


def test_questions_jsonl_and_chroma_csv(docs, tmp_path):
    parsed, _ = load_documents([str(docs / "a.txt"), str(docs / "b.txt")])
    index = DocumentIndex(parsed)
    texts = [p.document.text for p in parsed]
    q = tmp_path / "q.jsonl"
    _write(q, [{"question": "delta?", "references": [{"doc": "a.txt", "start": 19, "end": 40}]}])
    qs = load_questions(str(q), index, texts)
    assert qs[0].evidence == ((0, 19, 40),)
    csv_path = tmp_path / "q.csv"
    refs = json.dumps([{"content": "Completely different", "start_index": 0, "end_index": 20}])
    _csv(csv_path, [("what?", refs, "b.txt")])
    qs = load_questions(str(csv_path), index, texts)
    assert qs[0].evidence == ((1, 0, 20),)
    wrong = tmp_path / "w.csv"
    refs = json.dumps([{"content": "nope", "start_index": 0, "end_index": 20}])
    _csv(wrong, [("q", refs, "b.txt")])
    with pytest.raises(InputError, match="does not match"):
        load_questions(str(wrong), index, texts)
    _write(q, [{"question": "x", "references": [{"doc": "zzz.txt", "start": 0, "end": 3}]}])
    with pytest.raises(InputError, match="not among docs"):
        load_questions(str(q), index, texts)


def test_thresholds():
    ts = parse_thresholds(["recall@5=0.8", "coverage=0.99"], "under") + parse_thresholds(["redundancy=0.1"], "over")
    res = check(ts, {"recall@5": 0.9, "coverage": 0.5, "redundancy": 0.2})
    assert [r.passed for r in res] == [True, False, False]
    with pytest.raises(UsageError, match="unknown metric"):
        parse_thresholds(["recal=0.8"], "under")
    with pytest.raises(UsageError, match="not computed"):
        check(parse_thresholds(["iou=0.1"], "under"), {"iou": None})


def test_thresholds_at_the_limit_pass_despite_float_rounding():
    """Every question at recall 0.7: the mean is 0.6999999999999998, shown as 0.7; a gate at 0.7 passes."""
    import numpy as np

    mean = float(np.mean([0.7, 0.7, 0.7]))
    assert mean < 0.7
    ts = parse_thresholds(["recall=0.7"], "under") + parse_thresholds(["dcg@5=0.9"], "over")
    res = check(ts, {"recall": mean, "dcg@5": float(np.mean([0.9] * 7))})
    assert [r.passed for r in res] == [True, True]
    res = check(parse_thresholds(["recall=0.7001"], "under") + parse_thresholds(["recall=0.6999"], "over"), {"recall": mean})
    assert [r.passed for r in res] == [False, False]  # a real miss still fails


def test_score_end_to_end(docs, tmp_path):
    rows = [{"text": "Alpha beta gamma.", "doc": "a.txt"}, {"text": "Delta   epsilon zeta.", "doc": "a.txt"}]
    rep = score(ScoreOptions(chunks=_write(tmp_path / "c.jsonl", rows), docs=(str(docs / "a.txt"),), tokenizer="words",
                             max_size=3, thresholds=parse_thresholds(["coverage=0.9"], "under")))
    assert rep.metrics["size_compliance"] == 1.0 and rep.metrics["size_max"] == 3
    assert rep.metrics["coverage"] == pytest.approx(32 / 47)  # 15 + 17 of 47 non-whitespace chars; the repeat is not covered
    assert not rep.passed
    d = rep.to_dict()
    assert d["passed"] is False and d["thresholds"][0]["metric"] == "coverage"
    json.dumps(d)
