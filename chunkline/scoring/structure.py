"""Coverage, redundancy and structural integrity of a chunking.

All measures work on offsets into the document text, so they are exact and
identical for chunkline's chunks and for other tools' chunks once located.
Page furniture (running headers/footers) is outside the content: it neither
counts as uncovered text nor as a block that can be cut.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ..core.records import Block, ParsedDocument

from ..segmenters.packing import sentence_spans, trim
from . import intervals

#: Blocks whose text is prose: split into sentences for the sentence measures.
PROSE_KINDS = frozenset({"paragraph", "list_item", "quote", "caption", "footnote", "definition"})
HEADING_KINDS = frozenset({"heading", "title"})


@functools.lru_cache(maxsize=1)
def _whitespace_codepoints() -> np.ndarray:
    # Every str.isspace() code point is below U+3001.
    return np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def content_mask(parsed: ParsedDocument) -> np.ndarray:
    """Boolean per character: non-whitespace and not page furniture."""
    text = parsed.document.text
    cps = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    mask = ~np.isin(cps, _whitespace_codepoints())
    for b in parsed.blocks:
        if b.furniture:
            mask[b.start : b.end] = False
    return mask


def content_blocks(parsed: ParsedDocument) -> list[Block]:
    """Non-furniture, non-empty blocks in document order."""
    return sorted((b for b in parsed.blocks if not b.furniture and b.end > b.start), key=lambda b: (b.start, -b.end))


def sentences(parsed: ParsedDocument, blocks: Sequence[Block] | None = None) -> list[tuple[int, int]]:
    """Sentence spans (trimmed): the parser's ``sentence`` blocks when it emits
    them, else the prose blocks split with chunkline's sentence rules."""
    blocks = content_blocks(parsed) if blocks is None else blocks
    text = parsed.document.text
    given = [(b.start, b.end) for b in blocks if b.kind == "sentence"]
    if given:
        return sorted(given)
    out: list[tuple[int, int]] = []
    for b in blocks:
        if b.kind in PROSE_KINDS:
            for s, e in sentence_spans(text, b.start, b.end):
                s, e = trim(text, s, e)
                if e > s:
                    out.append((s, e))
    return out


@dataclass
class StructureTotals:
    """Counts summed over documents; the ratios are computed at the end."""

    content_chars: int = 0
    covered_chars: int = 0
    chunk_chars: int = 0  # content characters summed over chunks (with repeats)
    blocks: int = 0
    blocks_cut: int = 0
    cut_by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [total, cut]
    sentences: int = 0
    sentences_cut: int = 0
    chunks_with_sentences: int = 0
    mid_starts: int = 0
    mid_ends: int = 0
    chunks: int = 0
    orphan_headings: int = 0
    headings: int = 0
    bi_paper: list[float] = field(default_factory=list)  # per document

    def ratios(self) -> Mapping[str, float | None]:
        def r(a: int, b: int) -> float | None:
            return a / b if b else None

        return {
            "coverage": r(self.covered_chars, self.content_chars),
            "redundancy": (1.0 - self.covered_chars / self.chunk_chars) if self.chunk_chars else None,
            "blocks_cut": r(self.blocks_cut, self.blocks),
            "sentences_cut": r(self.sentences_cut, self.sentences),
            "mid_sentence_starts": r(self.mid_starts, self.chunks_with_sentences),
            "mid_sentence_ends": r(self.mid_ends, self.chunks_with_sentences),
            "orphan_headings": r(self.orphan_headings, self.chunks) if self.headings else None,
            "bi": float(np.mean(self.bi_paper)) if self.bi_paper else None,
        }


def _cut(starts: np.ndarray, ends: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Per span: is there a boundary strictly inside ``(start, end)``?"""
    lo = np.searchsorted(bounds, starts, side="right")
    hi = np.searchsorted(bounds, ends, side="left")
    return hi > lo


def _inside(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per point: does it fall strictly inside one of the sorted, disjoint spans?"""
    if starts.size == 0:
        return np.zeros(points.shape, dtype=bool)
    idx = np.searchsorted(starts, points, side="right") - 1
    ok = idx >= 0
    idx = np.clip(idx, 0, None)
    return ok & (starts[idx] < points) & (points < ends[idx])


def block_integrity_paper(split_points: Sequence[int], chunk_starts: Sequence[int], doc_len: int, tolerance: int = 5) -> float:
    """Adaptive Chunking's BI for one document: the share of gold blocks
    (delimited by ``split_points``) with no chunk start strictly inside them
    farther than ``tolerance`` characters from either edge."""
    starts = sorted(set(chunk_starts))
    if len(starts) <= 1:
        return 1.0
    predicted = np.array(starts[1:], dtype=np.int64)
    bounds = [0] + sorted(p for p in set(split_points) if 0 < p < doc_len) + [doc_len]
    left = np.array(bounds[:-1], dtype=np.int64)
    right = np.array(bounds[1:], dtype=np.int64)
    lo = np.searchsorted(predicted, left + tolerance, side="right")
    hi = np.searchsorted(predicted, right - tolerance, side="left")
    broken = hi > lo
    return float(1.0 - broken.mean()) if broken.size else 1.0


def add_document(tot: StructureTotals, parsed: ParsedDocument, spans: Sequence[tuple[int, int]], bi_tolerance: int = 5) -> None:
    """Accumulate one document's structure counts.  ``spans`` are its chunks' offsets."""
    text = parsed.document.text
    mask = content_mask(parsed)
    prefix = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
    tot.content_chars += int(prefix[-1])
    for s, e in intervals.union(spans):
        tot.covered_chars += int(prefix[e] - prefix[s])
    for s, e in spans:
        tot.chunk_chars += int(prefix[e] - prefix[s])
    trimmed = [trim(text, s, e) for s, e in spans]
    trimmed = [(s, e) for s, e in trimmed if e > s]
    if not trimmed:
        return
    tot.chunks += len(trimmed)
    c_starts = np.array([s for s, _ in trimmed], dtype=np.int64)
    c_ends = np.array([e for _, e in trimmed], dtype=np.int64)
    bounds = np.unique(np.concatenate((c_starts, c_ends)))

    blocks = content_blocks(parsed)
    if blocks:
        b_starts = np.array([b.start for b in blocks], dtype=np.int64)
        b_ends = np.array([b.end for b in blocks], dtype=np.int64)
        cut = _cut(b_starts, b_ends, bounds)
        tot.blocks += len(blocks)
        tot.blocks_cut += int(cut.sum())
        for b, c in zip(blocks, cut):
            slot = tot.cut_by_kind.setdefault(b.kind, [0, 0])
            slot[0] += 1
            slot[1] += int(c)
        tot.bi_paper.append(block_integrity_paper([b.start for b in blocks], [s for s, _ in spans], len(text), bi_tolerance))

    sents = sentences(parsed, blocks)
    if sents:
        s_starts = np.array([s for s, _ in sents], dtype=np.int64)
        s_ends = np.array([e for _, e in sents], dtype=np.int64)
        tot.sentences += len(sents)
        tot.sentences_cut += int(_cut(s_starts, s_ends, bounds).sum())
        tot.chunks_with_sentences += len(trimmed)
        tot.mid_starts += int(_inside(c_starts, s_starts, s_ends).sum())
        tot.mid_ends += int(_inside(c_ends, s_starts, s_ends).sum())

    heads = [b for b in blocks if b.kind in HEADING_KINDS]
    if heads:
        tot.headings += len(heads)
        last_content_start = blocks[-1].start
        h_ends = {b.end: b for b in heads}
        for s, e in trimmed:
            h = h_ends.get(e)
            # The chunk ends exactly where a heading ends, the heading is inside
            # the chunk, and the document has content after it.
            if h is not None and h.start >= s and h.start < last_content_start:
                tot.orphan_headings += 1
