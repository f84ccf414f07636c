"""Shared machinery: split text on a separator hierarchy, merge pieces greedily.

Every function here returns half-open ``(start, end)`` offsets into the one
document text; nothing copies or rewrites text, which is why chunk offsets are
exact by construction.  Sizes are measured with the caller's Sizer; a merged
chunk is always re-measured exactly before it is accepted, because token
counts are not additive at piece boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Iterable, Mapping, Sequence

from ..core.records import Block, ParsedDocument
from ..core.spans import trim
from ..core.tokenizers import Sizer
from .base import Span
from .blocks import HEADING_KINDS, is_fence, is_quiet

#: Pieces longer than this many characters per budget unit are split without
#: being measured first (measuring them costs a full tokenization and they
#: almost surely do not fit).  Splitting a piece that would have fitted is
#: harmless: its parts are merged back up to the budget.
_MAX_CHARS_PER_UNIT = 8
#: Spans longer than this many characters per budget unit are split before
#: they are measured whole (in cl100k a token is ~4 characters of English or
#: code): their pieces are measured anyway, and only when those say the span
#: may fit is it measured whole.
_LIKELY_OVER = 3

# A sentence ends at . ! ? (or …) plus closing quotes/brackets, before
# whitespace and a plausible sentence start; common abbreviations and single
# initials do not end sentences.
_ABBREV = (
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bvs)(?<!\bv)(?<!\bNo)(?<!\bal)"
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bcf)(?<!\bFig)(?<!\bfig)(?<!\bEq)(?<!\bInc)(?<!\bLtd)(?<!\bCo)"
    r"(?<!\bProf)(?<!\bU\.S)(?<!\bp)(?<!\bpp)(?<!\bvol)(?<!\bed)(?<!\b[A-Z])(?<!\b[\u0391-\u03a9\u0410-\u042f])"
)
#: What may open the next sentence after a full stop and a space: an opening
#: quote or bracket, a digit, a capital (Latin, Greek, Cyrillic, Armenian,
#: Georgian), or a letter of a script without case (Hebrew, Arabic, kana,
#: CJK ideographs, Hangul).  Python's ``re`` has no ``\p{Lu}``, hence ranges.
_NEXT_SENTENCE = (
    "\"'\u201c\u2018\u00ab(\\[A-Z0-9\u00c0-\u024f"
    "\u0386\u0388-\u038f\u0391-\u03ab\u0400-\u042f\u0531-\u0556\u10a0-\u10ff"
    "\u05d0-\u05ea\u0620-\u064a\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3"
)
SENTENCE_END = re.compile(
    r"(?:" + _ABBREV + r"\.|[!?\u2026\u3002\uff01\uff1f])[\"'\u201d\u2019\u00bb)\]]*(?:\s+(?=[" + _NEXT_SENTENCE + r"])|\s*\n\s*\n)"
    r"|(?<=[\u3002\uff01\uff1f])(?=\S)"
)

#: Separator hierarchy for prose, coarse to fine.  Each regex matches the
#: separator; a piece ends right after it, so pieces tile the text.
_MULTI_BLANK = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_BLANK = re.compile(r"\n[ \t]*\n")
#: Both of the above in one scan: group 1 takes part exactly when the run
#: holds two or more blank lines.
_BLANK_RUN = re.compile(r"\n[ \t]*\n((?:[ \t]*\n)+)?")

PROSE_SEPARATORS: tuple[re.Pattern[str], ...] = (
    _MULTI_BLANK,  # section-like gaps (2+ blank lines)
    _BLANK,  # paragraphs
    re.compile(r"\n"),  # lines
    SENTENCE_END,  # sentences
    re.compile(r"[;:,]\s+"),  # clauses
    re.compile(r"\s+"),  # words
)

#: Markdown: split before headings first, then as prose.
MARKDOWN_SEPARATORS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n(?=#{1,2} )"),
    re.compile(r"\n(?=#{3,6} )"),
    re.compile(r"\n(?=```|~~~)"),
) + PROSE_SEPARATORS


class BlockCuts:
    """A separator level given as offsets (taken from the parser's blocks)
    instead of a regex: ``split_recursive`` cuts at the offsets inside a span.

    Why: markdown structure is the parser's to know.  A ``# comment`` line in
    fenced shell code is no heading, and a fence line is not a cut point
    unless it opens or closes a fenced block."""

    __slots__ = ("cuts",)

    def __init__(self, cuts: Iterable[int]) -> None:
        self.cuts = sorted(set(cuts))

    def between(self, s: int, e: int) -> list[int]:
        return self.cuts[bisect_right(self.cuts, s) : bisect_left(self.cuts, e)]


def markdown_separators(blocks: Iterable[Block]) -> tuple[BlockCuts | re.Pattern[str], ...]:
    """``MARKDOWN_SEPARATORS`` from a markdown document's blocks: before
    headings of level 1-2, before deeper ones, around fenced code blocks
    (its opening and its closing fence stay together), then prose."""
    top: list[int] = []
    deeper: list[int] = []
    fences: list[int] = []
    for b in blocks:
        if b.kind in HEADING_KINDS:
            (top if (b.level or 1) <= 2 else deeper).append(b.start)
        elif is_fence(b):
            fences += (b.start, b.end)
    return (BlockCuts(top), BlockCuts(deeper), BlockCuts(fences)) + PROSE_SEPARATORS


def separators_for(parsed: ParsedDocument, blocks: Sequence[Block], mode: str = "auto") -> tuple[BlockCuts | re.Pattern[str], ...]:
    """The separator hierarchy for a document: ``markdown_separators`` for
    markdown (``mode`` auto or markdown), the regex ``MARKDOWN_SEPARATORS``
    when markdown is asked of another format, else ``PROSE_SEPARATORS``."""
    if parsed.document.format == "markdown" and mode != "prose":
        return markdown_separators(blocks)
    return MARKDOWN_SEPARATORS if mode == "markdown" else PROSE_SEPARATORS


def heading_spans(blocks: Iterable[Block]) -> dict[int, int]:
    """Heading start -> end, for ``split_recursive``'s and ``merge``'s
    ``heads``; quiet blocks (comments, empty markup: ``blocks.is_quiet``) as
    start -> -end, since they travel with the heading next to them.  Empty
    when the document has no heading."""
    blocks = [b for b in blocks if not b.furniture]
    if not any(b.kind in HEADING_KINDS for b in blocks):
        return {}
    out = {b.start: -b.end for b in blocks if is_quiet(b) and b.end > b.start}
    out.update((b.start, b.end) for b in blocks if b.kind in HEADING_KINDS)
    return out


def heads_from(text: str, pieces: Sequence[tuple[int, int, int]], lo: int, hi: int, heads: Mapping[int, int]) -> int:
    """For ``heads`` (``heading_spans``): the first of the pieces ``lo..hi-1`` from which on every piece is a
    heading (or part of one), a quiet block or blank, with at least one
    heading; ``hi`` when no heading ends the pieces that way."""
    k, found = hi, hi
    while k > lo:
        a, z = trim(text, pieces[k - 1][0], pieces[k - 1][1])
        if a < z:
            end = heads.get(a)
            if end is None or z > abs(end):
                break
            if end > 0:
                found = k - 1
        k -= 1
    return found


_END_CHAR = re.compile("[.!?\u2026\u3002\uff01\uff1f]")
_CJK_END = frozenset("\u3002\uff01\uff1f")


def sentence_cuts(text: str, start: int, end: int, fallback: re.Pattern[str] | None = None) -> list[int]:
    """Offsets inside ``(start, end)`` where a sentence ends (after its trailing space).

    ``SENTENCE_END`` carries its abbreviation look-behinds before the full
    stop, so a plain ``finditer`` evaluates them at every character.  Every
    match starts at an end-of-sentence mark (or right after a CJK one), so the
    pattern is only tried there: same matches, many times faster.
    ``fallback``, a second rule that also starts at an end mark, is tried
    where ``SENTENCE_END`` does not match (the semantic segmenter's line-end
    rule), so both rules cost one scan.
    """
    cuts: list[int] = []
    last = start  # where the next match may start (finditer semantics)
    match = SENTENCE_END.match
    for c in _END_CHAR.finditer(text, start, end):
        p = c.start()
        if p < last:
            continue
        m = match(text, p, end)
        if m is None and text[p] in _CJK_END and p + 1 < end:
            m = match(text, p + 1, end)
        if m is None and fallback is not None:
            m = fallback.match(text, p, end)
        if m is None:
            continue
        cut = m.end()
        last = cut if cut > m.start() else cut + 1
        if start < cut < end and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    return cuts


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as spans that tile the range (each
    sentence keeps its trailing whitespace)."""
    bounds = [start] + sentence_cuts(text, start, end) + [end]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]


def hard_pieces(text: str, s: int, e: int, sizer: Sizer, limit: int) -> list[tuple[int, int, int]]:
    """Last resort: cut ``[s, e)`` into consecutive pieces that each fit, at
    token (or character) boundaries."""
    out = []
    while s < e:
        k = sizer.cut(text[s:e] if e - s <= limit * _MAX_CHARS_PER_UNIT * 4 else text[s : s + limit * _MAX_CHARS_PER_UNIT * 4], limit)
        piece = text[s : s + k]
        out.append((s, s + k, sizer.count(piece)))
        s += k
    return out


def _fits_cheaply(sizer: Sizer, n_chars: int, limit: int) -> bool | None:
    """True/False when the size is known without measuring, else None."""
    if sizer.name == "chars":
        return n_chars <= limit
    if n_chars <= limit and sizer.name in ("nws", "words"):  # never more units than chars
        return True
    if n_chars > limit * _MAX_CHARS_PER_UNIT:
        return False
    return None


def split_recursive(
    text: str,
    s: int,
    e: int,
    sizer: Sizer,
    limit: int,
    separators: Sequence[re.Pattern[str] | BlockCuts] = PROSE_SEPARATORS,
    overlap: int = 0,
    min_size: int = 0,
    level: int = 0,
    known: int | None = None,
    blanks: list[int] | None = None,
    heads: Mapping[int, int] | None = None,
) -> list[tuple[int, int, int]]:
    """Chunks ``(start, end, exact_count)`` of ``[s, e)``, each within ``limit``,
    trimmed of surrounding whitespace, covering every non-space character
    (at ``overlap`` 0).

    Split on the first separator level present, merge the pieces greedily,
    and recurse into pieces that are still too big.  As in LangChain's and
    semchunk's recursive splitters, pieces of an oversize part merge only with
    each other, so a chunk boundary falls at the coarsest separator that
    allows the budget.  ``level``, ``known`` and ``blanks`` are for the
    recursion: the separator level to start at, the exact count of the span
    when the caller measured it, and paragraph cuts an enclosing call found.
    ``heads`` (heading start -> end, ``heading_spans``): a heading never ends
    a chunk when more follows; headings before a piece too big to join them
    open its first chunk.
    """
    s0, e0 = s, e
    s, e = trim(text, s, e)
    if s >= e:
        return []
    fits = _fits_cheaply(sizer, e - s, limit)
    count = None
    if fits is None and known is not None and (s, e) == (s0, e0):
        count, fits = known, known <= limit  # the caller measured exactly this span
    speculative = fits is None and e - s > limit * _LIKELY_OVER
    if fits is None and not speculative:
        count = sizer.count(text[s:e])
        fits = count <= limit
    if fits:
        return [(s, e, count if count is not None else sizer.count(text[s:e]))]

    lvl = level
    while True:
        if lvl >= len(separators):
            return hard_pieces(text, s, e, sizer, limit)
        sep = separators[lvl]
        if isinstance(sep, BlockCuts):
            cuts = sep.between(s, e)
        elif sep is SENTENCE_END:
            cuts = sentence_cuts(text, s, e)
        elif sep is _MULTI_BLANK and lvl + 1 < len(separators) and separators[lvl + 1] is _BLANK:
            cuts, blanks = _blank_runs(text, s, e)
            if not cuts:
                lvl += 1  # no section gaps: the paragraph cuts are known already
                cuts = blanks
        elif sep is _BLANK and blanks is not None:
            cuts = blanks[bisect_right(blanks, s) : bisect_left(blanks, e)]
        else:
            cuts = [m.end() for m in sep.finditer(text, s, e)]
        if cuts and cuts[-1] >= e:
            cuts.pop()
        if cuts:
            break
        lvl += 1

    if sizer.name == "chars" and overlap == 0 and not heads:
        cuts.append(e)
        return _greedy_chars(text, s, e, cuts, sizer, limit, separators, min_size, lvl, blanks)

    out: list[tuple[int, int, int]] = []
    group: list[tuple[int, int, int]] = []  # consecutive pieces that fit
    prev = s
    chars = sizer.name == "chars"
    cut_unmeasured = limit * _MAX_CHARS_PER_UNIT
    count_ = sizer.count
    cuts.append(e)
    if speculative:
        # The span was not measured because it most likely does not fit; if
        # its pieces say it may after all, measure it.  Joins would have to
        # save over a quarter of the budget for this to split a span that
        # fits (never seen on the benchmark corpus, where the chunks equal
        # those of measuring first), and large spans are not tokenized twice.
        pieces = []
        for cut in cuts:
            if prev < cut:
                n = cut - prev
                pieces.append(count_(text[prev:cut]) if n <= cut_unmeasured else -1)
            prev = cut
        if -1 in pieces or sum(pieces) <= limit + limit // 4 + len(pieces):
            count = count_(text[s:e])
            if count <= limit:
                return [(s, e, count)]
        prev = s
        it = iter(pieces)
        measured = [next(it) if a < b else 0 for a, b in zip([s, *cuts], cuts)]
    else:
        measured = None
    for idx, cut in enumerate(cuts):
        ps, pe = prev, cut
        prev = cut
        if ps >= pe:
            continue
        n = pe - ps
        if chars:
            c = n
            f = n <= limit
        elif n > cut_unmeasured:
            c, f = -1, False
        else:
            c = measured[idx] if measured is not None else count_(text[ps:pe])
            f = c <= limit
        if f and heads and group:
            # Headings pending before a piece that fits but not with them:
            # split the piece finer so that they open its first chunk.
            h = heads_from(text, group, 0, len(group), heads)
            if h < len(group) and sum(max(g[2], 0) for g in group[h:]) + c > limit:
                f = False
        if f:
            group.append((ps, pe, c))
        else:
            # Headings pending before an oversize piece open its first chunk.
            h = heads_from(text, group, 0, len(group), heads) if heads else len(group)
            carry = group[h][0] if h < len(group) else None
            out.extend(merge(text, group[:h], sizer, limit, overlap, min_size, heads))
            group = []
            if carry is None:
                out.extend(split_recursive(text, ps, pe, sizer, limit, separators, overlap, min_size, lvl + 1, c if c >= 0 else None, blanks, heads))
            else:
                out.extend(split_recursive(text, carry, pe, sizer, limit, separators, overlap, min_size, lvl + 1, None, blanks, heads))
    out.extend(merge(text, group, sizer, limit, overlap, min_size, heads))
    return out


_WORD_END = re.compile(r"[A-Za-z0-9](?=[ \t\r\n])")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
#: Past this many piece joins that are not additive, re-tokenizing the chunk
#: is cheaper than bridging every join with small counts.
_MAX_BRIDGES = 6
_TAIL_SCAN = 256


def _last_word_end(text: str, lo: int, hi: int) -> int | None:
    """The last ``b`` in ``(lo, hi)`` after an ASCII letter or digit and before ASCII whitespace."""
    b = hi - 1
    stop = max(lo, hi - _TAIL_SCAN)
    while b > stop:
        if text[b] in " \t\r\n" and text[b - 1] in _ALNUM:
            return b
        b -= 1
    return None


def _count_from_pieces(
    text: str,
    pieces: Sequence[tuple[int, int, int]],
    counts: list[int],
    joins: list[bool | None],
    i: int,
    j: int,
    cs: int,
    ce: int,
    sizer: Sizer,
) -> int | None:
    """Exact count of ``text[cs:ce]`` (inside pieces ``i..j-1``) from the pieces'
    counts, or None when re-tokenizing it is the cheaper way.

    Counts add up at ``sizer.additive_at`` points (line starts, and the end
    of an ASCII word before whitespace).  Pieces meeting at such a point are
    summed as they are.  Elsewhere (a trimmed edge, a join after a sentence
    or clause) each side is cut back to its nearest word end, the piece's
    known count loses the measured edge, and only the few characters between
    the two word ends are tokenized again.  Every step is an identity of
    counts, so the result equals ``sizer.count(text[cs:ce])``; the tests
    check exactly that on every chunk.  ``joins[k]`` caches whether piece
    ``k`` meets piece ``k - 1`` at an additive point.
    """
    if cs >= pieces[i][1] or ce <= pieces[j - 1][0]:
        return None
    bridges = (cs != pieces[i][0]) + (ce != pieces[j - 1][1])
    for k in range(i + 1, j):
        jk = joins[k]
        if jk is None:
            jk = joins[k] = pieces[k][0] == pieces[k - 1][1] and sizer.additive_at(text, pieces[k][0])  # type: ignore[attr-defined]  # callers pass BPE sizers only
        if not jk:
            bridges += 1
            if pieces[k][0] != pieces[k - 1][1] or bridges > _MAX_BRIDGES:
                return None
    count = sizer.count
    last = j - 1
    if bridges <= 2 and (j == i + 1 or all(joins[i + 1 : j])):
        # the usual case: pieces meet at line starts, only the two ends need care
        return _edge_count(text, pieces[i], counts[i], cs, True, count) + sum(counts[i + 1 : last]) + (
            _edge_count(text, pieces[last], counts[last], ce, False, count) if last > i else 0
        ) if last > i else _single_count(text, pieces[i], counts[i], cs, ce, count)
    total = 0
    open_at = cs  # text[cs:open_at] is counted; open_at is cs or an additive point
    for k in range(i, j):
        ps, pe = pieces[k][0], pieces[k][1]
        lo, hi = max(ps, cs), min(pe, ce)
        if lo == ps and (k == i or joins[k]):
            a = ps
        else:
            m = _WORD_END.search(text, lo, hi)
            if m is None:
                return None
            a = m.end()
            total += count(text[open_at:a])
        if hi == pe and (k == last or joins[k + 1]):
            z = pe
        else:
            z = _last_word_end(text, a, hi) or a
        inner = counts[k]
        if a > ps:
            inner -= count(text[ps:a])
        if z < pe:
            inner -= count(text[z:pe])
        total += inner
        open_at = z
    if open_at < ce:
        total += count(text[open_at:ce])
    return total


def _edge_count(text: str, piece: tuple[int, int] | tuple[int, int, int], known: int, cut: int, head: bool, count) -> int:
    """Count of the piece from ``cut`` on (``head``) or up to ``cut``, given its
    full count ``known``: only the text between ``cut`` and the nearest word
    end is tokenized (twice: with and without the trimmed part)."""
    ps, pe = piece[0], piece[1]
    if head:
        if cut == ps:
            return known
        m = _WORD_END.search(text, cut, pe)
        if m is None:
            return count(text[cut:pe])
        a = m.end()
        return known - count(text[ps:a]) + count(text[cut:a])
    if cut == pe:
        return known
    z = _last_word_end(text, ps, cut)
    if z is None:
        return count(text[ps:cut])
    return known - count(text[z:pe]) + count(text[z:cut])


def _single_count(text: str, piece: tuple[int, int] | tuple[int, int, int], known: int, cs: int, ce: int, count) -> int:
    """Count of ``text[cs:ce]`` inside one piece whose full count is ``known``."""
    ps, pe = piece[0], piece[1]
    a = ps
    total = known
    if cs > ps:
        m = _WORD_END.search(text, cs, ce)
        if m is None:
            return count(text[cs:ce])
        a = m.end()
        total += count(text[cs:a]) - count(text[ps:a])
    if ce < pe:
        z = _last_word_end(text, a, ce)
        if z is None:
            return count(text[cs:ce])
        total += count(text[z:ce]) - count(text[z:pe])
    return total


def _blank_runs(text: str, s: int, e: int) -> tuple[list[int], list[int]]:
    """Cuts after runs of 2+ blank lines and after single blank lines in
    ``[s, e)``, from one regex scan.

    The two lists are what ``_MULTI_BLANK`` and (inside spans free of longer
    runs, which is where the hierarchy uses it) ``_BLANK`` would find: every
    blank-line run starts at its first line break and both patterns take the
    whole run.  Scanning once instead of twice is most of the time that
    character budgets spend outside the merge.
    """
    found = list(_BLANK_RUN.finditer(text, s, e))
    return [m.end() for m in found if m.lastindex], [m.end() for m in found if not m.lastindex]


def _greedy_chars(
    text: str,
    s: int,
    e: int,
    cuts: list[int],
    sizer: Sizer,
    limit: int,
    separators: Sequence[re.Pattern[str] | BlockCuts],
    min_size: int,
    lvl: int,
    blanks: list[int] | None,
) -> list[tuple[int, int, int]]:
    """``split_recursive``'s loop and ``merge`` for character budgets without
    overlap, with the same result.

    In characters a run of consecutive pieces measures exactly its span, so
    the greedy merge is "the last cut within ``limit`` of the run's start":
    one ``bisect`` per chunk instead of a Python step per piece, which is
    what makes character mode as fast as the plain-string splitters.
    ``cuts`` ascends and ends with ``e``.
    """
    out: list[tuple[int, int, int]] = []
    group_start = 0  # index in out of the current run's first chunk
    gs, i, n = s, 0, len(cuts)
    while i < n:
        k = bisect_right(cuts, gs + limit, i, n) - 1
        if k >= i:  # pieces i..k fit together
            c = cuts[k]
            cs, ce = trim(text, gs, c)
            if cs < ce:
                out.append((cs, ce, ce - cs))
            gs, i = c, k + 1
            continue
        # the piece [gs, cuts[i]) alone is over the budget: close the run, split it finer
        _fold_last(out, group_start, min_size, limit)
        out.extend(split_recursive(text, gs, cuts[i], sizer, limit, separators, 0, min_size, lvl + 1, cuts[i] - gs, blanks))
        group_start = len(out)
        gs, i = cuts[i], i + 1
    _fold_last(out, group_start, min_size, limit)
    return out


def _fold_last(out: list[tuple[int, int, int]], first: int, min_size: int, limit: int) -> None:
    """``merge``'s ``min_size`` rule in characters, for the chunks ``out[first:]``."""
    if min_size and len(out) - first >= 2 and out[-1][2] < min_size:
        a, b = out[-2], out[-1]
        if b[1] - a[0] <= limit:
            out[-2:] = [(a[0], b[1], b[1] - a[0])]


def merge(
    text: str,
    pieces: Sequence[tuple[int, int, int]],
    sizer: Sizer,
    limit: int,
    overlap: int = 0,
    min_size: int = 0,
    heads: Mapping[int, int] | None = None,
) -> list[tuple[int, int, int]]:
    """Greedily merge consecutive pieces (each within ``limit``; count -1 =
    not yet measured) into chunks within ``limit``, each measured exactly.

    With ``overlap``, a chunk starts with the last pieces of the previous one
    whose total stays within ``overlap``.  A final chunk under ``min_size`` is
    folded into its predecessor when the two fit together.  With ``heads``
    (``heading_spans``) a chunk never ends on pieces that are only headings
    while more pieces follow: they open the next chunk.
    """
    n = len(pieces)
    if n == 0:
        return []
    chars = sizer.name == "chars"
    additive = getattr(sizer, "additive_at", None)
    counts = [c if c >= 0 else sizer.count(text[a:b]) for a, b, c in pieces]
    joins: list[bool | None] = [None] * n  # joins[k]: pieces k-1 and k meet where counts add up
    out: list[tuple[int, int, int]] = []
    i = 0
    while i < n:
        total = counts[i]
        j = i + 1
        while j < n and total + counts[j] <= limit:
            total += counts[j]
            j += 1
        # exact measurement of the trimmed span; back off piece by piece
        while True:
            if heads and j < n:
                j = max(i + 1, heads_from(text, pieces, i, j, heads))
            cs, ce = trim(text, pieces[i][0], pieces[j - 1][1])
            if cs >= ce:
                exact = 0
                break
            if chars:
                exact = ce - cs
            elif j == i + 1 and (cs, ce) == pieces[i][:2]:
                exact = counts[i]
            else:
                known = _count_from_pieces(text, pieces, counts, joins, i, j, cs, ce, sizer) if additive is not None else None
                exact = known if known is not None else sizer.count(text[cs:ce])
            if exact <= limit or j == i + 1:
                break
            j -= 1
        if cs < ce:
            if exact > limit:  # a single piece whose trimmed form grew: cut it
                out.extend(hard_pieces(text, cs, ce, sizer, limit))
            else:
                out.append((cs, ce, exact))
        if j >= n:
            break
        if overlap > 0:
            k, back = j, 0
            while k - 1 > i and back + counts[k - 1] <= overlap:
                k -= 1
                back += counts[k]
            i = k
        else:
            i = j
    if min_size and len(out) >= 2 and out[-1][2] < min_size and overlap == 0:
        a, b = out[-2], out[-1]
        joined = sizer.count(text[a[0] : b[1]])
        if joined <= limit:
            out[-2:] = [(a[0], b[1], joined)]
    return out


def to_spans(triples: Iterable[tuple[int, int, int]], **kw) -> list[Span]:
    return [Span(s, e, count=c, **kw) for s, e, c in triples]
