"""``auto``: per-document choice by the five intrinsic metrics, recorded in every chunk."""

from __future__ import annotations

from pathlib import Path

import pytest

from chunkline.core.errors import UsageError
from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment
from chunkline.segmenters.auto import WEIGHTS, candidate_strategies, intrinsic_scores

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _parse(path: Path):
    return parse_bytes(path.read_bytes(), ParseContext(str(path), str(path), ParseOptions()))


@pytest.mark.parametrize("name", ["node-path.md", "textwrap.py", "scotus-opinion.legal.txt", "rust-ownership.html"])
def test_auto_emits_exactly_the_best_candidate(name):
    parsed = _parse(EXAMPLES / name)
    chunks = segment(parsed, parse_strategy("auto:max_tokens=256"))
    verify(parsed.document.text, chunks)
    meta = chunks[0].meta["auto"]
    assert all(c.meta["auto"] == meta for c in chunks)
    cands = meta["candidates"]
    assert meta["chosen"] in cands and len(cands) >= 2
    assert cands[meta["chosen"]] == max(cands.values())
    # the chunks are that candidate's own chunking, unchanged
    own = segment(parsed, parse_strategy(meta["chosen"]))
    assert [(c.start, c.end) for c in chunks] == [(c.start, c.end) for c in own]
    # the recorded score is the equal-weight mean of the metrics defined for every candidate
    vals = [meta["scores"][m] for m in WEIGHTS if meta["scores"][m] is not None]
    assert meta["scores"]["score"] == pytest.approx(sum(vals) / len(vals), abs=2e-4) or None in meta["scores"].values()


def test_default_candidates_follow_the_format():
    parsed = _parse(EXAMPLES / "textwrap.py")
    ctx = parse_strategy("auto:max_tokens=300")
    names = [s.name for s in candidate_strategies("", parsed.document.format, ctx)]
    assert names[0] == "ast"
    assert [s.budget.max_size for s in candidate_strategies("", "markdown", ctx)] == [300, 300, 300]


def test_scores_prefer_the_chunking_that_keeps_blocks_whole(shared):
    pdf = shared / "pdfs" / "docling__normal_4pages.pdf"
    parsed = _parse(pdf)
    good = parse_strategy("structure:max_tokens=256")
    bad = parse_strategy("fixed:max_tokens=256")
    runs = []
    for st in (good, bad):
        ch = segment(parsed, st)
        runs.append(([(c.start, c.end) for c in ch], [c.token_count for c in ch], st))
    rows = intrinsic_scores(parsed, runs)
    assert rows[0]["bi"] > rows[1]["bi"]
    assert rows[0]["score"] > rows[1]["score"]
    for r in rows:
        shared_metrics = [m for m in WEIGHTS if all(x[m] is not None for x in rows)]
        assert r["score"] == pytest.approx(sum(r[m] for m in shared_metrics) / len(shared_metrics))


def test_tiny_chunks_lose_size_compliance():
    text = ("Short line.\n\n" * 40).encode()
    parsed = parse_bytes(text, ParseContext("t.txt", None, ParseOptions()))
    st = parse_strategy("sentence:max_tokens=200")
    ch = segment(parsed, st)
    rows = intrinsic_scores(parsed, [([(c.start, c.end) for c in ch], [3] * len(ch), st)])
    assert rows[0]["sc"] == 0.0  # 3 tokens < 10% of 200


@pytest.mark.parametrize(
    "spec, message",
    [
        ("auto:candidates=auto|recursive", "own candidate"),
        ("auto:candidates=nosuch|recursive", "unknown strategy"),
    ],
)
def test_bad_candidates_are_usage_errors(spec, message):
    with pytest.raises(UsageError, match=message):
        parse_strategy(spec)


def test_candidate_over_budget_or_other_tokenizer_is_refused():
    parsed = parse_bytes(b"Alpha beta. Gamma delta.", ParseContext("t.txt", None, ParseOptions()))
    with pytest.raises(UsageError, match="above auto"):
        segment(parsed, parse_strategy("auto:max_tokens=64,candidates=recursive;max_tokens=128|sentence"))
    with pytest.raises(UsageError, match="tokenizer"):
        segment(parsed, parse_strategy("auto:max_tokens=64,candidates=recursive;tokenizer=words|sentence"))
    ok = segment(parsed, parse_strategy("auto:max_tokens=64,candidates=recursive;max_tokens=32|sentence"))
    assert ok and ok[0].meta["auto"]["chosen"] in ("recursive:max_tokens=32", "sentence:max_tokens=64")
