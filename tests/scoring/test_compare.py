"""``compare``: one parse per document, every strategy scored exactly as ``score`` scores it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chunkline.core.errors import InputError, UsageError
from chunkline.core.jsonl import dumps_line
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.scoring import ScoreOptions, score
from chunkline.scoring.compare import CompareOptions, auto_strategy, compare, default_strategies, load_config, row_metric_names
from chunkline.scoring.report_html import render
from chunkline.segmenters import parse_strategy, segment

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SPECS = ("fixed:max_tokens=128", "recursive:max_tokens=128", "structure:max_tokens=256")


@pytest.fixture(scope="module")
def report():
    opts = CompareOptions(
        paths=(str(EXAMPLES / "node-path.md"), str(EXAMPLES / "rust-ownership.html"), str(EXAMPLES / "emma-opening.txt")),
        strategies=tuple(parse_strategy(s) for s in SPECS),
        show="node-path.md",
        show_pair=("fixed", "structure"),
    )
    return compare(opts)


def test_row_metric_names_are_known_before_the_run(report):
    for r in report.results:
        st = parse_strategy(r.label) if r.name != "auto" else None
        if st is not None:
            assert list(r.metrics) == row_metric_names(st, CompareOptions(paths=("x",)), False)


def test_rows_auto_and_ranking(report):
    labels = [r.label for r in report.results]
    assert set(SPECS) <= set(labels)
    auto = [r for r in report.results if r.name == "auto"]
    assert len(auto) == 1 and sum(auto[0].choices.values()) == 3
    assert set(auto[0].choices) <= set(SPECS)
    assert report.rank_by == "adaptive"
    vals = [r.metrics["adaptive"] for r in report.results]
    assert vals == sorted(vals, reverse=True)
    assert [r.rank for r in report.results] == [1, 2, 3, 4]
    # best per column: lower-better metrics pick the minimum
    cut = {r.label: r.metrics["blocks_cut"] for r in report.results}
    assert all(cut[lab] == min(cut.values()) for lab in report.best["blocks_cut"])
    assert report.auto_vs_best["best_single"] in SPECS


def test_a_row_equals_score_of_the_same_chunks(report, tmp_path):
    st = parse_strategy("recursive:max_tokens=128")
    files = [EXAMPLES / "node-path.md", EXAMPLES / "rust-ownership.html", EXAMPLES / "emma-opening.txt"]
    out = tmp_path / "c.jsonl"
    with out.open("wb") as fh:
        for f in files:
            parsed = parse_bytes(f.read_bytes(), ParseContext(str(f), str(f), ParseOptions()))
            for c in segment(parsed, st):
                fh.write(dumps_line(c))
    ref = score(ScoreOptions(chunks=str(out), docs=tuple(str(f) for f in files), max_size=128, semantic=True))
    from chunkline.scoring.api import metric_names

    assert list(ref.metrics) == metric_names(ScoreOptions(chunks=str(out), max_size=128, semantic=True), False)
    row = next(r for r in report.results if r.label == st.label)
    for name, value in ref.metrics.items():
        if name == "unlocated":
            continue
        assert row.metrics[name] == pytest.approx(value), name


def test_show_lists_every_chunk_start_of_both(report):
    show = report.show
    assert show.a.startswith("fixed") and show.b.startswith("structure")
    text = (EXAMPLES / "node-path.md").read_text(encoding="utf-8")
    assert show.rows[0].offset == 0 and show.rows[0].a == 0 and show.rows[0].b == 0
    assert sum(r.a is not None for r in show.rows) > sum(r.b is not None for r in show.rows)
    for r in show.rows:
        assert " ".join(text[r.offset:].split()).startswith(r.snippet[:20])


def test_html_report_is_self_contained(report):
    page = render(report)
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page
    assert page.count("<svg") == 2  # sizes and metric bars; no questions, no recall plot
    assert 'id="sizes"' in page and 'id="metrics"' in page
    assert not re.search(r"(https?:)?//[a-z]", page, re.I), "external URL in the report"
    assert "<script" not in page and "<link" not in page
    for spec in SPECS:
        assert spec in page
    assert page.count("<tr>") == 1 + len(report.results)



def test_metric_bar_labels_do_not_run_into_each_other(report):
    from chunkline.scoring.report_html import _label_width, metric_bars_svg

    svg = metric_bars_svg(report)
    labels = re.findall(r'<text x="(\d+)" y="\d+" font-size="11">([^<]+)</text>', svg)
    assert any(t.startswith("references_completeness") for _, t in labels)
    for (x0, t0), (x1, _) in zip(labels, labels[1:]):
        assert int(x1) - int(x0) >= _label_width(t0), t0


def test_retrieval_on_emma_and_recall_plot(shared):
    emma = shared / "gutenqa_emma"
    rep = compare(CompareOptions(
        paths=(str(emma / "emma.txt"),), strategies=(parse_strategy("fixed:max_tokens=256"), parse_strategy("structure:max_tokens=512")),
        questions=str(emma / "emma_questions.jsonl"), semantic=False, boundaries=False, include_auto=False,
    ))
    assert rep.questions == 30 and rep.rank_by == "recall@5"
    for r in rep.results:
        assert 0.3 <= r.metrics["recall@5"] <= 1.0
        assert r.metrics["recall@1"] <= r.metrics["recall@5"] <= r.metrics["recall@20"]
    page = render(rep)
    assert page.count("<svg class=\"plot\"") == 3 and 'id="recall"' in page
    # the names --rank-by is checked against up front are exactly a row's metrics
    for r, st in zip(rep.results, rep.results):
        assert list(r.metrics) == row_metric_names(parse_strategy(st.label), CompareOptions(paths=("x",), ks=(1, 2, 5, 10, 20)), True)


def test_defaults_fit_the_formats():
    names = [s.name for s in default_strategies(["markdown"])]
    assert "ast" not in names and "legal" not in names and "auto" not in names
    assert {"fixed", "sentence", "recursive", "structure"} <= set(names)
    assert "ast" in [s.name for s in default_strategies(["code", "markdown"])]
    assert len({s.budget.tokenizer for s in default_strategies(["code"])}) == 1


def test_config_grid(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('strategies = ["fixed:max_tokens=64"]\n[defaults]\noverlap = 0\n[[strategy]]\nname = "recursive"\nmax_tokens = [128, 256]\nseparators = ["prose", "markdown"]\n')
    labels = [s.label for s in load_config(str(cfg))]
    assert labels[0] == "fixed:max_tokens=64"
    assert len(labels) == 5 and "recursive:max_tokens=256,separators=markdown" in labels
    bad = tmp_path / "b.toml"
    bad.write_text("[[strategy]]\nname = 'recursive'\nnope = 1\n")
    with pytest.raises(UsageError, match="no option 'nope'"):
        load_config(str(bad))
    bad.write_text("not = [toml")
    with pytest.raises(UsageError, match="not valid TOML"):
        load_config(str(bad))


def test_auto_row_needs_one_tokenizer():
    assert auto_strategy([parse_strategy("fixed:max_tokens=64"), parse_strategy("recursive:max_tokens=64,tokenizer=words")]) is None
    a = auto_strategy([parse_strategy("fixed:max_tokens=64"), parse_strategy("recursive:max_tokens=128,separators=prose")])
    assert a.budget.max_size == 128 and "recursive:max_tokens=128;separators=prose" in a.params.candidates


def test_usage_errors(tmp_path):
    with pytest.raises(UsageError):
        CompareOptions(paths=("-",))
    with pytest.raises(UsageError, match="twice"):
        CompareOptions(paths=("x",), strategies=(parse_strategy("fixed"), parse_strategy("fixed")))
    with pytest.raises(UsageError, match="rank_by"):
        compare(CompareOptions(paths=(str(EXAMPLES / "emma-opening.txt"),), strategies=(parse_strategy("fixed"),), rank_by="recall@5", semantic=False))
    with pytest.raises(UsageError, match="no files match"):
        compare(CompareOptions(paths=(str(tmp_path / "none*.txt"),)))


def test_mistakes_in_the_request_are_reported_before_chunking(tmp_path, monkeypatch):
    """A missing --questions file, an unknown --rank-by or --show document: said before any strategy runs."""
    import chunkline.scoring.compare as compare_mod

    calls = []
    monkeypatch.setattr(compare_mod, "segment", lambda parsed, st: calls.append(st) or [])
    doc = str(EXAMPLES / "emma-opening.txt")
    base = dict(paths=(doc,), strategies=(parse_strategy("fixed"), parse_strategy("recursive")), semantic=False)
    with pytest.raises(InputError, match="no such file"):
        compare(CompareOptions(**base, questions=str(tmp_path / "qa.jsonl")))
    with pytest.raises(UsageError, match="rank_by coverge: not a metric"):
        compare(CompareOptions(**base, rank_by="coverge"))
    with pytest.raises(UsageError, match="show_pair: no compared strategy 'semantic'"):
        compare(CompareOptions(**base, show="emma-opening.txt", show_pair=("fixed", "semantic")))
    with pytest.raises(UsageError, match="show needs two strategies"):
        compare(CompareOptions(**{**base, "strategies": (parse_strategy("fixed"),)}, include_auto=False, show="emma-opening.txt"))
    assert calls == []
    with pytest.raises(UsageError, match="show nothere.md: not among"):
        compare(CompareOptions(**base, show="nothere.md"))
    with pytest.raises(UsageError, match="retriever must be one of"):
        compare(CompareOptions(**base, retriever="nope"))
    with pytest.raises(UsageError, match="embedder must be one of lexical, minilm"):
        compare(CompareOptions(**base, embedder="nope"))
    with pytest.raises(UsageError, match="embedder must be one of"):
        ScoreOptions(chunks="c.jsonl", embedder="nope")


def test_compare_uses_only_the_public_scoring_steps():
    """``compare`` computes its rows with ``api``'s documented steps, not its private helpers."""
    import ast
    import inspect

    from chunkline.scoring import api, compare as compare_mod

    public = {"size_metrics", "intrinsic_metrics", "retrieve", "retrieval_metrics"}
    assert public <= set(api.__all__) and all(callable(getattr(api, n)) for n in public)
    tree = ast.parse(inspect.getsource(compare_mod))
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "api"}
    assert used and not {u for u in used if u.startswith("_")}, used
    assert used <= set(api.__all__), used


def test_ties_keep_the_order_the_strategies_were_given(tmp_path):
    """Equal metrics used to come out in label order; now singles, then the given order (documented in --rank-by)."""
    doc = tmp_path / "short.txt"
    doc.write_text("One short paragraph. It fits any budget.\n")
    for specs in (("recursive:max_tokens=400", "fixed:max_tokens=400"), ("fixed:max_tokens=400", "recursive:max_tokens=400")):
        rep = compare(CompareOptions((str(doc),), tuple(parse_strategy(s) for s in specs), semantic=False, boundaries=False))
        singles = [r.label for r in rep.results if r.name != "auto"]
        assert singles == [parse_strategy(s).label for s in specs]
        assert rep.results[-1].name == "auto"  # tied with the singles: after them


def test_show_defaults_to_the_best_single_and_the_next_that_differs():
    from chunkline.scoring.compare import StrategyResult, default_show_pair

    def row(label, name):
        return StrategyResult(label, name, "h", {}, ())

    auto, x, y, z = row("auto", "auto"), row("x", "fixed"), row("y", "recursive"), row("z", "structure")
    starts = {"auto": (0, 10), "x": (0, 10), "y": (0, 10), "z": (0, 7)}
    a, b = default_show_pair([auto, x, y, z], lambda r: starts[r.label])
    assert (a.label, b.label) == ("x", "z")  # was ranks 1 and 2: auto and the strategy it copied
    starts["z"] = (0, 10)
    assert [r.label for r in default_show_pair([auto, x, y, z], lambda r: starts[r.label])] == ["x", "y"]
    assert [r.label for r in default_show_pair([x, auto], lambda r: starts[r.label])] == ["x", "auto"]


def test_report_table_opens_with_rank_strategy_and_the_ranking_metric(report):
    """45 columns were cut off before the one the ranking is by: it now comes right after the strategy."""
    page = render(report)
    heads = re.findall(r"<th(?:\s[^>]*)?>([^<]*)", page[page.index("<table") :])
    assert heads[:2] == ["#", "strategy"] and heads[2].split()[0] == report.rank_by
    assert 'class="l c1"' in page and "position:sticky" in page  # rank and strategy stay in view while the table scrolls


def test_recall_lines_with_equal_values_stay_distinguishable(report):
    """auto and the strategy it picked have the same recall@k: one line hid the other."""
    import dataclasses

    from chunkline.scoring.report_html import recall_svg

    curve = {"recall@1": 0.5, "recall@5": 0.75, "recall@20": 0.9}
    rows = tuple(dataclasses.replace(r, metrics={**r.metrics, **curve}) for r in report.results)
    svg = recall_svg(dataclasses.replace(report, results=rows, questions=10))
    lines = re.findall(r'<polyline class="recall-line" fill="none" stroke="([^"]+)" stroke-width="2"(?: stroke-dasharray="([^"]+)")? points="([^"]+)"', svg)
    assert len(lines) == len(rows) >= 3
    assert len({(c, d) for c, d, _ in lines}) == len(lines), "two lines share colour and dash pattern"
    assert len({pts for _, _, pts in lines}) == len(lines), "two lines drawn through the same points"
    assert len({d for _, d, _ in lines}) == len(lines), "dash patterns repeat"
    labels = re.findall(r'<text class="end-label" x="[\d.]+" y="([\d.]+)"', svg)
    ys = sorted(float(y) for y in labels)
    assert len(ys) == len(rows) and all(b - a >= 12 for a, b in zip(ys, ys[1:])), "end labels overlap"


def test_auto_over_mixed_budgets_is_labelled_with_their_range():
    """auto over 256- and 512-token candidates was shown as "auto:max_tokens=512"."""
    from chunkline.scoring.report_html import short_label

    mixed = auto_strategy([parse_strategy(s) for s in ("fixed:max_tokens=256", "recursive:max_tokens=512", "sentence:max_tokens=512")])
    assert mixed is not None
    assert short_label(mixed.label, "auto") == "auto:max_tokens=256..512 (best of 3)"
    same = auto_strategy([parse_strategy(s) for s in ("fixed:max_chars=900", "recursive:max_chars=900")])
    assert same is not None and short_label(same.label, "auto") == "auto:max_chars=900 (best of 2)"


def test_compare_labels_the_unit_sizes_count_in(report):
    """ast alone counts nws: a table mixing it with token budgets says each row's unit."""
    assert report.units_note() == "sizes in cl100k_base tokens"
    assert "sizes in cl100k_base tokens" in render(report)
    mixed = compare(CompareOptions(paths=(str(EXAMPLES / "textwrap.py"),), strategies=(parse_strategy("ast:max_tokens=400"), parse_strategy("recursive:max_tokens=128")),
                                   semantic=False, boundaries=False, include_auto=False))
    note = mixed.units_note()
    assert "ast:max_tokens=400: nws (non-whitespace characters)" in note and "recursive:max_tokens=128: cl100k_base tokens" in note
