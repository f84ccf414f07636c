"""Legal structure on hard-wrapped prose (licences, statutes, contracts): a line
wrap is no sentence boundary and no clause number.  No gold exists for these
texts, so the tests assert properties: no sentence opens with a lowercase word
or is one letter long, and a clause number or heading opens a logical line
(after a blank line or a line that closed its sentence or clause), never a
line the wrap started.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chunkline.parsers.legal.parser import legal_blocks
from chunkline.parsers.legal.structure import _line_segments, wrap_width

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "legal"
LICENCES = Path("/usr/share/common-licenses")
LICENCE_NAMES = ("GPL-2", "GPL-3", "LGPL-2.1", "Apache-2.0", "MPL-2.0")
#: what may end the line above a clause number: sentence or clause punctuation, closers after it
_LOGICAL_END = tuple(".:;!?\"\u201d')]-")


def _violations(text: str) -> list[str]:
    out = []
    for b in legal_blocks(text):
        assert text[b.start : b.end] == b.text
        if b.kind == "sentence" and b.text[:1].islower():
            out.append(f"lowercase sentence: {b.text[:50]!r}")
        if b.kind == "sentence" and len(b.text) == 1:
            out.append(f"one-letter sentence: {b.text!r}")
        if b.kind in ("list_item", "heading"):
            line_start = text.rfind("\n", 0, b.start) + 1
            if text[line_start : b.start].strip():
                continue  # not at a line start: found inside a logical line by other rules
            above = text[:line_start].rstrip(" \t\r")
            blank = above.endswith("\n") or not above
            if not blank and not above.rstrip().endswith(_LOGICAL_END) and not above.rstrip()[-1:].isupper():
                out.append(f"{b.kind} after a wrap: {above[-40:]!r} | {b.text[:30]!r}")
    return out


@pytest.mark.parametrize("name", LICENCE_NAMES)
def test_debian_licences_have_no_sentence_cut_by_a_line_wrap(name):
    path = LICENCES / name
    if not path.is_file():
        pytest.skip(f"{path} not on this machine")
    assert _violations(path.read_text(encoding="utf-8")) == []


def test_apache_wrapped_parenthesis_is_no_clause_number():
    path = LICENCES / "Apache-2.0"
    if not path.is_file():
        pytest.skip(f"{path} not on this machine")
    text = path.read_text(encoding="utf-8")
    blocks = legal_blocks(text)
    at = text.index("(except as stated in this section) patent license")
    (inside,) = [b for b in blocks if b.start <= at < b.end]
    assert inside.kind == "sentence" and inside.text.startswith("Subject to the terms and conditions of")


@pytest.mark.parametrize("name", ["wrapped_statute.txt", "wrapped_contract.txt"])
def test_hand_written_statute_and_contract(name):
    assert _violations((FIX / name).read_text(encoding="utf-8")) == []


def test_wrapped_cross_reference_and_definition_run_on():
    text = (FIX / "wrapped_contract.txt").read_text(encoding="utf-8")
    sents = [b.text for b in legal_blocks(text) if b.kind == "sentence"]
    # "Section 7." opens a wrapped line: a cross-reference, not a heading
    assert any(s.startswith("No loss relieves") and s.endswith("Section 7.") for s in sents)
    text = (FIX / "wrapped_statute.txt").read_text(encoding="utf-8")
    sents = [b.text for b in legal_blocks(text) if b.kind == "sentence"]
    assert any(s.startswith("In this chapter") and s.endswith("the\nrecord.") for s in sents)
    assert any(s.startswith("Whoever knowingly") and "\nsection 102 shall" in s for s in sents)


def test_term_in_quotes_then_means_on_the_next_line_is_one_sentence():
    # MPL-2.0 style: the defined term on its own line, the definition below it
    text = '1.1. "Contributor"\n    means each person who creates Covered Software.\n\n1.2. "License"\n    means this document.\n'
    sents = [b.text for b in legal_blocks(text) if b.kind == "sentence"]
    assert not any(s.startswith("means") for s in sents)
    assert any(s.endswith("means this document.") for s in sents)


def test_inline_clause_number_at_a_line_end_does_not_end_the_sentence():
    text = "You may convey the work if it (1) carries a notice, and (2)\nwill operate with the Library as installed.\n"
    assert [b.text for b in legal_blocks(text)] == [text.strip()]


def test_box_of_asterisks_is_layout():
    rule = "*" * 41 + "\n"
    box = (
        rule
        + "*  Covered Software is provided as is,  *\n"
        + "*  without warranty. The entire risk    *\n"
        + "*  is with You.                         *\n"
        + rule
    )
    sents = [b.text for b in legal_blocks(box)]
    assert [s[:20] for s in sents] == ["Covered Software is ", "The entire risk    *"]
    assert sents[-1].endswith("is with You.")


def test_wrap_width_only_for_hard_wrapped_text():
    wrapped = (FIX / "wrapped_contract.txt").read_text(encoding="utf-8")
    assert 65 <= wrap_width(wrapped, _line_segments(wrapped)) <= 75
    paragraphs = ("The court held that the lessee owed rent for the whole term of the lease. " * 4 + "\n\n") * 10
    assert wrap_width(paragraphs, _line_segments(paragraphs)) is None


def test_short_line_in_wrapped_text_still_ends_its_heading():
    text = (
        "ARTICLE I\nDEFINITIONS\n\nThe following terms have the meanings given below, and apply to\n"
        "every part of this Agreement, including the Schedules attached to it\n"
        "when it is signed by both parties and delivered to the other party.\n" * 3
    )
    kinds = [(b.kind, b.text) for b in legal_blocks(text)][:2]
    assert kinds == [("heading", "ARTICLE I"), ("heading", "DEFINITIONS")]


def test_period_at_a_wrap_is_read_by_the_sentence_rules():
    # a reporter's "U." or an initial at a full line's end runs on; "§ 5.01" with an
    # en space is one word to a wrapper, so the line before it is full
    lines = [
        "The agents followed the car for four weeks without a warrant, and",
        "the device recorded its position every ten seconds. See Knotts, 460 U.",
        "S. 276, 281 (1983). The Government did not raise it below, and the D.",
        "C. Circuit therefore did not reach it. The drafters of the Model Code",
        "\u00a7\u20025.01(1)(c) took another view of attempt, and this Court has not",
        "followed them in any case that we have found or that the parties cite",
        "to us in their briefs on the merits or at the argument in this Court.",
        "Nothing in the record suggests that the agents knew where the car was",
        "going before they attached the device to its underside in the garage.",
    ]
    text = "\n".join(lines) + "\n"
    sents = [b.text for b in legal_blocks(text)]
    assert sents[0] == "The agents followed the car for four weeks without a warrant, and\nthe device recorded its position every ten seconds."
    assert "See Knotts, 460 U.\nS. 276, 281 (1983)." in sents
    assert "The Government did not raise it below, and the D.\nC. Circuit therefore did not reach it." in sents
    assert any(s.startswith("The drafters of the Model Code\n\u00a7") for s in sents)


def test_capitalized_pronoun_ends_a_sentence():
    # a licence's defined "You" is no abbreviation like "Acad." or "Wm."
    text = "The entire risk as to quality is with You. Should the software prove defective, You pay."
    assert [b.text for b in legal_blocks(text)] == ["The entire risk as to quality is with You.", "Should the software prove defective, You pay."]


def test_underlined_title_inside_a_box_is_layout():
    rule = "*" * 41 + "\n"
    box = rule + "*  6. Disclaimer of Warranty             *\n" + "*  ----------------------------         *\n"
    box += "*  The Software is provided as is.       *\n" + rule
    texts = [b.text for b in legal_blocks(box)]
    assert not any(t.startswith("*") or t.startswith("-") for t in texts), texts
