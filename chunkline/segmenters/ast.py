"""``ast``: structure-true code chunks by split-then-merge on the syntax tree (cAST).

cAST (Zhang et al., 2025): a node that fits the budget is one window; a node
that does not is split into its children, recursively; consecutive sibling
windows of one split node are merged greedily up to the budget.  So a chunk
boundary always falls between syntax nodes, at the highest level the budget
allows, and a chunk never holds the tail of one function and the head of the
next unless both fit whole.

Exactness: at overlap 0 the chunks tile the file (their concatenation is the
file text): whitespace between two nodes goes to the earlier node up to the
last line break and to the later one after it, so chunks start at line starts
with their indentation.  A single leaf over the budget (a huge string or
comment) is split at line ends, then hard-cut at tokenizer boundaries.  With
``nws`` or ``chars`` sizes are additive, so every window is measured by one
prefix-sum subtraction; with token budgets merged windows are re-measured
exactly and backed off piece by piece.

One refinement over plain cAST: the head of a split node (``class Foo:``,
``fn main() {``) is not left as a tiny chunk of its own but glued to the first
window of the child that had to be split, as long as that head holds no whole
definition.  Everything stays inside the split node.

``context`` (not part of the text) carries the file path, the signature lines
of the enclosing definitions and the symbols defined in the chunk, taken from
the parser's definition blocks (the tags query), so it works for every
language the code parser supports.  Documents of other formats are chunked
with the recursive separator hierarchy; code without a grammar by lines.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Iterator

from ..core.records import Block, ParsedDocument
from .packing import hard_pieces, heading_spans, separators_for, split_recursive, to_spans
from .base import SegmentContext, Span

Piece = tuple[int, int, int]  # start, end, exact size

#: Oversize nodes nested deeper than this are split by lines, not by children.
MAX_SPLIT_DEPTH = 200


@dataclass(frozen=True)
class AstParams:
    """context: fill ``context`` with path, enclosing signatures and symbols.
    max_symbols: at most this many symbol names in a chunk's context."""

    context: bool = True
    max_symbols: int = 12

    def __post_init__(self) -> None:
        if self.max_symbols < 0:
            raise ValueError("max_symbols must be >= 0")


def ast_segment(parsed: ParsedDocument, ctx: SegmentContext) -> Iterator[Span]:
    p: AstParams = ctx.params or AstParams()
    doc = parsed.document
    text = doc.text
    b = ctx.budget
    if not text:
        return
    if doc.format != "code":
        blocks = ctx.blocks(parsed)
        heads, seps = heading_spans(blocks) or None, separators_for(parsed, blocks)
        for s, e in ctx.regions(parsed):
            yield from to_spans(split_recursive(text, s, e, ctx.sizer, b.max_size, seps, b.overlap, b.min_size, heads=heads))
        return
    tiler = _Tiler(text, ctx)
    tree = _tree_for(parsed)
    defs = [blk for blk in parsed.blocks if blk.kind == "definition"]
    if tree is None:
        pieces = tiler.text_pieces(0, len(text), None)
    else:
        tiler.set_tree(tree, defs)
        pieces = tiler.node(tree.tree.root_node, 0, len(text), None, root=True)
    language = doc.meta.get("language")
    meta = {"language": language} if language else None
    if not p.context:
        for s, e, c in pieces:
            yield Span(s, e, count=c, meta=meta)
        return
    yield from _with_context(pieces, defs, doc.source, p.max_symbols, meta)


def _tree_for(parsed: ParsedDocument):
    """The syntax tree of a code document, or None when it has none.

    The code parser leaves its tree on the document; a document without one
    (unpickled in another process, or built by other means) is parsed again,
    unless the parser said it fell back to blank-line blocks.
    """
    facts = parsed.facts
    tree = facts.get("syntax_tree")
    if tree is not None:
        return tree
    from ..parsers.code.languages import BY_NAME, load_grammar
    from ..parsers.code.parser import DEFAULT_MAX_TREE_BYTES
    from ..parsers.code.tree import parse_tree

    lang = parsed.document.meta.get("language")
    if lang not in BY_NAME or facts.get("code_fallback"):
        return None
    text = parsed.document.text
    if len(text) > DEFAULT_MAX_TREE_BYTES:
        return None
    try:
        load_grammar(lang)
        return parse_tree(text, lang)
    except Exception:
        return None


class _Tiler:
    """Split-then-merge over one document; all offsets are str offsets."""

    def __init__(self, text: str, ctx: SegmentContext) -> None:
        self.text = text
        self.sizer = ctx.sizer
        self.limit = ctx.budget.max_size
        self.overlap = ctx.budget.overlap
        self.prefix: memoryview | None = None
        self.additive = ctx.sizer.name in ("nws", "chars")
        self.char: Callable[[int], int] = lambda b: b
        self.ascii = True
        self.def_starts: list[int] = []
        self.def_ends: list[int] = []
        #: definition start -> end: where a definition opens with a comment
        #: or attribute (a sibling node in the tree), the unit runs past the
        #: child that starts it.
        self.lead: dict[int, int] = {}

    def set_tree(self, ct, defs: list[Block]) -> None:
        from ..parsers.code.offsets import nws_prefix

        self.char = ct.offsets.char
        self.ascii = ct.offsets.ascii
        if self.sizer.name == "nws":
            # A memoryview: indexing it gives Python ints at half the cost of
            # numpy scalars, and ``size`` runs once per candidate node.
            pre = self.prefix = memoryview(nws_prefix(self.text, ct.encoded))
            self.size = lambda s, e: pre[e] - pre[s]  # type: ignore[method-assign]
        self.def_starts = [d.start for d in defs]
        self.def_ends = [d.end for d in defs]
        lead: dict[int, int] = {}
        for d in defs:
            if lead.get(d.start, -1) < d.end:
                lead[d.start] = d.end
        self.lead = lead

    # ------------------------------------------------------------ measuring
    def size(self, s: int, e: int) -> int:
        if self.prefix is not None:
            return int(self.prefix[e] - self.prefix[s])
        if self.sizer.name == "chars":
            return e - s
        return self.sizer.count(self.text[s:e])

    def _has_definition(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.def_starts, s)
        j = bisect.bisect_left(self.def_starts, e)
        return any(self.def_ends[k] <= e for k in range(i, j))

    # ------------------------------------------------------------ splitting
    def node(self, node, lo: int, hi: int, carry: Piece | None, root: bool = False, depth: int = 0, lead: list[Piece] | None = None) -> list[Piece]:
        """Windows tiling ``[lo, hi)`` (the node plus its attached whitespace);
        ``carry`` is a head window of the parent to glue onto the first window,
        ``lead`` the line pieces of the comments and attributes that open the
        node's definition (they precede ``lo``, after ``carry``).
        Below ``MAX_SPLIT_DEPTH`` levels of oversize nodes (deeply nested
        literals, generated code) the rest is split by lines: the recursion
        would otherwise exhaust Python's stack."""
        children = node.children
        if not children or depth >= MAX_SPLIT_DEPTH:
            return self.text_pieces(lo, hi, carry, lead)
        text = self.text
        ascii_ = self.ascii
        char = self.char
        merger = _Merger(self, carry)
        head_lo = lo if carry is None else carry[0]
        if lead:
            for piece in lead:
                merger.add(piece)
            if carry is None:
                head_lo = lead[0][0]  # the node's head starts with its leading comments
        out = merger.out
        limit = self.limit
        size = self.size
        pre = self.prefix  # nws prefix sums (a memoryview), or None
        # Child k owns [cut before it, cut after it): whitespace between two
        # children goes to the earlier one up to its last line break.
        leads = self.lead
        s = lo
        n = len(children)
        k = 0
        cstart = children[0].start_byte if ascii_ else char(children[0].start_byte)
        while k < n:
            c = children[k]
            if k + 1 < n:
                if ascii_:
                    prev_end, nxt = c.end_byte, children[k + 1].start_byte
                else:
                    prev_end, nxt = char(c.end_byte), char(children[k + 1].start_byte)
                if nxt > prev_end:
                    nl = text.rfind("\n", prev_end, nxt)
                    e = nl + 1 if nl != -1 else nxt
                else:
                    e = nxt
                e = hi if e > hi else (s if e < s else e)
                # Comments and attributes opening a definition (Javadoc,
                # ``#[derive]``) are siblings of its node: keep them with it.
                g = leads.get(cstart)
                if g is not None and g > prev_end:
                    done = self._lead_group(children, k, g, s, head_lo, hi, root, depth, merger)
                    if done is not None:
                        k, s = done
                        if k < n:
                            cstart = children[k].start_byte if ascii_ else char(children[k].start_byte)
                        continue
                cstart = nxt
            else:
                e = hi
            k += 1
            if s >= e:
                continue
            sz = pre[e] - pre[s] if pre is not None else size(s, e)
            if sz <= limit:
                if merger.total + sz <= limit:  # the common case of ``add``, inlined
                    merger.pieces.append((s, e, sz))
                    merger.total += sz
                else:
                    merger.add((s, e, sz))
            else:
                # An oversize child: its head (what is pending since the node's
                # start, with no whole definition in it) rides along into it.
                head = merger.take_head(head_lo, root)
                out.extend(self.node(c, s, e, head, depth=depth + 1))
            s = e
        merger.flush()
        return out

    def _region_end(self, children, m: int, s: int, hi: int) -> int:
        """End of child ``m``'s window (the same rule as in ``node``)."""
        if m + 1 >= len(children):
            return hi
        char = self.char
        prev_end, nxt = char(children[m].end_byte), char(children[m + 1].start_byte)
        if nxt > prev_end:
            nl = self.text.rfind("\n", prev_end, nxt)
            e = nl + 1 if nl != -1 else nxt
        else:
            e = nxt
        return hi if e > hi else (s if e < s else e)

    def _lead_group(self, children, k: int, g: int, s: int, head_lo: int, hi: int, root: bool, depth: int, merger: "_Merger"):
        """Children ``k..m`` form one definition ending at ``g`` (its leading
        comments and attributes, then its node): add them as one window when
        they fit, else glue the leading part onto the node's first window.
        Returns (next child index, next window start), or None when the
        children do not line up with the definition (then nothing is done)."""
        from ..parsers.code.blocks import is_attribute, is_comment

        char, text, n = self.char, self.text, len(children)
        m = k
        while m < n:
            t = children[m].type
            if not (is_comment(t) or is_attribute(t)):
                break
            m += 1
        if m == k or m == n:  # no leading comment here: the definition's own first child
            return None
        end_m = char(children[m].end_byte)
        if end_m < g:
            return None
        if end_m != g and text[g:end_m].strip():
            return None
        lead_end = self._region_end(children, m - 1, s, hi)
        e = self._region_end(children, m, lead_end, hi)
        if not (s <= lead_end <= e) or s >= e:
            return None
        sz = self.size(s, e)
        if sz <= self.limit:
            merger.add((s, e, sz))
            return m + 1, e
        # Over the budget: the definition is split, its leading lines merge
        # with the first windows of its node, as siblings of its children.
        head = merger.take_head(head_lo, root)
        lines = self.text_pieces(s, lead_end, None, merge=False)
        merger.out.extend(self.node(children[m], lead_end, e, head, depth=depth + 1, lead=lines))
        return m + 1, e

    def text_pieces(self, lo: int, hi: int, carry: Piece | None, lead: list[Piece] | None = None, merge: bool = True) -> list[Piece]:
        """A leaf (or a file without a tree): lines merged, over-long lines
        hard-cut.  ``merge=False``: the line pieces themselves."""
        text = self.text
        merger = _Merger(self, carry)
        add = merger.add if merge else merger.pieces.append
        for piece in lead or ():
            add(piece)
        pos = lo
        while pos < hi:
            nl = text.find("\n", pos, hi)
            end = hi if nl == -1 else nl + 1
            sz = self.size(pos, end)
            if sz <= self.limit:
                add((pos, end, sz))
            else:
                for piece in hard_pieces(text, pos, end, self.sizer, self.limit):
                    add(piece)
            pos = end
        if not merge:
            return merger.pieces
        merger.flush()
        return merger.out


class _Merger:
    """Greedy merge of consecutive sibling windows up to the budget."""

    def __init__(self, tiler: _Tiler, carry: Piece | None) -> None:
        self.t = tiler
        self.out: list[Piece] = []
        self.pieces: list[Piece] = [carry] if carry is not None else []
        self.total = carry[2] if carry is not None else 0
        self.n_overlap = 0  # leading pieces repeated from the previous window
        self.fresh = True  # nothing flushed yet in this node: pending is its head

    def add(self, piece: Piece) -> None:
        limit = self.t.limit
        if self.pieces and self.total + piece[2] > limit:
            if not (self.n_overlap and len(self.pieces) == self.n_overlap):
                self.flush(keep_overlap=True)
            if self.n_overlap:
                # The repeated tail must neither block progress nor carry the
                # next window over the budget: drop its oldest pieces first.
                while self.pieces and self.total + piece[2] > limit:
                    self.total -= self.pieces.pop(0)[2]
                self.n_overlap = len(self.pieces)
        self.pieces.append(piece)
        self.total += piece[2]

    def take_head(self, node_lo: int, root: bool) -> Piece | None:
        """Hand the pending window to an oversize child if it is the node's
        head; else flush it as a window of its own."""
        t = self.t
        if (
            self.pieces
            and self.fresh
            and not root
            and self.n_overlap == 0
            and self.pieces[0][0] == node_lo
            and not t._has_definition(self.pieces[0][0], self.pieces[-1][1])
        ):
            s, e = self.pieces[0][0], self.pieces[-1][1]
            head = (s, e, self.total if t.additive else t.size(s, e))
            if head[2] <= t.limit:
                self.pieces, self.total = [], 0
                self.fresh = False
                return head
        self.flush(keep_overlap=False)
        self.fresh = False
        return None

    def flush(self, keep_overlap: bool = False) -> None:
        pieces = self.pieces
        if not pieces or (self.n_overlap and len(pieces) == self.n_overlap):
            self.pieces, self.total, self.n_overlap = [], 0, 0
            return
        t = self.t
        emitted = self._emit(pieces)
        self.fresh = False
        self.pieces, self.total, self.n_overlap = [], 0, 0
        if keep_overlap and t.overlap > 0:
            back, k = 0, len(emitted)
            while k > 1 and back + emitted[k - 1][2] <= t.overlap:
                k -= 1
                back += emitted[k][2]
            self.pieces = list(emitted[k:])
            self.total = back
            self.n_overlap = len(self.pieces)

    def _emit(self, pieces: list[Piece]) -> list[Piece]:
        """Emit ``pieces`` as one window (or several, when token counts are not
        additive and the exact size is over); returns the last window's pieces."""
        t = self.t
        if t.additive:
            self.out.append((pieces[0][0], pieces[-1][1], sum(p[2] for p in pieces)))
            return pieces
        i = 0
        last = pieces
        while i < len(pieces):
            j = len(pieces)
            while True:
                s, e = pieces[i][0], pieces[j - 1][1]
                exact = pieces[i][2] if j == i + 1 else t.size(s, e)
                if exact <= t.limit:
                    break
                if j == i + 1:  # a single piece re-measured over: hard-cut it
                    for a, z, c in hard_pieces(t.text, s, e, t.sizer, t.limit):
                        self.out.append((a, z, c))
                    exact = -1
                    break
                j -= 1
            if exact >= 0:
                self.out.append((s, e, exact))
            last = pieces[i:j]
            i = j
        return last


def _with_context(pieces: list[Piece], defs: list[Block], source: str, max_symbols: int, meta) -> Iterator[Span]:
    """Spans with context: path, enclosing signatures, contained symbols."""
    defs = sorted(defs, key=lambda d: (d.start, -d.end))
    starts = [d.start for d in defs]
    stack: list[Block] = []
    i = 0
    for s, e, c in pieces:
        while i < len(defs) and defs[i].start < s:
            d = defs[i]
            while stack and stack[-1].end <= d.start:
                stack.pop()
            stack.append(d)
            i += 1
        enclosing = [d for d in stack if d.end > s]
        lines = [source]
        for d in enclosing:
            sig = d.meta.get("signature") if d.meta else None
            if sig:
                lines.append(sig)
        lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
        names = [d.symbol for d in defs[lo:hi] if d.symbol]
        if names and max_symbols:
            more = len(names) - max_symbols
            shown = ", ".join(names[:max_symbols]) + (f", … (+{more})" if more > 0 else "")
            lines.append(f"symbols: {shown}")
        section = tuple(d.symbol for d in enclosing if d.symbol)
        yield Span(s, e, count=c, context="\n".join(lines), section=section, meta=meta)
