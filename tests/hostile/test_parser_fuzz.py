"""Property tests for every registered parser: arbitrary bytes and hostile text
never raise anything but ``InputError`` subclasses, blocks always verify, and
text-like formats never change or drop a character of the decoded file.

Bounded for CI (``CHUNKLINE_FUZZ_EXAMPLES``, default 40 per parser and
property); ``bench/fuzz.py`` is the long run.
"""

from __future__ import annotations

import codecs
import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chunkline.core.errors import InputError
from chunkline.core.records import verify
from chunkline.parsers import PARSERS, ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment

EXAMPLES = int(os.environ.get("CHUNKLINE_FUZZ_EXAMPLES", "40"))
DERANDOMIZE = not os.environ.get("CHUNKLINE_FUZZ_RANDOM")  # CI: the same examples every run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE)

#: A file name per parser (the code parser picks its grammar from the extension).
NAMES = {"text": "f.txt", "markdown": "f.md", "html": "f.html", "pdf": "f.pdf", "legal": "f.legal", "code": "f.py"}
CODE_NAMES = ["f.py", "f.js", "f.ts", "f.go", "f.rs", "f.java", "f.c", "f.cpp", "f.rb", "f.php", "f.sh", "f.lua"]
#: Segmenters this area fixes; they must survive whatever the parsers emit.
SEGMENTERS = ["fixed", "sentence", "recursive", "structure", "legal"]

# Failures in parsers other engineers own (one xfail per case; see the report).
KNOWN: dict[str, str] = {}

_FRAGMENTS = [
    "\r", "\r\n", "\n", "\n\n", "\x00", "\t", " ", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\u0301",
    "#", "## ", "- ", "* ", "1. ", "> ", "```", "~~~", "    ", "|", "|---|", "---\n", "[", "]", "(", ")", "*", "_", "`", "<", ">", "&amp;", "&#0;",
    "<p>", "</p>", "<div>", "<li>", "<ul>", "<h1>", "</h1>", "<table><tr><td>", "<script>", "</script>", "<!--", "-->", "<pre>", "<br>",
    "ARTICLE I", "Section 1.", "§ 2", "(a)", "(iv)", "WHEREAS", "\"Buyer\"", "Id.", "U.S.", "v.", "*12", "[1]", "IN WITNESS WHEREOF", "By:",
    "def f(", "class A:", "{", "}", ";", "function x(){", "/*", "*/", "//", "'''", '"""', "\\",
    "%PDF-1.4", "%%EOF", "obj", "endobj", "stream", "\U0001f600", "日本語。", "مرحبا", "ß", "é",
]
hostile_text = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)


def _ctx(name: str, fmt: str | None = None) -> ParseContext:
    return ParseContext(name, None, ParseOptions(format=fmt))


def _decoded(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8")


def check_parse(fmt: str, name: str, data: bytes):
    """Parse ``data`` as ``fmt``; assert the contract; return the parsed document or None (clean error)."""
    try:
        parsed = parse_bytes(data, _ctx(name, fmt))
    except InputError as exc:
        assert exc.message and "\n" not in exc.message, repr(exc.message)
        assert exc.path == name
        return None
    doc = parsed.document
    verify(doc.text, parsed.blocks)
    for b in parsed.blocks:
        assert b.text.strip(), f"empty block {b!r}"
    if PARSERS.get(fmt).text_like:
        assert doc.text == _decoded(data), "text-like document text differs from the decoded bytes"
    return parsed


def check_segment(parsed) -> None:
    text = parsed.document.text
    for name in SEGMENTERS:
        for spec in (f"{name}:tokenizer=chars,max_chars=40", f"{name}:max_tokens=8"):
            chunks = segment(parsed, parse_strategy(spec))
            verify(text, chunks)
            covered = bytearray(len(text))
            for c in chunks:
                covered[c.start : c.end] = b"\x01" * (c.end - c.start)
            furniture = [(b.start, b.end) for b in parsed.blocks if b.furniture]
            lost = [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace() and not any(s <= i < e for s, e in furniture)]
            assert not lost, f"{spec} lost text at {lost[:3]}: {text[lost[0]:lost[0] + 20]!r}"


def _params():
    for fmt in PARSERS.names():
        marks = [pytest.mark.xfail(strict=False, reason=KNOWN[fmt])] if fmt in KNOWN else []
        yield pytest.param(fmt, marks=marks)


@pytest.mark.parametrize("fmt", list(_params()))
@SETTINGS
@given(data=st.binary(max_size=600))
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b"\xff\xfe")
@example(data=b"\xfe\xff\x00")
@example(data=b"%PDF-1.4\n%%EOF")
@example(data=b"\r\r\r# x\r- y\r")
def test_random_bytes_parse_or_fail_cleanly(fmt, data):
    check_parse(fmt, NAMES[fmt], data)


@pytest.mark.parametrize("fmt", [f for f in PARSERS.names() if f != "pdf"])
@SETTINGS
@given(text=hostile_text, bom=st.sampled_from(["", "utf-8-sig", "utf-16"]))
def test_hostile_text_parses_and_segments_without_loss(fmt, text, bom):
    data = text.encode("utf-8") if not bom else (codecs.BOM_UTF8 + text.encode("utf-8") if bom == "utf-8-sig" else text.encode("utf-16"))
    try:
        data.decode("utf-8" if bom != "utf-16" else "utf-16")
    except UnicodeDecodeError:
        return
    parsed = check_parse(fmt, NAMES[fmt], data)
    if parsed is not None:
        check_segment(parsed)


@pytest.mark.parametrize("name", CODE_NAMES)
@settings(max_examples=max(5, EXAMPLES // 4), deadline=None, suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE)
@given(text=hostile_text)
def test_code_parser_any_language(name, text):
    parsed = check_parse("code", name, text.encode("utf-8"))
    if parsed is not None:
        check_segment(parsed)


def _pdf_seed() -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Heading")
    page.insert_textbox(pymupdf.Rect(72, 100, 500, 700), "Body text of a page. " * 30)
    data = doc.tobytes()
    doc.close()
    return data


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE)
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=12), cut=st.integers(0, 10_000))
def test_mutated_pdf_parses_or_fails_cleanly(edits, cut):
    data = bytearray(_PDF)
    for pos, val in edits:
        data[pos % len(data)] = val
    data = bytes(data[: max(16, len(data) - cut % len(data))])
    parsed = check_parse("pdf", "f.pdf", data)
    if parsed is not None:
        check_segment(parsed)


_PDF = _pdf_seed()


def _shape(parsed):
    return [(b.kind, b.start, b.end, b.section, b.level, b.lines) for b in parsed.blocks]


_CR_DOCS = {
    "markdown": "# Head\n\npara one\nstill one\n\n## Sub\n\n- item\n- item two\n\n> quote\n\n```\ncode\n```\n\nlast para\n",
    "text": "Para one\nstill one\n\nPara two\n\n\nPara three\n",
    "legal": "ARTICLE I\nDEFINITIONS\n\n1.1 Terms. The Buyer shall pay.\n\nSection 2. Other. Text here.\n(a) first clause;\n(b) second clause.\n",
}


@pytest.mark.parametrize("fmt", sorted(_CR_DOCS))
def test_lone_cr_line_ends_give_the_same_structure_as_lf(fmt):
    """Classic Mac files (CR only) used to be one block: same blocks as LF now, text untouched."""
    lf = check_parse(fmt, NAMES[fmt], _CR_DOCS[fmt].encode())
    cr = check_parse(fmt, NAMES[fmt], _CR_DOCS[fmt].replace("\n", "\r").encode())
    assert len(lf.blocks) > 2
    assert _shape(cr) == _shape(lf)
    assert "\r" in cr.document.text and "\n" not in cr.document.text


@pytest.mark.parametrize("fmt", sorted(_CR_DOCS))
@SETTINGS
@given(text=hostile_text)
def test_lone_cr_structure_matches_lf_on_generated_text(fmt, text):
    text = text.replace("\r", "").replace("\x00", "")
    lf = check_parse(fmt, NAMES[fmt], text.encode())
    cr = check_parse(fmt, NAMES[fmt], text.replace("\n", "\r").encode())
    assert (lf is None) == (cr is None)
    if lf is not None:
        assert [(b.kind, b.start, b.end) for b in cr.blocks] == [(b.kind, b.start, b.end) for b in lf.blocks]
