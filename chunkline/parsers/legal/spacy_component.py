"""The spaCy pipeline of the legal parser (imported lazily: it imports spaCy).

``legal_nlp()`` is ``spacy.blank("en")`` with one component,
``chunkline_legal_sentences``, that finds legal sentence boundaries with the
rules of ``sbd`` and writes them into the Doc with a single
``Doc.from_array`` call (setting ``Token.is_sent_start`` token by token
re-derives sentence bounds each time and is quadratic).  The component marks
*every* token (start or not-start), so a sentencizer placed after it would
change nothing; it is therefore not added.

Tokenizer: by default a light tokenizer that cuts words, single punctuation
marks and whitespace runs with one regex.  spaCy's rule tokenizer works too
(``tokenizer="spacy"``; the component maps character boundaries to tokens
with ``searchsorted``), but it is the pipeline's bottleneck and legal
sentence boundaries need no linguistic tokens: see bench/legal_sbd.py for the
measured difference.  No model is downloaded; nothing is read from disk.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .sbd import inline_boundaries

COMPONENT = "chunkline_legal_sentences"
_PIECES = re.compile(r"\w+|\s+|[^\w\s]")


class LightTokenizer:
    """Words, single punctuation marks, whitespace: enough for sentence
    boundaries, and every candidate boundary falls between two tokens."""

    def __init__(self, vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for piece in _PIECES.findall(text):
            if piece[0] == " " and words:  # one space after a token is its trailing whitespace
                spaces[-1] = True
                piece = piece[1:]
                if not piece:
                    continue
            words.append(piece)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


@Language.component(COMPONENT)
def legal_sentences(doc: Doc) -> Doc:
    """Set every token's sentence-start flag from the legal boundary rules."""
    n = len(doc)
    if n == 0:
        return doc
    cuts = inline_boundaries(doc.text)
    flags = numpy.full((n, 1), -1, dtype="int64")
    flags[0, 0] = 1
    if cuts:
        starts = doc.to_array(IDX)
        tok = numpy.searchsorted(starts, numpy.asarray(cuts, dtype=starts.dtype), side="left")
        tok = tok[tok < n]
        flags[tok, 0] = 1
    doc.from_array([SENT_START], flags.astype("uint64"))  # type: ignore[arg-type]  # thinc's Ints2d is a numpy array
    return doc


@lru_cache(maxsize=4)
def legal_nlp(tokenizer: str = "light") -> Language:
    """The legal sentence pipeline (cached per tokenizer choice)."""
    nlp = spacy.blank("en")
    if tokenizer == "light":
        nlp.tokenizer = LightTokenizer(nlp.vocab)
    elif tokenizer != "spacy":
        raise ValueError(f"unknown legal tokenizer {tokenizer!r}; use light or spacy")
    nlp.add_pipe(COMPONENT)
    # Units are paragraphs; a pathological one-paragraph file must still parse,
    # and this pipeline keeps no per-token model state that max_length protects.
    nlp.max_length = 10**9
    return nlp


def sentence_offsets(texts: list[str], tokenizer: str = "light", batch_size: int = 256) -> list[list[tuple[int, int]]]:
    """Sentence spans (untrimmed, tiling each text) of every text, via ``nlp.pipe``."""
    nlp = legal_nlp(tokenizer)
    out: list[list[tuple[int, int]]] = []
    for doc in nlp.pipe(texts, batch_size=batch_size):
        out.append([(s.start_char, s.end_char) for s in doc.sents])
    return out
