"""PDF parser: invariants, bad input, furniture, headings, hyphens, golden
reading order of the multi-column files in ../shared/pdfs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pymupdf = pytest.importorskip("pymupdf")

from chunkline.core.errors import FormatError, InputError
from chunkline.core.records import verify
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[2] / "../shared").resolve()
PDFS = SHARED / "pdfs"


def parse(data: bytes, name: str = "x.pdf", **opts):
    return parse_bytes(data, ParseContext(name, None, ParseOptions(format="pdf", **opts)))


def make_pdf(pages: list[list[tuple[float, float, str, float, str]]]) -> bytes:
    """Pages of (x, y, text, size, font) lines."""
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page(width=595, height=842)
        for x, y, text, size, font in lines:
            page.insert_text((x, y), text, fontsize=size, fontname=font)
    return doc.tobytes()


def body(n_pages: int = 3) -> list[list]:
    pages = []
    for p in range(n_pages):
        lines = [(72, 40, "Annual Report of the Example Society", 9, "helv")]
        y = 100
        if p == 0:
            lines.append((72, y, "1 Introduction", 16, "hebo"))
            y += 30
        lines.append((72, y, "2.1 Methods of measurement", 12, "hebo"))
        y += 24
        for i in range(8):
            lines.append((72, y, f"This is body text line {i} of page {p + 1} that runs along.", 10, "helv"))
            y += 13
        lines.append((300, 800, str(p + 1), 9, "helv"))
        pages.append(lines)
    return pages


def test_blocks_reproduce_document_text_and_furniture_is_labelled():
    parsed = parse(make_pdf(body()))
    verify(parsed.document.text, parsed.blocks)
    furn = [b for b in parsed.blocks if b.furniture]
    assert {b.kind for b in furn} == {"page_header", "page_footer"}
    assert sum(b.text == "Annual Report of the Example Society" for b in furn) == 3
    assert sorted(b.text for b in furn if b.kind == "page_footer") == ["1", "2", "3"]
    assert all(b.page and b.bboxes and b.bboxes[0][0] == b.page for b in parsed.blocks)
    # blocks are joined by a blank line
    assert "\n\n".join(b.text for b in parsed.blocks) == parsed.document.text


def test_heading_levels_from_size_and_numbering_and_section_path():
    parsed = parse(make_pdf(body(1)))
    heads = {b.text: b for b in parsed.blocks if b.kind in ("heading", "title")}
    assert heads["2.1 Methods of measurement"].level == 2
    assert heads["1 Introduction"].kind in ("heading", "title")
    para = next(b for b in parsed.blocks if "body text line" in b.text)
    assert para.kind == "paragraph" and para.section[-1] == "2.1 Methods of measurement"


def test_hyphenation_keeps_real_hyphens_and_records_soft_ones():
    lines = [
        (72, 100, "The measure-", 10, "helv"),
        (72, 113, "ment was taken with a state-of-", 10, "helv"),
        (72, 126, "the-art efficient device and a well-known trick; the", 10, "helv"),
        (72, 139, "data are well-", 10, "helv"),
        (72, 152, "known to all.", 10, "helv"),
    ]
    parsed = parse(make_pdf([lines]))
    para = next(b for b in parsed.blocks if b.kind == "paragraph")
    assert "measurement" in para.text
    assert "state-of-the-art" in para.text  # a compound broken at its hyphen keeps it
    assert "well-known to all" in para.text  # the document spells "well-known" elsewhere
    (pos,) = para.meta["soft_hyphens"]
    assert para.text[:pos] == "The measure"


def test_not_a_pdf_empty_and_truncated_are_format_errors():
    with pytest.raises(FormatError, match="not a PDF"):
        parse(b"hello, I am text pretending to be a PDF")
    with pytest.raises(FormatError, match="not a PDF"):
        parse(b"")
    good = make_pdf(body(2))
    with pytest.raises(FormatError, match="truncated|corrupt|no pages"):
        parse(good[: len(good) // 3])
    with pytest.raises(FormatError, match="corrupt|no pages|truncated"):
        parse(b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n")


def test_zero_pages_is_a_format_error():
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    with pytest.raises(FormatError, match="no pages"):
        parse(data)


def test_encrypted_with_user_password_needs_it_and_owner_only_opens():
    doc = pymupdf.open(stream=make_pdf(body(1)), filetype="pdf")
    locked = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(FormatError, match="encrypted") as exc:
        parse(locked)
    assert exc.value.kind == "encrypted"
    assert parse(locked, extra=(("pdf_password", "secret"),)).blocks
    doc = pymupdf.open(stream=make_pdf(body(1)), filetype="pdf")
    owner_only = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", permissions=0)
    assert any("Methods" in b.text for b in parse(owner_only).blocks)


def test_scanned_pages_warn_with_page_numbers_or_raise():
    doc = pymupdf.open(stream=make_pdf(body(2)), filetype="pdf")
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(200)
    for _ in range(2):
        page = doc.new_page()
        page.insert_image(page.rect, pixmap=pix)
    data = doc.tobytes()
    parsed = parse(data)
    assert parsed.warnings and "pages 3-4" in parsed.warnings[0]
    with pytest.raises(InputError, match="no text layer") as exc:
        parse(data, scanned="error")
    assert exc.value.kind == "scanned"


needs_shared = pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")


def _doc(name: str):
    path = PDFS / name
    return parse_bytes(path.read_bytes(), ParseContext(name, str(path), ParseOptions(format="pdf")))


def _in_order(text: str, snippets: list[str]) -> None:
    pos = -1
    for s in snippets:
        i = text.find(s)
        assert i > pos, f"{s!r} out of reading order (at {i}, previous at {pos})"
        pos = i


# Pinned by eye against page renderings: full-width heads first, then the left
# column top to bottom, then the right column.
GOLDEN = {
    "pymupdf__test_4435.pdf": [
        "The Logical Clarinet: Numerical Optimization",
        "The tone hole geometry of a clarinet is optimized",
        "1. Introduction",
        "Woodwind instruments of the orchestra have often attained",
        "Trying new configurations by the traditional method",
        "that the modifications tested by the instrument makers",
        "Nowadays, with mathematical models of the instrument",
    ],
    "pymupdf__2201.00069.pdf": [
        "MeerKAT, e-MERLIN, Swift and H.E.S.S., observations of three",
        "3.1.2 e-MERLIN detection of compact emission",
        "Compact persistent emission was detected",
        "No continuum emission was detected near FRBs",
        "Candidate pulses above a signal-to-noise",
        "The UVOT summed image is presented in Figure 4",
        "The XRT summed image is shown in Figure 5",
    ],
    "pymupdf__test_open2.pdf": [
        "Object/memory ownership is a long-standing problem",
        "The C++ language was standardized in 1998",
        "That still leaves the need for a parser",
        "High performance of the bindings",
        "The number of scientific libraries that come with Python",
    ],
    "docling__amt_handbook_sample.pdf": [
        "The two general types of self-locking nuts",
        "Boots Self-Locking Nut",
        "The spring keeps the locking and load-carrying sections",
        # the paragraph cut at the foot of the left column goes on at the top
        # of the right one: one block, before the figure's labels and caption
        "Boots self-locking nuts are made with three different spring styles",
        "the most common ranges in size for No. 6",
        "Figure 7-26. Self-locking nuts.",
        "Stainless Steel Self-Locking Nut",
        "Elastic Stop Nut",
        "Figure 7-27. Stainless steel self-locking nut.",
    ],
    "p4llm__test_370.pdf": [
        "Synthesis of Silyl Dienol Ethers via Peterson Olefination",
        "ABSTRACT: We report herein a general method",
        "Metal homoenolates are valuable nucleophiles",
        "Scheme 1. Strategies for",
        "To demonstrate the feasibility of our strategy",
    ],
    "pymupdf__test_3780.pdf": [
        "Quantum Computation under Micromotion in a Planar Ion Crystal",
        "We propose a scheme to realize scalable quantum computation",
        "Generic ion traps, on the other hand, could confine",
        "In this paper, we propose a scheme for scalable quantum",
    ],
}


@needs_shared
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_multi_column_reading_order_is_pinned(name):
    parsed = _doc(name)
    verify(parsed.document.text, parsed.blocks)
    _in_order(parsed.document.text, GOLDEN[name])


@needs_shared
def test_tables_have_rows_markdown_and_row_spans():
    parsed = _doc("p4llm__national-capitals.pdf")
    tables = [b for b in parsed.blocks if b.kind == "table"]
    assert len(tables) >= 5
    text = parsed.document.text
    for t in tables:
        rows = t.meta["rows"]
        assert t.text == "\n".join(" | ".join(r) for r in rows)
        assert [text[s:e] for s, e in t.meta["row_spans"]] == [" | ".join(r) for r in rows]
        assert t.meta["markdown"].startswith("| ") and "|---|" in t.meta["markdown"]
    assert any("Berlin" in t.text for t in tables)


@needs_shared
def test_ligatures_expanded_and_rotated_pages_read():
    parsed = _doc("pymupdf__text-find-ligatures.pdf")
    assert "\ufb02" not in parsed.document.text and "fl" in parsed.document.text
    rotated = _doc("pymupdf__test_2634.pdf")  # /Rotate 90 landscape pages
    assert sum(1 for b in rotated.blocks if b.kind == "paragraph") > 50


@needs_shared
def test_paragraph_cut_by_a_column_break_is_one_block_with_two_boxes():
    parsed = _doc("docling__amt_handbook_sample.pdf")
    (block,) = [b for b in parsed.blocks if "Boots self-locking nuts are made with three" in b.text]
    assert "the most common ranges in size for No. 6" in block.text
    assert len(block.bboxes) == 2 and block.bboxes[1][1] > block.bboxes[0][3]  # second box in the right column
    assert block.meta.get("continues") is True
