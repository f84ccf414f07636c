"""Parsers for text, markdown and HTML on real documents: spans exact, structure right."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from chunkline.core.errors import FormatError
from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, detect_format, parse_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def parse(path: Path, fmt=None):
    return parse_bytes(path.read_bytes(), ParseContext(str(path), str(path), ParseOptions(format=fmt)))


def test_detection_by_extension_and_sniffing():
    assert detect_format("a/b.md", b"") == "markdown"
    assert detect_format("x.HTM", b"") == "html"
    assert detect_format("noext", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("notes", b"just words") == "text"


def test_markdown_example_structure():
    p = parse(EXAMPLES / "node-path.md")
    verify(p.document.text, p.blocks)
    assert p.document.text == (EXAMPLES / "node-path.md").read_text()
    heads = [(b.level, b.section[-1]) for b in p.blocks if b.kind == "heading"]
    assert heads[0] == (1, "Path")
    assert (2, "`path.basename(path[, suffix])`") in heads
    code = [b for b in p.blocks if b.kind == "code"]
    assert code and all(b.text.startswith("```") and b.text.endswith("```") for b in code)
    # every block knows its section path, and lines point into the file
    lines = p.document.text.split("\n")
    for b in p.blocks:
        assert b.lines is not None
        assert lines[b.lines[0] - 1].strip() and b.text.split("\n")[0] in lines[b.lines[0] - 1]


@pytest.mark.parametrize("path", sorted(glob.glob("/usr/share/doc/nodejs/api/*.md"))[:60] or [str(EXAMPLES / "node-path.md")])
def test_markdown_real_corpus_spans(path):
    p = parse(Path(path))
    verify(p.document.text, p.blocks)
    starts = [b.start for b in p.blocks]
    assert starts == sorted(starts)


def test_markdown_tables_lists_front_matter(tmp_path):
    f = tmp_path / "t.md"
    f.write_text("---\ntitle: x\n---\n# A\n\n- one\n  - two\n\n| h | k |\n|---|---|\n| 1 | 2 |\n\n> q\n")
    p = parse(f)
    kinds = [(b.kind, b.level) for b in p.blocks]
    assert kinds == [("front_matter", None), ("heading", 1), ("list_item", 1), ("list_item", 2), ("table", None), ("quote", None)]
    table = p.blocks[4]
    assert table.meta["rows"] == [["h", "k"], ["1", "2"]]
    assert [p.document.text[a:b] for a, b in table.meta["row_spans"]] == ["| h | k |\n|---|---|", "| 1 | 2 |"]


def test_html_example_text_and_boilerplate():
    p = parse(EXAMPLES / "rust-ownership.html")
    verify(p.document.text, p.blocks)
    kinds = {b.kind for b in p.blocks}
    assert {"heading", "paragraph", "code"} <= kinds
    h = [b for b in p.blocks if b.kind == "heading"]
    assert (h[0].level, h[0].text) == (2, "What Is Ownership?")  # mdBook titles chapters with h2
    assert all(b.section and b.section[0] == h[0].text for b in p.blocks)
    text = p.document.text
    assert "function(" not in text and "sidebar" not in text.lower()


def test_html_broken_markup_still_parses(tmp_path):
    f = tmp_path / "b.html"
    f.write_text("<html><body><h2>T<p>para <b>bold<p>second<ul><li>x<li>y</table><script>var a;")
    p = parse(f)
    verify(p.document.text, p.blocks)
    assert [b.text for b in p.blocks if b.kind == "list_item"] == ["x", "y"]
    assert "var a" not in p.document.text


def test_text_paragraphs_and_lines():
    p = parse(EXAMPLES / "emma-opening.txt")
    verify(p.document.text, p.blocks)
    assert p.blocks[0].lines[0] == 1


def test_binary_is_a_format_error(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(FormatError, match="binary file"):
        parse(f)


def test_unwrapped_text_gets_one_paragraph_per_line(tmp_path):
    long = "This is a long unwrapped paragraph of prose that goes on well past any wrap column. " * 2
    f = tmp_path / "novel.txt"
    f.write_text("\n".join([long] * 5) + "\n")
    p = parse(f)
    verify(p.document.text, p.blocks)
    assert [b.lines for b in p.blocks] == [(i, i) for i in range(1, 6)]
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text("short line one\nshort line two\nshort line three\n")
    assert len(parse(wrapped).blocks) == 1  # hard-wrapped prose without blank lines stays one paragraph
