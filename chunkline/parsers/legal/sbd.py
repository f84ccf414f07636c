"""Legal sentence boundaries inside one run of prose (no structure here).

``inline_boundaries(text)`` returns the offsets where a new sentence starts
inside ``text`` (a paragraph or clause whose outer edges are already known
to be boundaries).  It is plain ``re`` + a little Python per candidate, so it
runs at millions of characters per second; the spaCy component in
``spacy_component`` calls it and writes the result into the Doc.

A candidate is ``.``, ``!`` or ``?`` with its closing quotes, brackets and
footnote references (``."[3]``), followed by whitespace.  The period is *not*
a boundary when

* the next word starts in lowercase ("Id. at 5", "Acme Inc. and"),
* the word before it is a known abbreviation that announces what follows
  (``v.``, ``No.``, ``U.S.C.``, ``e.g.``; see ``abbrev``), or an
  abbreviation followed by a number ("9th Cir. 1999", "Compl. 2"),
* the word before it is an ambiguous abbreviation (``U.S.``, ``Cal.``) and
  the next word is not a typical sentence opener,
* the word before it is a single capital initial inside a name ("Milan D.
  Smith"), or a dotted acronym before a non-opener,
* it is inside an ellipsis (". . ." / "...") that is followed by lowercase,
* a caption names a party's role after it ("ACME, INC. Plaintiff"), or a
  journal abbreviation set in capitals goes on ("88 NW. U. L. REV. 12").

It *is* a boundary, beyond the plain cases, after "n."/"p."/"c." that lack
their number, before a parenthetical citation with its own period after a
quotation ('"binding." (Decl. at 12).'), before a dash after a statute
catchline, and before typewriter-quoted (`` `Act' ``) sentences.

Page markers of reporters (``*1156``), footnote calls left as bare numbers
("... enumerates. 3 Katz did not"; Bluebook 6.2(a) spells out a number that
opens a sentence), asterisk omissions (``* * *``) and footnote markers that
sit between two sentences are sentences of their own, as in the annotation
protocol of Savelka et al. (2017).  Footnote references after the period
(``[12]``, ``[bookmark: r[12]][12]``) and nested closing quotes set apart by
a space (".’ ”") belong to the sentence they close.
"""

from __future__ import annotations

import re

from .abbrev import LABEL_WORDS, SENTENCE_STARTERS, behaviour, lookup

# terminal punctuation + closers + footnote refs, then whitespace, then the next non-space char
#: a footnote reference after the punctuation: "[12]", "[*]", or the bookmark
#: form Word/HTML exports leave ("[bookmark: r[12]][12]", "[bookmark: _ftnref3][3]")
_FOOTNOTE_REF = r"\[(?:\d{1,3}|\*+)\]|\[bookmark:[^\[\]\n]{0,40}(?:\[[^\[\]\n]{0,12}\][^\[\]\n]{0,12})?\]\[(?:\d{1,3}|\*+)\]"
#: closing quotes and brackets; nested closing quotes may be set apart by a
#: (thin) space, as in typeset opinions: ".\u2019 \u201d"
_CLOSER = r"[\"'\u201d\u2019)\]]|(?<=[\u2019\u201d'\"])[ \u2009\u200a\u202f\u00a0][\u201d\u2019](?=\s)"
_CANDIDATE = re.compile(
    r"(?:(?<=[a-z])\.\d{1,3}(?=\s+[A-Z])|[.!?][\"\u201d\u2019]\d{1,3}(?=\s+[A-Z])|[.!?\u2026]+)"
    rf"(?:{_CLOSER}|{_FOOTNOTE_REF})*(?P<ws>\s+)(?=(?P<next>\S))"
)
_WORD_BEFORE = re.compile(r"[^\s(\[\"'\u201c\u2018\u2014]*$")
# "`" opens a quotation in typewriter-style quotes (`Act,' ...), common in older reporters' text
_NEXT_WORD = re.compile(r"[\"'`\u201c\u2018(\[]*([^\s.,;:!?\"'\u201d\u2019)\]]*)(\.?)")
_STAR_PAGE = re.compile(r"(?:\d+)?\*\d+(?=\s+[\"'\u201c(\[]*[A-Z])")
_INITIAL = re.compile(r"^(?:[A-Z]\.)*[A-Z]$")
_DOTTED = re.compile(r"^(?:[A-Za-z]{1,5}\.)+[A-Za-z]{1,5}$")
_ROMAN_OR_DIGIT = re.compile(r"^(?:\d+|[IVXLC]{2,})$")
#: a page number after a reporter's abbreviation (star pages included: "*134")
_PAGE = re.compile(r"^\*?\d{1,5}$")
#: a volume number, then up to three capitalized abbreviation words, ending where the
#: word before a period starts: "5 Cush", "1 Bl. Com", "3 Int. Com"
_VOLUME_BEFORE = re.compile(r"(?:^|[\s(\[;,])\d{1,4}[ \t]+(?:[A-Z][A-Za-z&']{0,7}\.[ \t]+){0,2}\Z")
_SERIES = re.compile(r"^\d+(?:d|th|st|nd|rd)$")
#: a web domain ("eBay.com") is a word, not a dotted abbreviation
_DOMAIN = re.compile(r"[a-z]\.(?:com|org|net|gov|edu)$", re.IGNORECASE)
#: party designations after a party's name in a caption ("ACME, INC. Plaintiff")
_PARTY_ROLES = frozenset(
    "Plaintiff Plaintiffs Defendant Defendants Petitioner Petitioners Respondent Respondents Appellant Appellants "
    "Appellee Appellees Movant Intervenor Claimant Debtor".split()
)
_PRONOUNS = frozenset("You Him Her Us Me Them It We They".split())
_NUMBER_TAKING = frozenset(("n", "nn", "p", "pp", "c"))
#: em dash, and U+0097 where Windows-1252 text was decoded as Latin-1
_DASHES = "\u2014\x97"
#: a line break inside a box drawn in asterisks: the closing "*" of one line and
#: the opening "*" of the next (licence disclaimers); layout, not text
FRAME_WRAP = re.compile(r"\*[ \t]*\r?\n[ \t]*\*[ \t]+(?=\S)")
_OPENERS = set("\"'`\u201c\u2018([*\u00a7\u00b6")
#: a footnote call left in the text as a bare number after a sentence ("... it
#: enumerates. 3 Katz did not ..."): legal style spells out a number that
#: begins a sentence (Bluebook 6.2(a)), so a bare number before a capitalized
#: word is not the sentence's first word.  A citation that opens a sentence
#: starts with a volume or title number followed by an abbreviation ("17
#: U.S.C.", "394 U. S."), never by a plain word; "Id."/"Ibid." after the
#: number and a second number ("7 475 U. S.") still mark a call.
_FOOTNOTE_CALL = re.compile(
    r"\d{1,3}\*?(?=[ \t\u2002\u2003]+(?:[\"\u201c]?[A-Z][a-z]*(?![.\w])|I(?:d|bid)\.|\d{1,4}[ ]+[A-Z][a-z]{0,4}\.))"
)
#: an omission shown by asterisks ("* * *"), its own sentence when a capital follows
_ASTERISKS = re.compile(r"\*(?:[^\S\r\n]{0,3}\*){2,}(?=[ \t]+[\"'\u201c\u2018(\[]*[A-Z])")


def inline_boundaries(text: str) -> list[int]:
    """Offsets (into ``text``) where a sentence starts, excluding 0."""
    out: list[int] = []
    for m in _CANDIDATE.finditer(text):
        nxt = m.start("next")
        frame = FRAME_WRAP.match(text, nxt)
        if frame is not None:  # the sentence goes on inside a box of asterisks
            nxt = frame.end()
            if nxt >= len(text):
                continue
        if _is_boundary(text, m.start(), m.end() - len(m.group("ws")), nxt):
            out.append(nxt)
            # "*494 Such", "3 Katz did", "* * * What": the page marker, footnote
            # call or omission is a sentence of its own
            star = _STAR_PAGE.match(text, nxt) or _FOOTNOTE_CALL.match(text, nxt) or _ASTERISKS.match(text, nxt)
            if star:
                j = star.end()
                while j < len(text) and text[j].isspace():
                    j += 1
                out.append(j)
    return out


def is_sentence_end(text: str, p: int, end_punct: int, nxt: int) -> bool:
    """Does the punctuation run ``text[p:end_punct]`` ("." with its closers)
    end a sentence, when the next word starts at ``nxt`` (whitespace between,
    line breaks included)?  The rules of ``inline_boundaries``, for callers
    that meet a period at a line end (hard-wrapped text)."""
    if nxt >= len(text) or p >= end_punct:
        return True
    return _is_boundary(text, p, end_punct, nxt)


def _is_boundary(text: str, p: int, end_punct: int, nxt: int) -> bool:
    """Is the punctuation run starting at ``p`` (ending at ``end_punct``) a sentence end?"""
    c = text[nxt]
    if c.islower():
        return False
    if c in _DASHES:
        # "Records concerning ... service. \u2014 (1) A governmental entity": the
        # dash after a statute's catchline (its heading sentence) opens the text
        return text[p] == "." and text[p - 1 : p].isalpha() and lookup(_prev_word(text, p).rstrip(".")) is None
    if not (c.isupper() or c.isdigit() or c in _OPENERS or c.isalpha()):
        return False
    if c == "*" and _ASTERISKS.match(text, nxt):
        return True
    punct = text[p]
    if punct in "!?\u2026":
        return True
    nw = _NEXT_WORD.match(text, nxt)
    next_word = nw.group(1) if nw else ""
    next_dot = nw.group(2) if nw else ""
    next_is_abbrev_or_initial = bool(next_word) and (
        (next_dot == "." and (lookup(next_word) is not None or _INITIAL.match(next_word) is not None))
    )
    if c == "(" and any(q in text[p:end_punct] for q in "\"\u201d'\u2019"):
        # '... object." (emphasis added).' / '... public." (Op. at 267).': a
        # parenthetical with its own period after a quotation is its own sentence
        close = text.find(")", nxt, nxt + 200)
        if close != -1 and text[close + 1 : close + 2] == "." and "(" not in text[nxt + 1 : close]:
            return True
        if next_word[:1].islower():
            return False
    if next_word[:1].islower():
        if c != "[":
            return False
        next_word = next_word.capitalize()  # '[the Veteran] has': an editorial bracket opens a sentence
    # ellipsis: ". . ." or "..."
    if p >= 2 and (text[p - 1] == "." or text[p - 2 : p] == ". "):
        return next_word in SENTENCE_STARTERS or next_word[:1].isupper()
    word = _prev_word(text, p)
    if not word:
        return True
    core = word.rstrip(".")
    if _ROMAN_OR_DIGIT.match(core) and (next_word[:1].isupper() or next_word[:1].isdigit()):
        return True
    entry = lookup(core)
    if entry is None and "." in core and _DOTTED.match(core) and not _DOMAIN.search(core):
        entry = core  # an unlisted dotted acronym behaves like "U.S."
        kind = "ambiguous"
    elif entry is not None:
        kind = behaviour(entry)
    else:
        kind = ""
    if _SERIES.match(next_word):  # "Am. Jur. 2d", "F. Supp. 3d": a reporter series follows
        return False
    if len(core) == 1 and core.isupper():
        q = p - len(word)
        while q > 0 and text[q - 1] in " \t":
            q -= 1
        before = _prev_word(text, q).rstrip(",")
        if before in LABEL_WORDS:
            return not next_is_abbrev_or_initial
        if before[:1].isupper() or before.endswith(".") or before == "&":
            return False  # "Milan D. Smith", "E. C. Hayes"
        return next_word in SENTENCE_STARTERS
    if not kind:
        if core[:1].isupper() and end_punct == p + 1 and _PAGE.match(next_word) and _VOLUME_BEFORE.search(text, max(0, p - 60), p - len(core)):
            # "5 Cush. 198", "6 How. 344", "1 Bl. Com. *134": volume, reporter, page
            # (Bluebook 10.1): the reporter's abbreviation, listed or not, ends no sentence
            return False
        if 2 <= len(core) <= 4 and core[0].isupper() and core[1:].islower() and core.isalpha() and core not in _PRONOUNS:
            # short unlisted Title-case word ("Acad.", "Se.", "Wm."): an abbreviation
            # unless a typical sentence opener follows ("Bell Atl. Corp.", "Acad. Life");
            # a capitalized pronoun (a contract's or licence's defined "You") is a word
            if next_is_abbrev_or_initial or (next_word[:1].isupper() and next_word not in SENTENCE_STARTERS):
                return False
        if next_dot == "." and _INITIAL.match(next_word) and 2 <= len(core) <= 5 and core.isalpha() and core.isupper():
            # "97 NW. U.L. REV. 607", "10 VA. J.L. & TECH. 1": journal names set in
            # capitals (Bluebook T13 abbreviations in large and small caps); an
            # acronym before a citation word ends ("the PSS. Pub. L. No.", "FBI. Id.")
            return False
        # "(Ct. Rec. 53.)" / "(Tr. 45.)": a record cite closing the sentence before it
        return not (c == "(" and (next_is_abbrev_or_initial or next_word[:1].isdigit()))
    if next_word[:1].isdigit() or c == "\u00a7":
        return False
    if kind == "prefix":
        # "n.", "p.", "c." take a number (note, page, circa; Bluebook 3.2, 3.2(a)):
        # before a plain capitalized word the number is missing or the letter is a
        # label ("cmt. c."), and the period ends the sentence
        return core in _NUMBER_TAKING and next_word.isalpha() and next_word[:1].isupper() and not next_is_abbrev_or_initial
    if next_is_abbrev_or_initial:
        return False
    if kind == "terminal":  # "Acme Co. (RAPCO)" continues; "Id. The court" does not
        if core.isupper() and next_word in _PARTY_ROLES:
            return False  # "SOUNDEXCHANGE, INC. Plaintiff v. ...": a caption names the party's role
        if c == "(":
            return next_word in SENTENCE_STARTERS
        return next_word[:1].isupper() or c in _OPENERS
    return next_word in SENTENCE_STARTERS


def _prev_word(text: str, p: int) -> str:
    """The word that ends at ``p`` (without leading brackets or quotes)."""
    lo = max(0, p - 40)
    m = _WORD_BEFORE.search(text, lo, p)
    word = m.group(0) if m else ""
    return word.rpartition("*")[2]  # "497*U.S.": reporter page marker glued to the word
