"""``chunkline compare`` through the CLI: CSV/JSON on stdout, table on stderr, the HTML report, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from chunkline.cli.app import main
from chunkline.core.errors import ExitCode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_csv_and_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(["compare", str(EXAMPLES / "node-path.md"), str(EXAMPLES / "emma-opening.txt"), "-s", "fixed:max_tokens=128", "-s", "sentence",
                 "--max-tokens", "200", "--csv", "--report", str(out), "--no-semantic", "--show", "node-path.md"])
    assert code == ExitCode.OK
    cap = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(cap.out)))
    assert [r["rank"] for r in rows] == ["1", "2", "3"]
    assert {r["strategy"].split(":")[0] for r in rows} == {"fixed", "sentence", "auto"}
    assert "sentence:max_tokens=200" in {r["strategy"] for r in rows}
    assert "chunkline compare" in cap.err and "chunk starts in" in cap.err
    assert out.read_text(encoding="utf-8").count("<svg") == 2


def test_json_defaults_and_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    code = main(["compare", str(EXAMPLES / "emma-opening.txt"), str(bad), "--json", "--no-auto", "--no-semantic", "-q"])
    assert code == ExitCode.INPUTS_FAILED
    cap = capsys.readouterr()
    rep = json.loads(cap.out)
    names = {r["name"] for r in rep["results"]}
    assert {"fixed", "sentence", "recursive", "structure"} <= names and "ast" not in names and "auto" not in names
    assert rep["documents"] == 1 and len(rep["document_errors"]) == 1
    assert "bad.pdf" in cap.err


def test_usage_errors(capsys):
    assert main(["compare", str(EXAMPLES / "emma-opening.txt"), "-s", "nosuch"]) == ExitCode.USAGE
    assert main(["compare", str(EXAMPLES / "emma-opening.txt"), "--json", "--csv"]) == ExitCode.USAGE
    assert "unknown strategy" in capsys.readouterr().err


def test_an_unknown_column_is_named_not_dropped_silently(capsys):
    code = main(["compare", str(EXAMPLES / "emma-opening.txt"), "-s", "fixed:max_tokens=128", "-s", "sentence", "--no-auto", "--no-semantic",
                 "--columns", "chunks,recal@5,coverage"])
    assert code == ExitCode.OK
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if "--columns" in x]  # one line, however many metrics
    assert line.startswith("chunkline: warning: --columns: not a metric of this run: recal@5 (metrics: chunks,") and line.endswith("seconds)")
    assert "cover" in err  # the known columns are still shown
