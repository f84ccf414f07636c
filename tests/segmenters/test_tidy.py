"""The rules every strategy shares (``segmenters.tidy``), through ``segment``."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from chunkline.core.records import verify
from chunkline.parsers import ParseContext, ParseOptions, parse_bytes
from chunkline.scoring.hygiene import chunk_flags, is_junk
from chunkline.segmenters import parse_strategy, segment
from chunkline.segmenters.base import SEGMENTERS

STDLIB = Path(sysconfig.get_paths()["stdlib"])
NAMES = [n for n in SEGMENTERS.names() if n not in ("lumber", "perplexity")]  # LLM-backed ones need a server


def _parse(text: str, name: str, fmt: str | None = None):
    return parse_bytes(text.encode("utf-8"), ParseContext(name, None, ParseOptions(format=fmt)))


def _flags(parsed, chunks, strategy):
    from chunkline.core.tokenizers import get_sizer

    b = strategy.budget
    return chunk_flags(parsed, [(c.start, c.end) for c in chunks], get_sizer(b.tokenizer).count, b.max_size, b.min_size)


@pytest.mark.parametrize("budget", [100, 300, 800, 1500])
def test_closing_docstring_quotes_never_stand_alone(budget):
    """Issue 17.3: ``ast`` on json/__init__.py left '\"\"\"\\n' as a chunk of its own."""
    path = STDLIB / "json" / "__init__.py"
    parsed = parse_bytes(path.read_bytes(), ParseContext(str(path), str(path)))
    st = parse_strategy(f"ast:max_tokens={budget}")
    chunks = segment(parsed, st)
    verify(parsed.document.text, chunks)
    assert "".join(c.text for c in chunks) == parsed.document.text  # still an exact tiling
    assert not [c.text for c in chunks if is_junk(c.text)]


def test_closing_braces_join_the_code_they_close():
    src = "".join(f"function f{i}() {{\n  return {i} + {i};\n}}\n\n" for i in range(40)).encode()
    parsed = parse_bytes(src, ParseContext("a.js", None, ParseOptions()))
    for spec in ("ast:max_tokens=24", "recursive:max_tokens=16,tokenizer=nws", "fixed:max_tokens=10,tokenizer=nws"):
        st = parse_strategy(spec)
        chunks = segment(parsed, st)
        verify(parsed.document.text, chunks)
        assert not [i for i, m in _flags(parsed, chunks, st) if m == "junk_chunks"], spec  # none a neighbour had room for
        assert all(c.token_count <= st.budget.max_size for c in chunks)


MD = """# Tool

Intro paragraph that says what the tool does, in a sentence or two of prose.

### Examples

```bash
# list everything first
tool ls --all
# then remove what is stale
tool prune --dry-run
tool prune
```

### Notes

""" + "\n\n".join(f"Note {i}: the tool keeps its cache in a directory of its own, cleaned weekly." for i in range(12)) + "\n"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("budget", [40, 64, 128])
def test_no_strategy_ends_a_chunk_on_a_heading_or_splits_a_fence_that_fits(name, budget):
    """Issue 17.2: on markdown, a heading opens what it heads and a fenced block
    that fits is never split (``recursive`` cut at '# comment' lines in fenced
    shell code, and left '### Examples' with the opening fence at a chunk's end)."""
    parsed = _parse(MD, "doc.md")
    st = parse_strategy(f"{name}:max_tokens={budget}")
    chunks = segment(parsed, st)
    verify(parsed.document.text, chunks)
    found = [(i, m) for i, m in _flags(parsed, chunks, st) if m != "small_mergeable"]
    if name == "fixed":  # windows cut at token boundaries: only the heading rule and junk apply
        found = [(i, m) for i, m in found if m != "split_fences"]
    assert not found, [(m, chunks[i].text[-60:]) for i, m in found]


def test_a_trailing_heading_moves_to_the_next_chunk_when_it_has_room():
    """``fixed`` sees no structure, yet its window ending inside '## Final part'
    hands the heading to the next window, which has room for it."""
    text = "word " * 17 + "\n\n## Final part\n\nEnd of it."
    parsed = _parse(text, "doc.md")
    st = parse_strategy("fixed:max_tokens=20")
    chunks = segment(parsed, st)
    verify(parsed.document.text, chunks)
    assert [c.text for c in chunks] == [("word " * 17).strip(), "## Final part\n\nEnd of it."]
    assert not _flags(parsed, chunks, st)


def _bva() -> str:
    import json
    import os

    shared = Path(os.environ.get("CHUNKLINE_SHARED", "/work/shared")) / "legal_sbd" / "us_adjudicatory_decisions_sample.jsonl"
    if not shared.exists():
        pytest.skip("shared legal data not available")
    for line in shared.open(encoding="utf-8"):
        d = json.loads(line)
        if d["dataset"] == "bva":
            return d["text"]
    pytest.skip("no BVA decision in the sample")


def test_min_size_merges_small_sections_of_a_decision():
    """Issue 17.3: --min-size changed nothing on a BVA decision, silently."""
    parsed = _parse(_bva(), "bva.legal.txt", "legal")
    plain = segment(parsed, parse_strategy("legal:max_tokens=400"))
    st = parse_strategy("legal:max_tokens=400,min_size=60")
    notes: list[str] = []
    merged = segment(parsed, st, notes)
    verify(parsed.document.text, merged)
    assert len(merged) < len(plain)
    assert all(c.token_count <= 400 for c in merged)
    assert not [i for i, m in _flags(parsed, merged, st) if m == "small_mergeable"]
    assert not notes
    for c in merged:  # the context stays true of the whole chunk: a common section path
        assert c.context == (" > ".join(c.section) or None)


def test_min_size_says_why_it_cannot_merge():
    parsed = _parse("\n\n".join(["word " * 30] * 3 + ["tiny end."]), "a.txt")
    notes: list[str] = []
    chunks = segment(parsed, parse_strategy("recursive:max_chars=160,min_size=40"), notes)
    assert chunks[-1].text == "tiny end."
    assert len(notes) == 1 and "no neighbour that has room" in notes[0] and "--min-size 40" in notes[0]


@pytest.mark.parametrize("name", NAMES)
def test_min_size_merges_for_every_strategy(name):
    text = "\n\n".join(f"Short line {i}." for i in range(30))
    parsed = _parse(text, "a.txt")
    st = parse_strategy(f"{name}:max_tokens=64,min_size=20")
    chunks = segment(parsed, st)
    verify(parsed.document.text, chunks)
    assert not [i for i, m in _flags(parsed, chunks, st) if m == "small_mergeable"]


def test_a_figure_caption_alone_joins_a_neighbour_with_room():
    """A chunk that is just "Figure 2: ..." joins the chunk before it (else after) when they fit together."""
    from chunkline.core.records import Block, Document, ParsedDocument
    from chunkline.core.tokenizers import get_sizer
    from chunkline.segmenters.base import SegmentContext, Span, tidy_spans

    parts = [("paragraph", "The tone hole is modelled as a T-circuit."), ("caption", "Figure 2: T-circuit equivalent for a tone hole."), ("paragraph", "The series impedance follows.")]
    text, blocks = "", []
    for kind, body in parts:
        blocks.append(Block(kind, len(text), len(text) + len(body), body))
        text += body + "\n\n"
    parsed = ParsedDocument(Document(id="d", source="d.pdf", format="pdf", sha256="0", text=text), tuple(blocks))
    strategy = parse_strategy("recursive:max_tokens=64")
    ctx = SegmentContext(strategy.budget, get_sizer("cl100k_base"))
    spans = [Span(b.start, b.end) for b in blocks]
    out = tidy_spans(parsed, spans, ctx)
    assert [(s.start, s.end) for s in out] == [(blocks[0].start, blocks[1].end), (blocks[2].start, blocks[2].end)]
    # no room before it: it joins the chunk after it
    tight = parse_strategy(f"recursive:max_tokens={get_sizer('cl100k_base').count(text[blocks[0].start:blocks[1].end]) - 1}")
    out = tidy_spans(parsed, spans, SegmentContext(tight.budget, get_sizer("cl100k_base")))
    assert [(s.start, s.end) for s in out] == [(blocks[0].start, blocks[0].end), (blocks[1].start, blocks[2].end)]
