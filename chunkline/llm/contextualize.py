"""Contextual chunks: a one- or two-sentence situating context per chunk, written by the model.

After Anthropic's "contextual retrieval": the model sees the document (its
beginning, up to ``head_chars``, and the ``before_chars`` characters before
the chunk: a whole book does not fit a small model) and the chunk, and
answers with a short context that situates the chunk.  The answer is cut to
its first two sentences (at most ``max_chars``) and stored in the chunk's
``context`` (after any breadcrumb already there), never in ``text``, so
offsets and sizes stay exact.  Chunks of a document are requested
concurrently; answers are cached like every LLM response.  An empty answer
leaves the context as it was and is marked ``meta.llm_context = "empty"``;
so does an answer that only echoes the prompt (its ``<chunk>``/``<document>``
tags or its instruction) or copies the chunk (``usable_answer``), marked
``"rejected"``: small models do both, and such a context would put the same
boilerplate, or the chunk again, into every embedding.  Otherwise
``meta.llm_context = "model"``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Sequence

from ..core.records import Chunk, ParsedDocument
from .client import get_client
from .settings import LLMSettings

PROMPT = (
    "<document>\n{document}\n</document>\n"
    "Here is the chunk we want to situate within the whole document\n<chunk>\n{chunk}\n</chunk>\n"
    "Please give a short succinct context to situate this chunk within the overall document for the purposes of "
    "improving search retrieval of the chunk. Answer only with the succinct context and nothing else."
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: Pieces of the prompt that a real context never contains (lower case).
ECHO_MARKS = ("<chunk>", "</chunk>", "<document>", "</document>", "situate this chunk", "succinct context")


@dataclass(frozen=True)
class ContextOptions:
    """How much of the document the model sees and how long its answer may be (characters / tokens)."""

    head_chars: int = 1500
    before_chars: int = 1500
    max_chars: int = 400
    answer_tokens: int = 80


def _excerpt(text: str, start: int, o: ContextOptions) -> str:
    head = text[: o.head_chars]
    lo = max(o.head_chars, start - o.before_chars)
    if lo >= start:
        return text[:start] if start <= o.head_chars else head
    return head + "\n[...]\n" + text[lo:start]


def clean_answer(reply: str, max_chars: int = 400) -> str:
    """The reply's first two sentences on one line, at most ``max_chars`` (cut at a word)."""
    one = " ".join(reply.split())
    for prefix in ("Context:", "context:"):
        if one.startswith(prefix):
            one = one[len(prefix) :].lstrip()
    out = " ".join(_SENTENCE.split(one)[:2])
    if len(out) > max_chars:
        cut = out.rfind(" ", 0, max_chars)
        out = out[: cut if cut > 0 else max_chars].rstrip() + "..."
    return out


def usable_answer(reply: str, chunk: str) -> bool:
    """False for a reply that echoes the prompt (``ECHO_MARKS``) or whose text
    (20 characters or more) is a copy of part of the chunk."""
    low = reply.lower()
    if any(m in low for m in ECHO_MARKS):
        return False
    norm = " ".join(low.split()).rstrip(".")
    return not (len(norm) >= 20 and norm in " ".join(chunk.lower().split()))


def contextualize(parsed: ParsedDocument, chunks: Sequence[Chunk], settings: LLMSettings, options: ContextOptions | None = None) -> list[Chunk]:
    """``chunks`` with the model's situating context added to ``context``."""
    o = options or ContextOptions()
    client = get_client(settings)
    text = parsed.document.text
    source = parsed.document.source

    def ask(c: Chunk) -> tuple[str, bool]:
        prompt = PROMPT.format(document=_excerpt(text, c.start, o), chunk=c.text)
        reply = client.chat([{"role": "user", "content": prompt}], source, o.answer_tokens)
        if not usable_answer(reply, c.text):
            return "", True
        return clean_answer(reply, o.max_chars), False

    answers = client.map(ask, chunks)
    out = []
    for c, (a, rejected) in zip(chunks, answers):
        meta = dict(c.meta)
        meta["llm_context"] = "rejected" if rejected else ("model" if a else "empty")
        ctx = c.context
        if a:
            ctx = f"{c.context}\n{a}" if c.context else a
        out.append(dataclasses.replace(c, context=ctx, meta=meta))
    return out
