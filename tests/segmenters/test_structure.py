"""structure segmenter: headings never stand alone or end a chunk, also when
the section's first paragraph is over the budget."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters import parse_strategy, segment

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[2] / "../shared").resolve()
PDFS = SHARED / "pdfs"


def _chunks(data: bytes, fmt: str, spec: str, **budget):
    parsed = parse_bytes(data, ParseContext(f"x.{fmt}", None, ParseOptions(format=fmt)))
    chunks = segment(parsed, parse_strategy(spec, **budget))
    verify(parsed.document.text, chunks)
    return parsed, chunks


def _heading_only(parsed, chunks):
    heads = {(b.start, b.end) for b in parsed.blocks if b.kind in ("heading", "title")}
    return [c.text for c in chunks if any(s <= c.start and c.end <= e for s, e in heads)]


LONG = " ".join(f"Sentence {i} of a long paragraph says something about the topic at hand." for i in range(60))


@pytest.mark.parametrize("budget", [{"max_tokens": 64}, {"max_tokens": 200}, {"max_chars": 300}])
def test_heading_opens_the_first_piece_of_an_oversize_paragraph(budget):
    md = f"# Title\n\nIntro.\n\n## Section A\n\n{LONG}\n\n### Deeper\n\n{LONG}\n\n## Section B\n\nShort.\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", **budget)
    assert _heading_only(parsed, chunks) == []
    for head in ("## Section A", "### Deeper"):
        (c,) = [c for c in chunks if c.text.startswith(head)]
        assert "Sentence 0 of a long paragraph" in c.text
    assert all(c.token_count <= next(iter(budget.values())) for c in chunks)


def test_heading_longer_than_the_room_left_still_joins_some_text():
    head = "## " + " ".join(["Heading"] * 20)
    md = f"{head}\n\n{LONG}\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", max_tokens=48)
    assert _heading_only(parsed, chunks) == []
    assert chunks[0].text.startswith(head) and "Sentence 0" in chunks[0].text


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")
def test_pdf_section_headings_do_not_stand_alone():
    path = PDFS / "pymupdf__2201.00069.pdf"
    parsed, chunks = _chunks(path.read_bytes(), "pdf", "structure", max_tokens=256)
    assert _heading_only(parsed, chunks) == []
    assert any(c.text.startswith("3.1.2 e-MERLIN detection") and "Compact persistent emission" in c.text for c in chunks)
    assert not any("MNRAS 000" in c.text or "observations of three localised FRBs 5" in c.text for c in chunks)


# ------------------------------------------------ a heading never ends a chunk

NODE_API = Path("/usr/share/doc/nodejs/api")
_HEADS = ("heading", "title")


def _quiet(b) -> bool:
    """Blocks with no prose of their own (``<!-- YAML -->`` metadata, empty blocks, bare anchors)."""
    return b.kind == "comment" or (b.kind != "code" and not re.sub(r"<[^<>]*>", "", b.text).strip())


def _ends_on_heading(parsed, chunks, budget: int, split_level: int = 2, sizer=None):
    """Chunks whose last block is a heading, or a heading followed only by
    quiet blocks, while the section's content comes after them.  Allowed: the
    next block is a heading at a hard boundary or at the same level or above
    (the heading's section is empty), nothing follows, or the heading and its quiet blocks leave
    no room for even a word of what follows."""
    flat = []
    for b in sorted((b for b in parsed.blocks if not b.furniture), key=lambda b: (b.start, -b.end)):
        if not (flat and b.start < flat[-1].end):
            flat.append(b)
    text = parsed.document.text
    bad = []
    for c in chunks:
        inside = [b for b in flat if c.start <= b.start < c.end]
        while inside and _quiet(inside[-1]):
            inside.pop()
        if not inside or inside[-1].kind not in _HEADS:
            continue
        after = next((b for b in flat if b.start >= c.end and not _quiet(b)), None)
        if after is None or (after.kind in _HEADS and (after.level or 1) <= max(split_level, inside[-1].level or 1)):
            continue  # the end, a hard boundary, or the heading's section is empty
        if sizer is not None:
            k = len(inside) - 1  # the run of headings (and quiet blocks) ending the chunk
            while k > 0 and (inside[k - 1].kind in _HEADS or _quiet(inside[k - 1])):
                k -= 1
            content = next((b for b in flat if b.start >= c.end and not _quiet(b) and b.kind not in _HEADS), after)
            word = re.search(r"\w+", content.text)
            end = content.start + (word.end() if word else len(content.text))
            if sizer.count(text[inside[k].start : end]) > budget:
                continue  # not even a word of the content fits after the headings
        bad.append(c.text[-120:])
    return bad


def _filler(n: int, word: str = "alpha") -> str:
    return " ".join(f"{word}{i}" for i in range(n)) + "."


def test_heading_and_its_comments_open_the_next_chunk():
    # Node's API docs: a heading, then `<!-- YAML added: ... -->` metadata, then the content
    md = (
        f"# Doc\n\n{_filler(40)}\n\n"
        "### Class: `FileHandle`\n\n<!-- YAML\nadded: v10.0.0\n-->\n\n<!-- type=class -->\n\n"
        f"{_filler(60, 'beta')}\n"
    ).encode()
    parsed, chunks = _chunks(md, "markdown", "structure", max_tokens=128)
    assert [b.kind for b in parsed.blocks].count("comment") == 2
    assert _ends_on_heading(parsed, chunks, 128) == []
    (c,) = [c for c in chunks if "FileHandle" in c.text]
    assert c.text.startswith("### Class: `FileHandle`") and "beta0" in c.text and "alpha0" not in c.text


def test_heading_and_comments_before_an_oversize_paragraph_open_its_first_piece():
    md = f"# Doc\n\n{_filler(20)}\n\n## A\n\n<!-- YAML\nadded: v1.0.0\n-->\n\n{LONG}\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", max_tokens=64)
    assert _ends_on_heading(parsed, chunks, 64) == []
    (c,) = [c for c in chunks if c.text.startswith("## A")]
    assert "added: v1.0.0" in c.text and "Sentence 0 of" in c.text


def test_exact_repack_carries_a_trailing_heading_forward():
    # The units' counts sum to the budget, but the blank lines between them add
    # tokens: the group is re-packed exactly, and the heading must not end a piece.
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    paras = [_filler(9, "gamma"), _filler(9, "delta"), "### Function arguments", _filler(7, "omega")]
    counts = [sizer.count(p) for p in paras]
    whole = "\n\n".join(paras)
    limit = sum(counts)
    assert sizer.count(whole) > limit  # the precondition of the re-pack path
    parsed, chunks = _chunks(f"{whole}\n".encode(), "markdown", "structure", max_tokens=limit)
    assert _ends_on_heading(parsed, chunks, limit) == []
    assert any(c.text.startswith("### Function arguments") and "omega0" in c.text for c in chunks)


@pytest.mark.parametrize("md", [
    "# Title\n\n## Section A\n\nText of section A.\n\n## Section B\n\nText of B.\n",
    "# Modules\n\n<!--introduced_in=v0.10.0-->\n\n<!-- type=misc -->\n\n## The `Module` object\n\nText.\n",
    "## Empty\n\n## Also empty\n\n## Full\n\nText.\n",
])
def test_a_section_with_no_content_travels_with_the_next(md):
    parsed, chunks = _chunks(md.encode(), "markdown", "structure", max_tokens=64)
    assert _heading_only(parsed, chunks) == []
    assert not any(all(b.kind in _HEADS or _quiet(b) for b in parsed.blocks if c.start <= b.start < c.end) for c in chunks)
    # the hard boundary still holds between sections that have content
    assert not any("Text of section A" in c.text and "Text of B" in c.text for c in chunks)


def test_a_trailing_empty_subsection_stays_with_its_section():
    md = b"## A\n\nText of A.\n\n### Empty\n\n## B\n\nText of B.\n"
    parsed, chunks = _chunks(md, "markdown", "structure", max_tokens=64)
    assert [c.text for c in chunks] == ["## A\n\nText of A.\n\n### Empty", "## B\n\nText of B."]


@pytest.mark.skipif(not NODE_API.is_dir(), reason="Node.js API markdown not installed")
@pytest.mark.parametrize("budget", [128, 256, 512])
def test_node_api_docs_never_end_a_chunk_on_a_heading(budget):
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    bad = {}
    for name in ("addons.md", "assert.md", "buffer.md", "cli.md", "esm.md", "module.md", "http.md", "n-api.md", "stream.md"):
        path = NODE_API / name
        if not path.exists():
            continue
        parsed, chunks = _chunks(path.read_bytes(), "markdown", "structure", max_tokens=budget)
        if found := _ends_on_heading(parsed, chunks, budget, sizer=sizer):
            bad[name] = found
    assert bad == {}


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")
def test_pdf_heading_whose_paragraph_fits_only_alone_opens_it():
    # 'Formula' (1 token) + its 255-token paragraph: the summed counts fit 256,
    # the exact count (with the blank line between) does not
    parsed, chunks = _chunks((PDFS / "docling__code_and_formula.pdf").read_bytes(), "pdf", "structure", max_tokens=256)
    assert _heading_only(parsed, chunks) == []
    (c,) = [c for c in chunks if c.text.startswith("Formula")]
    assert c.text.startswith("Formula\n\nLorem ipsum")


def test_a_run_of_empty_headings_leaves_room_for_the_content_they_precede():
    # cli.md's V8 options: many sibling headings with no content, then one with content
    empty = "".join(f"### `--option-number-{i}`\n\n" for i in range(30))
    para = " ".join(f"Sets limit {i} of the engine." for i in range(12))
    md = f"## Options\n\n{empty}### `--max-old-space-size`\n\n<!-- anchor -->\n\n{para}\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", max_chars=400)
    assert _heading_only(parsed, chunks) == []
    (c,) = [c for c in chunks if "Sets limit 0 " in c.text]
    assert "### `--max-old-space-size`" in c.text and "Sets limit 3 " in c.text  # a third of the chunk, not a word


def test_alternate_signature_headings_stay_together():
    yaml = "\n".join(f"  - version: v1{i}.0.0\n    description: change number {i} to the function." for i in range(6))
    body = " ".join(f"Sentence {i} documents the function." for i in range(30))
    md = f"Intro paragraph.\n\n## `f(options)`\n\n## `f(url, options)`\n\n<!-- YAML\nchanges:\n{yaml}\n-->\n\n{body}\n".encode()
    parsed, chunks = _chunks(md, "markdown", "structure", max_tokens=128)
    assert _heading_only(parsed, chunks) == []
    assert any(c.text.startswith("## `f(options)`\n\n## `f(url, options)`") for c in chunks)


# ------------------------------------------------------------------ --overlap

def _overlaps(parsed, chunks, sizer):
    """(previous, chunk, size of the repeated text) for each chunk that repeats some of the one before."""
    text = parsed.document.text
    return [(a, b, sizer.count(text[b.start : a.end])) for a, b in zip(chunks, chunks[1:]) if b.start < a.end]


def _check_overlap(parsed, chunks, plain, budget: int, overlap: int, sizer):
    """The contract of structure's overlap: a chunk starts inside the previous
    one only to repeat at most ``overlap`` units of it, never a heading and
    never before a chunk that opens with one; past the repeated part the
    chunks tile the text as at overlap 0 (nothing lost, nothing twice)."""
    text = parsed.document.text
    heads = [b for b in parsed.blocks if b.kind in _HEADS]
    head_starts = {h.start for h in heads}
    for k, c in enumerate(chunks):
        assert c.token_count <= budget
        if k and c.start < chunks[k - 1].end:
            prev = chunks[k - 1]
            assert prev.start < c.start < prev.end < c.end
            assert sizer.count(text[c.start : prev.end]) <= overlap
            assert not any(c.start <= h.start < prev.end for h in heads), text[c.start : prev.end]
            own = len(text) - len(text[prev.end :].lstrip())  # where the chunk's own text starts
            assert own not in head_starts, text[c.start : own + 40]
    covered = bytearray(len(text))
    for c in plain:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    for c in chunks:
        covered[c.start : c.end] = b"\x00" * (c.end - c.start)
    assert not any(covered[i] and not text[i].isspace() for i in range(len(text))), "text lost with overlap"


def _strategy_pair(spec: str, overlap: int, **budget):
    return parse_strategy(spec, overlap=overlap, **budget), parse_strategy(spec, **budget)


def test_overlap_repeats_whole_sentences_inside_a_section_and_never_crosses_a_heading():
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    md = f"# Title\n\nIntro.\n\n## Section A\n\n{LONG}\n\n### Deeper\n\n{LONG}\n\n## Section B\n\n{LONG}\n".encode()
    parsed = parse_bytes(md, ParseContext("x.md", None, ParseOptions(format="markdown")))
    with_ov, plain = _strategy_pair("structure", 24, max_tokens=100)
    chunks, base = segment(parsed, with_ov), segment(parsed, plain)
    verify(parsed.document.text, chunks)
    _check_overlap(parsed, chunks, base, 100, 24, sizer)
    found = _overlaps(parsed, chunks, sizer)
    # every chunk that continues a section repeats its predecessor's last sentence
    continuing = [c for c in chunks[1:] if not c.text.startswith("#")]
    assert len(found) == len(continuing) > 10
    for _a, b, size in found:
        assert 0 < size <= 24 and b.text.startswith("Sentence ")
    # chunks opening a section or a subsection repeat nothing of the one before
    for c in chunks:
        if c.text.startswith(("## Section B", "### Deeper")):
            assert not any(b is c for _a, b, _s in found)


def test_overlap_is_shrunk_to_fit_the_budget_never_the_chunk():
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    md = f"## A\n\n{LONG}\n".encode()
    parsed = parse_bytes(md, ParseContext("x.md", None, ParseOptions(format="markdown")))
    for budget, overlap in ((40, 39), (64, 48), (100, 20)):
        with_ov, plain = _strategy_pair("structure", overlap, max_tokens=budget)
        chunks = segment(parsed, with_ov)
        verify(parsed.document.text, chunks)
        _check_overlap(parsed, chunks, segment(parsed, plain), budget, overlap, sizer)
        assert _overlaps(parsed, chunks, sizer)


@pytest.mark.parametrize("prose", ["Some prose before the table.\n\n", ""])
def test_overlap_in_a_split_table_is_whole_rows_without_the_header(prose):
    rows = "\n".join(f"| row {i} | value number {i} of the table |" for i in range(60))
    md = f"## Data\n\n{prose}| name | value |\n|---|---|\n{rows}\n".encode()
    parsed = parse_bytes(md, ParseContext("x.md", None, ParseOptions(format="markdown")))
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    with_ov, plain = _strategy_pair("structure", 30, max_tokens=120)
    chunks, base = segment(parsed, with_ov), segment(parsed, plain)
    verify(parsed.document.text, chunks)
    _check_overlap(parsed, chunks, base, 120, 30, sizer)
    parts = [c for c in chunks if c.meta.get("table_part", 0) > 1]
    assert len(parts) >= 3
    for c in parts:
        assert c.text.startswith("| row ") and c.context.endswith("| name | value |\n|---|---|")
    assert sum(1 for _a, b, _s in _overlaps(parsed, chunks, sizer) if b in parts) == len(parts)
    # prose is not repeated into the table (tables_alone)
    assert not any("Some prose" in c.text for c in chunks if c.meta.get("table_part"))
    # an overlap smaller than a row repeats nothing
    row = sizer.count("| row 10 | value number 10 of the table |")
    chunks = segment(parsed, parse_strategy("structure", overlap=row - 1, max_tokens=120))
    assert len(chunks) > 3 and _overlaps(parsed, chunks, sizer) == []


def test_overlap_never_repeats_the_tail_of_a_fenced_block():
    code = "\n".join(f"const value{i} = compute({i});" for i in range(40))
    md = f"## Example\n\n```js\n{code}\n```\n\n{LONG}\n".encode()
    parsed = parse_bytes(md, ParseContext("x.md", None, ParseOptions(format="markdown")))
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    with_ov, plain = _strategy_pair("structure", 30, max_tokens=120)
    chunks, base = segment(parsed, with_ov), segment(parsed, plain)
    verify(parsed.document.text, chunks)
    _check_overlap(parsed, chunks, base, 120, 30, sizer)
    found = _overlaps(parsed, chunks, sizer)
    assert found
    for _a, b, _s in found:
        head = b.text.split("\n", 1)[0]
        # inside the code: whole lines; in prose after it: sentences, never a fence's tail
        assert head.startswith(("const value", "Sentence ")), head
        assert "```" not in b.text[: b.text.find("Sentence ")] if b.text.startswith("Sentence") else True


def test_overlap_zero_is_the_default_output():
    md = f"# T\n\n## A\n\n{LONG}\n\n## B\n\nShort.\n".encode()
    parsed = parse_bytes(md, ParseContext("x.md", None, ParseOptions(format="markdown")))
    assert segment(parsed, parse_strategy("structure", max_tokens=64, overlap=0)) == segment(parsed, parse_strategy("structure", max_tokens=64))


@pytest.mark.skipif(not NODE_API.is_dir(), reason="Node.js API markdown not installed")
def test_overlap_on_node_api_docs():
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    total = 0
    for name in ("assert.md", "buffer.md", "path.md", "stream.md"):
        path = NODE_API / name
        if not path.exists():
            continue
        parsed = parse_bytes(path.read_bytes(), ParseContext(str(path), None, ParseOptions()))
        with_ov, plain = _strategy_pair("structure", 32, max_tokens=256)
        chunks = segment(parsed, with_ov)
        verify(parsed.document.text, chunks)
        _check_overlap(parsed, chunks, segment(parsed, plain), 256, 32, sizer)
        assert _ends_on_heading(parsed, chunks, 256, sizer=sizer) == []
        total += len(_overlaps(parsed, chunks, sizer))
    assert total > 50


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")
def test_overlap_on_a_pdf_stays_off_furniture_and_headings():
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    parsed = parse_bytes((PDFS / "pymupdf__2201.00069.pdf").read_bytes(), ParseContext("x.pdf", None, ParseOptions(format="pdf")))
    with_ov, plain = _strategy_pair("structure", 32, max_tokens=256)
    chunks = segment(parsed, with_ov)
    verify(parsed.document.text, chunks)
    _check_overlap(parsed, chunks, segment(parsed, plain), 256, 32, sizer)
    furniture = [(b.start, b.end) for b in parsed.blocks if b.furniture]
    assert not any(s < c.end and c.start < e for c in chunks for s, e in furniture)
    assert len(_overlaps(parsed, chunks, sizer)) >= 3


def test_cli_overlap_reaches_structure():
    import json
    import subprocess
    import sys

    example = Path(__file__).resolve().parents[2] / "examples" / "node-path.md"
    out = subprocess.run(
        [sys.executable, "-m", "chunkline", "chunk", str(example), "-s", "structure", "-t", "200", "--overlap", "20", "-q"],
        capture_output=True, check=True, timeout=120,
    ).stdout
    chunks = [json.loads(x) for x in out.decode().splitlines()]
    pairs = [(a, b) for a, b in zip(chunks, chunks[1:]) if b["start"] < a["end"]]
    assert len(pairs) >= 5
    assert all(not b["text"].startswith("#") for _a, b in pairs)


def test_overlap_never_starts_on_a_page_number_after_dot_leaders():
    # a contents page: entries are paragraphs, some longer than the overlap;
    # ". 27" ends a "sentence" by the rules, but the page number alone is no sentence
    from chunkline.core.tokenizers import get_sizer

    sizer = get_sizer("cl100k_base")
    entries = "\n\n".join(f"{i}.{j} Topic {i}{j} " + ". " * (3 if j % 2 else 14) + f"{10 * i + j}" for i in range(1, 9) for j in range(1, 6))
    parsed = parse_bytes(f"## Contents\n\n{entries}\n".encode(), ParseContext("x.md", None, ParseOptions(format="markdown")))
    chunks = segment(parsed, parse_strategy("structure", overlap=16, max_tokens=80))
    verify(parsed.document.text, chunks)
    found = _overlaps(parsed, chunks, sizer)
    assert found
    for _a, b, _s in found:
        assert re.match(r"\d+\.\d+ Topic", b.text), b.text[:40]


def _doc(parts: list[tuple[str, str]]):
    """A parsed document from (kind, text) blocks separated by blank lines, as the PDF parser emits them."""
    from chunkline.core.records import Block, Document, ParsedDocument

    text, blocks = "", []
    for kind, body in parts:
        start = len(text)
        text += body + "\n\n"
        meta = {}
        if kind == "table":
            rows, pos = [], start
            for line in body.split("\n"):
                rows.append((pos, pos + len(line)))
                pos += len(line) + 1
            meta = {"row_spans": rows}
        blocks.append(Block(kind, start, start + len(body), body, section=("Results",), meta=meta))
    return ParsedDocument(Document(id="d", source="d.pdf", format="pdf", sha256="0", text=text), tuple(blocks))


TABLE = "\n".join(f"| model {i} | {i * 7} | {i * 3} |" for i in range(12))
CAPTION = "Table 1: Performance of the models on the benchmark."


@pytest.mark.parametrize("prose", [LONG[:900], "A short paragraph before the table."], ids=["long", "short"])
def test_a_table_caption_opens_its_table_chunk(prose):
    parsed = _doc([("paragraph", prose), ("caption", CAPTION), ("table", TABLE), ("paragraph", "After the table.")])
    chunks = segment(parsed, parse_strategy("structure:max_tokens=256"))
    verify(parsed.document.text, chunks)
    (c,) = [c for c in chunks if "| model 0 |" in c.text]
    assert c.text.startswith(CAPTION)
    assert all(c.token_count <= 256 for c in chunks)


def test_a_caption_opens_the_first_piece_of_a_table_over_budget():
    parsed = _doc([("paragraph", "Some prose first."), ("caption", CAPTION), ("table", TABLE)])
    chunks = segment(parsed, parse_strategy("structure:max_tokens=64"))
    verify(parsed.document.text, chunks)
    (c,) = [c for c in chunks if "| model 0 |" in c.text]
    assert c.text.startswith(CAPTION)
    assert all(c.token_count <= 64 for c in chunks)


@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")
def test_pdf_table_captions_stay_with_their_tables():
    """Qwen2's report: "Table 1: Architecture of Qwen2 ..." was the end of a chunk of prose, its table the next."""
    path = PDFS / "pymupdf__test_4751.pdf"
    parsed, chunks = _chunks(path.read_bytes(), "pdf", "structure", max_tokens=512)
    for head in ("Table 1: Architecture of Qwen2", "Table 2: Performance of the 70B+", "Table 14: Performance of models in safety"):
        (c,) = [c for c in chunks if head in c.text]
        assert c.text.startswith(head) and "|" in c.text[len(head):], c.text[:200]



@pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")
def test_pdf_caption_alone_joins_a_neighbour_with_room():
    """IBM redbook: "Table 3-1 summarizes these special registers ..." (a caption) was a chunk of its own."""
    path = PDFS / "docling__redp5110_sampled.pdf"
    parsed, chunks = _chunks(path.read_bytes(), "pdf", "structure", max_tokens=512)
    caps = {b.text.strip() for b in parsed.blocks if b.kind == "caption"}
    assert [c.text for c in chunks if c.text.strip() in caps] == []
    assert all(c.token_count <= 512 for c in chunks)
