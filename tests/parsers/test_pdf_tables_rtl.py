"""PDF tables built from ruling lines and aligned columns (no PyMuPDF table
finder in the default mode), right-to-left repairs, the example PDF, and the
unavailable layout-model mode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pymupdf = pytest.importorskip("pymupdf")

from chunkline.core.errors import UsageError
from chunkline.core.records import verify
from chunkline.parsers.pdf.text import fix_rtl_ligatures
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or ROOT / "../shared").resolve()
EXAMPLE = ROOT / "examples" / "emma-opening.pdf"


def parse(data: bytes, **opts):
    return parse_bytes(data, ParseContext("x.pdf", None, ParseOptions(format="pdf", **opts)))


def _ruled_table_pdf(rows: list[list[str]], vertical: bool = True) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 80), "A page with a measured table and some prose around it.", fontsize=10)
    x = [72, 200, 330, 460]
    y0, h = 120, 20
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            page.insert_text((x[c] + 4, y0 + r * h + 14), cell, fontsize=10)
    for r in range(len(rows) + 1):
        page.draw_line((x[0], y0 + r * h), (x[-1], y0 + r * h), width=0.5)
    if vertical:
        for xx in x:
            page.draw_line((xx, y0), (xx, y0 + len(rows) * h), width=0.5)
    page.insert_text((72, y0 + len(rows) * h + 30), "The table above lists three metals and their densities.", fontsize=10)
    return doc.tobytes()


ROWS = [["Metal", "Density", "Melting point"], ["Iron", "7.87", "1538"], ["Copper", "8.96", "1085"], ["Gold", "19.3", "1064"]]


@pytest.fixture
def no_table_finder(monkeypatch):
    """The default mode must never pay for page.find_tables()."""

    def boom(*_a, **_k):
        raise AssertionError("find_tables called in the default mode")

    monkeypatch.setattr(pymupdf.Page, "find_tables", boom)


def test_ruled_grid_becomes_one_table_with_exact_cells(no_table_finder):
    parsed = parse(_ruled_table_pdf(ROWS))
    verify(parsed.document.text, parsed.blocks)
    (table,) = [b for b in parsed.blocks if b.kind == "table"]
    assert table.meta["rows"] == ROWS
    assert table.meta["markdown"].splitlines()[0] == "| Metal | Density | Melting point |"
    # cell text is not repeated as paragraphs
    assert not any(b.kind == "paragraph" and "Copper" in b.text for b in parsed.blocks)


def test_booktabs_table_without_vertical_rules(no_table_finder):
    parsed = parse(_ruled_table_pdf(ROWS, vertical=False))
    (table,) = [b for b in parsed.blocks if b.kind == "table"]
    assert table.meta["rows"] == ROWS


def _header_above_grid_pdf(vertical: bool) -> bytes:
    """Column names on the page background, the ruled (or shaded) grid
    starting under them (p4llm national-capitals.pdf)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 80), "A page with a measured table and some prose around it.", fontsize=10)
    x = [72, 200, 330, 460]
    for c, name in enumerate(ROWS[0]):
        page.insert_text((x[c] + 4, 114), name, fontsize=10)
    y0, h = 120, 20
    body = ROWS[1:]
    for r, row in enumerate(body):
        for c, cell in enumerate(row):
            page.insert_text((x[c] + 4, y0 + r * h + 14), cell, fontsize=10)
    for r in range(len(body) + 1):
        page.draw_line((x[0], y0 + r * h), (x[-1], y0 + r * h), width=0.5)
    if vertical:
        for xx in x:
            page.draw_line((xx, y0), (xx, y0 + len(body) * h), width=0.5)
    return doc.tobytes()


@pytest.mark.parametrize("vertical", [True, False])
def test_a_header_row_above_the_rules_is_the_tables_first_row(no_table_finder, vertical):
    parsed = parse(_header_above_grid_pdf(vertical))
    verify(parsed.document.text, parsed.blocks)
    (table,) = [b for b in parsed.blocks if b.kind == "table"]
    assert table.meta["rows"] == ROWS
    assert not [b for b in parsed.blocks if b.kind == "paragraph" and b.text in ("Metal", "Density", "Melting point")]


def test_two_column_prose_is_not_a_table(no_table_finder):
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i in range(40):
        y = 80 + 16 * i
        page.insert_text((56, y), f"Left column line {i} of running text that fills it.", fontsize=9)
        page.insert_text((310, y), f"Right column line {i} of running text, also full.", fontsize=9)
    parsed = parse(doc.tobytes())
    assert not [b for b in parsed.blocks if b.kind == "table"]


@pytest.mark.skipif(not (SHARED / "pdfs").is_dir(), reason="../shared/pdfs not present")
def test_real_tables_without_the_finder(no_table_finder):
    path = SHARED / "pdfs" / "p4llm__national-capitals.pdf"
    parsed = parse_bytes(path.read_bytes(), ParseContext(path.name, str(path), ParseOptions(format="pdf")))
    tables = [b for b in parsed.blocks if b.kind == "table"]
    assert len(tables) == 6 and all(len(r) == 5 for t in tables for r in t.meta["rows"])
    assert ["Germany", "Berlin"] in [r[:2] for t in tables for r in t.meta["rows"]]


def test_lam_alef_ligature_back_in_logical_order():
    # "الإنتاجية" as Word writes it: the lam-alef glyph maps to "إل" (visual
    # order); MuPDF gives its first letter a zero-width box at the glyph's edge
    word = "اإلنتاجية"
    boxes = [(485.7, 488.6), (485.82, 485.82), (479.2, 485.82)] + [(470 - 5 * i, 475 - 5 * i) for i in range(6)]
    chars = [{"c": c, "bbox": (x0, 0, x1, 10)} for c, (x0, x1) in zip(word, boxes)]
    d = {"blocks": [{"type": 0, "lines": [{"spans": [{"text": word}]}]}]}
    raw = {"blocks": [{"type": 0, "lines": [{"spans": [{"chars": chars}]}]}]}
    assert fix_rtl_ligatures(d, raw) == 1
    assert d["blocks"][0]["lines"][0]["spans"][0]["text"] == "الإنتاجية"


def test_layout_model_mode_is_a_clear_usage_error():
    with pytest.raises(UsageError, match="not available yet"):
        parse(_ruled_table_pdf(ROWS), pdf_layout="model")


@pytest.mark.skipif(not EXAMPLE.exists(), reason="examples/emma-opening.pdf not built")
def test_example_pdf_structure():
    parsed = parse(EXAMPLE.read_bytes())
    verify(parsed.document.text, parsed.blocks)
    kinds = [(b.kind, b.text) for b in parsed.blocks]
    assert ("title", "Emma") in kinds
    heads = [b for b in parsed.blocks if b.kind == "heading" and b.text[:1].isdigit()]
    assert [h.text for h in heads] == ["1 Emma and Miss Taylor", "2 Mr. Woodhouse", "3 Mr. Knightley"]
    assert all(h.level == 1 for h in heads)
    (table,) = [b for b in parsed.blocks if b.kind == "table"]
    assert table.meta["rows"][0] == ["Character", "Relation to Emma", "First seen"]
    assert table.meta["rows"][-1] == ["Mr. Knightley", "brother-in-law's brother", "later"]
    n = parsed.document.meta["pages"]
    assert sorted(b.text for b in parsed.blocks if b.kind == "page_footer") == [f"Page {i} of {n}" for i in range(1, n + 1)]
    assert sum(b.kind == "page_header" for b in parsed.blocks) == n
    text = parsed.document.text
    # left column before right column, sections in order
    order = [
        "Emma Woodhouse, handsome",
        "Sixteen years had Miss Taylor",
        "The real evils, indeed",
        "in the shape of any disagreeable",  # top of the right column, under the centred title
        "The event had every promise",
        "2 Mr. Woodhouse",
        "3 Mr. Knightley",
    ]
    pos = [text.find(s) for s in order]
    assert all(p >= 0 for p in pos) and pos == sorted(pos)
    # the sentence cut at the foot of the left column is one block with a box per column
    (sorrow,) = [b for b in parsed.blocks if "Sorrow came" in b.text]
    assert "in the shape of any disagreeable" in sorrow.text and len(sorrow.bboxes) == 2
