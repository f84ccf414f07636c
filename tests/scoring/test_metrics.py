"""Hand-built cases with known values for every intrinsic metric."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chunkline.core.records import Block, Document, ParsedDocument
from chunkline.scoring import boundary, cohesion, intervals, references, structure
from chunkline.scoring.size import size_stats


def _doc(text: str, blocks: list[tuple[str, int, int]], source: str = "d.txt") -> ParsedDocument:
    bl = tuple(Block(kind=k, start=s, end=e, text=text[s:e], furniture=(k == "page_header")) for k, s, e in blocks)
    return ParsedDocument(Document(id="x", source=source, format="text", sha256="0", text=text), bl)


def test_intervals_union_and_intersection():
    assert intervals.union([(5, 8), (0, 3), (2, 4), (8, 9), (10, 10)]) == [(0, 4), (5, 9)]
    assert intervals.intersection_length([(0, 4), (5, 9)], [(3, 6)]) == 2
    assert intervals.length([(0, 4), (2, 6)]) == 8
    assert not intervals.overlaps((0, 5), (5, 9))


def test_size_stats_compliance_and_fill():
    st = size_stats(np.array([1, 2, 3, 4, 5]), "words", max_size=4, min_size=2)
    assert (st.min, st.median, st.max) == (1, 3.0, 5)
    assert st.compliance == pytest.approx(3 / 5)  # 2, 3, 4
    assert st.fill == pytest.approx(np.mean([1, 2, 3, 4, 5]) / 4)
    assert st.over_budget == 1
    assert size_stats(np.array([3]), "words", None).compliance is None


def test_coverage_redundancy_and_furniture():
    text = "HEADER\naaaa bbbb\ncccc dddd"
    #       0     6 7        16       25
    doc = _doc(text, [("page_header", 0, 6), ("paragraph", 7, 16), ("paragraph", 17, 26)])
    tot = structure.StructureTotals()
    structure.add_document(tot, doc, [(7, 16), (12, 26)])
    r = tot.ratios()
    assert r["coverage"] == pytest.approx(1.0)  # 16 content chars, all covered; the header does not count
    # chunk chars: 8 + 12 (bbbb + cccc dddd... non-whitespace): 8 + 4 + 8 = 20, covered 16
    assert tot.chunk_chars == 20 and tot.covered_chars == 16
    assert r["redundancy"] == pytest.approx(1 - 16 / 20)
    tot2 = structure.StructureTotals()
    structure.add_document(tot2, doc, [(7, 16)])
    assert tot2.ratios()["coverage"] == pytest.approx(8 / 16)


def test_blocks_sentences_and_mid_sentence():
    text = "One two. Three four.\n\nFive six. Seven."
    doc = _doc(text, [("paragraph", 0, 20), ("paragraph", 22, 38)])
    tot = structure.StructureTotals()
    structure.add_document(tot, doc, [(0, 15), (15, 38)])  # cuts "Three four." after "Three"
    r = tot.ratios()
    assert r["blocks_cut"] == pytest.approx(1 / 2)
    assert tot.sentences == 4 and r["sentences_cut"] == pytest.approx(1 / 4)
    assert r["mid_sentence_starts"] == pytest.approx(1 / 2)  # the second chunk starts at "four."
    assert r["mid_sentence_ends"] == pytest.approx(1 / 2)
    clean = structure.StructureTotals()
    structure.add_document(clean, doc, [(0, 20), (22, 38)])
    assert clean.ratios()["blocks_cut"] == 0 and clean.ratios()["sentences_cut"] == 0
    assert clean.ratios()["bi"] == 1.0


def test_orphan_heading():
    text = "Title\nBody text here.\nNext\nMore body."
    doc = _doc(text, [("heading", 0, 5), ("paragraph", 6, 21), ("heading", 22, 26), ("paragraph", 27, 37)])
    tot = structure.StructureTotals()
    structure.add_document(tot, doc, [(0, 26), (27, 37)])  # "Next" ends chunk 1, its body is in chunk 2
    assert tot.orphan_headings == 1 and tot.ratios()["orphan_headings"] == pytest.approx(1 / 2)
    ok = structure.StructureTotals()
    structure.add_document(ok, doc, [(0, 21), (22, 37)])
    assert ok.ratios()["orphan_headings"] == 0


def test_block_integrity_paper_tolerance():
    # blocks [0,100) [100,200); a chunk start at 103 is within 5 chars of the edge: not a cut.
    assert structure.block_integrity_paper([100], [0, 103], 200) == 1.0
    assert structure.block_integrity_paper([100], [0, 150], 200) == 0.5
    assert structure.block_integrity_paper([100], [0], 200) == 1.0  # one chunk: intact
    assert structure.block_integrity_paper([100], [0, 150], 200, tolerance=60) == 1.0


def test_references_heuristic():
    c = references.chunk_references("It was raining. Mr. Knightley came in and he sat down.")
    assert (c.found, c.resolved) == (2, 1)  # "It" has no antecedent before it, "he" has Mr. Knightley
    assert references.chunk_references("The committee met. It decided to adjourn.").complete
    assert not references.chunk_references("See above for details.").complete
    assert references.chunk_references("The rule is short. See above for details.").complete
    assert not references.chunk_references("This section applies.").complete
    assert references.chunk_references("This section applies.", has_heading=True).complete
    terms = references.defined_terms('This Agreement (the "Agreement") binds.')
    assert terms == {"Agreement"}
    assert not references.chunk_references("Under the Agreement the Seller pays.", terms).complete
    assert references.chunk_references('The "Agreement" means this. Under the Agreement all pay.', terms).complete
    rc, rr = references.references_completeness([references.ReferenceCounts(2, 1), references.ReferenceCounts(0, 0)])
    assert rc == 0.5 and rr == 0.5


class _BagEmbedder:
    """Tiny deterministic stand-in for chunkline.embeddings: normalised letter counts."""

    name = "bag"

    def embed(self, texts):
        out = np.zeros((len(texts), 26), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t.lower():
                if "a" <= ch <= "z":
                    out[i, ord(ch) - 97] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)


def test_icc_identical_units_is_one_and_mixed_is_lower():
    text = "aaaa aaaa\nbbbb bbbb\naaaa aaaa\naaaa aaaa"
    same = cohesion.icc_scores(text, [(20, 39)], [20, 30], _BagEmbedder())
    assert same == [pytest.approx(1.0)]
    mixed = cohesion.icc_scores(text, [(0, 29)], [10, 20], _BagEmbedder())
    # units "aaaa aaaa\n", "bbbb bbbb\n", "aaaa aaaa": chunk vector ~ (2a, 1b)/sqrt5
    expected = (2 * (2 / math.sqrt(5)) + 1 / math.sqrt(5)) / 3
    assert mixed == [pytest.approx(expected, abs=1e-5)]
    assert cohesion.icc_scores(text, [(0, 9)], [10], _BagEmbedder()) == []  # one unit: not scored


def test_dcc_windows_follow_the_paper():
    text = "aaaa bbbb cccc dddd"
    spans = [(0, 4), (5, 9), (10, 14), (15, 19)]
    wins = cohesion.dcc_windows(text, spans, len, window_tokens=8)
    # from chunk 0: 0+1 (8 chars); from 1: 1+2; from 2: 2+3; from 3: a single chunk (dropped)
    assert [m for _, m in wins] == [[0, 1], [1, 2], [2, 3]]
    assert wins[0][0] == "aaaabbbb"
    # overlap is not repeated inside a window
    wins2 = cohesion.dcc_windows("abcdefgh", [(0, 6), (4, 8)], len, window_tokens=10)
    assert wins2 == [("abcdefgh", [0, 1])]
    scores = cohesion.dcc_scores(text, spans, _BagEmbedder(), len, window_tokens=8)
    assert len(scores) == 6 and all(0 < s < 1 for s in scores)


def test_boundary_clarity_and_stickiness():
    filler = "the of and to in a is that for it as was with be by on not he this are or his from at which".split()
    bg = boundary.Background.fit([" ".join(filler * 20) + " zebra giraffe okapi quagga"])
    sticky = ["zebra giraffe okapi quagga zebra giraffe"] * 3
    bc, cs = boundary.boundary_scores(sticky, bg)
    assert len(bc) == 2 and all(b < 0.2 for b in bc)  # the previous chunk predicts the next
    assert cs == pytest.approx(math.log2(3))  # a triangle: every degree 2
    clean = ["zebra giraffe zebra", "the of and to in", "okapi quagga okapi"]
    bc2, cs2 = boundary.boundary_scores(clean, bg)
    assert all(b > 1.0 for b in bc2) and cs2 == 0.0
    assert boundary.boundary_scores(["zebra"], bg) == ([], None)
