"""MoC's boundary clarity and chunk stickiness from a model (``score --lm``), against the fake server."""

from __future__ import annotations

import json
import math


from chunkline.llm.client import LLMClient
from chunkline.llm.settings import LLMSettings
from chunkline.scoring import ScoreOptions, score
from chunkline.scoring.boundary import lm_boundary_scores

DOC = "Cats purr softly. Cats nap often.\n\nRain falls on roofs. Rain fills the rivers.\n\nCats chase mice at night.\n"


def test_lm_scores_follow_the_formulas(fake_llm, tmp_path):
    texts = ["Cats purr softly. Cats nap often.", "Rain falls on roofs. Rain fills the rivers.", "Cats chase mice at night."]
    client = LLMClient(LLMSettings(fake_llm.url, cache=str(tmp_path)))
    bc, cs = lm_boundary_scores(texts, client, "a.txt", band=2)
    assert len(bc) == 2 and all(b > 0 and not math.isnan(b) for b in bc)
    assert cs is not None and cs >= 0
    # the alignment probe, 3 alone, pairs (0,1) (0,2) (1,2)
    assert fake_llm.requests == 7


def test_score_lm_reports_beside_the_model_free_metrics(fake_llm, tmp_path):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    rows = []
    for part in DOC.strip().split("\n\n"):
        s = DOC.index(part)
        rows.append({"text": part, "doc": "a.txt", "start": s, "end": s + len(part)})
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    opts = ScoreOptions(chunks=str(tmp_path / "c.jsonl"), docs=(str(tmp_path / "a.txt"),), lm=LLMSettings(fake_llm.url, cache=str(tmp_path / "k")))
    rep = score(opts)
    for name in ("boundary_clarity", "chunk_stickiness", "lm_boundary_clarity", "lm_chunk_stickiness"):
        assert rep.metrics[name] is not None
    assert rep.settings["lm"]["usage"]["requests"] >= 1


def test_score_lm_failure_is_a_document_error(loopback_only, tmp_path):
    (tmp_path / "a.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": "Cats purr softly.", "doc": "a.txt"}) + "\n" + json.dumps({"text": "Cats chase mice at night.", "doc": "a.txt"}) + "\n")
    rep = score(ScoreOptions(chunks=str(tmp_path / "c.jsonl"), docs=(str(tmp_path / "a.txt"),), lm=LLMSettings("http://127.0.0.1:9", cache="none")))
    assert rep.metrics["lm_boundary_clarity"] is None
    assert len(rep.document_errors) == 1 and "unreachable" in rep.document_errors[0]
    assert rep.metrics["boundary_clarity"] is not None
