"""Legal sentence boundaries against the shared gold sample (exact trimmed spans).

The sample is a check, not a training set: the rules are general legal
conventions (abbreviations, citations, captions, list numbers, footnote
calls).  Fails when the decisions' micro F1 drops below 0.95 (issue 5's
target; measured 0.969, so the floor has ~70 spans of slack) or a dataset
drops below 0.92 (issue 18's floor; lowest measured: scotus 0.936), and
the same when every decision is hard-wrapped at 72 columns first (measured
0.969; 0.73 before wraps were told from line breaks).  Numbers in
bench/README.md, from bench/legal_sbd.py.
"""

from __future__ import annotations

import json

from chunkline.parsers.legal.parser import legal_blocks, legal_sentence_spans


def _f1(recs) -> float:
    tp = n_pred = n_gold = 0
    for rec in recs:
        pred = set(legal_sentence_spans(rec["text"]))
        gold = {tuple(s) for s in rec["sentences"]}
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    return 2 * p * r / (p + r)


def _decisions(shared) -> list[dict]:
    path = shared / "legal_sbd" / "us_adjudicatory_decisions_sample.jsonl"
    with open(path, encoding="utf-8") as f:  # not splitlines(): texts contain U+2028
        recs = [json.loads(line) for line in f if line.strip()]
    assert len(recs) == 16
    return recs


def _check_floors(recs) -> None:
    f1 = _f1(recs)
    assert f1 >= 0.95, f"legal SBD F1 {f1:.3f} < 0.95"
    for name in ("bva", "cyber_crime", "intellectual_property", "scotus"):
        part = _f1([r for r in recs if r["dataset"] == name])
        assert part >= 0.92, f"{name}: F1 {part:.3f}"


def test_decisions_f1_at_least_095(shared):
    _check_floors(_decisions(shared))


def test_decisions_hard_wrapped_at_72_columns_keep_their_f1(shared):
    # spaces turned into line breaks: same offsets, same gold; a wrap is no boundary
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("legal_sbd_bench", Path(__file__).resolve().parents[2] / "bench" / "legal_sbd.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _check_floors([dict(r, text=bench.rewrap(r["text"], 72)) for r in _decisions(shared)])


# --- one rule per test, on sentences written for the test (not from the gold sample) ---


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in legal_sentence_spans(text)]


def test_footnote_call_number_after_a_sentence_is_its_own_span():
    # Bluebook 6.2(a): a number that begins a sentence is spelled out, so "4 The" is a footnote call
    text = "The lessee paid the rent late. 4 The lessor accepted it anyway. 12 Id., at 9. 5 210 U. S., at 7."
    assert _sentences(text) == [
        "The lessee paid the rent late.", "4", "The lessor accepted it anyway.", "12", "Id., at 9.", "5", "210 U. S., at 7."
    ]
    # a citation sentence opening with a title or volume number is not a footnote call
    text = "The claim arises under federal law. 42 U.S.C. § 1983 governs it. 510 U. S. 17 is cited below."
    assert _sentences(text) == ["The claim arises under federal law.", "42 U.S.C. § 1983 governs it.", "510 U. S. 17 is cited below."]


def test_footnote_under_a_notes_heading_opens_with_its_number():
    text = "The appeal is dismissed.\n\nNotes\n1 The parties settled in May.\n\n2 Costs are not awarded.\n"
    assert _sentences(text) == ["The appeal is dismissed.", "Notes", "1", "The parties settled in May.", "2", "Costs are not awarded."]
    # a line opening with a number under an ordinary line is not a footnote
    text = "The tenant lives at\n12 Harbor Street in Salem.\n"
    assert _sentences(text) == ["The tenant lives at\n12 Harbor Street in Salem."]


def test_bookmark_footnote_references_stay_with_their_sentence_and_open_footnotes():
    text = "The seller kept title.[bookmark: r[3]][3] The buyer paid later.\n\n[bookmark: [3]][3]  Title passed in 2004.\n"
    assert _sentences(text) == ["The seller kept title.[bookmark: r[3]][3]", "The buyer paid later.", "[bookmark: [3]][3]", "Title passed in 2004."]
    blocks = legal_blocks(text)
    assert [b.meta.get("footnote_marker") for b in blocks if b.kind == "other"] == ["[bookmark: [3]][3]"]


def test_spaced_nested_closing_quotes_end_the_sentence():
    text = "The court wrote that \u201cthe term \u2018use\u2019 means \u2018active employment.\u2019 \u201d Id., at 143. The word was read narrowly."
    assert _sentences(text) == [
        "The court wrote that \u201cthe term \u2018use\u2019 means \u2018active employment.\u2019 \u201d",
        "Id., at 143.",
        "The word was read narrowly.",
    ]


def test_asterisk_omission_is_its_own_span():
    text = "The witness said she was afraid. * * * She left the state in June.\n\n* * * The calls stopped after that.\n"
    assert _sentences(text) == [
        "The witness said she was afraid.", "* * *", "She left the state in June.", "* * *", "The calls stopped after that."
    ]
    assert [b.meta for b in legal_blocks(text) if b.kind == "other"] == [{"omission": "* * *"}, {"omission": "* * *"}]
    # inside a sentence, before lowercase words, the omission stays in the sentence
    assert _sentences("He wrote that he would * * * find her soon.") == ["He wrote that he would * * * find her soon."]


def test_quoted_statute_keeps_its_subsection_label_as_a_marker():
    text = 'The statute reads:\n\n"(b) A person commits trespass when he enters the land of another.\n'
    assert _sentences(text) == ["The statute reads:", '"(b)', "A person commits trespass when he enters the land of another."]
    marker = legal_blocks(text)[1]
    assert marker.kind == "list_item" and marker.meta == {"enumerator": '"(b)'}  # a clause label, not a heading
    assert marker.section == ()  # a quoted label is not part of this document's outline


def test_block_quotation_after_a_colon_and_a_blank_line_is_its_own_sentence():
    text = "The parties agreed on this definition:\n\nthe goods remain the seller's until paid.\n"
    assert _sentences(text) == ["The parties agreed on this definition:", "the goods remain the seller's until paid."]
    # without the paragraph break the lowercase line continues the sentence
    text = "The parties agreed that:\nthe goods remain the seller's until paid.\n"
    assert _sentences(text) == ["The parties agreed that:\nthe goods remain the seller's until paid."]


def test_capitals_caption_with_lowercase_v_is_not_continued_by_a_lowercase_line():
    text = "ACME CORPORATION, APPELLANT v. JOHN DOE\n\non appeal from the superior court of the county of kent\n"
    assert _sentences(text) == ["ACME CORPORATION, APPELLANT v. JOHN DOE", "on appeal from the superior court of the county of kent"]


def test_windows_1252_dash_and_statute_catchline():
    # U+0097 is the em dash of Windows-1252 text decoded as Latin-1: a line ending in it runs on
    text = "The term does not include \x97\n(A) any wire communication.\n"
    assert _sentences(text) == [text.strip()]
    # "Heading. \u2014 text": the catchline is a sentence, the dash opens the section text
    text = "Disclosure of records. \u2014 A provider shall disclose the records. The court may order more."
    assert _sentences(text) == ["Disclosure of records.", "\u2014 A provider shall disclose the records.", "The court may order more."]
    assert _sentences("See 18 U.S.C. \u2014 the whole chapter.") == ["See 18 U.S.C. \u2014 the whole chapter."]


def test_parenthetical_citation_with_its_own_period_after_a_quotation():
    text = 'The agency called the rule "binding." (Decl. at 12). The rule was later withdrawn.'
    assert _sentences(text) == ['The agency called the rule "binding."', "(Decl. at 12).", "The rule was later withdrawn."]
    # a record cite whose period sits inside the parentheses closes the sentence before it
    text = "The hearing ended early. (Tr. 45.) The witness left."
    assert _sentences(text) == ["The hearing ended early. (Tr. 45.)", "The witness left."]


def test_typewriter_quotes_open_a_sentence():
    text = "`Vehicle' means a car. `Vehicle' includes a truck."
    assert _sentences(text) == ["`Vehicle' means a car.", "`Vehicle' includes a truck."]


def test_number_taking_abbreviation_before_a_capitalized_word_ends_the_sentence():
    # "n." / "p." / "c." announce a note, page or year; without one the period is final
    text = "The point was left open. Id., at 88, n. Smith never raised it. See Restatement § 12 cmts. b, c. The rule differs."
    assert _sentences(text) == [
        "The point was left open.", "Id., at 88, n.", "Smith never raised it.", "See Restatement § 12 cmts. b, c.", "The rule differs."
    ]
    # with its number they never end a sentence
    text = "See Doe, 12 F.3d at 4, n. 6. The deed dates from c. 1850 and p. 3 lists it."
    assert _sentences(text) == ["See Doe, 12 F.3d at 4, n. 6.", "The deed dates from c. 1850 and p. 3 lists it."]


def test_asterisks_set_apart_by_wide_spaces_are_one_omission():
    text = "The first claim fails.\n\n*\u2003\u2003*\u2003\u2003*\n\nThe second claim fails too.\n"
    assert _sentences(text) == ["The first claim fails.", "*\u2003\u2003*\u2003\u2003*", "The second claim fails too."]
    assert [b.meta for b in legal_blocks(text) if b.kind == "other"] == [{"omission": "*\u2003\u2003*\u2003\u2003*"}]


def test_caption_party_roles_domains_caps_journals_and_dispositions():
    # a caption names each party's role after its (capitalized) name
    text = "NORTHWIND TRADERS, INC. Plaintiff\nv.\nBLUE HARBOR, LLC Defendant.\n"
    assert _sentences(text) == ["NORTHWIND TRADERS, INC. Plaintiff\nv.\nBLUE HARBOR, LLC Defendant."]
    # a web domain is a word, so a capitalized sentence after it starts a new sentence
    text = "The notice was posted on acme.com. Customers never saw it."
    assert _sentences(text) == ["The notice was posted on acme.com.", "Customers never saw it."]
    # a journal abbreviation set in capitals continues; an acronym before a citation word ends
    text = "See Roe, Privacy Law, 88 NW. U. L. REV. 12 (1994). The agency relied on the FOIA. Id. at 4."
    assert _sentences(text) == ["See Roe, Privacy Law, 88 NW. U. L. REV. 12 (1994).", "The agency relied on the FOIA.", "Id. at 4."]
    # "is therefore" cannot end a sentence without a period: the disposition line completes it
    text = "The order of the trial court is therefore\n\nREVERSED.\n"
    assert _sentences(text) == ["The order of the trial court is therefore\n\nREVERSED."]


def test_volume_reporter_page_citation_keeps_the_reporters_period():
    # Bluebook 10.1: "<volume> <reporter> <page>"; unlisted nominative reporters too
    text = "See Roberts v. Boston, 5 Cush. 198, 206. Compare 6 How. 344, and 1 Bl. Com. *134. The rule is old."
    assert _sentences(text) == ["See Roberts v. Boston, 5 Cush. 198, 206.", "Compare 6 How. 344, and 1 Bl. Com. *134.", "The rule is old."]
    # a quoted sentence ending on a number-led word is still a sentence end
    text = 'It provides: "A second offense is a Class 3 felony." 720 ILCS 5/12-7.5 (West 2008).'
    assert _sentences(text)[-1] == "720 ILCS 5/12-7.5 (West 2008)."


def test_omission_line_between_quoted_lines_is_not_a_box():
    text = '"YOU KILLED MY HEART, I WILL GET EVEN\n* * *\nDEAL IS ME OR YOU KNOW"\n'
    assert "* * *" in _sentences(text)
