"""Hygiene metrics (``scoring.hygiene``) and the one metric table (``scoring.metrics``)."""

from __future__ import annotations

import json
from pathlib import Path

from chunkline.cli.app import main
from chunkline.core.errors import ExitCode
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.scoring import METRICS_DOC
from chunkline.scoring.hygiene import HYGIENE_METRICS, chunk_flags, hygiene_counts
from chunkline.scoring.metrics import LOWER_BETTER, METRICS, SCORE_METRICS, arrow, lookup
from chunkline.scoring.thresholds import METRIC_NAMES

ROOT = Path(__file__).resolve().parents[2]

MD = "# Title\n\nIntro text.\n\n## Usage\n\n```bash\n# a comment, no heading\ntool run\n```\n\nMore text here.\n\n}\n"


def _parsed(text=MD, name="d.md"):
    return parse_bytes(text.encode(), ParseContext(name, None, ParseOptions()))


def _at(text: str, piece: str) -> tuple[int, int]:
    i = text.index(piece)
    return i, i + len(piece)


def test_each_finding_on_hand_made_chunks():
    parsed = _parsed()
    t = parsed.document.text
    usage = t.index("## Usage")
    fence_mid = t.index("tool run")
    more = t.index("More text")
    brace = t.index("}")
    spans = [
        (0, t.index("## Usage")),  # title + intro: fine
        (usage, t.index("```bash")),  # only a heading: lone
        (t.index("```bash"), fence_mid),  # the fence opens here ...
        (fence_mid, more + len("More text here.")),  # ... and closes here: split
        (brace, len(t)),  # junk
    ]
    flags = chunk_flags(parsed, spans, get_sizer("chars").count, 200)
    assert flags == [(1, "lone_headings"), (2, "split_fences"), (4, "junk_chunks")]
    counts = hygiene_counts(flags)
    assert counts["lone_headings"] == 1 and counts["heading_ends"] == 0 and counts["small_mergeable"] is None


def test_heading_end_and_budget_forced_cases_are_apart():
    parsed = _parsed()
    t = parsed.document.text
    cut = t.index("```bash")
    spans = [(0, cut), (cut, t.index("}")), (t.index("}"), len(t))]
    count = get_sizer("chars").count
    assert (0, "heading_ends") in chunk_flags(parsed, spans, count, 500)
    # a budget too small for the fence and for any join: nothing is counted but the heading end
    small = chunk_flags(parsed, spans, count, 10)
    assert [m for _, m in small] == ["heading_ends"]


def test_small_mergeable_needs_min_size():
    parsed = _parsed("One.\n\nTwo.\n\nThree three three three.\n", "a.txt")
    t = parsed.document.text
    spans = [_at(t, "One."), _at(t, "Two."), _at(t, "Three three three three.")]
    count = get_sizer("chars").count
    assert chunk_flags(parsed, spans, count, 100, 0) == []
    assert [m for _, m in chunk_flags(parsed, spans, count, 100, 10)] == ["small_mergeable", "small_mergeable"]
    assert chunk_flags(parsed, spans, count, 8, 10) == []  # no neighbour has room


def test_one_metric_table_feeds_score_thresholds_compare_and_readme():
    names = [m.name for m in METRICS]
    assert len(names) == len(set(names))
    assert set(HYGIENE_METRICS) <= set(SCORE_METRICS) and set(HYGIENE_METRICS) <= LOWER_BETTER
    assert METRIC_NAMES == SCORE_METRICS
    assert METRICS_DOC in (ROOT / "README.md").read_text(encoding="utf-8"), "README's metric table differs from scoring.metrics: paste markdown_table()"
    assert lookup("recall@7").name == "recall@K" and arrow("dcg@3") == " ↑" and arrow("junk_chunks") == " ↓" and arrow("size_max") == ""


def test_score_reports_hygiene_and_gates_on_it(tmp_path, capsys):
    doc = tmp_path / "d.md"
    doc.write_text(MD, encoding="utf-8")
    t = _parsed().document.text
    cut = t.index("## Usage")
    chunks = tmp_path / "c.jsonl"
    chunks.write_text("".join(json.dumps({"text": t[a:b], "source": str(doc), "start": a, "end": b}) + "\n" for a, b in [(0, cut), (cut, t.index("```")), (t.index("```"), len(t))]), encoding="utf-8")
    code = main(["score", str(chunks), "--docs", str(doc), "--max-chars", "300", "--json", "--fail-over", "lone_headings=0"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["metrics"]["lone_headings"] == 1.0 and report["metrics"]["split_fences"] == 0.0
    assert code == ExitCode.THRESHOLD
    assert "lone headings ↓" in err

