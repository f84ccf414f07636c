"""HTML block stream: text that must not be glued, lost or duplicated, and generator chrome."""

from __future__ import annotations

from pathlib import Path

import pytest

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes

PYTHON_POLICY = Path("/usr/share/doc/python3/python-policy.html")  # Sphinx output


def parse_html(src: str):
    p = parse_bytes(src.encode(), ParseContext("t.html", None, ParseOptions(format="html")))
    verify(p.document.text, p.blocks)
    return p


def kinds_texts(p):
    return [(b.kind, b.text) for b in p.blocks]


def test_line_breaks_separate_words():
    p = parse_html("<p>12 Main St<br>Springfield<br/>USA</p>")
    assert kinds_texts(p) == [("paragraph", "12 Main St Springfield USA")]


def test_text_after_a_nested_list_inside_an_item_is_kept():
    p = parse_html("<ul><li>one<ul><li>nested</li></ul> after nested</li><li>two</li></ul>")
    assert [(b.kind, b.level, b.text) for b in p.blocks] == [
        ("list_item", 1, "one"),
        ("list_item", 2, "nested"),
        ("paragraph", None, "after nested"),
        ("list_item", 1, "two"),
    ]


def test_nested_table_rows_are_not_duplicated_and_cells_not_glued():
    p = parse_html(
        "<table><caption>Sizes</caption><tr><th>A</th><th>B</th></tr>"
        "<tr><td><p>first</p><p>second</p></td><td><table><tr><td>in1</td><td>in2</td></tr></table></td></tr></table>"
    )
    assert kinds_texts(p) == [("caption", "Sizes"), ("table", "A | B\nfirst second | in1 in2")]
    assert p.blocks[1].meta["rows"] == [["A", "B"], ["first second", "in1 in2"]]


def test_blockquote_paragraphs_are_quotes():
    p = parse_html("<p>before</p><blockquote><p>q1</p><p>q2</p>loose</blockquote><p>after</p>")
    assert kinds_texts(p) == [("paragraph", "before"), ("quote", "q1"), ("quote", "q2"), ("quote", "loose"), ("paragraph", "after")]


def test_pre_keeps_relative_indentation():
    p = parse_html("<pre>\n    def f():\n        return 1\n</pre><pre>x = 1\n    y</pre>")
    assert kinds_texts(p) == [("code", "def f():\n    return 1"), ("code", "x = 1\n    y")]


def test_permalink_and_tooltip_symbols_are_dropped():
    p = parse_html(
        '<h1>Abstract<a class="headerlink" href="#abstract" title="Permalink">¶</a></h1>'
        '<h2 id="ex"><a class="doc-anchor" href="#ex">§</a>Examples</h2>'
        '<div class="example-wrap"><a href="#" class="tooltip">ⓘ</a><pre>bad()</pre></div>'
        '<p>See <a href="#ex">Examples</a> and <a href="#n1">1</a>.</p>'
    )
    assert [(b.kind, b.text, b.section) for b in p.blocks] == [
        ("heading", "Abstract", ("Abstract",)),
        ("heading", "Examples", ("Abstract", "Examples")),
        ("code", "bad()", ("Abstract", "Examples")),
        ("paragraph", "See Examples and 1.", ("Abstract", "Examples")),
    ]


@pytest.mark.skipif(not PYTHON_POLICY.exists(), reason="Debian's python3 docs not installed")
def test_sphinx_headings_carry_no_pilcrow():
    p = parse_bytes(PYTHON_POLICY.read_bytes(), ParseContext(str(PYTHON_POLICY), str(PYTHON_POLICY), ParseOptions()))
    verify(p.document.text, p.blocks)
    heads = [b for b in p.blocks if b.kind == "heading"]
    assert len(heads) > 10
    assert not any("¶" in b.text or any("¶" in t for t in b.section) for b in p.blocks)
