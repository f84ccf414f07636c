"""``semantic``: split where the topic shifts, within a hard size budget.

Why: users expect a chunker that follows the text's topics rather than a
fixed size, and whether it pays off is corpus-dependent, so chunkline's
version is cheap (a lexical embedder by default), bounded (never over budget)
and deterministic, so ``compare`` and ``score`` can judge it on real data.

How, per content region:

1. **Units.**  Sentences from the block stream: ``sentence`` blocks when the
   parser emits them, otherwise chunkline's rule-based splitter inside each
   block (paragraphs, list items...).  Headings, tables and code blocks are
   single units.  Units tile the region, so no text is lost.
2. **Sections.**  A heading of level <= ``split_level`` starts a new section;
   no chunk crosses it.  A chunk never ends on a heading or a clause number.
3. **Similarity.**  Units are embedded (``embedder``: ``lexical`` fits
   TF-IDF on the document's own units, ``minilm`` is the neural extra).  At
   each gap between units the similarity is the cosine of the summed vectors
   of the ``window`` units before and after it (TextTiling's block
   comparison), smoothed by a moving average over ``smooth`` gaps each side.
4. **Boundaries.**  Each gap gets a *depth*: how far its similarity lies below
   the nearest peaks on both sides.  Gaps whose depth is at least
   ``mean + threshold * std`` of the section's depths (lower ``threshold``,
   more boundaries; TextTiling's "liberal" cut is -0.5) and that are the
   deepest within ``min_units`` units either side become boundaries.
5. **Budget.**  A segment over ``max_size`` is split at its weakest internal
   gap (lowest similarity, preferring cuts that leave at least a quarter of
   the budget on each side; gaps before headings first), recursively; a
   single unit over budget is split at clauses, then words, then tokens.
   Chunks below ``min_size`` (default: ``min_fraction`` of the budget)
   merge into the more similar neighbour when the two fit.  With ``overlap``, a chunk repeats whole trailing units of its
   predecessor up to ``overlap`` tokens.

Every size is an exact count in the budget's tokenizer; chunk text is the
document text between the first and last unit (trimmed), so offsets are exact.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Iterator

from ..core.records import Block, ParsedDocument
from .blocks import attach_quiet, is_quiet, opens_what_follows
from .packing import _ABBREV, PROSE_SEPARATORS, _edge_count, _single_count, sentence_cuts, split_recursive
from .base import SegmentContext, Span

if TYPE_CHECKING:
    import numpy

_HEADING_KINDS = frozenset({"heading", "title"})
#: Blocks kept whole as one unit (their inside is not prose: a comment's
#: lines, such as Node's ``<!-- YAML ... description: Added x. -->``, end
#: with full stops that are no sentence ends).
_ATOMIC_KINDS = frozenset({"heading", "title", "table", "code", "formula", "comment", "front_matter"})
_PARA = re.compile(r"\n[ \t]*\n")
#: A line that ends with a full stop (not an abbreviation's), ! or ? ends a
#: sentence whatever the next line starts with (lists, verse, one sentence per
#: line, a quotation closed on the next line...).
_LINE_END = re.compile("(?:" + _ABBREV + "\\.|[!?\u2026])[\"'\u201d\u2019)\\]]*[ \t]*\n")
_CLAUSE_LEVELS = PROSE_SEPARATORS[4:]
_LINE_LEVELS = PROSE_SEPARATORS[2:]


@dataclass(frozen=True)
class SemanticParams:
    """embedder: ``lexical`` (default, no model) or ``minilm`` (extra).
    split_level: headings at this level or above are hard boundaries (0: none).
    method: ``c99`` (global: divisive clustering of the rank-transformed
    similarity matrix) or ``depth`` (local: TextTiling depth of window similarity).
    threshold: boundaries are kept while their score >= mean + threshold * std
    (c99: the gain in inside density of each split; depth: the gap depth).
    window: units compared on each side of a gap (depth method, budget splits).
    smooth: moving-average half-width over gap similarities (0: none).
    rank_mask: c99's rank-transform neighbourhood (odd, in units).
    min_units: depth boundaries are at least this many units apart.
    min_fraction: without ``--min-size``, chunks under this share of the
    budget merge into the more similar neighbour (0: keep every topical
    piece).  C99 finds a boundary every few sentences whatever the budget;
    on a novel the default lifted BM25 recall@5 from 0.53 to 0.67 at 512
    tokens while Choi's Pk moved from 0.140 to 0.143.
    breadcrumb: put the heading path in each chunk's context."""

    embedder: str = "lexical"
    split_level: int = 2
    method: str = "c99"
    threshold: float = 1.2
    window: int = 3
    smooth: int = 1
    rank_mask: int = 11
    min_units: int = 2
    min_fraction: float = 0.125
    breadcrumb: bool = True

    def __post_init__(self) -> None:
        from ..embeddings import EMBEDDERS

        if self.embedder not in EMBEDDERS:
            raise ValueError(f"embedder must be one of {', '.join(EMBEDDERS)}")
        if not 0 <= self.split_level <= 6:
            raise ValueError("split_level must be 0..6")
        if self.method not in ("c99", "depth"):
            raise ValueError("method must be c99 or depth")
        if not 1 <= self.rank_mask <= 255 or self.rank_mask % 2 == 0:
            raise ValueError("rank_mask must be an odd number from 1 to 255")
        if self.window < 1:
            raise ValueError("window must be at least 1")
        if self.smooth < 0:
            raise ValueError("smooth must be at least 0")
        if self.min_units < 1:
            raise ValueError("min_units must be at least 1")
        if not 0 <= self.min_fraction <= 1:
            raise ValueError("min_fraction must be between 0 and 1")


@dataclass(slots=True)
class _Unit:
    """One sentence (or atomic block): ``[start, end)`` tiles the region,
    ``[ts, te)`` is its trimmed text."""

    start: int
    end: int
    ts: int
    te: int
    block: Block | None
    heading_level: int | None = None
    count: int = -1  # exact size, counted on first use (``_unit_count``)
    #: never the last unit of a chunk: a heading, or a clause number (legal
    #: ``list_item`` holding only its ``meta.enumerator``: "1.", "(a)")
    opens: bool = False


# ------------------------------------------------------------------ units


def _outer_blocks(blocks: list[Block], rs: int, re_: int) -> list[Block]:
    inside = [b for b in blocks if rs <= b.start < re_ and b.kind != "sentence"]
    inside.sort(key=_END, reverse=True)  # two stable C-level sorts: by (start, -end)
    inside.sort(key=_START)
    flat: list[Block] = []
    for b in inside:
        if flat and b.start < flat[-1].end:
            continue  # nested (a definition inside a class): the outer one rules
        flat.append(b)
    return flat


_START = attrgetter("start")
_END = attrgetter("end")


def _sentence_ends(text: str, start: int, end: int, cuts: set[int]) -> None:
    """Add to ``cuts`` the sentence ends inside ``(start, end)``: those of
    ``sentence_cuts`` (after the trailing whitespace) and lines that end
    with a full stop (not an abbreviation's), ``!`` or ``?`` (after the line
    break), in one scan of the end-of-sentence marks.

    Both rules start at such a mark, so each mark is tried once: when the
    sentence rule matches, the line rule's cut would fall inside the same
    whitespace run, and a cut there only makes a whitespace piece that joins
    the unit before it, so it is not needed."""
    cuts.update(sentence_cuts(text, start, end, _LINE_END))


def _cuts(text: str, a: int, z: int, sent_starts: list[int]) -> set[int]:
    """Unit boundaries inside ``[a, z)``: sentence-block starts if the parser
    gave any, else paragraph breaks and rule-based sentence ends."""
    if sent_starts:
        lo, hi = bisect.bisect_right(sent_starts, a), bisect.bisect_left(sent_starts, z)
        return set(sent_starts[lo:hi])
    cuts: set[int] = set()
    pos = a
    for m in _PARA.finditer(text, a, z):
        if m.end() > pos:
            _sentence_ends(text, pos, m.end(), cuts)
            cuts.add(m.end())
            pos = m.end()
    if pos < z:
        _sentence_ends(text, pos, z, cuts)
    return cuts


def _units(text: str, blocks: list[Block], sent_starts: list[int], rs: int, re_: int) -> list[_Unit]:
    """Units tiling the region: one scan for sentence ends over the whole
    region (documents with one block per line have thousands of blocks, and
    per-block scans cost more than the scanning), then every outer block
    start is a boundary and atomic blocks (headings, tables, code) lose the
    boundaries inside them."""
    flat = _outer_blocks(blocks, rs, re_)
    cuts = _cuts(text, rs, re_, sent_starts)
    starts = [b.start for b in flat]
    cuts.update(starts)
    bounds = sorted(cuts)
    bounds = bounds[bisect.bisect_right(bounds, rs) : bisect.bisect_left(bounds, re_)]
    for b in flat:
        if b.kind in _ATOMIC_KINDS:  # one unit: no boundary inside it (what follows it is
            # the next unit: sentence blocks are no outer blocks, so the next
            # outer block may lie a whole section away)
            lo, hi = bisect.bisect_right(bounds, b.start), bisect.bisect_left(bounds, b.end)
            del bounds[lo:hi]
    bounds.append(re_)
    units: list[_Unit] = []
    k = -1  # index of the outer block the current piece lies in
    nflat = len(flat)
    nxt = starts[0] if nflat else re_ + 1  # start of outer block k + 1
    x = rs
    for y in bounds:
        while nxt <= x:
            k += 1
            nxt = starts[k + 1] if k + 1 < nflat else re_ + 1
        ts, te = x, y  # trim (inline: once per sentence)
        while ts < te and text[ts].isspace():
            ts += 1
        while te > ts and text[te - 1].isspace():
            te -= 1
        if ts >= te:  # whitespace only: belongs to the unit before
            if units:
                units[-1].end = y
            x = y
            continue
        blk = flat[k] if k >= 0 else None
        lvl = (blk.level or 1) if (blk is not None and blk.kind in _HEADING_KINDS and blk.start == ts) else None
        opens = lvl is not None or (blk is not None and blk.kind == "list_item" and blk.start == ts and blk.end == te and opens_what_follows(blk))
        units.append(_Unit(x, y, ts, te, blk, lvl, opens=opens))
        x = y
    return _with_quiet(text, units)


def _quiet(u: _Unit) -> bool:
    """A unit with no prose of its own: a comment, or markup with no text
    (Node's ``<a id="old-anchor"></a>`` before a heading)."""
    b = u.block
    if b is None or u.heading_level is not None or u.ts != b.start:
        return False
    return is_quiet(b)


def _with_quiet(text: str, units: list[_Unit]) -> list[_Unit]:
    """``attach_quiet`` for semantic's units (mutable: a heading's unit grows in place)."""
    if not any(u.heading_level is not None for u in units):
        return units

    def absorb(h: _Unit, u: _Unit) -> _Unit:
        h.end, h.te = u.end, u.te  # the heading's unit grows over it
        return h

    def lead(first: _Unit, u: _Unit) -> _Unit:
        return _Unit(first.start, u.end, first.ts, u.te, u.block, u.heading_level, opens=True)

    return attach_quiet(units, lambda u: u.heading_level is not None, _quiet, absorb, lead)


# ------------------------------------------------------------- similarity


def gap_similarities(vecs: "numpy.ndarray", window: int, smooth: int) -> "numpy.ndarray":
    """Similarity at each of the ``n - 1`` gaps between ``n`` unit vectors:
    cosine of the summed vectors of up to ``window`` units on each side,
    smoothed by a moving average of half-width ``smooth``."""
    import numpy as np

    v = np.asarray(vecs, dtype=np.float64)
    return _smooth(gram_gap_similarities(v @ v.T, window), smooth)


def gram_gap_similarities(gram: "numpy.ndarray", window: int) -> "numpy.ndarray":
    """Unsmoothed window similarities at the ``n - 1`` gaps, from the ``n x n``
    cosine (Gram) matrix alone: with ``L``/``R`` the summed unit vectors before
    and after a gap, ``L.R``, ``|L|^2`` and ``|R|^2`` are rectangle sums of the
    Gram matrix, read off its 2-D prefix sums (no ``n x d`` vectors needed)."""
    import numpy as np

    n = gram.shape[0]
    if n < 2:
        return np.zeros(0, dtype=np.float64)
    c = np.zeros((n + 1, n + 1), dtype=np.float64)
    c[1:, 1:] = gram.cumsum(0).cumsum(1)
    g = np.arange(1, n)
    lo = np.maximum(0, g - window)
    hi = np.minimum(n, g + window)

    def rect(r0, r1, c0, c1):
        return c[r1, c1] - c[r0, c1] - c[r1, c0] + c[r0, c0]

    num = rect(lo, g, g, hi)
    den = np.sqrt(np.maximum(rect(lo, g, lo, g), 0.0) * np.maximum(rect(g, hi, g, hi), 0.0))
    return np.divide(num, den, out=np.zeros_like(num), where=den > 1e-12)


def _smooth(sims: "numpy.ndarray", smooth: int) -> "numpy.ndarray":
    import numpy as np

    if smooth > 0 and sims.size > 1:
        k = np.ones(2 * smooth + 1)
        padded = np.pad(sims, smooth, mode="edge")
        sims = np.convolve(padded, k / k.sum(), mode="valid")
    return sims


def depth_scores(sims: "numpy.ndarray") -> "numpy.ndarray":
    """TextTiling depth: for each gap, (left peak - sim) + (right peak - sim),
    where a peak is reached by climbing while similarity does not decrease."""
    import numpy as np

    n = sims.size
    depth = np.zeros(n, dtype=np.float64)
    for i in range(n):
        lp = sims[i]
        j = i
        while j > 0 and sims[j - 1] >= lp:
            j -= 1
            lp = sims[j]
        rp = sims[i]
        j = i
        while j < n - 1 and sims[j + 1] >= rp:
            j += 1
            rp = sims[j]
        depth[i] = (lp - sims[i]) + (rp - sims[i])
    return depth


def choose_boundaries(depth: "numpy.ndarray", threshold: float, min_units: int, allowed: list[bool]) -> list[int]:
    """Gap indices (gap ``g`` lies before unit ``g + 1``) chosen as topic
    boundaries: depth >= mean + threshold * std, deepest first, at least
    ``min_units`` units apart, only where ``allowed``."""

    if depth.size == 0:
        return []
    cutoff = float(depth.mean() + threshold * depth.std())
    order = sorted(range(depth.size), key=lambda g: (-depth[g], g))
    taken: list[int] = []
    for g in order:
        if depth[g] <= 0 or depth[g] < cutoff:
            break
        if not allowed[g] or any(abs(g - t) < min_units for t in taken):
            continue
        taken.append(g)
    return sorted(taken)


#: Segments with at most this many candidate cuts are updated in plain Python.
_SMALL_SEGMENT = 4

#: C99 compares every unit with every other; longer runs are first cut at
#: their weakest gaps into pieces of at most this many units (O(n^2) memory).
C99_MAX_UNITS = 400


def rank_matrix(sim: "numpy.ndarray", mask: int) -> "numpy.ndarray":
    """C99's rank transform: each similarity becomes the fraction of its
    ``mask x mask`` neighbours that are lower.  Raw cosines of short
    sentences are small and noisy; ranks keep only the local contrast.

    How, with few numpy calls (a document has ~100 units, so per-call
    overhead, not arithmetic, is what costs): the matrix sits in a frame of
    +inf (outside cells are never "lower") and is read as one flat array
    with row stride ``L``; the neighbour at offset ``(dy, dx)`` of every
    cell is then the same flat array shifted by ``dy * L + dx``.  A strided
    view stacks all shifts of one ``dy`` as rows, so one ``less`` call
    compares a whole band of offsets, and the 0/1 bytes are summed eight
    lanes at a time as ``uint64`` words (no count exceeds 255, so lanes
    never carry into each other).  ``sim`` must be symmetric (a cosine
    matrix): the comparison at offset ``(dy, dx)`` is the transpose of the
    one at ``(dx, dy)``, so only offsets with ``dx >= dy`` are compared."""
    import numpy as np
    from numpy.lib.stride_tricks import as_strided

    n = sim.shape[0]
    r = min(mask, n if n % 2 else n - 1) // 2
    m = 2 * r + 1
    width = n + 2 * r  # row stride of the framed matrix
    cells = n * width  # flat cells whose row lies inside (columns past n are scratch)
    lanes = -(-cells // 8) * 8
    if m > 255:  # the diagonal counts reach m in byte lanes
        raise ValueError("rank mask must be at most 255")
    # frame rows [0, r) and [r + n, 2r + n) plus slack for the last shifts
    flat = np.full((n + 2 * r + 1) * width + lanes - cells + m, np.inf, dtype=np.float32)
    flat[: (n + 2 * r) * width].reshape(n + 2 * r, width)[r : r + n, r : r + n] = sim
    # float32: the passes are memory-bound, and cosines that tie in float32 are noise either way
    centre = flat[r * width + r : r * width + r + lanes]
    step = flat.strides[0]
    buf = np.empty(m * lanes, dtype=bool)
    diag = np.zeros(lanes // 8, dtype=np.uint64)  # offsets dy == dx: at most m per byte
    upper = np.zeros(lanes // 8, dtype=np.uint64)  # offsets dx > dy (their transposes: dy > dx)
    # Byte lanes hold counts up to 255: beyond that (masks over 23), each
    # band's sum (at most m - 1) is widened before it is added up.
    wide = np.zeros(cells, dtype=np.int32) if m * (m - 1) // 2 > 255 else None
    # shifted[dy, dx] is the flat array shifted by dy * width + dx (one view, sliced per band)
    shifted = as_strided(flat, shape=(m, m, lanes), strides=(width * step, step, step), writeable=False)
    for dy in range(m):
        k = m - dy  # offsets (dy, dy), (dy, dy + 1), ..., (dy, m - 1)
        band = shifted[dy, dy:]
        hits = buf[: k * lanes].reshape(k, lanes)
        np.less(band, centre, out=hits)
        words = hits.view(np.uint64)
        diag += words[0]
        if k > 1:
            if wide is None:
                upper += np.add.reduce(words[1:], axis=0)
            else:
                wide += np.add.reduce(words[1:], axis=0).view(np.uint8)[:cells]
    up = (upper.view(np.uint8)[:cells] if wide is None else wide).reshape(n, width)[:, :n]
    lower = up.astype(np.float64)
    lower += up.T
    lower += diag.view(np.uint8)[:cells].reshape(n, width)[:, :n]
    i = np.arange(n, dtype=np.float64)
    span = np.minimum(i + r, n - 1) - np.maximum(i - r, 0) + 1  # neighbours of each row, itself included
    count = np.multiply.outer(span, span)
    count -= 1
    np.maximum(count, 1, out=count)
    return np.divide(lower, count, out=lower)


def _similarity(vecs: "numpy.ndarray") -> "numpy.ndarray":
    """Exactly symmetric cosine matrix of unit rows (dense vectors)."""
    import numpy as np

    v = np.asarray(vecs, dtype=np.float64)
    sim = v @ v.T
    return (sim + sim.T) * 0.5


def c99_boundaries(sim: "numpy.ndarray", threshold: float, mask: int, allowed: list[bool]) -> list[int]:
    """Gap indices chosen by C99 (Choi 2000) with the number of segments unknown,
    from the symmetric ``n x n`` cosine matrix ``sim`` of the units.

    Divisive clustering: split the run where the inside density
    ``sum of rank inside segments / sum of segment areas`` grows most, again
    and again; then keep the splits made before the density gain last
    exceeded ``mean + threshold * std`` of all gains."""
    import numpy as np

    n = sim.shape[0]
    if n < 3:
        return []
    pre = np.zeros((n + 1, n + 1))
    inner = pre[1:, 1:]
    inner[...] = rank_matrix(sim, mask)
    np.cumsum(inner, axis=0, out=inner)  # in place: few n x n temporaries, less cache churn
    np.cumsum(inner, axis=1, out=inner)
    diag = np.diagonal(pre).copy()
    # rank is symmetric: make its prefix sums exactly so (pre2 = 2 pre)
    pre2 = np.add(pre, pre.T)

    diag_l = diag.tolist()  # Python floats: scalar reads from numpy cost more
    item = memoryview(pre2)  # item[a, b]: a Python float, cheaper than pre2[a, b] or pre2.item

    def block(a: int, b: int) -> float:  # rank sum of [a, b) x [a, b)
        return diag_l[b] - item[a, b] + diag_l[a]

    # Every candidate cut g (1..n-1) belongs to one current segment [a, b);
    # ds/da hold what cutting there adds to the inside sum and area:
    #   ds = 2 diag[g] - 2 pre[a, g] - 2 pre[b, g] + diag[a] + diag[b] - block(a, b)
    #   da = (g - a)^2 + (b - g)^2 - (b - a)^2 = 2 (g - a) (g - b)
    # A cut that is taken or not allowed has ds = -inf, so its density is
    # -inf and one argmax over plain arrays picks the next cut.  The loop
    # runs once per cut and numpy's per-call overhead is what costs, so it
    # uses contiguous row slices, in-place ufuncs and preallocated buffers.
    blocked = np.where(np.asarray([False] + list(allowed[: n - 1]) + [False], dtype=bool), 0.0, -np.inf)
    diag2b = 2.0 * diag + blocked
    g_all = np.arange(n + 1, dtype=np.float64)
    rest = np.subtract(diag2b, pre2, out=pre)  # rest[a, g] = 2 diag[g] - 2 pre[a, g] (+ blocked); pre is done
    twos = 2.0 * g_all  # 2 (g - a) for g = a + 1 .. b - 1 is twos[1 : b - a]
    ds = np.full(n + 1, -np.inf)
    da = np.zeros(n + 1)
    num = np.empty(n + 1)
    den = np.empty(n + 1)
    sub, add, mul, divide = np.subtract, np.add, np.multiply, np.divide
    # scalar reads and writes through memoryviews: about half the cost of numpy indexing
    ds_m: Any = memoryview(ds)  # type: ignore[arg-type]  # numpy arrays export the buffer protocol
    da_m: Any = memoryview(da)  # type: ignore[arg-type]
    num_m: Any = memoryview(num)  # type: ignore[arg-type]

    blocked_l = blocked.tolist()

    def candidates(a: int, b: int) -> None:  # the cuts of a new segment [a, b), b - a >= 2
        lo, hi = a + 1, b
        base = diag_l[a] + diag_l[b] - block(a, b)
        if hi - lo <= _SMALL_SEGMENT:  # a few cuts: plain Python beats the ufunc calls
            for g in range(lo, hi):
                ds_m[g] = 2.0 * diag_l[g] + blocked_l[g] - item[a, g] - item[b, g] + base
                da_m[g] = float(2 * (g - a) * (g - b))
            return
        v = ds[lo:hi]
        add(rest[a, lo:hi], base, out=v)
        sub(v, pre2[b, lo:hi], out=v)
        w = da[lo:hi]
        sub(g_all[lo:hi], b, out=w)
        mul(w, twos[1 : b - a], out=w)

    inside, area = block(0, n), float(n * n)
    candidates(0, n)
    densities = [inside / area]
    order: list[int] = []
    taken = [0, n]  # ends of the current segments, sorted: a cut's segment is found by bisection
    with np.errstate(invalid="ignore"):
        for _ in range(int(np.isfinite(blocked).sum())):
            add(ds, inside, out=num)
            add(da, area, out=den)
            divide(num, den, out=num)
            cut = int(num.argmax())
            k = bisect.bisect_left(taken, cut)
            a, b = taken[k - 1], taken[k]
            taken.insert(k, cut)
            inside += ds_m[cut]
            area += da_m[cut]
            densities.append(num_m[cut])
            ds_m[cut] = -math.inf
            da_m[cut] = 0.0  # keeps area + da > 0, so its density stays -inf
            if cut - a >= 2:
                candidates(a, cut)
            if b - cut >= 2:
                candidates(cut, b)
            order.append(cut)
    gains = np.diff(np.asarray(densities))
    if gains.size == 0:
        return []
    over = np.nonzero(gains > gains.mean() + threshold * gains.std())[0]
    keep = int(over.max()) + 1 if over.size else 0
    return sorted(g - 1 for g in order[:keep])


# ---------------------------------------------------------------- segment


def semantic(parsed: ParsedDocument, ctx: SegmentContext) -> Iterator[Span]:
    p: SemanticParams = ctx.params or SemanticParams()
    text = parsed.document.text
    blocks = ctx.blocks(parsed)
    sent_starts = sorted(b.start for b in blocks if b.kind == "sentence")
    sections: list[list[_Unit]] = []
    for rs, re_ in ctx.regions(parsed):
        current: list[_Unit] = []
        for u in _units(text, blocks, sent_starts, rs, re_):
            lvl = u.heading_level
            # a section with nothing but headings (a chapter page: "Part I",
            # "Chapter 3" above "Quick Start") opens the next one
            if lvl is not None and p.split_level and lvl <= p.split_level and current and any(c.heading_level is None for c in current):
                sections.append(current)
                current = []
            current.append(u)
        if current:
            sections.append(current)
    all_units = [u for sec in sections for u in sec]
    if not all_units:
        return
    passed = _TokenPass.run(text, all_units, ctx.sizer)
    counts = passed or _Counts(text, all_units, ctx.sizer)
    if p.embedder == "lexical" and passed is not None and _tokens_are_word_like(text, passed):
        sim = _Similarity.from_rows(passed.term_rows())
    else:
        sim = _Similarity(p.embedder, [text[u.ts : u.te] for u in all_units])
    bound = _size_bound(ctx.sizer)
    # In ASCII text a unit's byte bound is its length: no slicing to know it fits.
    quick = ctx.budget.max_size if (bound is not None and text.isascii()) else -1
    pos = 0
    for sec in sections:
        yield from _segment_section(text, sec, pos, sim, counts, bound, quick, ctx, p)
        pos += len(sec)


#: Below this many non-space characters per BPE token, tokens are letters or
#: byte pieces rather than words and their terms say nothing of the topic:
#: cl100k cuts Greek into ~0.9 characters a token, Korean 0.8, Chinese ~1,
#: Russian 1.7 (English 3.7, code 3).
_MIN_CHARS_PER_TERM_TOKEN = 2.0


def _tokens_are_word_like(text: str, passed: "_TokenPass") -> bool:
    """Whether the token pass's BPE tokens can serve as the lexical terms, or
    the units' own words (and character bigrams of Han, kana and Hangul) must."""
    tokens = int(passed.ids.size)
    if not tokens:
        return False
    if text.isascii():  # English, code, numbers: cl100k/o200k tokens are whole words or word pieces
        return True
    nws = len(text) - sum(text.count(c) for c in " \n\t\r\f\v\u3000\xa0")
    return nws >= _MIN_CHARS_PER_TERM_TOKEN * tokens


class _Counts:
    """Exact sizes of units and unit runs (global unit indices), by
    measuring the text: the path for sizers without a token pass."""

    def __init__(self, text: str, units: list[_Unit], sizer) -> None:
        self.text, self.units, self.sizer = text, units, sizer

    def unit(self, i: int) -> int:
        """Exact size of unit ``i`` (trimmed), counted once."""
        u = self.units[i]
        if u.count < 0:
            u.count = self.sizer.count(self.text[u.ts : u.te])
        return u.count

    def weight(self, i: int) -> int:
        """Size of unit ``i`` for balancing cuts (need not be exact)."""
        return self.unit(i)

    def span(self, i: int, j: int) -> int:
        """Exact size of the text from unit ``i`` to unit ``j - 1`` (trimmed)."""
        if j == i + 1:
            return self.unit(i)
        return self.sizer.count(self.text[self.units[i].ts : self.units[j - 1].te])



class _TokenPass(_Counts):
    """One tokenizer pass over each region, reused for every size and (with
    the lexical backend) as the units' terms.

    The region is cut into *tiles*, one per unit, at one point of each gap
    between units where token counts are additive: the unit's end when it
    is an ASCII letter, digit or punctuation mark before a space or tab
    (or a letter or digit before a line break), else the start of the line
    after the gap.  No pretoken of the cl100k/o200k patterns crosses such a
    point (letter, number and contraction pretokens never take whitespace;
    a punctuation run stops at a space or tab, and only takes line breaks;
    line starts: ``sizer.additive_at``), so the region's tokens are the
    tiles' own tokens laid end to end: one encode of the region gives every
    tile's count and token ids.  A chunk from unit ``i`` to ``j - 1`` then
    counts ``head(i) + tiles i+1..j-2 + tail(j - 1)``, where the head drops
    the tile's leading whitespace and the tail its trailing whitespace,
    each from a tiny re-count up to the nearest word end (``_edge_count``).
    Gaps with no additive point (rare: units that touch, odd whitespace)
    make chunks across them count their text whole.  Every result is an
    exact count; tests re-measure every chunk."""

    def __init__(self, text: str, units: list[_Unit], sizer, lo, hi, tcount, bad_cum, ids, bounds) -> None:
        super().__init__(text, units, sizer)
        self.lo, self.hi, self.tcount = lo, hi, tcount
        self.cum = [0]
        for c in tcount:
            self.cum.append(self.cum[-1] + c)
        self.bad_cum = bad_cum  # bad_cum[k]: non-additive joins before unit k (join k lies before unit k)
        self.ids, self.bounds = ids, bounds  # all tokens; tile i's are ids[bounds[i]:bounds[i + 1]]
        self._head: dict[int, int] = {}
        self._tail: dict[int, int] = {}

    @classmethod
    def run(cls, text: str, units: list[_Unit], sizer) -> "_TokenPass | None":
        """The pass for OpenAI BPE sizers, None for other sizers."""
        import numpy as np

        encode = getattr(sizer, "_encode", None)
        additive = getattr(sizer, "additive_at", None)
        token_bytes = getattr(sizer, "token_bytes", None)
        if encode is None or additive is None or token_bytes is None or sizer.name not in ("cl100k_base", "o200k_base"):
            return None
        n = len(units)
        lo, hi = [0] * n, [0] * n
        bad = [False] * (n + 1)  # bad[k]: the join before unit k has no additive point
        groups: list[tuple[int, int]] = []  # runs of contiguous units [a, b): one encode each
        a = 0
        lo[0] = units[0].ts
        prev = units[0]
        for k in range(1, n):
            u = units[k]
            te, ts = prev.te, u.ts
            if u.start != prev.end:  # a new region
                hi[k - 1], lo[k] = te, ts
                groups.append((a, k))
                a = k
            elif te < ts and additive(text, te):
                hi[k - 1] = lo[k] = te  # word or punctuation end before a space (see the class doc)
            else:
                q = text.rfind("\n", te, ts) + 1
                if q and additive(text, q):  # a line start with text on it
                    hi[k - 1] = lo[k] = q  # a line start
                else:
                    hi[k - 1] = lo[k] = te
                    bad[k] = not additive(text, te)
            prev = u
        hi[n - 1] = prev.te
        groups.append((a, n))
        all_ids, all_bounds = [], []
        tcount = np.zeros(n, dtype=np.int64)
        base = 0
        for a, b in groups:
            s0, s1 = lo[a], hi[b - 1]
            piece = text[s0:s1]
            ids = np.asarray(encode(piece), dtype=np.int64)
            ends = np.cumsum(sizer.token_byte_lengths(ids), dtype=np.int64)  # byte offset where each token ends
            marks = np.asarray(lo[a + 1 : b], dtype=np.int64) - s0  # tile starts after the first, in chars
            if not piece.isascii():
                widths = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
                # UTF-8 width of each code point
                widths = 1 + (widths >= 0x80) + (widths >= 0x800) + (widths >= 0x10000)  # type: ignore[assignment]
                marks = np.concatenate(([0], np.cumsum(widths)))[marks]
            # tokens ending at or before each mark: the tile's first token index
            cut = np.searchsorted(ends, marks, side="right")
            starts = np.concatenate(([0], cut, [ids.size]))
            tcount[a:b] = np.diff(starts)
            # at an additive point a token ends exactly there; check, and stay exact if not
            off = np.flatnonzero((cut == 0) | (ends[np.maximum(cut - 1, 0)] != marks))
            for k in (off + a + 1).tolist():
                bad[k] = True
            all_ids.append(ids)
            all_bounds.append(starts[:-1] + base)
            base += ids.size
        if any(bad):
            for k in range(n):  # tiles beside a join without an additive point: counted alone
                if bad[k] or bad[k + 1]:
                    tcount[k] = sizer.count(text[lo[k] : hi[k]])
        bad_cum = np.cumsum(bad).tolist()
        ids = np.concatenate(all_ids)
        bounds = np.append(np.concatenate(all_bounds), base)
        return cls(text, units, sizer, lo, hi, tcount.tolist(), bad_cum, ids, bounds)

    def head(self, i: int) -> int:
        """Exact count of tile ``i`` without its leading whitespace."""
        return self._edge(i, True)

    def tail(self, i: int) -> int:
        """Exact count of tile ``i`` without its trailing whitespace."""
        return self._edge(i, False)

    def _edge(self, i: int, head: bool) -> int:
        cache = self._head if head else self._tail
        c = cache.get(i)
        if c is None:
            u = self.units[i]
            known = self.tcount[i]
            edge, cut = (self.lo[i], u.ts) if head else (self.hi[i], u.te)
            c = known if edge == cut else _edge_count(self.text, (self.lo[i], self.hi[i]), known, cut, head, self.sizer.count)
            cache[i] = c
        return c

    def unit(self, i: int) -> int:
        u = self.units[i]
        if u.count < 0:
            lo, hi, known = self.lo[i], self.hi[i], self.tcount[i]
            if lo == u.ts:
                u.count = self.tail(i)
            elif hi == u.te:
                u.count = self.head(i)
            else:
                u.count = _single_count(self.text, (lo, hi), known, u.ts, u.te, self.sizer.count)
        return u.count

    def weight(self, i: int) -> int:
        return self.tcount[i]

    def span(self, i: int, j: int) -> int:
        if j == i + 1:
            return self.unit(i)
        if self.bad_cum[j - 1] != self.bad_cum[i]:  # a join without an additive point inside
            return self.sizer.count(self.text[self.units[i].ts : self.units[j - 1].te])
        return self.head(i) + (self.cum[j - 1] - self.cum[i + 1]) + self.tail(j - 1)

    def term_rows(self):
        """Lexical rows of the units with their BPE tokens as terms."""
        import numpy as np

        from ..embeddings.lexical import TokenTerms, weighted_rows

        n = len(self.units)
        terms = TokenTerms.for_encoding(self.sizer.name, self.sizer.token_bytes)
        keys = terms.keys(self.ids)
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(self.bounds))
        keep = keys >= 0
        # Sparse TF-IDF rows, never LSA: C99 compares sentences within windows
        # of at most 400, where sparse Gram blocks are cheap, while a novel's
        # randomized SVD cost ~0.9 s of its 1.2 s (GutenQA Emma; recall@5 of
        # the chunks was no worse without it).
        return weighted_rows(n, rows[keep], keys[keep], dims=1 << 30)


class _Similarity:
    """Cosines between a document's units, computed per run or window.

    ``lexical`` vectors are fitted on the document's own units and kept as
    sparse TF-IDF rows (``SparseRows``: a Gram matrix of a few thousand
    non-zeros costs microseconds; dense products wake BLAS threads, scipy's
    constructors cost more than the arithmetic); other backends return
    dense rows through the cached embedder.  Only ``n x n`` matrices of one
    run (at most ``C99_MAX_UNITS`` units for C99) are ever built."""

    def __init__(self, embedder: str, texts: list[str]) -> None:
        from ..embeddings import get_embedder

        if embedder == "lexical":
            from ..embeddings.lexical import LexicalEmbedder

            # No cache: vectors belong to this document's fit and are used once.
            self.rows = LexicalEmbedder().unit_rows(texts)
        else:
            self.rows = get_embedder(embedder).embed(texts)

    @classmethod
    def from_rows(cls, rows) -> "_Similarity":
        """Similarities of rows made elsewhere (the token pass's lexical rows)."""
        sim = cls.__new__(cls)
        sim.rows = rows
        return sim

    def gram(self, a: int, b: int) -> "numpy.ndarray":
        """Exactly symmetric ``(b - a) x (b - a)`` cosine matrix of units ``[a, b)``."""
        import numpy as np

        rows = self.rows
        if hasattr(rows, "gram"):  # lexical SparseRows
            return rows.gram(a, b)
        x = np.asarray(rows[a:b], dtype=np.float64)
        g = x @ x.T
        return (g + g.T) * 0.5

    def gap_similarities(self, a: int, b: int, window: int, smooth: int) -> "numpy.ndarray":
        """Smoothed window similarities at the gaps of units ``[a, b)``, from
        Gram tiles of at most ``C99_MAX_UNITS`` gaps (memory stays bounded)."""
        import numpy as np

        n = b - a
        parts = []
        for t0 in range(1, n, C99_MAX_UNITS):  # gaps t0 .. t1-1 (gap g lies before unit g)
            t1 = min(n, t0 + C99_MAX_UNITS)
            lo, hi = max(0, t0 - window), min(n, t1 - 1 + window)
            parts.append(gram_gap_similarities(self.gram(a + lo, a + hi), window)[t0 - lo - 1 : t1 - lo - 1])
        sims = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float64)
        return _smooth(sims, smooth)


def _size_bound(sizer):
    """A cheap upper bound of ``sizer.count`` where one is known, else None.

    Every built-in measure counts at most one unit per UTF-8 byte (a BPE
    token is at least one byte; characters, non-whitespace characters and
    words are at most one per byte), so a sentence whose byte length fits
    the budget needs no exact count to know it fits."""
    if getattr(sizer, "name", None) in ("chars", "nws", "words", "cl100k_base", "o200k_base"):
        return lambda t: len(t) if t.isascii() else len(t.encode("utf-8", "surrogatepass"))
    return None


def _segment_section(
    text: str, units: list[_Unit], pos: int, sim: _Similarity, counts: _Counts, bound, quick: int, ctx: SegmentContext, p: SemanticParams
) -> Iterator[Span]:
    """``quick``: units of at most this many characters fit without a look (-1: none known to)."""
    limit = ctx.budget.max_size
    sizer = ctx.sizer
    # Units over budget on their own are split apart and cut the section.
    run_start = 0
    for i, u in enumerate(units):
        if u.te - u.ts <= quick or (bound is not None and bound(text[u.ts : u.te]) <= limit) or counts.unit(pos + i) <= limit:
            continue
        # headings (and clause numbers) right before it open its first piece (never a chunk of their own)
        h = i
        while h > run_start and units[h - 1].opens:
            h -= 1
        if h > run_start:
            yield from _segment_run(text, units[run_start:h], pos + run_start, sim, counts, ctx, p)
        run_start = i + 1
        levels = _levels(u)
        for s, e, c in split_recursive(text, units[h].ts, u.te, sizer, limit, levels):
            yield Span(s, e, count=c, context=_breadcrumb(u, p))
    if len(units) > run_start:
        yield from _segment_run(text, units[run_start:], pos + run_start, sim, counts, ctx, p)


def _levels(u: _Unit):
    """Separators for a unit over budget: a sentence at clauses; code, tables,
    comments and a heading with its comments between lines (packed greedily,
    so a heading opens the first piece of its comment)."""
    kind = u.block.kind if u.block is not None else None
    return _LINE_LEVELS if kind in _ATOMIC_KINDS else _CLAUSE_LEVELS


def _segment_run(
    text: str, units: list[_Unit], pos: int, sim: _Similarity, counts: _Counts, ctx: SegmentContext, p: SemanticParams
) -> Iterator[Span]:
    """Consecutive units (global indices from ``pos``), each within budget:
    topic boundaries, then budget."""
    n = len(units)
    gram = sim.gram(pos, pos + n) if n <= C99_MAX_UNITS else None

    def gap_sims() -> "numpy.ndarray":
        if gram is not None:
            return _smooth(gram_gap_similarities(gram, p.window), p.smooth)
        return sim.gap_similarities(pos, pos + n, p.window, p.smooth)

    # C99 on one window needs no gap similarities; budget splits and merges
    # of small pieces read them only when a piece is over or under size.
    sims: Any = gap_sims() if (p.method == "depth" or gram is None) else _Lazy(gap_sims)
    # a gap right after a heading or a clause number is never a boundary: it goes with its content
    allowed = [not units[g].opens for g in range(n - 1)]
    if p.method == "depth":
        bounds = choose_boundaries(depth_scores(sims), p.threshold, p.min_units, allowed)
    else:
        bounds = []
        for a, b in _windows(sims, allowed, 0, n):
            window_gram = gram if gram is not None else sim.gram(pos + a, pos + b)
            bounds += [a + g for g in c99_boundaries(window_gram, p.threshold, p.rank_mask, allowed[a : b - 1])]
            if b < n:
                bounds.append(b - 1)
    cuts = [0] + [g + 1 for g in sorted(set(bounds))] + [n]
    sizer = ctx.sizer
    limit = ctx.budget.max_size

    def measure(i: int, j: int) -> int:
        return counts.span(pos + i, pos + j)

    def fit(i: int, j: int) -> list[tuple[int, int, int]]:
        """Split units [i, j) at weakest gaps until every piece fits."""
        c = measure(i, j)
        if c <= limit or j - i == 1:
            return [(i, j, c)]
        if all(units[k].opens for k in range(i, j - 1)):
            return [(i, j, _SPLIT)]  # headings over a unit that does not fit with them: they open its first piece
        g = _weakest_gap(units, sims, i, j, limit, lambda k: counts.weight(pos + k))
        return fit(i, g) + fit(g, j)

    pieces: list[tuple[int, int, int]] = []
    for i, j in zip(cuts, cuts[1:]):
        pieces += fit(i, j)
    min_size = ctx.budget.min_size or int(limit * p.min_fraction)
    pieces = _merge_small(pieces, sims, measure, limit, min_size)
    overlap = ctx.budget.overlap
    for k, (i, j, c) in enumerate(pieces):
        if c == _SPLIT:
            last = units[j - 1]
            for s, e, n in split_recursive(text, units[i].ts, last.te, sizer, limit, _levels(last)):
                yield Span(s, e, count=n, context=_breadcrumb(last, p))
            continue
        start_unit = i
        if overlap and k > 0:
            start_unit, c = _with_overlap(pieces[k - 1][0], i, j, c, measure, limit, overlap)
        yield Span(units[start_unit].ts, units[j - 1].te, count=c, context=_breadcrumb(units[start_unit], p))


#: Size of a piece made of headings and the unit after them, over budget:
#: it is split as one text, the headings opening its first part.
_SPLIT = -1


class _Lazy:
    """An array computed on first indexing."""

    __slots__ = ("make", "value")

    def __init__(self, make) -> None:
        self.make, self.value = make, None

    def __getitem__(self, key):
        if self.value is None:
            self.value = self.make()
        return self.value[key]


def _windows(sims, allowed: list[bool], a: int, b: int) -> list[tuple[int, int]]:
    """Cut units ``[a, b)`` at their weakest allowed gaps until every piece
    has at most ``C99_MAX_UNITS`` units."""
    if b - a <= C99_MAX_UNITS:
        return [(a, b)]
    lo, hi = a + C99_MAX_UNITS // 4, b - C99_MAX_UNITS // 4
    gaps = [g for g in range(lo, hi) if allowed[g - 1]] or list(range(lo, hi))
    g = min(gaps, key=lambda g: (float(sims[g - 1]), g))
    return _windows(sims, allowed, a, g) + _windows(sims, allowed, g, b)


def _weakest_gap(units: list[_Unit], sims, i: int, j: int, limit: int, weight) -> int:
    """Unit index where ``[i, j)`` splits: the gap with the lowest similarity
    among those leaving >= limit/4 tokens each side (any gap if none does);
    gaps before headings (and clause numbers) rank first, gaps after them last."""
    sizes = [weight(k) for k in range(i, j)]
    total = sum(sizes)
    floor = min(limit, total) / 4
    left = 0
    best_key, best = None, i + (j - i) // 2
    for g in range(i + 1, j):
        left += sizes[g - 1 - i]
        balanced = left >= floor and total - left >= floor
        after_heading = units[g - 1].opens
        before_heading = units[g].opens
        key = (after_heading, not balanced, not before_heading, float(sims[g - 1]), abs((g - i) - (j - g)))
        if best_key is None or key < best_key:
            best_key, best = key, g
    return best


def _merge_small(pieces, sims, measure, limit: int, min_size: int) -> list[tuple[int, int, int]]:
    """Fold pieces under ``min_size`` into the more similar neighbour when the
    union fits (a soft floor, as for every strategy)."""
    if not min_size or len(pieces) < 2:
        return pieces
    out = list(pieces)
    k = 0
    while k < len(out) and len(out) > 1:
        i, j, c = out[k]
        if c >= min_size:
            k += 1
            continue
        options = []
        if k > 0:
            options.append((float(sims[i - 1]), k - 1))
        if k + 1 < len(out):
            options.append((float(sims[j - 1]), k + 1))
        merged = False
        for _, other in sorted(options, reverse=True):
            a, b = min(k, other), max(k, other)
            s_i, e_j = out[a][0], out[b][1]
            joined = measure(s_i, e_j)
            if joined <= limit:
                out[a : b + 1] = [(s_i, e_j, joined)]
                k = a
                merged = True
                break
        if not merged:
            k += 1
    return out


def _with_overlap(prev_i: int, i: int, j: int, c: int, measure, limit: int, overlap: int) -> tuple[int, int]:
    """Start unit and exact count of ``[i, j)`` extended back over whole units
    of the previous chunk, up to ``overlap`` tokens, within the budget
    (``measure(a, b)``: exact size of units ``[a, b)``)."""
    back, start = 0, i
    while start - 1 >= prev_i + 1 and back + measure(start - 1, start) <= overlap:
        back += measure(start - 1, start)
        start -= 1
    while start < i:
        exact = measure(start, j)
        if exact <= limit:
            return start, exact
        start += 1
    return i, c


def _breadcrumb(u: _Unit, p: SemanticParams) -> str | None:
    if not p.breadcrumb or u.block is None or not u.block.section:
        return None
    return " > ".join(u.block.section)
