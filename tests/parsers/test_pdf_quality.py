"""Quality thresholds against docling's ground truth (bench/pdf_quality.py):
a regression in headings, coverage, order, furniture or tables fails CI."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("pymupdf")

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "pdf_quality.py"
_spec = importlib.util.spec_from_file_location("pdf_quality", _BENCH)
pdf_quality = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("pdf_quality", pdf_quality)
_spec.loader.exec_module(pdf_quality)

# Measured values of the default (rules) mode when these were set, minus a small margin.
THRESHOLDS = {
    "heading_f1": 0.88,
    "heading_p": 0.92,
    "heading_r": 0.85,
    "coverage": 0.95,
    "order": 0.985,
    "furniture_p": 0.92,
    "furniture_r": 0.80,
    "table_p": 0.68,
    "table_r": 0.75,
}


@pytest.mark.skipif(not pdf_quality.truth_files(), reason="../shared/pdfs/groundtruth not present")
def test_default_mode_meets_quality_thresholds():
    total, _per_file = pdf_quality.score_corpus("rules")
    missed = {k: round(total[k], 3) for k, v in THRESHOLDS.items() if total[k] < v}
    assert not missed, f"below threshold: {missed} (all: { {k: round(v, 3) for k, v in total.items()} })"


def test_scorer_counts_misses():
    truth = pdf_quality.Truth(headings=["1 Introduction", "2 Methods"], paragraphs=["a" * 40 + "x", "b" * 40 + "y"])
    pred = pdf_quality.Prediction(["1 Introduction", "Noise"], "b" * 40 + "y\n" + "a" * 40 + "x", [], [])
    m = pdf_quality.score(pred, truth).metrics()
    assert m["heading_p"] == 0.5 and m["heading_r"] == 0.5
    assert m["coverage"] == 1.0 and m["order"] == 0.0
