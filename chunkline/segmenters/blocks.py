"""Block predicates, and the quiet-unit rule, shared by the block-aware segmenters (structure, semantic)."""

from __future__ import annotations

import re
from typing import Callable, Optional, TypeVar

from ..core.records import Block

U = TypeVar("U")

#: An HTML tag or comment; not an autolink (``<https://example.com>``), which is text.
_TAGS = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.S)


def is_quiet(b: Block) -> bool:
    """A block with no prose of its own: a comment, an empty block, or markup
    with no text (Node's ``<a id="old-anchor"></a>`` before a heading).

    Why: such blocks sit between a heading and its content (``<!-- YAML
    added: v10.0.0 -->``); segmenters keep them with the heading so no chunk
    ends on a heading followed only by them."""
    if b.kind == "comment" or not b.text.strip():
        return True
    return b.kind in ("paragraph", "other") and b.text.lstrip().startswith("<") and not _TAGS.sub("", b.text).strip()


#: A clause number standing alone: "1.", "1.10.", "(b)", "(iv)", "A.", "§ 3".
_CLAUSE_NUMBER = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*\.?|\((?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,3}|[A-Z])\)|[A-Z]\.|§+\s*\d+(?:\.\d+)*)")


def opens_what_follows(b: Block) -> bool:
    """A heading, or the number of a clause: the legal parser's ``list_item``
    holding only its ``meta.enumerator`` ("1.", "(b)"), or a sentence that is
    nothing but such a number (a licence's numbered definitions, ``1.10.
    "Modifications" means ...``, come out as the number and the definition).

    Why: such a block introduces the text after it, so no chunk may end on it."""
    if b.kind == "heading" or (b.kind == "list_item" and "enumerator" in (b.meta or {})):
        return True
    return b.kind in ("sentence", "list_item") and _CLAUSE_NUMBER.fullmatch(b.text) is not None


#: Kinds that head what follows them in a document's outline.
HEADING_KINDS = frozenset({"heading", "title"})


def heads_something(h: Block, after: Block | None) -> bool:
    """Does heading ``h`` open content, given the next content block ``after``?
    Not when nothing follows or the next block is a heading of the same or a
    higher rank (an empty section: rustdoc's bodiless ``impl`` headings).

    Why: only a heading that opens something must not end a chunk."""
    if after is None:
        return False
    return not (after.kind in HEADING_KINDS and (after.level or 1) <= (h.level or 1))


def is_fence(b: Block) -> bool:
    """A fenced code block (markdown ```` ``` ```` or ``~~~``), fences included.

    Why: a fence line cut from its block leaves one chunk that opens code it
    never closes and another that closes code it never opened."""
    return b.kind == "code" and b.text[:3] in ("```", "~~~")


def attach_quiet(
    units: list[U],
    is_heading: Callable[[U], bool],
    is_quiet_unit: Callable[[U], bool],
    absorb: Callable[[U, U], U],
    lead: Callable[[U, U], Optional[U]],
) -> list[U]:
    """Quiet units next to a heading become part of the heading's unit, so no
    chunk ends on a heading and its comments, and no comment is left behind
    at the end of a section.

    A quiet unit right after a heading (``<!-- YAML added: ... -->``) grows
    the heading's unit: ``absorb(heading, quiet)``.  Quiet units between
    content and a heading (an anchor announcing it) join the heading:
    ``lead(first_quiet, heading)`` returns the heading's unit grown back over
    them, or None when it may not (it would not fit), and they stay as they
    are.  Each segmenter supplies its own unit type through the callables.
    """
    out: list[U] = []
    pending: list[U] = []  # quiet units after content, waiting for what follows
    for u in units:
        if not is_heading(u) and is_quiet_unit(u):
            h = out[-1] if out else None
            if h is not None and is_heading(h) and not pending:
                out[-1] = absorb(h, u)
            else:
                pending.append(u)
            continue
        led = lead(pending[0], u) if is_heading(u) and pending else None
        if led is not None:
            u = led
        else:
            out.extend(pending)
        pending = []
        out.append(u)
    out.extend(pending)
    return out
