"""Blocks of a source file from its tree-sitter tree, for any language.

Definitions come from the language's tags query (``@definition.<kind>`` with
``@name``), never from per-language lists of node types.  A tags capture is
sometimes a fragment of the unit a reader means (C captures the
``function_declarator``, Python the undecorated ``function_definition``,
JavaScript the declaration inside ``export``), so each capture is widened by
two language-neutral tree rules:

* a node that fills a named field of its parent (other than ``body``) is part
  of that parent's syntax: widen to the parent;
* a node that is the only named child of a parent on the same lines
  (``const f = () => ...;``, ``type T struct{...}``) is that parent.

Other blocks follow tree-sitter naming conventions shared by all grammars:
``*comment*`` nodes are comments, ``import``/``include``/``use``/``using``/
``package`` nodes are imports.  Everything else at the top level is a
statement (``other`` for stray tokens and ERROR nodes).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...core.records import Block
from ...core.spans import trim
from .tree import CodeTree

if TYPE_CHECKING:
    from tree_sitter import Node

_IMPORT_TYPE = re.compile(r"import|include|^use_|using_directive|package_(clause|declaration|header)|extern_crate|namespace_use")
_OPEN = re.compile(r"[(\[]")
_CLOSE = re.compile(r"[)\]]")
_MAX_SIGNATURE_LINES = 6
#: A signature line is cut after this many bytes (minified code is one line).
_MAX_SIGNATURE_BYTES = 400
_LINE_KINDS = ("statement", "other")
_TYPE_KINDS = frozenset({"class", "interface", "impl", "object", "trait", "type"})


def is_comment(node_type: str) -> bool:
    return "comment" in node_type


@dataclass
class Definition:
    """One definition unit found through the tags query."""

    node: Node  # the widened unit
    inner: Node  # the tags capture (its body field holds a docstring)
    name: str
    kind: str
    start_b: int  # the unit's byte span, widened back over attached comments
    end_b: int
    qualified: str = ""
    parents: tuple[str, ...] = ()
    signature: str = ""
    first_row: int = 0
    children: list = field(default_factory=list)
    attached: list = field(default_factory=list)  # ids of the comment/attribute nodes widened over


def _field_name(parent, child) -> str | None:
    cur = parent.walk()
    if cur.goto_first_child_for_byte(child.start_byte) is None:
        return None
    cid = child.id
    while cur.node.id != cid:
        if not cur.goto_next_sibling():
            return None
    return cur.field_name


def _widen(node, raw_ids: set[int]):
    a = node
    while True:
        p = a.parent
        if p is None or p.parent is None:
            return a
        fname = _field_name(p, a)
        if fname == "body":
            return a
        if fname is not None:
            # A field of a body (JavaScript's ``class_body`` names its members
            # ``member``) lists the members of a container, not parts of one
            # unit: widening there would merge every method into the body.
            if _field_name(p.parent, p) == "body":
                return a
            a = p
            continue
        if (
            p.named_child_count == 1
            and p.id not in raw_ids
            and p.start_point.row == a.start_point.row
            and p.end_point.row == a.end_point.row
        ):
            a = p
            continue
        return a


def find_definitions(ct: CodeTree, query) -> list[Definition]:
    """Definition units, outermost first, with qualified names and signatures."""
    if query is None:
        return []
    from tree_sitter import QueryCursor

    root = ct.tree.root_node  # type: ignore[attr-defined]
    found: list[tuple[Node, Node, str]] = []
    for _pattern, caps in QueryCursor(query).matches(root):
        names = caps.get("name")
        if not names:
            continue
        for key, nodes in caps.items():
            if key.startswith("definition.") and nodes:
                found.append((nodes[0], names[0], key[11:]))
                break
    if not found:
        return []
    raw_ids = {n.id for n, _, _ in found}
    encoded = ct.encoded
    units: dict[tuple[int, int], Definition] = {}
    for raw, name_node, kind in found:
        if _in_parameters(raw):
            continue
        unit = _widen(raw, raw_ids)
        span = (unit.start_byte, unit.end_byte)
        prev = units.get(span)
        if prev is not None and not (raw.id == unit.id and prev.inner.id != prev.node.id):
            continue
        name = encoded[name_node.start_byte : name_node.end_byte].decode("utf-8", "replace")
        name = " ".join(name.split())
        d = Definition(unit, raw, name, kind, unit.start_byte, unit.end_byte, first_row=name_node.start_point.row)
        units[span] = d
    defs = sorted(units.values(), key=lambda d: (d.start_b, -d.end_b))
    # Nesting and qualified names: a stack of open units.
    stack: list[Definition] = []
    for d in defs:
        while stack and stack[-1].end_b < d.end_b:
            stack.pop()
        if stack and stack[-1].end_b >= d.end_b:
            parent = stack[-1]
            d.parents = parent.parents + (parent.qualified,)
            d.qualified = f"{parent.qualified}.{d.name}"
            parent.children.append(d)
            if d.kind == "function" and parent.kind in _TYPE_KINDS:  # tags queries often say function
                d.kind = "method"
        else:
            d.qualified = d.name
        stack.append(d)
    _attach_comments(defs)
    _signatures(ct, defs)
    return defs


def is_attribute(node_type: str) -> bool:
    """An outer attribute written as a sibling before the item it applies to
    (Rust ``#[derive(Debug)]``); decorators and annotations of the other
    grammars are children of their definition already."""
    return node_type == "attribute_item"


def _in_parameters(node) -> bool:
    """A capture inside a parameter list is a parameter, not a definition
    (C's ``PyObject *Py_UNUSED(module)`` or ``int (*cmp)(int, int)`` parse as
    function declarators).  Parameters sit a few levels up at most."""
    p = node.parent
    for _ in range(4):
        if p is None:
            return False
        if "parameter" in p.type:
            return True
        p = p.parent
    return False


def _attach_comments(defs: list[Definition]) -> None:
    """Widen each unit back over the comments and attributes right above it
    (no blank line between): they document or qualify the definition and
    belong with it."""
    for d in defs:
        node = d.node
        first_row = node.start_point.row
        prev = node.prev_sibling
        while prev is not None and (is_comment(prev.type) or is_attribute(prev.type)) and _last_row(prev) >= first_row - 1:
            # a trailing comment on the previous statement's line is not ours
            before = prev.prev_sibling
            if before is not None and _last_row(before) == prev.start_point.row:
                break
            d.start_b = prev.start_byte
            d.attached.append(prev.id)
            first_row = prev.start_point.row
            prev = before


def _last_row(node) -> int:
    """The last row holding text of ``node`` (Rust's ``///`` comments end
    after their line break, at column 0 of the next row)."""
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


def _signatures(ct: CodeTree, defs: list[Definition]) -> None:
    """The signature of a unit: from the line its name is on up to where its
    body starts (``public T get()``, ``def f(a,\n      b):``), trailing space
    dropped.  Without a body field: the name's line, continued while
    parentheses or brackets stay open (multi-line parameter lists)."""
    enc = ct.encoded
    for d in defs:
        node = d.inner
        row_start = _row_byte(enc, node, d.first_row)  # where the name's line starts
        body = _body_start(d)
        stop_at = body if body is not None and body > row_start else None
        end = stop_at if stop_at is not None else d.end_b
        out = []
        pos = row_start
        depth = 0
        for _ in range(_MAX_SIGNATURE_LINES):
            stop = min(end, pos + _MAX_SIGNATURE_BYTES)
            nl = enc.find(b"\n", pos, stop)
            line_end = stop if nl == -1 else nl
            line = enc[pos:line_end].decode("utf-8", "replace").rstrip()
            out.append(line)
            if stop_at is None:
                depth += len(_OPEN.findall(line)) - len(_CLOSE.findall(line))
                if depth <= 0:
                    break
            if nl == -1:
                break
            pos = nl + 1
        while len(out) > 1 and not out[-1].strip():
            out.pop()
        if stop_at is None and out[-1].endswith("{") and out[-1][:-1].strip():
            out[-1] = out[-1][:-1].rstrip()  # the body's brace, as where the body field stops
        d.signature = "\n".join(out)


def _body_start(d: Definition) -> int | None:
    """Byte where the unit's body starts (its ``body`` field, or the body of
    the function a declarator holds: ``const f = (x) => {...}``), or None."""
    for n in (d.inner, d.node):
        b = n.child_by_field_name("body")
        if b is not None:
            return b.start_byte
    for i in range(min(d.inner.named_child_count, 4)):
        b = d.inner.named_child(i).child_by_field_name("body")
        if b is not None:
            return b.start_byte
    return None


def _row_byte(enc: bytes, node, row: int) -> int:
    """Byte offset where ``row`` starts, searching forward from ``node``'s start.

    The search back for the line start stops ``_MAX_SIGNATURE_BYTES`` before
    the node (then the node's own start is used): on one-line minified code
    an unbounded search made signatures O(N^2) in the number of functions."""
    lo = max(0, node.start_byte - _MAX_SIGNATURE_BYTES)
    nl = enc.rfind(b"\n", lo, node.start_byte)
    pos = nl + 1 if (nl != -1 or lo == 0) else node.start_byte
    r = node.start_point.row
    while r < row:
        nl = enc.find(b"\n", pos)
        if nl == -1:
            break
        pos = nl + 1
        r += 1
    return pos


class _Emitter:
    def __init__(self, ct: CodeTree, language: str, byte_base: int | None) -> None:
        self.ct = ct
        self.text = ct.text
        self.omap = ct.offsets
        self.language = language
        self.byte_base = byte_base
        self.blocks: list[Block] = []

    def add(self, kind: str, sb: int, eb: int, srow: int, erow: int, has_error: bool = False, **kw) -> None:
        text, char = self.text, self.omap.char
        s0, e0 = char(sb), char(eb)
        s, e = trim(text, s0, e0)
        if s >= e:
            return
        if s != s0 or e != e0:  # keep the byte span on the trimmed text
            sb += len(text[s0:s].encode("utf-8"))
            eb -= len(text[e:e0].encode("utf-8"))
            srow += text.count("\n", s0, s)
            erow -= text.count("\n", e, e0)
        meta = kw.pop("meta", None) or {}
        if has_error:
            meta = {**meta, "has_error": True}
        bspan = (sb + self.byte_base, eb + self.byte_base) if self.byte_base is not None else None
        self.blocks.append(
            Block(kind=kind, start=s, end=e, text=text[s:e], lines=(srow + 1, erow + 1), byte_span=bspan, language=self.language, meta=meta, **kw)
        )


def _end_row(node) -> int:
    """Row of the node's end position; ``add`` steps back over trimmed line breaks."""
    return node.end_point.row


def _docstring(node):
    """The string statement opening a body (module or definition), if any."""
    if node is None:
        return None
    for i in range(min(node.named_child_count, 3)):
        c = node.named_child(i)
        if is_comment(c.type):
            continue
        if c.type == "expression_statement" and c.named_child_count == 1 and "string" in c.named_child(0).type:
            return c
        return None
    return None


def code_blocks(ct: CodeTree, defs: list[Definition], language: str, byte_base: int | None) -> list[Block]:
    """All blocks of a file in reading order (nested definitions follow their parent)."""
    em = _Emitter(ct, language, byte_base)
    imports = _import_pattern(language)
    char = ct.offsets.char
    root = ct.tree.root_node  # type: ignore[attr-defined]
    by_node = {(d.node.start_byte, d.node.end_byte): d for d in defs}
    def_starts = [d.node.start_byte for d in defs]
    def_ends = [d.node.end_byte for d in defs]
    attached = {i for d in defs for i in d.attached}

    def contains_def(node) -> bool:
        i = bisect.bisect_left(def_starts, node.start_byte)
        j = bisect.bisect_right(def_starts, node.end_byte)
        return any(def_ends[k] <= node.end_byte for k in range(i, j))

    doc = _docstring(root)
    if doc is not None:
        em.add("docstring", doc.start_byte, doc.end_byte, doc.start_point.row, _end_row(doc), doc.has_error)

    def emit_definition(d: Definition) -> None:
        n = d.node
        meta = {"def_kind": d.kind, "signature": d.signature}
        srow = n.start_point.row
        if d.start_b < n.start_byte:
            srow = _row_of(ct.encoded, d.start_b, n)
        em.add("definition", d.start_b, d.end_b, srow, _end_row(n), n.has_error, symbol=d.qualified, section=d.parents, meta=meta)
        ds = _docstring(d.inner.child_by_field_name("body"))
        if ds is not None:
            em.add("docstring", ds.start_byte, ds.end_byte, ds.start_point.row, _end_row(ds), ds.has_error, symbol=d.qualified, section=d.parents + (d.qualified,))
        for c in d.children:
            emit_definition(c)

    def walk(container) -> None:
        group_kind: str | None = None
        group: list = []

        def flush() -> None:
            nonlocal group, group_kind
            if group and group_kind is not None:
                err = any(g.has_error for g in group)
                em.add(group_kind, group[0].start_byte, group[-1].end_byte, group[0].start_point.row, _end_row(group[-1]), err)
            group, group_kind = [], None

        for c in container.children:
            key = (c.start_byte, c.end_byte)
            d = by_node.get(key)
            if d is not None:
                flush()
                emit_definition(d)
                continue
            if c.id in attached:  # part of the definition that follows
                flush()
                continue
            t = c.type
            if is_comment(t):
                kind = "comment"
            elif doc is not None and c.id == doc.id:
                flush()
                continue
            elif _IMPORT_TYPE.search(t):
                kind = "import"
            elif c.is_error or not c.is_named:
                kind = "other"
            elif contains_def(c):
                flush()
                walk(c)
                continue
            elif imports is not None and c.end_point.row - c.start_point.row < 3 and imports.fullmatch(ct.text, char(c.start_byte), char(c.end_byte)):
                kind = "import"
            else:
                kind = "statement"
            if group and group_kind in _LINE_KINDS and kind in _LINE_KINDS and c.start_point.row == _last_row(group[-1]):
                # pieces of one line (``#ifndef`` and its name, a statement and
                # its stray ``;``) are one block: a statement when any is one
                if kind == "statement":
                    group_kind = kind
                group.append(c)
                continue
            # group consecutive comments / imports / stray tokens (no blank line
            # between comments); statements stand alone
            if group and (kind != group_kind or kind == "statement" or (kind == "comment" and c.start_point.row > _last_row(group[-1]) + 1)):
                flush()
            group_kind = kind
            group.append(c)
        flush()

    walk(root)
    em.blocks.sort(key=lambda b: (b.start, -b.end))
    return em.blocks


@functools.lru_cache(maxsize=None)
def _import_pattern(language: str):
    """The compiled ``imports`` pattern of a language, or None."""
    from .languages import BY_NAME

    spec = BY_NAME.get(language)
    return re.compile(spec.imports) if spec is not None and spec.imports else None


def _row_of(enc: bytes, byte: int, node) -> int:
    """0-based row of ``byte``, counted back from ``node``'s known row."""
    return node.start_point.row - enc.count(b"\n", byte, node.start_byte)
