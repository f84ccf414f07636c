"""``split_recursive`` reports exact counts without re-tokenizing every chunk;
these tests hold it to ``sizer.count`` on real and adversarial text."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chunkline.core.tokenizers import get_sizer
from chunkline.segmenters import packing as _packing
from chunkline.segmenters.packing import MARKDOWN_SEPARATORS, PROSE_SEPARATORS, split_recursive

_EXAMPLES = int(os.environ.get("CHUNKLINE_EXAMPLES", "200"))
_STDLIB = Path(sysconfig.get_paths()["stdlib"])
_REAL = [_STDLIB / "textwrap.py", _STDLIB / "json" / "decoder.py", _STDLIB / "this.py"]


def _check(text: str, sizer_name: str, limit: int, overlap: int = 0, min_size: int = 0, seps=PROSE_SEPARATORS) -> None:
    sizer = get_sizer(sizer_name)
    out = split_recursive(text, 0, len(text), sizer, limit, seps, overlap, min_size)
    for s, e, c in out:
        assert c == sizer.count(text[s:e]), (s, e, text[s:e])
        assert c <= limit
        assert text[s:e] == text[s:e].strip()
    if overlap == 0:
        covered = "".join(text[s:e] for s, e, _ in out)
        assert "".join(covered.split()) == "".join(text.split())


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
@pytest.mark.parametrize("limit", [8, 40, 300])
@pytest.mark.parametrize("path", _REAL, ids=lambda p: p.name)
def test_counts_are_exact_on_real_text(path: Path, name: str, limit: int) -> None:
    text = path.read_text("utf-8")
    _check(text, name, limit)
    _check(text, name, limit, min_size=limit // 2)
    _check(text, name, limit, overlap=limit // 4)


_ATOMS = st.sampled_from(
    ["word", "Word", "x", "42", "12345", " ", "  ", "\t", "\n", "\n\n", "\n    ", ". ", "! ", "? ", ", ", "; ", ": ",
     "e.g. ", "(a)", "é", "日本語", "\u00a0", "'s", "--", "/", "http://a.b/c", "    def f():\n", "}", "\r\n", "#"]
)


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
@settings(max_examples=_EXAMPLES, deadline=None)
@given(text=st.lists(_ATOMS, max_size=120).map("".join), limit=st.integers(4, 40), overlap=st.integers(0, 3), md=st.booleans())
def test_counts_are_exact_on_any_text(name: str, text: str, limit: int, overlap: int, md: bool) -> None:
    _check(text, name, limit, overlap=overlap, seps=MARKDOWN_SEPARATORS if md else PROSE_SEPARATORS)


def test_characters_and_tokens_cover_the_same_text() -> None:
    text = (_STDLIB / "textwrap.py").read_text("utf-8")
    _check(text, "chars", 200)
    _check(text, "chars", 200, min_size=150)
    _check(text, "chars", 200, overlap=40)


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_chunk_line_spans_count_every_line_ending(eol: str) -> None:
    """Chunk ``lines`` agree with the source's own line endings (LF, CRLF, classic-Mac CR)."""
    from chunkline.parsers.base import ParseContext, parse_bytes
    from chunkline.parsers.text import line_view
    from chunkline.segmenters.base import parse_strategy, segment

    body = eol.join(["First paragraph, line one.", "Line two of it.", "", "Second paragraph here.", "", "", "Third one, after two blank lines."]) + eol
    parsed = parse_bytes(body.encode(), ParseContext("t.txt", "t.txt"))
    view = line_view(parsed.document.text)
    chunks = segment(parsed, parse_strategy("sentence", max_tokens=6))
    assert len(chunks) >= 4
    for c in chunks:
        first = 1 + view.count("\n", 0, c.start)
        last = 1 + view.count("\n", 0, c.end - 1)
        assert c.lines == (first, last), (c.text, c.lines)


_BLANKY = st.sampled_from(["a", "b c", "\n", "\n\n", "\n \n", "\n\t\n", "\n\n\n", "  ", "\t", "x.\n"])


@settings(max_examples=_EXAMPLES, deadline=None)
@given(text=st.lists(_BLANKY, max_size=60).map("".join), data=st.data())
def test_one_scan_finds_the_same_blank_line_cuts(text: str, data) -> None:
    """``_blank_runs`` stands in for two regex scans of the separator hierarchy."""
    from chunkline.segmenters.packing import _BLANK, _MULTI_BLANK, _blank_runs

    s = data.draw(st.integers(0, len(text)))
    e = data.draw(st.integers(s, len(text)))
    multi, single = _blank_runs(text, s, e)
    assert multi == [m.end() for m in _MULTI_BLANK.finditer(text, s, e)]
    if not multi:  # where the hierarchy uses the paragraph cuts without rescanning
        assert single == [m.end() for m in _BLANK.finditer(text, s, e)]
    # inside a piece between section gaps, the paragraph cuts are the ones in that piece
    bounds = [s, *multi, e]
    for a, z in zip(bounds, bounds[1:]):
        from chunkline.core.spans import trim

        ta, tz = trim(text, a, z)
        if ta < tz:
            assert [c for c in single if ta < c < tz] == [m.end() for m in _BLANK.finditer(text, ta, tz) if m.end() < tz]


@pytest.mark.parametrize(
    "text, cuts",
    [
        ("Это первое. Это второе.", [12]),  # Cyrillic capitals open sentences
        ("Αυτό είναι. Άλλο ένα.", [12]),  # Greek, with a tonos capital
        ("있다. 한편 그는 갔다.", [4]),  # Hangul has no case
        ("שלום. עולם.", [6]),  # nor has Hebrew
        ("Il a dit « oui ». « Non », dit-elle.", [18]),  # guillemets
        ("А. С. Пушкин родился. Он писал.", [22]),  # Cyrillic initials are not sentence ends
        ("He said. \"Yes.\" Then (maybe) not.", [9, 16]),
        ("Dr. Smith came. e.g. this.", []),
    ],
)
def test_sentence_cuts_beyond_latin_capitals(text, cuts):
    assert _packing.sentence_cuts(text, 0, len(text)) == cuts
