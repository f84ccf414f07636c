"""References completeness: can a chunk's anaphoric references be resolved inside it?

Adaptive Chunking measures this with a coreference model; chunkline uses a
documented heuristic that needs no model and runs at regex speed.  A chunk is
*complete* when every reference below has a candidate antecedent earlier in
the same chunk:

* personal pronouns ``he him his himself she her hers herself``: a name
  before it (a capitalised word that does not open a sentence, or a title
  such as ``Mr.``);
* ``it its itself they them their theirs themselves``: a noun phrase before it
  (``the/a/an/this/that/these/those/such`` + word) or a name;
* discourse references ``see above``, ``as mentioned/noted/stated/described
  above/earlier/before``, ``the foregoing``, ``aforementioned``,
  ``above-mentioned``, ``aforesaid``: at least one full sentence before it;
* ``this/that/the present section/chapter/article/clause/paragraph/part``: the
  chunk contains a heading block;
* defined terms (``the Agreement``): only terms the *document* defines
  (``"Agreement"`` in quotes, as contracts do); resolved when the chunk holds
  the definition.

Score = share of chunks with no unresolved reference (chunks without
references count as complete); ``references_resolved`` = share of references
resolved.  Both in [0, 1], higher is better.  It is a heuristic: it ignores
cataphora and cannot check gender or number agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

_PERSONAL = r"he|him|his|himself|she|her|hers|herself"
_NEUTER = r"it|its|itself|they|them|their|theirs|themselves"
_DISCOURSE = (
    r"see\s+above|as\s+(?:mentioned|noted|stated|described|discussed|explained|shown)\s+(?:above|earlier|before|previously)"
    r"|the\s+foregoing|aforementioned|above[-\s]mentioned|aforesaid"
)
_SECTION = r"(?:this|that|the\s+present)\s+(?:section|chapter|article|clause|paragraph|part|subsection)"
_REF = re.compile(
    rf"\b(?:(?P<personal>{_PERSONAL})|(?P<neuter>{_NEUTER})|(?P<discourse>{_DISCOURSE})|(?P<section>{_SECTION}))\b",
    re.IGNORECASE,
)
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Lady|Lord|Mister|Madam)\b\.?")
_CAP = re.compile(r"(?<![.!?:;\"\u201c]\s)(?<!^)(?<=\s)[A-Z][a-z\u00e0-\u00ff]+(?:\s+[A-Z][a-z]+)*")
_NP = re.compile(r"\b(?:the|a|an|this|that|these|those|such)\s+[A-Za-z][\w-]+", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s")
_DEFINED = re.compile(r"[\"\u201c]([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})[\"\u201d]")
_STOP_CAPS = frozenset(
    "I The A An This That These Those It Its He She His Her They Their Them We Our You Your And But Or If When Then "
    "There Here What Which Who Whom Whose Why How In On At For Of To By With From As Not No Yes".split()
)


@dataclass(frozen=True, slots=True)
class ReferenceCounts:
    """Per chunk: references found, and how many have an antecedent inside it."""

    found: int
    resolved: int

    @property
    def complete(self) -> bool:
        return self.found == self.resolved


def defined_terms(document_text: str) -> frozenset[str]:
    """Terms a document defines in quotes (``"Agreement"``), for defined-term references."""
    return frozenset(m.group(1) for m in _DEFINED.finditer(document_text))


def _first_name(text: str) -> int:
    """Offset of the first name-like token (title or mid-sentence capitalised word)."""
    best = len(text) + 1
    m = _TITLE.search(text)
    if m:
        best = m.start()
    for m in _CAP.finditer(text):
        if m.start() >= best:
            break
        if m.group(0).split()[0] not in _STOP_CAPS:
            best = m.start()
            break
    return best


def chunk_references(text: str, terms: Iterable[str] = (), has_heading: bool = False) -> ReferenceCounts:
    """Count the references in one chunk text and those resolvable inside it."""
    name_at = _first_name(text)
    np_m = _NP.search(text)
    np_at = np_m.start() if np_m else len(text) + 1
    first_sentence_end = (m.end() if (m := _SENT_END.search(text)) else len(text) + 1)
    found = resolved = 0
    for m in _REF.finditer(text):
        found += 1
        at = m.start()
        kind = m.lastgroup
        if kind == "personal":
            resolved += name_at < at
        elif kind == "neuter":
            resolved += min(name_at, np_at) < at
        elif kind == "discourse":
            resolved += first_sentence_end <= at
        else:  # section
            resolved += has_heading
    for term in terms:
        for _ in re.finditer(r"\bthe\s+" + re.escape(term) + r"\b", text):
            found += 1
            resolved += bool(re.search(r"[\"\u201c]" + re.escape(term) + r"[\"\u201d]", text))
    return ReferenceCounts(found, resolved)


def references_completeness(counts: Sequence[ReferenceCounts]) -> tuple[float | None, float | None]:
    """(share of complete chunks, share of references resolved)."""
    if not counts:
        return None, None
    complete = sum(c.complete for c in counts) / len(counts)
    found = sum(c.found for c in counts)
    return complete, (sum(c.resolved for c in counts) / found if found else None)
