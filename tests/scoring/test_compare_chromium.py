"""The HTML report opened in headless Chromium (Debian ``chromium``); skipped when it is absent."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from chunkline.scoring.compare import CompareOptions, compare
from chunkline.scoring.report_html import write_report
from chunkline.segmenters import parse_strategy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_renders_table_and_plots(tmp_path):
    import numpy as np
    Image = pytest.importorskip("PIL.Image")

    rep = compare(CompareOptions(paths=(str(EXAMPLES / "node-path.md"),), strategies=(parse_strategy("fixed:max_tokens=128"), parse_strategy("structure:max_tokens=256"))))
    page = tmp_path / "report.html"
    write_report(rep, str(page))
    png = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", "--window-size=1200,1100", f"--screenshot={png}", page.as_uri()],
            check=True, timeout=90, capture_output=True,
        )
    img = np.asarray(Image.open(png).convert("RGB")).astype(int)
    # the best-value cells are green (#d8f5d0), the first strategy's bars blue (#1f77b4), the second's orange
    def has(rgb, tol=12):
        return bool((np.abs(img - np.array(rgb)).max(axis=2) <= tol).sum() > 50)

    assert has((0xD8, 0xF5, 0xD0)), "no highlighted table cell in the screenshot"
    assert has((0x1F, 0x77, 0xB4)) and has((0xFF, 0x7F, 0x0E)), "plot colours missing from the screenshot"
