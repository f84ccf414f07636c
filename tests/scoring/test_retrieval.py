"""Retrieval metrics on hand-built cases and on GutenQA's Emma (../shared/gutenqa_emma)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from chunkline.scoring import ScoreOptions, score
from chunkline.scoring.questions import Question
from chunkline.scoring.retrieval import ChunkTable, paired_bootstrap, score_questions

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[2] / "../shared")
EMMA = SHARED / "gutenqa_emma"


def _table(spans):
    return ChunkTable(
        doc=np.array([d for d, _, _ in spans]), start=np.array([s for _, s, _ in spans]), end=np.array([e for _, _, e in spans]),
        texts=tuple("x" for _ in spans),
    )


def test_chroma_and_gutenqa_metrics_by_hand():
    table = _table([(0, 0, 10), (0, 10, 20), (0, 20, 30), (1, 0, 40)])
    q_split = Question("q", ((0, 5, 15),))  # evidence straddles chunks 0 and 1
    q_inside = Question("q", ((0, 12, 18),))  # evidence inside chunk 1
    ranks = np.array([[1, 3, 0, 2], [3, 1, 0, 2]])
    qs = score_questions(table, [q_split, q_inside], ranks, ks=(1, 2), k=2)
    # q_split, top-2 = chunk 1 [10,20) + chunk 3 (other doc, 40 chars): 5 evidence chars retrieved
    assert qs.recall[0] == pytest.approx(5 / 10)
    assert qs.precision[0] == pytest.approx(5 / 50)
    assert qs.iou[0] == pytest.approx(5 / (50 + 5))
    assert qs.precision_omega[0] == pytest.approx(10 / 20)  # U = [0, 20)
    assert qs.mrr[0] == 0 and qs.recall_at[2][0] == 0  # no chunk contains [5, 15)
    # q_inside: top-2 = chunk 3 then chunk 1 (contains it, rank 2)
    assert qs.recall[1] == 1.0 and qs.precision[1] == pytest.approx(6 / 50)
    assert qs.precision_omega[1] == pytest.approx(6 / 10)
    assert qs.mrr[1] == 0.5 and qs.recall_at[1][1] == 0 and qs.recall_at[2][1] == 1
    assert qs.dcg_at[2][1] == pytest.approx(1 / np.log2(3))


def test_overlapping_retrieved_chunks_cost_precision_not_recall():
    table = _table([(0, 0, 10), (0, 5, 15)])
    qs = score_questions(table, [Question("q", ((0, 5, 10),))], np.array([[0, 1]]), ks=(1,), k=2)
    assert qs.recall[0] == 1.0
    assert qs.precision[0] == pytest.approx(5 / 20)  # lengths summed, the overlap counts twice


def test_paired_bootstrap():
    a = np.array([1, 1, 0, 1, 0, 1, 1, 1.0])
    diff, lo, hi = paired_bootstrap(a, a)
    assert (diff, lo, hi) == (0.0, 0.0, 0.0)
    b = np.zeros_like(a)
    diff, lo, hi = paired_bootstrap(a, b, resamples=2000)
    assert diff == pytest.approx(0.75) and 0.3 < lo < 0.75 < hi <= 1.0


def _lumber_chunks(tmp_path: Path) -> Path:
    text = (EMMA / "emma.txt").read_text(encoding="utf-8")
    out = tmp_path / "lumber.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for line in (EMMA / "emma_lumberchunker_chunks.jsonl").read_text().splitlines():
            c = json.loads(line)
            fh.write(json.dumps({"text": text[c["start"]:c["end"]], "doc": "emma.txt", "start_index": c["start"], "end_index": c["end"]}) + "\n")
    return out


@pytest.mark.skipif(not EMMA.is_dir(), reason="../shared/gutenqa_emma not available")
def test_emma_lumberchunker_reference(tmp_path):
    """Every GutenQA evidence span lies inside one LumberChunker chunk (README), so with
    all chunks ranked every question is found and precision-Ω is evidence / chunk length."""
    chunks = _lumber_chunks(tmp_path)
    rep = score(ScoreOptions(chunks=str(chunks), docs=(str(EMMA / "emma.txt"),), questions=str(EMMA / "emma_questions.jsonl"),
                             k=476, ks=(1, 5, 476), semantic=False, boundaries=False))
    m = rep.metrics
    assert rep.located == {"offsets": 476, "search": 0, "relaxed": 0} and rep.unlocated == 0
    assert m["coverage"] == pytest.approx(1.0) and m["redundancy"] == 0
    assert m["recall@476"] == 1.0 and m["recall"] == 1.0
    questions = [json.loads(line) for line in (EMMA / "emma_questions.jsonl").read_text().splitlines()]
    spans = [json.loads(line) for line in (EMMA / "emma_lumberchunker_chunks.jsonl").read_text().splitlines()]
    omega = [(q["end"] - q["start"]) / (spans[q["gemini_chunk_ids"][0]]["end"] - spans[q["gemini_chunk_ids"][0]]["start"]) for q in questions]
    assert m["precision_omega"] == pytest.approx(np.mean(omega), abs=1e-6)
    assert 0.3 <= m["recall@5"] <= 1.0  # BM25 finds most passages in the top 5
    assert m["recall@1"] <= m["recall@5"] and m["dcg@1"] <= m["dcg@5"]


@pytest.mark.skipif(not EMMA.is_dir(), reason="../shared/gutenqa_emma not available")
def test_emma_baseline_comparison(tmp_path):
    chunks = _lumber_chunks(tmp_path)
    paras = tmp_path / "paras.jsonl"
    text = (EMMA / "emma.txt").read_text(encoding="utf-8")
    with paras.open("w", encoding="utf-8") as fh:
        for line in (EMMA / "emma_paragraphs.jsonl").read_text().splitlines():
            p = json.loads(line)
            fh.write(json.dumps({"text": text[p["start"]:p["end"]]}) + "\n")  # offsets recovered by search
    rep = score(ScoreOptions(chunks=str(chunks), docs=(str(EMMA / "emma.txt"),), questions=str(EMMA / "emma_questions.jsonl"),
                             baseline=str(paras), semantic=False, boundaries=False, bootstrap_resamples=500))
    cmp = rep.comparison["metrics"]["recall@5"]
    assert cmp["ci95"][0] <= cmp["diff"] <= cmp["ci95"][1]
    assert rep.comparison["baseline_unlocated"] == 0
    # paragraphs are far smaller than the evidence passages: few are contained whole
    assert cmp["baseline"] < cmp["value"]
