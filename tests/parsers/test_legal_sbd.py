"""Legal sentence boundaries against the shared gold sample (exact trimmed spans).

The sample is a check, not a training set: the rules are general legal
conventions (abbreviations, citations, captions, list numbers).  Fails when
the decisions' micro F1 drops below 0.93 (issue 5's floor; the target and
the measured numbers are in bench/README.md, from bench/legal_sbd.py).
"""

from __future__ import annotations

import json

from chunkline.parsers.legal import legal_sentence_spans


def _f1(recs) -> float:
    tp = n_pred = n_gold = 0
    for rec in recs:
        pred = set(legal_sentence_spans(rec["text"]))
        gold = {tuple(s) for s in rec["sentences"]}
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    return 2 * p * r / (p + r)


def test_decisions_f1_at_least_093(shared):
    path = shared / "legal_sbd" / "us_adjudicatory_decisions_sample.jsonl"
    with open(path, encoding="utf-8") as f:  # not splitlines(): texts contain U+2028
        recs = [json.loads(line) for line in f if line.strip()]
    assert len(recs) == 16
    f1 = _f1(recs)
    assert f1 >= 0.93, f"legal SBD F1 {f1:.3f} < 0.93"
    for name in ("bva", "cyber_crime", "intellectual_property", "scotus"):
        part = _f1([r for r in recs if r["dataset"] == name])
        assert part >= 0.88, f"{name}: F1 {part:.3f}"
