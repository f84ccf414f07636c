"""Legal parser: structure, section paths, legal sentence boundaries, spaCy contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chunkline.core.errors import FormatError, UsageError
from chunkline.core.records import verify
from chunkline.parsers.base import ParseContext, ParseOptions, get_parser, parse_bytes
from chunkline.parsers.legal.parser import legal_blocks, legal_sentence_spans

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "legal"


def parse(data: bytes, **extra):
    opts = ParseOptions(format="legal", extra=tuple(extra.items()))
    return parse_bytes(data, ParseContext("doc.txt", None, opts))


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in legal_sentence_spans(text)]


@pytest.fixture(scope="module")
def contract():
    return parse((FIX / "contract.txt").read_bytes())


def test_registered_as_text_like_with_explicit_extensions_only():
    # plain .txt stays plain text; legal files are chosen by --format legal or a .legal.txt name
    spec = get_parser("legal")
    assert spec.text_like and ".txt" not in spec.extensions and ".legal.txt" in spec.extensions
    from chunkline.parsers import detect_format

    assert detect_format("opinion.legal.txt", b"") == "legal" and detect_format("notes.txt", b"") == "text"


def test_offsets_trimmed_and_lines(contract):
    text = contract.document.text
    verify(text, contract.blocks)
    assert contract.document.format == "legal"
    for b in contract.blocks:
        assert b.text == b.text.strip() and b.text
        first, last = b.lines
        assert text.count("\n", 0, b.start) + 1 == first
        assert text.count("\n", 0, b.end) + 1 == last
    starts = [b.start for b in contract.blocks]
    assert starts == sorted(starts)


def test_section_paths_articles_sections_clauses(contract):
    by_text = {b.text: b for b in contract.blocks}
    b = by_text["Late payments bear interest as set forth in Section 2.2."]
    assert b.kind == "sentence"
    assert b.section[-3:] == ("ARTICLE II", "Section 2.1", "(b)")
    head = by_text["Section 2.2 Interest."]
    assert head.kind == "heading" and head.section[-2:] == ("ARTICLE II", "Section 2.2")
    assert head.level == len(head.section)
    # the cross-reference inside the (b) sentence did not open a section
    assert by_text["Interest accrues at 1.5% per month."].section[-1] == "Section 2.2"
    art = by_text["ARTICLE I"]
    assert art.kind == "heading" and by_text["DEFINITIONS"].section == art.section


def test_definitions_and_signatures(contract):
    by_text = {b.text: b for b in contract.blocks}
    assert by_text['"Affiliate" means any entity controlling a party.'].meta["defines"] == "Affiliate"
    intro = next(b for b in contract.blocks if b.text.startswith("This Master Services Agreement"))
    assert intro.meta["defined_terms"] == ["Agreement", "Company", "Supplier"]
    assert by_text["Name: John Q. Public"].meta.get("signature") is True


def test_citations_and_abbreviations_do_not_end_sentences():
    text = (
        "The claim arises under 42 U.S.C. § 1983(a)(1). See Smith v. Jones, 123 F.3d 456 (9th Cir. 1999). "
        "Id. at 460. Acme, Inc. and Widget Co. appealed. The court cited Bell Atl. Corp. v. Twombly, "
        "550 U.S. 544, 555, 127 S. Ct. 1955, 167 L. Ed. 2d 929 (2007). Judge Milan D. Smith, Jr. wrote it, "
        "e.g. in No. 07-50251. Brown et al. v. Board, supra. The U.S. District Court agreed."
    )
    assert sentences(text) == [
        "The claim arises under 42 U.S.C. § 1983(a)(1).",
        "See Smith v. Jones, 123 F.3d 456 (9th Cir. 1999).",
        "Id. at 460.",
        "Acme, Inc. and Widget Co. appealed.",
        "The court cited Bell Atl. Corp. v. Twombly, 550 U.S. 544, 555, 127 S. Ct. 1955, 167 L. Ed. 2d 929 (2007).",
        "Judge Milan D. Smith, Jr. wrote it, e.g. in No. 07-50251.",
        "Brown et al. v. Board, supra.",
        "The U.S. District Court agreed.",
    ]


def test_layout_sentences_headings_fields_and_list_numbers():
    text = (
        "Citation Nr: 1510760\r\nDecision Date: 03/13/15    Archive Date: 03/24/15\r\n\r\n"
        "DOCKET NO.  10-10 851\t)\tDATE\r\n\t)\r\n\r\nTHE ISSUES\r\n\r\n1.  Entitlement to service connection.\r\n\r\n"
        "On appeal from the\r\nRegional Office in Portland, Oregon\r\n\r\n"
        "We affirm.  The Veteran appealed.[3] *1156 Then he left."
    )
    assert sentences(text) == [
        "Citation Nr: 1510760",
        "Decision Date: 03/13/15",
        "Archive Date: 03/24/15",
        "DOCKET NO.  10-10 851",
        "DATE",
        "THE ISSUES",
        "1.",
        "Entitlement to service connection.",
        "On appeal from the\r\nRegional Office in Portland, Oregon",
        "We affirm.",
        "The Veteran appealed.[3]",
        "*1156",
        "Then he left.",
    ]


def test_run_on_lines_and_enumerated_clauses_stay_one_sentence():
    text = (
        "These factors are:\n\n(1) the nature of the offense;\n\n(2) the need for the sentence imposed\u2014\n\n"
        "(A) to reflect the seriousness of the offense.\n\nUNITED STATES of America, Plaintiff-Appellee,\nv.\nAram BARSUMYAN."
    )
    assert sentences(text) == [
        "These factors are:",
        "(1) the nature of the offense;\n\n(2) the need for the sentence imposed\u2014\n\n(A) to reflect the seriousness of the offense.",
        "UNITED STATES of America, Plaintiff-Appellee,\nv.\nAram BARSUMYAN.",
    ]


def test_opinion_outline_roman_letters_and_initials():
    text = "I. BACKGROUND\n\nFacts here.\n\na. The Copyright Act\n\nMore facts.\n\nK. Hughes, Counsel\n\nII. DISCUSSION\n\nWe hold."
    blocks = legal_blocks(text)
    by_text = {b.text: b for b in blocks}
    assert by_text["Facts here."].section == ("I. BACKGROUND",)
    assert by_text["More facts."].section == ("I. BACKGROUND", "a. The Copyright Act")
    assert by_text["K. Hughes, Counsel"].kind == "sentence"  # an initial, not list letter K
    assert by_text["We hold."].section == ("II. DISCUSSION",)


def test_cross_reference_line_is_not_a_heading():
    blocks = legal_blocks("Section 114 contains various provisions. See Section 4.2.\n\nSection 5. Notices.\n")
    kinds = [(b.kind, b.text) for b in blocks]
    assert kinds[0] == ("sentence", "Section 114 contains various provisions.")
    assert ("heading", "Section 5. Notices.") in kinds


def test_gold_fixture_excerpt_matches_exactly():
    rec = json.loads((FIX / "barsumyan_head.json").read_text(encoding="utf-8"))
    pred = legal_sentence_spans(rec["text"])
    gold = [tuple(s) for s in rec["sentences"]]
    hit = len(set(pred) & set(gold))
    assert hit >= len(gold) - 2, [rec["text"][s:e] for s, e in sorted(set(gold) - set(pred))]


def test_spacy_pipeline_contract():
    from chunkline.parsers.legal.spacy_component import COMPONENT, legal_nlp

    nlp = legal_nlp()
    assert nlp.pipe_names == [COMPONENT]
    text = "See 42 U.S.C. § 1983. Id. at 5. The end."
    doc = nlp(text)
    assert doc.text == text
    assert [s.text.strip() for s in doc.sents] == ["See 42 U.S.C. § 1983.", "Id. at 5.", "The end."]
    # spaCy's own rule tokenizer gives the same sentences (boundaries map onto its tokens)
    ref = legal_nlp("spacy")
    assert [s.text.strip() for s in ref(text).sents] == ["See 42 U.S.C. § 1983.", "Id. at 5.", "The end."]


def test_tokenizer_option_and_unknown_value():
    data = (FIX / "contract.txt").read_bytes()
    light = [(b.start, b.end) for b in parse(data).blocks]
    spacy_tok = [(b.start, b.end) for b in parse(data, legal_tokenizer="spacy").blocks]
    assert light == spacy_tok
    with pytest.raises(UsageError):
        parse(data, legal_tokenizer="bogus")


def test_bad_and_empty_input():
    with pytest.raises(FormatError):
        parse(b"\x00\x01binary\x00")
    assert parse(b"").blocks == ()
    assert parse(b"  \n\n \t)\n").blocks == ()


def test_long_paragraph_beyond_spacy_max_length_parses():
    text = "The court held that the claim fails. " * 40000  # ~1.5M chars in one paragraph
    spans = legal_sentence_spans(text)
    assert len(spans) == 40000


# -- structure on real decisions (excerpts of ../shared/legal_sbd, CC BY 4.0) --

BVA_HEAD = (
    "Citation Nr: 1510760\t\r\nDecision Date: 03/13/15    Archive Date: 03/24/15\r\n\r\n"
    "DOCKET NO.  10-10 851\t)\tDATE\r\n\t)\r\n\t)\r\n\r\nOn appeal from the\r\n"
    "Department of Veterans Affairs Regional Office in Portland, Oregon\r\n\r\n\r\nTHE ISSUES\r\n\r\n"
    "1.  Entitlement to service connection for an acquired psychiatric disability.\r\n\r\n"
    "2.  Entitlement to total rating for compensation purposes (TDIU).\r\n\r\n\r\n"
    "REASONS AND BASES FOR FINDINGS AND CONCLUSIONS\r\n\r\nI.  Criteria\r\n\r\nThe law applies.\r\n\r\n"
    "ORDER\r\n\r\nThe appeal is denied.\r\n\r\n\r\n\r\n"
    "____________________________________________\r\nK. A. KENNERLY\r\n"
    "Acting Veterans Law Judge, Board of Veterans' Appeals\r\n\r\n"
    "Department of Veterans Affairs\r\n"
)


def test_bva_caption_cell_and_signer_are_not_headings():
    blocks = legal_blocks(BVA_HEAD)
    by_text = {b.text: b for b in blocks}
    # the caption box's "DATE" cell is a sentence of its own, not the section of what follows
    assert by_text["DATE"].kind == "sentence"
    assert by_text["On appeal from the\r\nDepartment of Veterans Affairs Regional Office in Portland, Oregon"].section == ()
    # the judge's name under the signature rule: one sentence (initials kept), marked as a signature
    signer = by_text["K. A. KENNERLY"]
    assert signer.kind == "sentence" and signer.meta.get("signature") is True
    assert signer.section == ("ORDER",)
    # the signature ends the decision: the notice after it is no part of ORDER
    assert by_text["Department of Veterans Affairs"].section == ()
    assert [b.text for b in blocks if b.kind == "heading"] == [
        "THE ISSUES", "REASONS AND BASES FOR FINDINGS AND CONCLUSIONS", "I.", "Criteria", "ORDER"
    ]


def test_clause_numbers_are_list_items_titled_numbers_are_headings():
    by_text = {b.text: b for b in legal_blocks(BVA_HEAD)}
    one = next(b for b in legal_blocks(BVA_HEAD) if b.text == "1.")
    assert one.kind == "list_item" and one.level == 2 and one.meta["enumerator"] == "1."
    assert one.section == ("THE ISSUES", "1.")
    assert by_text["Entitlement to total rating for compensation purposes (TDIU)."].section == ("THE ISSUES", "2.")
    # "I.  Criteria": number and title form the heading
    assert by_text["I."].kind == "heading" and by_text["I."].meta["enumerator"] == "I."
    assert by_text["Criteria"].kind == "heading" and by_text["Criteria"].level == 2
    assert by_text["The law applies."].section == ("REASONS AND BASES FOR FINDINGS AND CONCLUSIONS", "I. Criteria")


def test_supreme_court_caption_posture_line_is_not_the_opinions_section():
    text = (FIX.parents[2] / "examples" / "scotus-opinion.legal.txt").read_text(encoding="utf-8")
    blocks = legal_blocks(text)
    posture = next(b for b in blocks if b.text.startswith("CERTIORARI TO THE UNITED STATES"))
    assert posture.kind == "sentence" and posture.section == ()
    body = next(b for b in blocks if b.text.startswith("This case challenges the validity"))
    assert body.section == ()
    notes = next(b for b in blocks if b.text == "NOTES")
    assert notes.kind == "heading" and notes.level == 1
    for line in ("APPEAL FROM THE UNITED STATES DISTRICT COURT FOR THE DISTRICT OF KANSAS.",
                 "ERROR TO THE SUPREME COURT OF THE STATE OF LOUISIANA.",
                 "ON WRIT OF CERTIORARI TO THE UNITED STATES COURT OF APPEALS FOR THE NINTH CIRCUIT"):
        assert [b.kind for b in legal_blocks(f"Decided May 18, 1896.\n{line}\nMr. A. for plaintiff.\n")][1] == "sentence"


def test_notes_close_the_outline_and_a_later_heading_closes_the_notes():
    text = (
        "1. Computer Restriction\n\nWe vacate the condition.\n\n2. Reporting Requirement\n\nWe affirm it.\n\n"
        "NOTES\n\n[1] Barsumyan also argues otherwise.\n\nFOOTNOTES\n\n1.   I note that history is used here.\n\n"
        "CONCURRENCE\n\nI concur.\n"
    )
    by_text = {b.text: b for b in legal_blocks(text)}
    assert by_text["We affirm it."].section == ("2. Reporting Requirement",)
    assert by_text["NOTES"].section == ("NOTES",) and by_text["NOTES"].level == 1
    assert by_text["Barsumyan also argues otherwise."].section == ("NOTES",)
    # a number opening a paragraph under FOOTNOTES is the footnote's number
    assert by_text["1."].kind == "other" and by_text["1."].meta["footnote_marker"] == "1."
    assert by_text["I concur."].section == ("CONCURRENCE",)


def test_quoted_statute_subsections_and_excerpt_numbers_stay_out_of_the_outline():
    text = (
        "II. ANALYSIS\n\nThe statute provided:\n\n"
        '"(a) A person commits cyberstalking when he or she harasses another person and:\n'
        "(1) at any time transmits a threat; or\n(2) places that person in apprehension.\n* * *\n"
        "(b) As used in this Section:\n`Harass' means to engage in conduct.\n"
        '(c) Sentence. Cyberstalking is a Class 4 felony." 720 ILCS 5/12-7.5 (West 2006).\n'
        "The statute has been amended.\n\nA. Overbreadth\n\nDefendant contends otherwise.\n\n"
        "The court imposed these conditions:\n\n3. The defendant shall comply with the rules.\n. . .\n"
        "5. The defendant shall not access any computer.\n\nB. Vagueness\n\nWe disagree.\n"
    )
    blocks = legal_blocks(text)
    by_text = {b.text: b for b in blocks}
    for label in ('"(a)', "(b)", "(c)", "3.", "5."):
        assert by_text[label].kind == "list_item" and by_text[label].level is None, label
    assert by_text["The statute has been amended."].section == ("II. ANALYSIS",)
    assert by_text["Defendant contends otherwise."].section == ("II. ANALYSIS", "A. Overbreadth")
    assert by_text["We disagree."].section == ("II. ANALYSIS", "B. Vagueness")


def test_capitals_inside_a_quotation_are_not_headings():
    text = (
        "I. BACKGROUND\n\nIn this e-mail, defendant wrote:\n\n"
        '"YOU KILLED MY HEART, I WILL GET EVEN\n* * *\nDEAL IS ME OR YOU KNOW ... TRY ME\n'
        'I AM SO DESPERATE I DO NOT MIND DYING AS OF NOW\nTRY ME KILLER"\n'
        "Stern testified about the message.\n\nJURISDICTION\n\nWe have jurisdiction.\n"
    )
    blocks = legal_blocks(text)
    assert [b.text for b in blocks if b.kind == "heading"] == ["I.", "BACKGROUND", "JURISDICTION"]
    assert next(b for b in blocks if b.text.startswith("Stern")).section == ("I. BACKGROUND",)


def test_slip_opinion_parts_alone_on_their_line():
    text = (
        "Justice Scalia delivered the opinion of the Court.\n\nWe decide the question.\n\nI\n\n"
        "In 2004 respondent came under suspicion.\n\nII\n\nA\n\nThe Fourth Amendment provides it.\n\n"
        "B\n\nThe Government contends otherwise.\n\nIII\n\nWe affirm.\n\nNotes\n1 Agents installed a device.\n"
    )
    by_text = {b.text: b for b in legal_blocks(text)}
    assert by_text["I"].kind == "heading" and by_text["I"].level == 1
    assert by_text["The Fourth Amendment provides it."].section == ("II", "A")
    assert by_text["The Government contends otherwise."].section == ("II", "B")
    assert by_text["We affirm."].section == ("III",)
    assert by_text["Notes"].kind == "heading" and by_text["Agents installed a device."].section == ("Notes",)


def test_sentence_case_titles_after_a_number():
    text = (
        "I. BACKGROUND\n\na. Plaintiff's role in collecting royalties under the Copyright Act\n\nPlaintiff collects.\n\n"
        "b. Standard of Review \u2014 Motion to Dismiss under Fed. R. Civ. P. 12(b)(6)\n\nDefendant moves.\n\n"
        "c. The Buyer shall pay the fees.\n"
    )
    by_text = {b.text: b for b in legal_blocks(text)}
    assert by_text["Plaintiff collects."].section[-1] == "a. Plaintiff's role in collecting royalties under the Copyright Act"
    assert by_text["Defendant moves."].section[-1].startswith("b. Standard of Review")
    # a sentence after a number is a clause, not a title
    assert by_text["c."].kind == "list_item" and by_text["The Buyer shall pay the fees."].section[-1] == "c."


def test_capitals_heading_closes_the_numbered_clauses_above_it():
    text = (
        "SETTLEMENT AGREEMENT\n\n1.  The Company shall pay the sum of $10,000.\n\n"
        "2.  The Employee releases all claims.\n\nGOVERNING LAW\n\nThis Agreement is governed by Ohio law.\n"
    )
    by_text = {b.text: b for b in legal_blocks(text)}
    assert by_text["The Employee releases all claims."].section == ("SETTLEMENT AGREEMENT", "2.")
    assert by_text["GOVERNING LAW"].section == ("SETTLEMENT AGREEMENT", "GOVERNING LAW")
    assert by_text["This Agreement is governed by Ohio law."].section == ("SETTLEMENT AGREEMENT", "GOVERNING LAW")
