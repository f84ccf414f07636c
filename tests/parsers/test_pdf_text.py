"""PDF running text (parsers/pdf/text.py): which line-end hyphens are the
typesetter's, URLs and identifiers broken at a hyphen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("pymupdf")

from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes
from chunkline.parsers.pdf.lines import Line
from chunkline.parsers.pdf.text import Vocabulary, join_running

SHARED = Path(os.environ.get("CHUNKLINE_SHARED") or Path(__file__).resolve().parents[2] / "../shared").resolve()
PDFS = SHARED / "pdfs"
needs_shared = pytest.mark.skipif(not PDFS.is_dir(), reason="../shared/pdfs not present")


def _line(text: str) -> Line:
    return Line(text, 0.0, 0.0, 100.0, 10.0, 10.0, 0.0, 0.0, 0.0, len(text), 10.0, False)


def join(*texts: str, other: tuple[str, ...] = ()) -> str:
    """Join ``texts`` as one paragraph; ``other`` lines are the rest of the document."""
    vocab = Vocabulary()
    vocab.add_lines(list(texts))
    for t in other:
        vocab.add_lines([t])
    return join_running([_line(t) for t in texts], vocab)[0]


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("a very memory-", "efficient approach", "memory-efficient"),
        ("several performance-", "enhancing features", "performance-enhancing"),
        ("the HPC-", "related systems", "HPC-related"),
        ("it is self-", "managed by them", "self-managed"),
        ("the E-", "selective product", "E-selective"),
        ("the g-", "silylallyloxysilane was", "g-silylallyloxysilane"),
        ("a model-", "based reward", "model-based"),
    ],
)
def test_a_compound_broken_at_its_hyphen_keeps_it(first, second, expected):
    assert expected in join(first, second)


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("the large differ-", "ences between them", "differences"),
        ("the inter-", "preter runs", "interpreter"),
        ("headers as text or precom-", "piled ones", "precompiled"),
        ("which was then result-", "ed in a loss", "resulted"),
    ],
)
def test_a_word_broken_by_the_typesetter_is_joined(first, second, expected):
    assert expected in join(first, second)


def test_the_document_spelling_decides_first():
    # "nonuser" spelled whole elsewhere: the break is the typesetter's
    assert "nonuser" in join("a non-", "user account", other=("every nonuser is",))
    # "co-operate" spelled with its hyphen elsewhere: keep it
    assert "co-operate" in join("they co-", "operate well", other=("we co-operate",))


def test_urls_and_identifiers_keep_their_hyphen_and_get_no_space():
    text = join("see https://ubuntu.com/server/docs/package-", "management#apt for more")
    assert "https://ubuntu.com/server/docs/package-management#apt" in text
    text = join("https://learn.microsoft.com/en-us/windows-server-", "2012-r2-and-2012/ explains")
    assert "windows-server-2012-r2-and-2012/" in text
    assert "Qwen2-72B" in join("the Qwen2-", "72B model")
    assert "non-English" in join("a non-", "English text")


def test_a_suspended_hyphen_keeps_its_space():
    assert "pre- and post-processing" in join("both pre-", "and post-processing")


def test_a_soft_hyphen_is_always_removed_and_recorded():
    text, removed = join_running([_line("the hyphen\u00ad"), _line("ation rules")], Vocabulary())
    assert text == "the hyphenation rules" and removed == [10]


@needs_shared
def test_real_hyphens_of_the_shared_reports_stay():
    path = PDFS / "pymupdf__test_3842.pdf"
    text = parse_bytes(path.read_bytes(), ParseContext(path.name, str(path), ParseOptions(format="pdf"))).document.text
    for good in ("HPC-related", "performance-enhancing", "self-managed", "non-user", "docs/package-management", "windows-server-2012-r2"):
        assert good in text, good
    for bad in ("HPCrelated", "performanceenhancing", "selfmanaged", "nonuser", "packagemanagement", "windows-server- 2012"):
        assert bad not in text, bad


def test_common_word_lexicon_is_the_bpe_shipped_with_chunkline():
    from chunkline.core.tokenizers import bpe_count

    count = bpe_count("cl100k_base")
    assert count(" differences") == 1 and count(" memoryefficient") > 1


def test_a_word_in_capitals_broken_at_a_line_end_is_joined_when_spelled_whole():
    assert "SEQUENCE OF" in join("a SE-", "QUENCE OF INTEGER", other=("SEQUENCE is a type",))
    assert "HPC-RELATED" in join("HPC-", "RELATED words")  # no evidence: kept
