"""Markdown block stream: containers (lists, quotes), HTML blocks, and coverage on real docs."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes

NODE_DOCS = sorted(glob.glob("/usr/share/doc/nodejs/api/*.md"))


def parse_md(src: str):
    p = parse_bytes(src.encode(), ParseContext("t.md", None, ParseOptions(format="markdown")))
    verify(p.document.text, p.blocks)
    return p


def uncovered_lines(p) -> list[str]:
    """Non-blank source lines no block covers (link definitions and rules carry no text)."""
    text = p.document.text
    out = []
    for m in re.finditer(r"[^\n]*", text):
        line = m.group(0).strip()
        if not line or re.match(r"\[[^\]]+\]:", line) or re.fullmatch(r"([-*_]\s*){3,}", line):
            continue
        if not any(b.start < m.end() and b.end > m.start() for b in p.blocks):
            out.append(line)
    return out


def test_content_after_a_nested_list_is_not_lost():
    p = parse_md("- item a\n  - sub b\n\n  para after the nested list\n\n  | x | y |\n  |---|---|\n  | 1 | 2 |\n- item c\n")
    assert [(b.kind, b.level, b.text) for b in p.blocks] == [
        ("list_item", 1, "- item a"),
        ("list_item", 2, "- sub b"),
        ("paragraph", None, "para after the nested list"),
        ("table", None, "| x | y |\n  |---|---|\n  | 1 | 2 |"),
        ("list_item", 1, "- item c"),
    ]
    assert uncovered_lines(p) == []


def test_code_in_a_list_item_is_part_of_the_item_not_a_second_block():
    p = parse_md("1. First\n\n   ```js\n   code();\n   ```\n2. Second\n")
    assert [(b.kind, b.lines) for b in p.blocks] == [("list_item", (1, 5)), ("list_item", (6, 6))]
    ends = [b.end for b in p.blocks]
    assert all(b.start >= e for b, e in zip(p.blocks[1:], ends))  # no block overlaps another


def test_heading_inside_a_quote_does_not_open_a_section():
    p = parse_md("# Top\n\n> ## Note\n> quoted\n\nAfter.\n\n## Real\n")
    assert [(b.kind, b.section) for b in p.blocks] == [
        ("heading", ("Top",)),
        ("quote", ("Top",)),
        ("paragraph", ("Top",)),
        ("heading", ("Top", "Real")),
    ]


def test_html_comments_are_comment_blocks():
    p = parse_md("# A\n\n<!-- YAML\nadded: v1.0.0\n-->\n\n<!-- c --> tail\n\n<div>x</div>\n")
    assert [b.kind for b in p.blocks] == ["heading", "comment", "other", "other"]


def test_html_table_in_markdown_is_a_table_with_rows():
    src = (
        "# T\n\n<table>\n  <tr>\n    <th>Constant</th>\n    <th>Description</th>\n  </tr>\n"
        "  <tr>\n    <td><code>F_OK</code></td>\n    <td>Visible &amp; present.</td>\n  </tr>\n"
        "  <tr><td>R_OK<td>Readable\n</table>\n"
    )
    p = parse_md(src)
    table = p.blocks[1]
    assert table.kind == "table" and table.text.startswith("<table>") and table.text.endswith("</table>")
    assert table.meta["rows"] == [["Constant", "Description"], ["F_OK", "Visible & present."], ["R_OK", "Readable"]]
    spans = [p.document.text[a:b] for a, b in table.meta["row_spans"]]
    assert spans[0].startswith("<tr>") and spans[0].endswith("</tr>") and "Constant" in spans[0]
    assert spans[2].startswith("<tr><td>R_OK") and "</table>" not in spans[2]


def test_structure_splits_a_large_html_table_between_rows():
    from chunkline.run import chunk_parsed
    from chunkline.segmenters import parse_strategy

    rows = "".join(f"  <tr>\n    <td>C{i}</td>\n    <td>{'word ' * 20}</td>\n  </tr>\n" for i in range(20))
    p = parse_md(f"# T\n\nThe names.\n\n<table>\n  <tr><th>Name</th><th>Meaning</th></tr>\n{rows}</table>\n")
    chunks = list(chunk_parsed(p, parse_strategy("structure:max_tokens=80")))
    assert len(chunks) > 2 and chunks[0].text == "# T\n\nThe names."
    for c in chunks[1:]:
        assert c.text.startswith(("<table>", "<tr>")) and c.text.endswith(("</tr>", "</table>"))
    assert all("<th>Name</th>" in (c.context or "") for c in chunks[2:])


@pytest.mark.skipif(not NODE_DOCS, reason="Node.js API markdown not installed")
@pytest.mark.parametrize("name", ["fs.md", "crypto.md", "single-executable-applications.md", "errors.md"])
def test_node_docs_blocks_cover_all_text_without_overlap(name):
    path = Path("/usr/share/doc/nodejs/api") / name
    if not path.exists():
        pytest.skip(f"{name} not installed")
    p = parse_bytes(path.read_bytes(), ParseContext(str(path), str(path), ParseOptions()))
    verify(p.document.text, p.blocks)
    assert all(a.end <= b.start for a, b in zip(p.blocks, p.blocks[1:]))
    assert uncovered_lines(p) == []


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_table_header_row_span_includes_the_delimiter_row_whatever_the_line_ends(eol):
    p = parse_md(eol.join(["# H", "", "| a | b |", "|---|---|", "| 1 | 2 |", ""]))
    table = p.blocks[1]
    assert [p.document.text[a:b] for a, b in table.meta["row_spans"]] == [f"| a | b |{eol}|---|---|", "| 1 | 2 |"]
