"""``chunkline score`` through the CLI: JSON on stdout, table on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from chunkline.cli.app import main
from chunkline.core.errors import ExitCode

TEXT = "Alpha beta gamma. Delta epsilon.\n\nZeta eta theta. Iota kappa.\n"


def _setup(tmp_path: Path) -> tuple[str, str, str]:
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT, encoding="utf-8")
    chunks = tmp_path / "chunks.jsonl"
    chunks.write_text(
        json.dumps({"text": "Alpha beta gamma. Delta epsilon.", "source": str(doc)}) + "\n"
        + json.dumps({"text": "Zeta eta theta. Iota kappa.", "source": str(doc)}) + "\n",
        encoding="utf-8",
    )
    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"question": "what about zeta and iota?", "references": [{"doc": str(doc), "start": 34, "end": 61}]}) + "\n", encoding="utf-8")
    return str(doc), str(chunks), str(q)


def test_json_report_and_thresholds(tmp_path, capsys):
    doc, chunks, q = _setup(tmp_path)
    code = main(["score", chunks, "--docs", doc, "-Q", q, "-k", "1", "--tokenizer", "words", "--max-tokens", "5", "--json",
                 "--fail-under", "recall@1=1", "--fail-under", "coverage=1"])
    out, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    report = json.loads(out)
    assert report["metrics"]["recall"] == 1.0 and report["metrics"]["coverage"] == 1.0
    assert report["metrics"]["size_compliance"] == 1.0
    assert "chunkline score" in err and "recall" in err  # the table is on stderr

    code = main(["score", chunks, "--docs", doc, "--tokenizer", "words", "--max-tokens", "4", "--fail-under", "size_compliance=0.99", "-q"])
    out, err = capsys.readouterr()
    assert code == ExitCode.THRESHOLD and out == ""


def test_usage_errors_are_one_line(tmp_path, capsys):
    doc, chunks, _ = _setup(tmp_path)
    assert main(["score", chunks, "--fail-under", "recall=0.5"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs --questions" in err
    assert main(["score", chunks, "--docs", doc, "--fail-over", "nonsense=1"]) == ExitCode.USAGE
    assert main(["score", str(tmp_path / "missing.jsonl")]) == ExitCode.INPUTS_FAILED
    assert "no such file" in capsys.readouterr().err


def test_quiet_still_explains_the_exit_code(tmp_path, capsys):
    """--quiet drops the table, not the reason for a non-zero exit: missed thresholds and unreadable --docs print."""
    doc, chunks, _ = _setup(tmp_path)
    code = main(["score", chunks, "--docs", doc, "--tokenizer", "words", "--max-tokens", "4",
                 "--fail-under", "size_compliance=0.99", "--fail-under", "coverage=0.5", "-q"])
    out, err = capsys.readouterr()
    assert code == ExitCode.THRESHOLD and out == ""
    assert err.splitlines() == ["threshold size_compliance ≥ 0.99: 0.0000 FAILED"]


def test_an_unreadable_docs_input_is_exit_1_with_its_error_line(tmp_path, capsys):
    doc, chunks, _ = _setup(tmp_path)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    for quiet in ([], ["-q"]):
        code = main(["score", chunks, "--docs", doc, "--docs", str(binary), "--json", *quiet])
        out, err = capsys.readouterr()
        assert code == ExitCode.INPUTS_FAILED, err
        assert json.loads(out)["document_errors"]
        assert f"chunkline: error: {binary}: binary file (NUL bytes), not text" in err.splitlines()


def test_without_docs_the_sources_the_records_name_are_the_documents(tmp_path, capsys):
    """``score chunks.jsonl`` used to ignore the ``source`` paths: no coverage, integrity or cohesion metrics."""
    doc, chunks, _ = _setup(tmp_path)
    code = main(["score", chunks, "--json"])
    cap = capsys.readouterr()
    assert code == ExitCode.OK, cap.err
    report = json.loads(cap.out)
    assert report["documents"] == 1 and report["documents_from"] == "sources"
    assert report["metrics"]["coverage"] is not None and report["located"]["search"] == 2
    assert "scored against the 1 document(s) the chunks name as their source" in cap.err
    # a record naming a file that does not exist: no documents, as before
    gone = tmp_path / "gone.jsonl"
    gone.write_text(json.dumps({"text": "x", "source": str(tmp_path / "nope.txt")}) + "\n")
    assert main(["score", str(gone), "--json", "-q"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["documents"] == 0



def test_score_names_the_unit_in_words(tmp_path, capsys):
    """"sizes in nws" said nothing to someone who never chose nws (ast's default unit)."""
    import re

    doc, chunks, _ = _setup(tmp_path)
    assert main(["score", chunks, "--docs", doc, "--tokenizer", "nws"]) == ExitCode.OK
    err = re.sub(r"\s+", " ", capsys.readouterr().err)
    assert "sizes in nws (non-whitespace characters)" in err
