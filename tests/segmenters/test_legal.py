"""The ``legal`` segmenter: sentence packing within sections, clause splits, context, fallback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chunkline.core.errors import UsageError
from chunkline.core.records import verify
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters.base import parse_strategy, segment

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "legal"


def parsed(data: bytes, fmt: str = "legal"):
    return parse_bytes(data, ParseContext("doc.txt", None, ParseOptions(format=fmt)))


def _nonspace(s: str) -> str:
    return re.sub(r"\s+", "", s)


def check(pd, chunks, limit, tokenizer):
    text = pd.document.text
    verify(text, chunks)
    sizer = get_sizer(tokenizer)
    for c in chunks:
        assert c.token_count == sizer.count(c.text) <= limit
    # every non-space character is in exactly one chunk, in order (no overlap)
    assert "".join(_nonspace(c.text) for c in chunks) == _nonspace(text)


@pytest.fixture(scope="module")
def contract():
    return parsed((FIX / "contract.txt").read_bytes())


@pytest.mark.parametrize("limit", [12, 40, 400])
def test_budget_coverage_and_context(contract, limit):
    chunks = segment(contract, parse_strategy("legal", max_tokens=limit))
    check(contract, chunks, limit, "cl100k_base")
    for c in chunks:
        if c.section:
            assert c.context == " > ".join(c.section)
            assert c.context not in c.text or c.text.startswith(c.section[-1])


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_never_crosses_a_section_at_the_chosen_level(contract, level):
    chunks = segment(contract, parse_strategy(f"legal:section_level={level}", max_tokens=400))
    for c in chunks:
        inside = [b for b in contract.blocks if c.start <= b.start < c.end]
        # headings may lead into the section they open ("ARTICLE I" before Section 1.1's text)
        content = [b for b in inside if b.kind not in ("heading", "list_item")] or inside
        keys = {b.section[:level] for b in content}
        assert len(keys) == 1, (c.text, keys)
        (key,) = keys
        assert all(key[: len(b.section)] == b.section[:level] for b in inside if b not in content), c.text


def test_section_level_controls_packing(contract):
    # title > ARTICLE > Section > clause: at level 3 two Sections never share a chunk,
    # but the clauses (a) and (b) of Section 2.1 do
    chunks = segment(contract, parse_strategy("legal:section_level=3", max_tokens=400))
    heads = [b.start for b in contract.blocks if b.kind == "heading" and b.text.startswith("Section")]
    assert not any(sum(c.start <= h < c.end for h in heads) > 1 for c in chunks)
    assert any("(a)" in c.text and "(b)" in c.text for c in chunks)
    loose = segment(contract, parse_strategy("legal:section_level=0", max_tokens=400))
    assert len(loose) < len(chunks)


def test_whole_sentences_when_they_fit(contract):
    sents = [(b.start, b.end) for b in contract.blocks]
    starts = {s for s, _ in sents}
    ends = {e for _, e in sents}
    for c in segment(contract, parse_strategy("legal", max_tokens=60)):
        assert c.start in starts and c.end in ends


def test_long_sentence_splits_at_clauses_before_words():
    clause = "the Supplier shall deliver the goods to the Company at the agreed place and time"
    text = f"Section 1. Delivery.\n\n{clause}; {clause}; and {clause}.\n"
    pd = parsed(text.encode())
    limit = get_sizer("cl100k_base").count(clause + ";") + 2
    chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
    check(pd, chunks, limit, "cl100k_base")
    body = [c for c in chunks if "Supplier" in c.text]
    assert len(body) == 3
    assert body[0].text.endswith(";") and body[1].text.endswith(";")


@pytest.mark.parametrize("fmt,data", [
    ("text", b"First sentence here. Second one follows.\n\nA new paragraph. With two sentences."),
    ("markdown", b"# Title\n\nIntro text. More text.\n\n## Part\n\nBody sentence one. Body two.\n"),
])
def test_falls_back_to_rule_sentences_on_other_formats(fmt, data):
    pd = parsed(data, fmt)
    for limit in (4, 8, 100):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
    chunks = segment(pd, parse_strategy("legal", max_tokens=8))
    assert chunks[0].text.endswith(".")


def test_overlap_and_chars_budget(contract):
    chunks = segment(contract, parse_strategy("legal", max_chars=120, overlap=40))
    verify(contract.document.text, chunks)
    assert all(len(c.text) <= 120 for c in chunks)


def test_bad_option():
    with pytest.raises(UsageError):
        parse_strategy("legal:section_level=-1", max_tokens=100)
    with pytest.raises(UsageError):
        parse_strategy("legal:levels=2", max_tokens=100)


# excerpt of a Board of Veterans' Appeals decision (../shared/legal_sbd, bva, CC BY 4.0)
BVA = (
    "Citation Nr: 1510760\t\r\nDecision Date: 03/13/15    Archive Date: 03/24/15\r\n\r\nTHE ISSUES\r\n\r\n"
    "1.  Entitlement to service connection for an acquired psychiatric disability, to include posttraumatic "
    "stress disorder (PTSD) and major depression.\r\n\r\n"
    "2.  Entitlement to total rating for compensation purposes based on individual unemployability (TDIU).\r\n\r\n\r\n"
    "REPRESENTATION\r\n\r\nAppellant represented by:\tHarold H. Hoffman III, Attorney\r\n\r\n\r\n"
    "REASONS AND BASES FOR FINDINGS AND CONCLUSIONS\r\n\r\nI.  Criteria\r\n\r\n"
    "Service connection may be granted for disability resulting from disease or injury incurred in service.  "
    "38 U.S.C.A. \u00a7 1110.\r\n\r\n"
)


def test_a_heading_never_ends_a_chunk_and_leads_into_the_section_it_opens():
    pd = parsed(BVA.encode())
    heads = {b.start for b in pd.blocks if b.kind == "heading"}
    for limit in (30, 60, 400):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
        if limit == 30:  # "THE ISSUES 1." and the whole issue sentence do not fit together: nothing to glue
            continue
        for c in chunks:
            last = max((b for b in pd.blocks if c.start <= b.start < c.end), key=lambda b: b.start)
            assert last.kind not in ("heading", "list_item"), (limit, c.text)
    chunks = segment(pd, parse_strategy("legal", max_tokens=60))
    first = chunks[1]
    assert first.text.startswith("THE ISSUES\r\n\r\n1.  Entitlement to service connection")
    assert first.context == "THE ISSUES > 1."
    reasons = next(c for c in chunks if c.text.startswith("REASONS AND BASES"))
    assert reasons.context == "REASONS AND BASES FOR FINDINGS AND CONCLUSIONS > I. Criteria"
    assert "Service connection may be granted" in reasons.text
    assert heads  # the excerpt has headings at all


def test_context_is_true_of_the_whole_chunk(contract):
    # clauses (a) and (b) of Section 2.1 share a chunk: its context is Section 2.1, not "(a)"
    chunks = segment(contract, parse_strategy("legal:section_level=3", max_tokens=400))
    both = next(c for c in chunks if "(a)" in c.text and "(b)" in c.text)
    assert both.context == "MASTER SERVICES AGREEMENT > ARTICLE II > Section 2.1"
    for c in chunks:
        for b in contract.blocks:
            if c.start <= b.start < c.end and b.kind == "sentence":
                assert b.section[: len(c.section)] == c.section, (c.context, b.text)


def test_a_heading_above_an_over_long_sentence_opens_its_first_piece():
    clause = "the Supplier shall deliver the goods to the Company at the agreed place and time"
    text = f"ARTICLE I\n\n{clause}; {clause}; and {clause}.\n"
    pd = parsed(text.encode())
    limit = get_sizer("cl100k_base").count("ARTICLE I\n\n" + clause + ";")
    chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
    check(pd, chunks, limit, "cl100k_base")
    assert chunks[0].text == f"ARTICLE I\n\n{clause};"


def _last_and_next(pd, chunk):
    blocks = sorted(pd.blocks, key=lambda b: b.start)
    i = max((i for i, b in enumerate(blocks) if chunk.start <= b.start < chunk.end), default=None)
    if i is None:  # a piece of an over-long sentence
        return None, None
    return blocks[i], (blocks[i + 1] if i + 1 < len(blocks) else None)


# written for this test: an opinion's notes, each opening with its bracketed number
NOTES = "The petition is denied.\n\nNOTES\n\n" + "".join(
    f"[{n}] See Harbor Tools, Inc. v. Blue Fern, {100 + n} F.3d {n * 7} (9th Cir. 20{n:02d}).{' Id. at 12.' * (n % 4)}\n\n"
    for n in range(1, 16)
)


def test_a_footnote_marker_never_ends_a_chunk_apart_from_its_note():
    pd = parsed(NOTES.encode())
    sizer = get_sizer("cl100k_base")
    for limit in range(18, 70, 3):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
        for c in chunks:
            last, nxt = _last_and_next(pd, c)
            if last is not None and last.kind == "other" and nxt is not None:
                # only when marker and note do not fit together, or the marker
                # leads on from the notes' heading and the three do not fit
                after_heading = c.text.rstrip().endswith("NOTES\n\n[1]")
                assert after_heading or sizer.count(NOTES[last.start : nxt.end]) > limit, (limit, c.text[-40:])


# written for this test: a remand order whose colon introduces the numbered actions
REMAND = (
    "The Veteran's records are incomplete. The examiner did not review them. Accordingly, the case is "
    "REMANDED for the following action:\n\n"
    "1.  Ask the Veteran to identify all providers who treated him for his knees since 2010.\n\n"
    "2.  Then schedule a new examination of both knees.\n\n"
)


def test_a_colon_introducing_a_list_never_ends_a_chunk_when_the_first_item_fits():
    pd = parsed(REMAND.encode())
    sizer = get_sizer("cl100k_base")
    colon = next(b for b in pd.blocks if b.text.endswith(":"))
    item = next(b for b in pd.blocks if b.text.startswith("Ask the Veteran"))
    need = sizer.count(REMAND[colon.start : item.end])
    for limit in range(need, need + 30, 2):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
        (holder,) = [c for c in chunks if c.start <= colon.start < c.end]
        assert holder.end >= item.end, (limit, holder.text)
    # a colon before prose (a block quotation) is an ordinary sentence end
    pd = parsed(b"The statute reads:\n\nA person commits theft when he takes property.\n")
    assert [c.text for c in segment(pd, parse_strategy("legal", max_tokens=8))][0] == "The statute reads:"


#: A licence's numbered definitions: the number opens the line, the defined term follows on it.
NUMBERED_DEFINITIONS = """1. Definitions
--------------

1.1. "Contributor"
    means each individual or legal entity that creates, contributes to
    the creation of, or owns Covered Software.

1.2. "Contributor Version"
    means the combination of the Contributions of others (if any) used
    by a Contributor and that particular Contributor's Contribution.

1.3. "Contribution"
    means Covered Software of a particular Contributor.

1.4. "Covered Software"
    means Source Code Form to which the initial Contributor has attached
    the notice in Exhibit A, the Executable Form of such Source Code
    Form, and Modifications of such Source Code Form, in each case
    including portions thereof.

1.5. "Larger Work"
    means a work that combines Covered Software with other material, in
    a separate file or files, that is not Covered Software.
"""


def test_a_numbered_definitions_number_never_ends_a_chunk():
    pd = parse_bytes(NUMBERED_DEFINITIONS.encode(), ParseContext("defs.legal.txt", None, ParseOptions(format="legal")))
    # from 60 tokens up a heading, a number and the definition it opens fit together
    for limit in (60, 80, 120):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
        for c in chunks:
            assert not re.search(r"(^|\n)\s*\d+(\.\d+)*\.\s*$", c.text), (limit, c.text)


@pytest.mark.skipif(not Path("/usr/share/common-licenses/MPL-2.0").is_file(), reason="Debian's MPL-2.0 text is not installed")
def test_mpl_definition_numbers_open_their_definitions():
    pd = parse_bytes(Path("/usr/share/common-licenses/MPL-2.0").read_bytes(), ParseContext("MPL-2.0", None, ParseOptions(format="legal")))
    for limit in (150, 200, 300):
        chunks = segment(pd, parse_strategy("legal", max_tokens=limit))
        check(pd, chunks, limit, "cl100k_base")
        for c in chunks:
            assert not re.search(r"(^|\n)\s*\d+(\.\d+)*\.\s*$", c.text), (limit, c.text[-80:])
