"""``lumber``: LumberChunker (Duarte et al. 2024) through any OpenAI-compatible endpoint.

Per content region, the document's paragraphs (blocks; a block longer than
``max_paragraph`` cl100k tokens is split into sentences) are read in
windows: from the first paragraph not yet chunked, consecutive paragraphs
up to ``window`` cl100k tokens (at least two) are shown to the model,
numbered ``ID <n>``, with the paper's instruction to name the first
paragraph (not the first one) where the content clearly changes.  The chunk
ends before the named paragraph and the next window starts there.

**Answer format.**  With ``structured`` (the default) and a server that
honours a JSON schema for the answer (``LLMClient.answer_format``: OpenAI's
``json_schema`` or llama.cpp's ``json_object`` + ``schema``), the reply is
constrained to ``{"answer": <ID>}`` with the IDs the model may name (the
window's, but its first), so every request yields a boundary even from a
model too small to follow the format; the instruction then asks for that
JSON instead of ``Answer: ID XXXX``.  Otherwise (or with ``structured=false``)
the prompt and the reply are the paper's free text, read by ``parse_answer``.

**Introductions stay with what they introduce.**  When the unit before the
named one ends with a colon ("Collaborators have:", "See:") the chunk would
end on an introduction cut from its list, so the boundary moves back one
unit (the introduction opens the next chunk), or, when that unit is the
window's first, forward one.  (Headings are kept with what follows by the
rule every strategy shares, ``segmenters.tidy``.)

**Fallback rule.**  A reply that names no paragraph of the window after its
first (no number, a number out of range, the first one) does not stop the
run: the chunk then takes the window's paragraphs but the last (all of them
when the window reaches the end of the region).  Such chunks carry
``meta.llm_boundary = "fallback"``; chunks cut where the model said carry
``"model"``, the last chunk of a region (or a lone paragraph) ``"end"``.

The hard budget holds: a chunk over ``max_tokens`` is split by the
recursive rules (``meta.budget_split``).  ``overlap`` and ``min_size`` are
not used.  Requests within a document depend on each other (each window
starts where the last answer ended), so they are sequential.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.records import ParsedDocument
from ..core.tokenizers import get_sizer
from ..llm.client import get_client, json_field
from ..llm.settings import LLMOptions
from ._llm import block_units, held
from .base import SegmentContext

#: LumberChunker's prompt (Duarte et al. 2024, Fig. 2), unchanged but for the window limit.
PROMPT = (
    "You will receive as input an english document with paragraphs identified by 'ID XXXX: <text>'.\n\n"
    "Task: Find the first paragraph (not the first one) where the content clearly changes compared to the previous paragraphs.\n\n"
    "Output: Return the ID of the paragraph with the content shift as in the exemplified format: 'Answer: ID XXXX'.\n\n"
    "Additional Considerations: Avoid very long groups of paragraphs. Aim for a good balance between identifying "
    "content shifts and keeping groups manageable."
)
#: The same instruction when the answer is constrained to JSON (the output line asks for that JSON).
PROMPT_JSON = PROMPT.replace(
    "Output: Return the ID of the paragraph with the content shift as in the exemplified format: 'Answer: ID XXXX'.",
    'Output: Return the ID of the paragraph with the content shift as JSON in the format {"answer": XXXX}.',
)
_ID = re.compile(r"\bID\s*:?\s*(\d+)", re.IGNORECASE)
_NUM = re.compile(r"\d+")


@dataclass(frozen=True)
class LumberParams(LLMOptions):
    """window: cl100k tokens of paragraphs shown per request (LumberChunker: ~550).
    max_paragraph: a block longer than this (cl100k tokens) is split into sentences.
    answer_tokens: most tokens the model may answer with.
    structured: constrain the answer to a JSON schema of the valid IDs where the server can (see the module docstring).
    Plus the LLM options (llm_url, llm_model, llm_cache, llm_concurrency, llm_timeout, llm_retries)."""

    window: int = 550
    max_paragraph: int = 200
    answer_tokens: int = 16
    structured: bool = True

    def __post_init__(self) -> None:
        LLMOptions.__post_init__(self)
        if self.window < 2:
            raise ValueError("window must be at least 2 tokens")
        if self.max_paragraph < 1:
            raise ValueError("max_paragraph must be at least 1")
        if self.answer_tokens < 1:
            raise ValueError("answer_tokens must be at least 1")


def parse_answer(reply: str, first: int, end: int) -> int | None:
    """The paragraph ID a reply names, if it lies in ``(first, end)``: the
    first ``ID <n>``, else the first number; None when there is no valid one."""
    m = _ID.search(reply) or _NUM.search(reply)
    if m is None:
        return None
    k = int(m.group(1) if m.re is _ID else m.group(0))
    return k if first < k < end else None


def answer_schema(first: int, end: int) -> dict:
    """The JSON schema of a constrained answer: one of the IDs in ``(first, end)``."""
    ids = list(range(first + 1, end))
    return {"type": "object", "properties": {"answer": {"type": "integer", "enum": ids}}, "required": ["answer"], "additionalProperties": False}


def _ask(client, shown: str, first: int, end: int, source: str, p: LumberParams) -> int | None:
    """The ID the model names for this window, if valid (None: the fallback rule applies)."""
    if p.structured and client.answer_format(source) != "text":
        reply = client.chat_json([{"role": "system", "content": PROMPT_JSON}, {"role": "user", "content": shown}],
                                  answer_schema(first, end), source, p.answer_tokens)
        k = json_field(reply, "answer")
        if isinstance(k, int) and not isinstance(k, bool) and first < k < end:
            return k
        return parse_answer(reply, first, end)
    reply = client.chat([{"role": "system", "content": PROMPT}, {"role": "user", "content": shown}], source, p.answer_tokens)
    return parse_answer(reply, first, end)


def _past_introduction(text: str, units: list[tuple[int, int]], first: int, end: int, k: int) -> int:
    """``k``, or the boundary next to it when unit ``k - 1`` introduces unit ``k`` (ends with a colon)."""
    s, e = units[k - 1]
    if not text[s:e].rstrip().endswith(":"):
        return k
    if k - 1 > first:
        return k - 1
    return k + 1 if k + 1 < end else k


def lumber(parsed: ParsedDocument, ctx: SegmentContext):
    p: LumberParams = ctx.params or LumberParams()
    client = get_client(p.llm_settings())
    text = parsed.document.text
    source = parsed.document.source
    count = get_sizer("cl100k_base").count
    for rs, re_ in ctx.regions(parsed):
        units = block_units(parsed, ctx, rs, re_, p.max_paragraph, count)
        sizes = [count(text[s:e]) for s, e in units]
        n = len(units)
        i = 0
        while i < n:
            j, tot = i, 0
            while j < n and (j - i < 2 or tot + sizes[j] <= p.window):
                tot += sizes[j]
                j += 1
            if j - i == 1:
                k, how = j, "end"
            else:
                shown = "\n\n".join(f"ID {m}: {text[s:e]}" for m, (s, e) in enumerate(units[i:j], start=i))
                named = _ask(client, shown, i, j, source, p)
                if named is not None:
                    named = _past_introduction(text, units, i, j, named)
                if named is not None:
                    k, how = named, "model"
                elif j == n:
                    k, how = j, "fallback"
                else:
                    k, how = j - 1, "fallback"
            yield from held(text, units[i][0], units[k - 1][1], ctx, {"llm_boundary": how})
            i = k
