"""PDF parser, fresh-eyes pass: running heads and stamps on single pages,
headings, table-of-contents entries, footnotes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pymupdf = pytest.importorskip("pymupdf")

from chunkline.core.records import verify
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[2] / "../shared").resolve()
PDFS = SHARED / "pdfs"
needs_shared = pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")


def parse(data: bytes):
    parsed = parse_bytes(data, ParseContext("x.pdf", None, ParseOptions(format="pdf")))
    verify(parsed.document.text, parsed.blocks)
    return parsed


def _doc(name: str):
    path = PDFS / name
    parsed = parse_bytes(path.read_bytes(), ParseContext(name, str(path), ParseOptions(format="pdf")))
    verify(parsed.document.text, parsed.blocks)
    return parsed


def one_page(lines, width=595, height=842) -> bytes:
    """One page of (x, y, text, size, font) lines."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    for x, y, text, size, font in lines:
        page.insert_text((x, y), text, fontsize=size, fontname=font)
    return doc.tobytes()


def prose(y: float, n: int = 10, size: float = 10) -> list:
    out = []
    for i in range(n):
        out.append((72, y, f"body text line {i} goes on about the measurements and what they show us", size, "helv"))
        y += size * 1.3
    return out


def by_text(parsed, start: str):
    (b,) = [b for b in parsed.blocks if b.text.startswith(start)]
    return b


def test_single_page_running_head_with_folio_is_furniture_even_when_set_large():
    # an italic 12 pt running title with its page number over 9 pt body text
    # (MNRAS style), and a journal stamp in small type at the foot
    lines = [(130, 86, "Observations of three localised bursts 5", 12, "helv")]
    lines += [(72, 118, "tion to sources within five arcseconds of the position.", 9, "helv")]
    lines += prose(131, 20, 9)
    lines += [(72, 800, "MNRAS 000, 1-15 (2021)", 8, "helv")]
    parsed = parse(one_page(lines))
    head = by_text(parsed, "Observations of three")
    assert head.furniture and head.kind == "page_header"
    foot = by_text(parsed, "MNRAS 000")
    assert foot.furniture and foot.kind == "page_footer"
    assert not any(b.kind == "title" for b in parsed.blocks)


def test_single_page_running_head_below_the_12_percent_band():
    # LNCS: 9 pt running head with the folio, well inside the top margin
    lines = [(190, 100, "Optimized Table Tokenization for Table Structure Recognition 9", 9, "helv")]
    lines += prose(125, 20)
    parsed = parse(one_page(lines, 612, 792))
    assert by_text(parsed, "Optimized Table").furniture


def test_real_titles_and_numbered_headings_at_the_top_stay_body():
    for top in ("Annual Report 2023", "Introduction to Chapter 5", "Part 3"):
        lines = [(72, 90, top, 14, "helv")] + prose(125, 20)
        parsed = parse(one_page(lines))
        b = by_text(parsed, top)
        assert not b.furniture, top
    lines = [(72, 90, "2 Methods of measurement 5", 12, "helv")] + prose(125, 20, 9)
    assert not by_text(parse(one_page(lines)), "2 Methods").furniture
    # a footnote at the foot of the page, small and apart, is text
    lines = prose(100, 20) + [(72, 800, "3 Smith and Jones, Nature 12 (2019).", 8, "helv")]
    assert not by_text(parse(one_page(lines)), "3 Smith").furniture


@needs_shared
def test_single_page_furniture_of_the_shared_pages():
    parsed = _doc("pymupdf__2201.00069.pdf")
    furn = {b.text for b in parsed.blocks if b.furniture}
    assert furn == {"MeerKAT, e-MERLIN, Swift and H.E.S.S., observations of three localised FRBs 5", "MNRAS 000, 1–15 (2021)"}
    assert not any(b.kind == "title" for b in parsed.blocks)
    parsed = _doc("docling__2305.03393v1-pg9.pdf")
    assert [b.text for b in parsed.blocks if b.furniture] == ["Optimized Table Tokenization for Table Structure Recognition 9"]
    # first page of a journal paper: the stamps above the title are not body text
    parsed = _doc("pymupdf__test_4435.pdf")
    stamps = [b.text for b in parsed.blocks if b.furniture and b.page == 1]
    assert "DOI 10.3813/AAA.918641" in stamps and any(s.startswith("ACTA ACUSTICA") for s in stamps)
    title = [b for b in parsed.blocks if b.kind == "title"]
    assert [b.text for b in title] == ["The Logical Clarinet: Numerical Optimization of the Geometry of Woodwind Instruments"]


def test_table_of_contents_entries_are_not_sections():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 80), "Contents", fontsize=20, fontname="hebo")
    y = 120
    for n, (title, sub) in enumerate([("Introduction", "Scope"), ("Methods", "Sampling"), ("Results", "Errors"), ("Discussion", "Limits")], 1):
        page.insert_text((72, y), f"{n} {title}", fontsize=11, fontname="hebo")
        page.insert_text((510, y), str(2 * n), fontsize=11, fontname="hebo")
        y += 16
        page.insert_text((86, y), f"{n}.1 {sub} " + ". " * 42 + str(2 * n), fontsize=10, fontname="helv")
        y += 20
    for n, title in enumerate(["Introduction", "Methods"], 1):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 80), f"{n} {title}", fontsize=14, fontname="hebo")
        for i in range(12):
            page.insert_text((72, 110 + 13 * i), f"Running text line {i} about the {title.lower()} of this small study.", fontsize=10, fontname="helv")
    parsed = parse(doc.tobytes())
    heads = [(b.page, b.text) for b in parsed.blocks if b.kind in ("heading", "title")]
    assert heads == [(1, "Contents"), (2, "1 Introduction"), (3, "2 Methods")]
    entries = [b for b in parsed.blocks if b.page == 1 and b.meta.get("toc_entry")]
    # one block per entry, its page number on it (the sub-entries too, not glued into one paragraph)
    assert [b.text.replace(" .", "") for b in entries] == [
        "1 Introduction 2", "1.1 Scope 2", "2 Methods 4", "2.1 Sampling 4",
        "3 Results 6", "3.1 Errors 6", "4 Discussion 8", "4.1 Limits 8",
    ]


@needs_shared
def test_printed_contents_pages_of_the_shared_books_have_no_section_headings():
    for name, pages in (("pymupdf__test_4751.pdf", {2}), ("pymupdf__mupdf_explored.pdf", range(5, 13)), ("pymupdf__test-3820.pdf", {4, 5})):
        parsed = _doc(name)
        bad = [b.text for b in parsed.blocks if b.kind == "heading" and b.page in pages and b.text.rstrip()[-1:].isdigit()]
        assert not bad, (name, bad)
    # the sections themselves: small-caps "1 INTRODUCTION" (smaller than the body
    # text, at the top of its page) is a heading because the outline names it
    qwen = _doc("pymupdf__test_4751.pdf")
    heads = [(b.page, b.text, b.level) for b in qwen.blocks if b.kind == "heading" and b.page in (3, 4)]
    assert heads[:4] == [(3, "1 INTRODUCTION", 1), (3, "2 TOKENIZER & MODEL", 1), (3, "2.1 TOKENIZER", 2), (4, "2.2 MODEL ARCHITECTURE", 2)]
    assert not any(b.furniture and "INTRODUCTION" in b.text for b in qwen.blocks)


def test_outline_entry_without_its_number_keeps_a_plain_heading_out_of_furniture():
    doc = pymupdf.open()
    for n, title in enumerate(["INTRODUCTION", "METHODS"], 1):
        page = doc.new_page(width=612, height=792)
        page.insert_text((108, 90), f"{n} {title}", fontsize=9.5, fontname="tiro")  # small caps, top of the page
        for i in range(30):
            page.insert_text((108, 115 + 13 * i), f"Running text line {i} of section {n}, set in the body size.", fontsize=10, fontname="tiro")
    doc.set_toc([[1, "Introduction", 1], [1, "Methods", 2]])
    parsed = parse(doc.tobytes())
    assert [(b.kind, b.text) for b in parsed.blocks if b.text[:1].isdigit()] == [("heading", "1 INTRODUCTION"), ("heading", "2 METHODS")]


def test_numbered_bold_acronym_heading_url_footnotes_and_broken_urls():
    lines = [(72, 90, "3.3 H.E.S.S.", 10, "hebo")] + prose(110, 30)
    lines += [(72, 720, "7 https://www.example.org/object/20171019a", 8, "cour")]
    lines += [(72, 740, "8 See the archive at https://heasarc.example.gov/cgi-bin/Tools/", 8, "helv")]
    lines += [(72, 749, "w3pimms.pl for the count rates.", 8, "helv")]
    parsed = parse(one_page(lines))
    assert by_text(parsed, "3.3 H.E.S.S.").kind == "heading"
    assert by_text(parsed, "7 https://").kind == "footnote"  # typewriter type, but a note
    assert "https://heasarc.example.gov/cgi-bin/Tools/w3pimms.pl for the" in parsed.document.text


def test_contents_page_entries_are_one_block_each_with_their_page_number():
    """A title column beside a page-number column, an entry wrapped over two
    lines, a heading with no page number, an entry ending in a year, and a
    plain-set 'CONTENTS' title."""
    doc = pymupdf.open()
    page = doc.new_page(width=453, height=680)
    page.insert_text((36, 60), "CONTENTS", fontsize=9.5, fontname="helv")
    rows = [
        ("CHAPTER 1. INTRODUCTION", "1", "hebo"),
        ("1.1 Objectives and scope", "1", "helv"),
        ("1.2 Related guidelines", "2", "helv"),
        ("CHAPTER 2. TREATMENT FOR ADULTS, ADOLESCENTS AND CHILDREN", None, "hebo"),
        ("(3 YEARS AND OLDER)", "18", "hebo"),
        ("2.1 Evidence from the guidelines of 2017", None, "helv"),
        ("on hepatitis testing", "21", "helv"),
        ("2.2 Background", "25", "helv"),
        ("WEB ANNEXES", None, "hebo"),
        ("Web Annex A. Summary of declarations of interest", None, "helv"),
        ("Web Annex B. Evidence to Decision tables", None, "helv"),
    ]
    y = 90
    for text, folio, font in rows:
        page.insert_text((36, y), text, fontsize=10, fontname=font)
        if folio:
            page.insert_text((416 - 5.6 * len(folio), y), folio, fontsize=10, fontname=font)
        y += 14
    for n in range(2):
        page = doc.new_page(width=453, height=680)
        page.insert_text((36, 60), f"CHAPTER {n + 1}. TITLE", fontsize=14, fontname="hebo")
        for i in range(20):
            page.insert_text((36, 90 + 13 * i), f"Running text line {i} of the chapter, set in the body size.", fontsize=10, fontname="helv")
    parsed = parse(doc.tobytes())
    first = [b for b in parsed.blocks if b.page == 1]
    assert (first[0].kind, first[0].text, first[0].level) == ("heading", "CONTENTS", 1)
    assert [b.text for b in first[1:]] == [
        "CHAPTER 1. INTRODUCTION 1",
        "1.1 Objectives and scope 1",
        "1.2 Related guidelines 2",
        "CHAPTER 2. TREATMENT FOR ADULTS, ADOLESCENTS AND CHILDREN (3 YEARS AND OLDER) 18",
        "2.1 Evidence from the guidelines of 2017 on hepatitis testing 21",
        "2.2 Background 25",
        "WEB ANNEXES",
        "Web Annex A. Summary of declarations of interest",
        "Web Annex B. Evidence to Decision tables",
    ]
    assert all(b.kind == "paragraph" and b.meta.get("toc_entry") for b in first[1:])


@needs_shared
def test_contents_pages_of_the_shared_files_one_entry_per_block():
    qwen = _doc("pymupdf__test_4751.pdf")
    p2 = [b for b in qwen.blocks if b.page == 2 and not b.furniture]
    assert (p2[0].kind, p2[0].text) == ("heading", "CONTENTS")
    assert [b.text.split(" .")[0] for b in p2[1:5]] == ["1 Introduction 3", "2 Tokenizer & Model 3", "2.1 Tokenizer", "2.2 Model Architecture"]
    assert all(b.meta.get("toc_entry") for b in p2[1:])
    who = _doc("pymupdf__test-3820.pdf")
    p6 = [b.text for b in who.blocks if b.page == 6 and not b.furniture]
    assert "WEB ANNEXES" in p6 and not any(b.kind == "heading" for b in who.blocks if b.page == 6)
    assert "CHAPTER 10. LABORATORY-BASED REFLEX TESTING AND REFLEX SAMPLE COLLECTION FOR HCV VIRAEMIA 96" in p6
    # a three-column contents page (rotated A3): entries stay in their column
    fr = _doc("pymupdf__test_2634.pdf")
    p3 = [b.text for b in fr.blocks if b.page == 3 and not b.furniture]
    i = p3.index(next(t for t in p3 if t.startswith("2 PRINCIPE DE FONCTIONNEMENT")))
    assert p3[i].startswith("2 PRINCIPE DE FONCTIONNEMENT D’UNE CENTRALE PHOTOVOLTAÏQUE ...") and p3[i].endswith(" 16")
    assert p3[i + 1].startswith("2.1 PRINCIPES GENERAUX")


def test_author_lines_under_the_title_are_not_headings():
    for byline, size, font in (
        ("Masahiro Sai*", 12, "helv"),
        ("Qwen Team, Alibaba Group*", 10, "hebo"),  # base-14 fonts have no ∗ (the real file below has)
        ("Hala Faragalla 1,*, Anna Plotkin 2, Penny Barnes 3 and Sharon Mozes 2", 10, "hebo"),
        ("S.-T. Wang1,2, C. Shen1,3 & L.-M. Duan1,2", 12, "helv"),
    ):
        lines = [(72, 80, "Synthesis of Silyl Dienol Ethers via Peterson Olefination", 17, "hebo")]
        lines += [(72, 110, byline, size, font), (72, 130, "Faculty of Materials, Shimane University, Japan", 9, "helv")]
        lines += [(72, 175, "Related Work", 10, "hebo")] + prose(195, 12)
        parsed = parse(one_page(lines))
        assert by_text(parsed, "Synthesis of").kind == "title"
        b = by_text(parsed, byline[:8])
        assert b.kind == "paragraph" and b.meta.get("byline"), byline
        assert by_text(parsed, "Related Work").kind == "heading"
        assert by_text(parsed, "Related Work").section == ("Synthesis of Silyl Dienol Ethers via Peterson Olefination",)


def test_a_starred_heading_after_the_front_matter_stays_a_heading():
    lines = [(72, 80, "A Study of Things", 17, "hebo")] + prose(110, 6)
    lines += [(72, 200, "Materials and Methods*", 10, "hebo")] + prose(220, 8)
    parsed = parse(one_page(lines))
    assert by_text(parsed, "Materials and Methods*").kind == "heading"


def test_ieee_small_caps_sections_named_sections_and_caption_labels():
    lines = [(72, 80, "II. MOTIVATION AND BACKGROUND", 8, "helv")] + prose(100, 8)
    lines += [(72, 215, "A. High Performance", 10, "heit")] + prose(235, 8)
    lines += [(72, 350, "REFERENCES", 8, "helv")] + prose(370, 4)
    lines += [(72, 440, "Table of Contents and other matters are discussed in the annex, as agreed.", 10, "helv")]
    parsed = parse(one_page(lines))
    assert (by_text(parsed, "II. MOTIVATION").kind, by_text(parsed, "II. MOTIVATION").level) == ("heading", 1)
    assert (by_text(parsed, "A. High").kind, by_text(parsed, "A. High").level) == ("heading", 2)
    assert (by_text(parsed, "REFERENCES").kind, by_text(parsed, "REFERENCES").level) == ("heading", 1)
    assert by_text(parsed, "Table of Contents and").kind == "paragraph"  # "Table o..." is no caption


@needs_shared
def test_front_matter_of_the_shared_papers():
    for name, byline in (("p4llm__test_370.pdf", "Masahiro Sai*"), ("pymupdf__test_4026.pdf", "Hala Faragalla"), ("pymupdf__test_4751.pdf", "Qwen Team, Alibaba")):
        b = next(b for b in _doc(name).blocks if b.text.startswith(byline))
        assert b.page == 1 and b.kind == "paragraph" and b.meta.get("byline"), (name, b.kind)
    # a journal badge beside the title does not take the title's place
    sr = _doc("pymupdf__test_3780.pdf")
    assert [b.text for b in sr.blocks if b.kind == "title"] == ["Quantum Computation under Micromotion in a Planar Ion Crystal"]
    # a section heading beside a reference list in the other column is no table cell
    assert by_text(sr, "Acknowledgments").kind == "heading"
    heads = [(b.text, b.level) for b in _doc("pymupdf__test_open2.pdf").blocks if b.kind == "heading"]
    assert heads[:3] == [("II. MOTIVATION AND BACKGROUND", 1), ("A. High Performance", 2), ("B. Modern C++", 2)]
    assert ("REFERENCES", 1) in heads
    nist = _doc("pymupdf__test_3842.pdf")
    assert by_text(nist, "Table of Contents").kind == "heading"


def test_rotated_text_inside_the_page_is_body_and_a_margin_stamp_is_furniture():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((20, 600), "arXiv:2407.10671v4 [cs.CL] 10 Sep 2024", fontsize=10, fontname="helv", rotate=90)
    for i in range(30):
        page.insert_text((72, 90 + 13 * i), f"Running text line {i} about the findings of this small study here.", fontsize=10, fontname="helv")
    page.insert_text((300, 560), "Rwanda Ukraine Brazil", fontsize=8, fontname="helv", rotate=90)
    parsed = parse(doc.tobytes())
    assert by_text(parsed, "arXiv:2407").furniture
    label = by_text(parsed, "Rwanda Ukraine Brazil")
    assert not label.furniture and label.kind == "paragraph"


@needs_shared
def test_rotated_column_heads_fill_their_table_cells_and_code_is_no_running_head():
    redp = _doc("docling__redp5110_sampled.pdf")
    (table,) = [b for b in redp.blocks if b.kind == "table" and b.page == 9]
    rows = table.meta["rows"]
    assert rows[0] == ["User action", "*JOBCTL", "QIBM_DB_SECADM", "QIBM_DB_SQLADM", "QIBM_DB_SYSMON", "No Authority"]
    assert rows[1] == ["SET CURRENT DEGREE (SQL statement)", "X", "", "X", "", ""]  # the marks under their heads
    assert not any(b.furniture for b in redp.blocks if b.page == 9 and "JOBCTL" in b.text)
    book = _doc("pymupdf__mupdf_explored.pdf")
    assert not any(b.furniture and b.text == "/*" for b in book.blocks)
    code = [b for b in book.blocks if b.page == 96 and b.kind == "code"][0]
    assert code.text.startswith("/*\n    fz_write_int16_le: Write a little-endian 16-bit binary integer.\n*/\nvoid fz_write_int16_le(")


@needs_shared
def test_two_column_page_with_a_letter_spaced_listing_reads_columns_in_order():
    # pymupdf__test_open2.pdf page 4: a listing in a proportional font whose
    # letters MuPDF spaces out ("c l a s s A {") beside the left column's
    # prose; it was merged with that prose into a fake table
    parsed = _doc("pymupdf__test_open2.pdf")
    p4 = [b for b in parsed.blocks if b.page == 4 and not b.furniture]
    assert not [b for b in p4 if b.kind == "table"]
    (code,) = [b for b in p4 if b.kind == "code"]
    assert "cppyy.Declare(" in code.text and "class A {" in code.text and "vector(A)(10)" in code.text
    assert "c l a s s" not in parsed.document.text
    third = by_text(parsed, "Third, all C++ classes")
    assert third.text.endswith("these could not have been used together in the first place.")
    assert third.section == ("III. DESIGN", "A. Scale")
    lazy = by_text(parsed, "Although automatic pythonizations")
    assert lazy.text.endswith("retain all benefits of lazy loading. Alternatively, a new interface can be designed in Python, directly on top of the bindings.")
    assert lazy.section == ("III. DESIGN", "B. Presentation")
    assert code.section == ("IV. FEATURES", "A. Automatic Templates")


@needs_shared
def test_an_inner_title_page_does_not_head_the_report():
    # NIST SP 800-223: page 2 repeats the cover (report number, title,
    # subtitle, sixteen author names in 14 pt): the Abstract's context ran
    # through the title twice and an author's name
    parsed = _doc("pymupdf__test_3842.pdf")
    abstract = by_text(parsed, "Abstract")
    assert abstract.kind == "heading"
    assert abstract.section == ("High-Performance Computing Security",)
    assert not [b for b in parsed.blocks if b.page == 2 and b.kind in ("heading", "title")]
    assert [b.text for b in parsed.blocks if b.kind == "title"] == ["High-Performance Computing Security"]


@needs_shared
def test_unreadable_glyph_blocks_are_left_out_and_a_chapter_number_is_furniture():
    # redp5110 p3: four blocks of glyphs without Unicode ("�� ����"); p5: the
    # chapter opener's big "1" beside "Chapter 1. Securing ..."
    parsed = _doc("docling__redp5110_sampled.pdf")
    assert not [b for b in parsed.blocks if b.text.count("\ufffd") > 0.5 * len(b.text)]
    assert any("glyphs without Unicode" in w for w in parsed.warnings)
    ones = [b for b in parsed.blocks if b.page == 5 and b.text == "1"]
    assert ones and all(b.furniture for b in ones)


def test_a_lone_number_that_is_not_a_chapter_number_stays_text():
    lines = [(72, 100, "3 Results", 16, "hebo")]
    lines += [(72, 130, "42", 10, "helv")]
    lines += prose(150)
    parsed = parse(one_page(lines))
    (b,) = [b for b in parsed.blocks if b.text == "42"]
    assert not b.furniture
