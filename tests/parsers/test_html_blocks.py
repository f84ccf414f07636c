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


# --- generated documentation sites: page chrome vs content -------------------


def test_inline_elements_in_loose_text_gain_no_spaces():
    # rustdoc: <div class='docblock'>Gets the <code>TypeId</code> of <code>self</code>.</div>
    # (was "Gets the TypeId of self ." and "where T: ? Sized ,")
    p = parse_html("<div>Gets the <code>TypeId</code> of <code>self</code>.<p>next</p></div>"
                   "<ul><li>T: ?<a href='x'>Sized</a>,<ul><li>n</li></ul></li></ul>")
    assert [b.text for b in p.blocks] == ["Gets the TypeId of self.", "next", "T: ?Sized,", "n"]
    # sibling elements whose words would touch were shown apart (Node's api_metadata spans)
    p = parse_html("<div class='api_metadata'><span>Added in: v10.5.0</span><span>Removed in: v12.5.0</span><p>x</p></div>")
    assert p.blocks[0].text == "Added in: v10.5.0 Removed in: v12.5.0"


def test_rustdoc_out_of_band_version_and_source_links_are_chrome():
    # rustdoc method header: "1.0.0 · Source" and "Expand description" were paragraphs,
    # the version stamp landing in the previous method's section
    p = parse_html(
        "<main><h1>Struct Vec</h1>"
        "<details class='toggle top-doc' open><summary class='hideme'><span>Expand description</span></summary>"
        "<div class='docblock'><p>A growable array.</p></div></details>"
        "<section id='method.new' class='method'><span class='rightside'><span class='since'>1.0.0</span> · "
        "<a class='src' href='../src/vec.rs.html#1'>Source</a></span><h4 class='code-header'>pub fn "
        "<a href='#method.new' class='fn'>new</a>() -&gt; Vec</h4></section>"
        "<section class='impl'><a class='src rightside' href='../src/x.rs.html'>Source</a><h3>impl Clone</h3></section></main>"
    )
    assert kinds_texts(p) == [("heading", "Struct Vec"), ("paragraph", "A growable array."), ("heading", "pub fn new() -> Vec"), ("heading", "impl Clone")]


def test_in_page_table_of_contents_is_chrome():
    # npm docs: <section id="table_of_contents"> and a bare list of in-page links
    toc = "<ul><li><a href='#a'>Synopsis</a></li><li><a href='#b'>Description</a></li><ul><li><a href='#c'><code>save</code></a></li></ul></ul>"
    p = parse_html(f"<div id='banner'><div class='title'>npm command-line interface</div></div>"
                   f"<h1>npm-install</h1><section id='table_of_contents'><h2>Table of contents</h2>{toc}</section>"
                   f"<h2 id='a'>Synopsis</h2><p>text</p>")
    assert kinds_texts(p) == [("heading", "npm-install"), ("heading", "Synopsis"), ("paragraph", "text")]
    # texinfo/DocBook mini tables of contents: in-page links that repeat the page's headings
    p = parse_html(f"<h1>T</h1><div>{toc}</div><p>body</p><h2 id='a'>Synopsis</h2><h2 id='b'>Description</h2><h3 id='c'>save</h3>")
    assert [b.text for b in p.blocks] == ["T", "body", "Synopsis", "Description", "save"]


def test_a_list_of_in_page_links_that_is_not_a_toc_is_kept():
    # Node's dns.html: "The following methods from the dns API are available:" (links to the dns.* headings)
    p = parse_html("<p>Available:</p><ul><li><a href='#dnsgetservers'><code>resolver.getServers()</code></a></li>"
                   "<li><a href='#dnsresolve'><code>resolver.resolve()</code></a></li></ul>"
                   "<h3 id='dnsgetservers'>dns.getServers()</h3><h3 id='dnsresolve'>dns.resolve()</h3>")
    assert [b.text for b in p.blocks] == ["Available:", "resolver.getServers()", "resolver.resolve()", "dns.getServers()", "dns.resolve()"]


def test_lists_of_real_links_are_kept():
    # "See also" lists point to other pages: content, not an in-page table of contents
    p = parse_html("<h2>See also</h2><ul><li><a href='npm-ls.html'>npm ls</a></li><li><a href='npm-ci.html'>npm ci</a></li></ul>"
                   "<ul><li><a href='#x'>one</a> and more words</li><li><a href='#y'>two</a></li></ul>")
    assert [b.text for b in p.blocks] == ["See also", "npm ls", "npm ci", "one and more words", "two"]


def test_loose_list_items_keep_their_kind():
    # <li><p>…</p></li> (Sphinx, mdBook, rustdoc loose lists) came out as plain paragraphs
    p = parse_html("<ul><li><p>first para</p><p>second para</p></li><li><p>other</p><ul><li>nested</li></ul></li></ul>")
    assert [(b.kind, b.level, b.text) for b in p.blocks] == [
        ("list_item", 1, "first para"),
        ("paragraph", None, "second para"),
        ("list_item", 1, "other"),
        ("list_item", 2, "nested"),
    ]


def test_self_permalink_blocks_are_chrome():
    # the Rust reference: <div class="rule" id="r-expr.intro"><a href="#r-expr.intro">[expr.intro]</a></div>
    p = parse_html("<h1>Expressions</h1><div class='rule' id='r-expr.intro'><a class='rule-link' href='#r-expr.intro'>"
                   "<span>[expr<wbr>.intro]</span></a>\n</div><p>An expression.</p>"
                   "<h2 id='x'><a href='#x'>Linked heading</a></h2><p id='y'><a href='#z'>Jump to z</a></p>")
    assert [b.text for b in p.blocks] == ["Expressions", "An expression.", "Linked heading", "Jump to z"]


def test_declared_charset_is_honoured():
    # DocBook output (libxslt's tutorial): ISO-8859-1 bytes under a Content-Type meta
    # was "not valid UTF-8 at byte 678"
    page = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">\n<html><head>'
            '<meta content="text/html; charset=ISO-8859-1" http-equiv="Content-Type"></head>'
            '<body><p>Copyright \xa9 2001 \x93John\x94</p></body></html>').encode("latin-1")
    p = parse_bytes(page, ParseContext("t.html", None, ParseOptions(format="html")))
    assert [b.text for b in p.blocks] == ["Copyright © 2001 “John”"]
    p = parse_bytes('<meta charset="koi8-r"><p>\u043c\u0438\u0440</p>'.encode("koi8-r"), ParseContext("t.html", None, ParseOptions(format="html")))
    assert p.blocks[0].text == "мир"
    # an explicit --encoding wins over the page's label; an unknown label is ignored
    p = parse_bytes('<meta charset="utf-8"><p>é</p>'.encode(), ParseContext("t.html", None, ParseOptions(format="html", encoding="latin-1")))
    assert p.blocks[0].text == "Ã©"
    p = parse_bytes('<meta charset="x-nonsense"><p>é</p>'.encode(), ParseContext("t.html", None, ParseOptions(format="html")))
    assert p.blocks[0].text == "é"
