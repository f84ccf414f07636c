"""Legal text (contracts, statutes, regulations, court decisions): structure
and legal-grade sentence boundaries.

Users select it with ``--format legal`` (legal files have no extension of
their own).  The document text is the decoded file, so offsets point into it.

Two passes, both offset-exact:

1. Structure (``structure``): lines are grouped into units; headings
   (``ARTICLE IV``, ``Section 4.2``, ``§ 12``, ALL-CAPS lines), list numbers
   and clause letters (``1.``, ``(b)``, ``IV.``), footnote and reporter page
   markers and caption fields become sentences of their own and set the
   section path (``("ARTICLE IV", "Section 4.2", "(b)")``).
2. Sentences: prose units go through a spaCy pipeline (``spacy.blank("en")``
   + chunkline's legal sentence component, ``spacy_component``) with
   ``nlp.pipe``, so ``nlp.max_length`` never applies to the whole file.

Blocks: ``heading`` (section headings, and the number of a numbered
heading: ``I.`` of "I. BACKGROUND", a slip opinion's lone ``II``; ``level`` =
depth), ``list_item`` (the number or letter opening a clause, "1.  Entitlement
to ...", ``(b)``: a sentence of its own, ``level`` = depth, ``meta["enumerator"]``),
``sentence`` (``meta["defines"]`` on definitions, ``defined_terms``
on inline ``(the "Buyer")`` definitions, ``signature`` on signature-block
lines), ``other`` (footnote / star-page markers and ``* * *`` omissions,
``meta`` says which).  Every
block carries its section path and its 1-based line span.
"""

from __future__ import annotations

import bisect
import re

from ...core.errors import UsageError
from ...core.records import Block, ParsedDocument
from ..base import ParseContext, line_starts, make_block

_STAR_ONLY = re.compile(r"^(?:\d+)?\*\d+$")
# "[12]", "[bookmark: r[12]][12]", or a bare footnote call number ("3", "1*") cut off inline
_FOOTNOTE_ONLY = re.compile(r"^(?:(?:\[bookmark:[^\[\]\n]{0,40}(?:\[[^\[\]\n]{0,12}\][^\[\]\n]{0,12})?\])?\[(?:\d{1,3}|\*+)\]|\d{1,3}\*?)$")
_FRAME_END = re.compile(r"[ \t]+\*[ \t]*\r?\n[ \t]*\*[ \t]*\Z")
_OMISSION_ONLY = re.compile(r"^\*(?:[^\S\r\n]{0,3}\*){2,}$")
_SIGNATURE_LINE = re.compile(r"^(?:By|Name|Title|Its|Date|Signature|Witness|Attest|Address)\s*:|^_{3,}|^/s/")
_WITNESS = re.compile(r"\bIN WITNESS WHEREOF\b")

#: Tokenizers the pipeline accepts (``ParseOptions.extra`` key ``legal_tokenizer``).
TOKENIZERS = ("light", "spacy")


def parse_legal(data: bytes, ctx: ParseContext) -> ParsedDocument:
    text = ctx.decode(data)
    tokenizer = str(ctx.options.get("legal_tokenizer", "light"))
    blocks = legal_blocks(text, tokenizer=tokenizer)
    return ParsedDocument(ctx.document("legal", data, text), tuple(blocks))


def legal_blocks(text: str, *, tokenizer: str = "light") -> list[Block]:
    """Heading, sentence and marker blocks of a legal document, in reading order."""
    from .structure import definitions, structure_units

    if tokenizer not in TOKENIZERS:
        raise UsageError(f"legal_tokenizer must be one of {', '.join(TOKENIZERS)}, not {tokenizer!r}")
    try:
        from .spacy_component import sentence_offsets
    except ImportError as exc:  # spaCy is an optional extra
        raise UsageError(f"the legal format needs spaCy ({exc}); install it with: pip install 'chunkline[legal]'") from None

    from ..text import line_view

    # structure and sentences are found in a view where a lone CR is a line
    # end (same offsets); blocks are cut from the real text
    view = line_view(text)
    units = structure_units(view)
    prose = [u for u in units if u.kind == "prose"]
    sentences = sentence_offsets([view[u.start : u.end] for u in prose], tokenizer)
    by_unit = dict(zip((id(u) for u in prose), sentences))
    starts = line_starts(view)
    blocks: list[Block] = []
    in_signatures = False

    def add(kind: str, s: int, e: int, section: tuple[str, ...], **kw) -> None:
        b = make_block(text, kind, s, e, section=section, **kw)
        if b.end > b.start:
            lines = (bisect.bisect_right(starts, b.start), bisect.bisect_right(starts, b.end - 1))
            blocks.append(Block(b.kind, b.start, b.end, b.text, b.section, b.level, lines=lines, meta=b.meta))

    for u in units:
        if u.kind in ("heading", "heading_marker"):
            meta: dict[str, object] = {"enumerator": view[u.start : u.end]} if u.kind == "heading_marker" else {}
            add("heading", u.start, u.end, u.section, level=u.level, meta=meta)
        elif u.kind == "marker":  # a clause number opening its text: "1.", "(b)"
            add("list_item", u.start, u.end, u.section, level=u.level, meta={"enumerator": view[u.start : u.end]})
        elif u.kind == "page_marker":
            add("other", u.start, u.end, u.section, meta={"page_marker": text[u.start : u.end]})
        elif u.kind == "footnote_marker":
            add("other", u.start, u.end, u.section, meta={"footnote_marker": text[u.start : u.end]})
        elif u.kind == "signature":
            add("sentence", u.start, u.end, u.section, meta={"signature": True})
        elif u.kind == "omission":
            add("other", u.start, u.end, u.section, meta={"omission": text[u.start : u.end]})
        else:
            for a, b in by_unit[id(u)]:
                s, e = u.start + a, u.start + b
                frame = _FRAME_END.search(text, s, e)
                if frame is not None:  # "... with You.   *\n*  ": the box's edge is no part of the sentence
                    e = frame.start()
                piece = text[s:e].strip()
                if not piece:
                    continue
                if _STAR_ONLY.match(piece):
                    add("other", s, e, u.section, meta={"page_marker": piece})
                    continue
                if _FOOTNOTE_ONLY.match(piece):
                    add("other", s, e, u.section, meta={"footnote_marker": piece})
                    continue
                if _OMISSION_ONLY.match(piece):
                    add("other", s, e, u.section, meta={"omission": piece})
                    continue
                meta = definitions(piece)
                if in_signatures and _SIGNATURE_LINE.match(piece):
                    meta["signature"] = True
                add("sentence", s, e, u.section, meta=meta)
                if _WITNESS.search(piece):
                    in_signatures = True
    return blocks


def legal_sentence_spans(text: str, *, tokenizer: str = "light") -> list[tuple[int, int]]:
    """Every sentence-level span the parser emits (headings, markers and
    sentences, trimmed): what the SBD benchmark scores against gold spans."""
    return [(b.start, b.end) for b in legal_blocks(text, tokenizer=tokenizer)]
