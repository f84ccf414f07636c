"""The one read-and-parse path (``run.worker.load``) behind chunk, parse, score and compare."""

from __future__ import annotations

import pytest

import chunkline.parsers.base as parsers_base
import chunkline.run.worker as worker
from chunkline.core.sources import Source
from chunkline.parsers.base import ParseOptions


def _deep_on_b(data, ctx, fmt=None):
    if ctx.display.endswith("b.txt"):
        raise RecursionError("maximum recursion depth exceeded")
    return parsers_base.parse_bytes(data, ctx, fmt)


def test_file_is_hashed_once_and_format_detected_once(tmp_path, monkeypatch):
    p = tmp_path / "a.md"
    p.write_text("# Title\n\nText.\n")
    calls = {"hash": 0, "detect": 0}
    real_hash, real_detect = worker.sha256_hex, worker.detect_format

    def count_hash(data):
        calls["hash"] += 1
        return real_hash(data)

    def count_detect(*a):
        calls["detect"] += 1
        return real_detect(*a)

    monkeypatch.setattr(worker, "sha256_hex", count_hash)
    monkeypatch.setattr(parsers_base, "sha256_hex", count_hash)
    monkeypatch.setattr(worker, "detect_format", count_detect)
    monkeypatch.setattr(parsers_base, "detect_format", count_detect)
    loaded = worker.load(Source(str(p), str(p), walked=True), ParseOptions(), skip_generated=True)
    assert loaded.parsed is not None and loaded.parsed.document.format == "markdown"
    assert loaded.sha256 == loaded.parsed.document.sha256 == real_hash(p.read_bytes())
    assert calls == {"hash": 1, "detect": 1}


def test_score_docs_and_compare_map_errors_like_chunk(tmp_path, monkeypatch):
    """A RecursionError in a parser ended ``score --docs`` with a traceback; now it is the same per-file error everywhere."""
    from chunkline.run import ChunkOptions, InputOptions, run_chunk
    from chunkline.scoring.compare import CompareOptions, compare
    from chunkline.scoring.loading import load_documents
    from chunkline.segmenters.base import parse_strategy

    d = tmp_path / "docs"
    d.mkdir()
    for name in "ab":
        (d / f"{name}.txt").write_text(f"File {name}. It has two sentences.\n")
    monkeypatch.setattr(worker, "parse_bytes", _deep_on_b)
    expected = f"{d / 'b.txt'}: structure nested too deeply to parse"

    docs, errors = load_documents([str(d)])
    assert [d.document.source.rsplit("/", 1)[-1] for d in docs] == ["a.txt"] and errors == [expected]

    strategies = (parse_strategy("fixed:max_tokens=20"), parse_strategy("sentence:max_tokens=20"))
    report = compare(CompareOptions((str(d),), strategies, semantic=False, boundaries=False, include_auto=False))
    assert report.documents == 1 and list(report.document_errors) == [expected]

    summary = run_chunk(ChunkOptions(InputOptions((str(d),)), strategies[0], output=str(tmp_path / "out.jsonl"), timeout=None))
    assert [str(e) for e in summary.failed] == [expected] and summary.ok == 1


def test_unreadable_input_is_an_error_not_an_exception(tmp_path):
    loaded = worker.load(Source(str(tmp_path / "missing.txt"), str(tmp_path / "missing.txt")), ParseOptions())
    assert loaded.parsed is None and loaded.error is not None and loaded.sha256 is None
    with pytest.raises(type(loaded.error)):
        worker.parse_source(Source(str(tmp_path / "missing.txt"), str(tmp_path / "missing.txt")), ParseOptions())
