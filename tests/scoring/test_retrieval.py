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


def _reference_bm25(chunks, query, k1=1.5, b=0.75):
    """Robertson/Sparck Jones BM25 with Lucene's idf, written out term by term (the test's own)."""
    import math
    import re

    import bm25s

    stop = set(bm25s.stopwords.STOPWORDS_EN)
    words = lambda t: [w for w in re.findall(r"\w+", t.lower()) if w not in stop]  # noqa: E731
    docs = [words(c) for c in chunks]
    n, avg = len(docs), sum(map(len, docs)) / len(docs)
    out = []
    for d in docs:
        s = 0.0
        for w in words(query):
            df = sum(w in x for x in docs)
            if df:
                tf = d.count(w)
                s += math.log(1 + (n - df + 0.5) / (df + 0.5)) * tf / (tf + k1 * (1 - b + b * len(d) / avg))
        out.append(s)
    return np.array(out)


def test_bm25_ranks_by_the_reference_formula_and_breaks_ties_in_chunk_order():
    from chunkline.scoring.retrieval import bm25_rankings

    chunks = ["Emma Woodhouse handsome clever rich", "Mr Knightley visits Hartfield often", "Emma and Harriet walk to Highbury",
              "Highbury Highbury Highbury gossip", "Frank Churchill letter", "Emma Emma", "Frank Churchill letter"]
    queries = ["Who visits Hartfield?", "Emma walks to Highbury", "Emma Emma letter", "letter", "the of and", "zzz"]
    ranks = bm25_rankings(chunks, queries, depth=100)
    assert ranks.shape == (len(queries), len(chunks))
    for q, row in zip(queries, ranks):
        ref = _reference_bm25(chunks, q)
        assert list(row) == list(np.argsort(-ref, kind="stable")), q
    # chunks 4 and 6 are identical; every chunk without "letter" scores 0: all in chunk order
    assert list(ranks[3]) == [4, 6, 0, 1, 2, 3, 5]
    assert list(ranks[4]) == list(ranks[5]) == list(range(7))  # no known word
    assert bm25_rankings(["the of", "and"], ["of"], depth=1).tolist() == [[0]]  # every chunk all stopwords


def test_dense_rankings_are_cosine_with_duplicates_in_chunk_order():
    from chunkline.scoring.retrieval import dense_rankings

    chunks = ["the cat sat on the mat", "stock markets fell sharply", "a kitten naps on a rug", "the cat sat on the mat"]
    ranks = dense_rankings(chunks, ["cat mat", "stock markets"], 4, "lexical")
    assert ranks[0][:2].tolist() == [0, 3] and ranks[1][0] == 1


def _write_jsonl(path: Path, rows) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


DOC_A = "Café owners brew espresso daily.\nThe grinder hums loudly.\n\nTea drinkers prefer oolong leaves.\nKettles whistle at dawn.\n"
DOC_B = "Rivers carve canyons slowly.\nGlaciers polish granite.\n"


def _hand_case(tmp_path: Path, chunk_rows) -> dict:
    (tmp_path / "a.txt").write_text(DOC_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DOC_B, encoding="utf-8")

    def ref(doc, text, needle):
        s = text.index(needle)
        return {"doc": doc, "start": s, "end": s + len(needle)}

    questions = _write_jsonl(tmp_path / "q.jsonl", [
        {"question": "grinder hums", "references": [ref("a.txt", DOC_A, "grinder hums")]},  # inside chunk 1
        {"question": "espresso grinder", "references": [ref("a.txt", DOC_A, "daily.\nThe grinder")]},  # straddles 0|1
        {"question": "oolong glaciers", "references": [ref("a.txt", DOC_A, "oolong"), ref("b.txt", DOC_B, "Glaciers")]},
        {"question": "café", "references": [ref("a.txt", DOC_A, "Café")]},  # Unicode, str offsets
    ])
    chunks = _write_jsonl(tmp_path / "chunks.jsonl", chunk_rows)
    rep = score(ScoreOptions(chunks=chunks, docs=(str(tmp_path / "a.txt"), str(tmp_path / "b.txt")), questions=questions,
                             k=1, ks=(1, 2, 10), boundaries=False))
    return rep


def test_retrieval_metrics_by_hand_end_to_end(tmp_path):
    """Four chunks [0,32) [33,57) [59,118) of a.txt and [0,53) of b.txt; top-1 by BM25 is
    chunk 1, chunk 1 (shorter than chunk 0), chunk 3 (shorter than chunk 2), chunk 0."""
    spans = [("a.txt", DOC_A, 0, 32), ("a.txt", DOC_A, 33, 57), ("a.txt", DOC_A, 59, 118), ("b.txt", DOC_B, 0, 53)]
    rep = _hand_case(tmp_path, [{"text": t[s:e], "doc": d, "start": s, "end": e} for d, t, s, e in spans])
    m = rep.metrics
    per_q = rep.retrieval["per_question"]
    assert [q["recall"] for q in per_q] == pytest.approx([1.0, 11 / 18, 8 / 14, 1.0])
    assert [q["precision"] for q in per_q] == pytest.approx([12 / 24, 11 / 24, 8 / 53, 4 / 32])
    assert [q["iou"] for q in per_q] == pytest.approx([12 / 24, 11 / 31, 8 / 59, 4 / 32])
    assert [q["first_rank"] for q in per_q] == [1.0, None, 1.5, 1.0]
    assert m["recall@1"] == pytest.approx((1 + 0 + 0.5 + 1) / 4)
    assert m["recall@2"] == m["recall@10"] == pytest.approx(3 / 4)  # k beyond the 4 chunks changes nothing
    assert m["mrr"] == pytest.approx((1 + 0 + 0.75 + 1) / 4)
    assert m["dcg@2"] == pytest.approx((1 + 0 + (1 + 1 / np.log2(3)) / 2 + 1) / 4)
    # U ∩ E / U ∪ E: 12/24; [26,44) over chunks 0 and 1 minus the newline at 32: 17/57; 14/112; 4/32
    assert m["precision_omega"] == pytest.approx((12 / 24 + 17 / 57 + 14 / 112 + 4 / 32) / 4)


def test_foreign_chunks_located_by_search_score_the_same(tmp_path):
    """Byte offsets (off by one after 'é'), whitespace collapsed, no document named, a duplicate:
    located by search, the numbers are those of the exact chunks (the duplicate ranks second)."""
    rows = [
        {"text": "Café owners brew espresso daily.", "metadata": {"source": "a.txt", "start_index": 0, "end_index": 33}},
        {"text": "The grinder hums loudly.", "doc": "a.txt", "start_index": 34, "end_index": 58},
        {"text": "Tea drinkers prefer oolong leaves. Kettles whistle at dawn.", "doc": "a.txt"},
        {"text": "Rivers carve canyons slowly.\nGlaciers polish granite."},
        {"text": "Tea drinkers prefer oolong leaves. Kettles whistle at dawn.", "doc": "a.txt"},
        {"text": "Nothing like this exists", "doc": "a.txt"},
    ]
    rep = _hand_case(tmp_path, rows)
    assert rep.located == {"offsets": 0, "search": 3, "relaxed": 2} and rep.unlocated == 1
    m = rep.metrics
    assert m["recall@1"] == pytest.approx(0.625) and m["mrr"] == pytest.approx(0.6875)
    assert m["recall"] == pytest.approx((1 + 11 / 18 + 8 / 14 + 1) / 4)


def test_empty_question_is_an_input_error(tmp_path):
    from chunkline.core.errors import InputError

    (tmp_path / "a.txt").write_text(DOC_A, encoding="utf-8")
    chunks = _write_jsonl(tmp_path / "c.jsonl", [{"text": DOC_A.strip()}])
    q = _write_jsonl(tmp_path / "q.jsonl", [{"question": "  ", "start": 0, "end": 4}])
    with pytest.raises(InputError, match="line 1: the question is empty"):
        score(ScoreOptions(chunks=chunks, docs=(str(tmp_path / "a.txt"),), questions=q, boundaries=False))


def test_embed_context_ranks_context_plus_text(tmp_path):
    """A context naming the question's words lifts its chunk only with ``embed_context``."""
    spans = [("a.txt", DOC_A, 0, 32), ("a.txt", DOC_A, 33, 57), ("a.txt", DOC_A, 59, 118), ("b.txt", DOC_B, 0, 53)]
    rows = [{"text": t[s:e], "doc": d, "start": s, "end": e} for d, t, s, e in spans]
    rows[3]["context"] = "café café café"
    base = _hand_case(tmp_path, rows)
    assert base.retrieval["per_question"][3]["first_rank"] == 1.0  # chunk 0 holds "Café"
    opts = ScoreOptions(chunks=str(tmp_path / "chunks.jsonl"), docs=(str(tmp_path / "a.txt"), str(tmp_path / "b.txt")),
                        questions=str(tmp_path / "q.jsonl"), k=1, ks=(1,), boundaries=False, embed_context=True)
    ctx = score(opts)
    assert ctx.retrieval["per_question"][3]["first_rank"] == 2.0  # b.txt's chunk now ranks first on its context
    assert ctx.settings["embed_context"] is True
