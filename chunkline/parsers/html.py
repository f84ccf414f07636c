"""HTML via selectolax (the Lexbor HTML5 parser: tolerant of broken markup).

HTML is an *extracted* format: the document text is the visible text of the
content blocks, each block's whitespace collapsed (``pre`` keeps its own),
blocks joined by a blank line, table cells by `` | `` and rows by a newline.
``chunkline parse --text page.html`` prints it, so every offset can be checked.
Scripts, styles, navigation, forms and other boilerplate are dropped.
"""

from __future__ import annotations

import re

from ..core.errors import FormatError
from ..core.records import Block, ParsedDocument
from .base import ParseContext

_SKIP = frozenset(
    {"script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button", "select", "svg", "iframe", "head", "meta", "link", "canvas", "object", "embed", "-comment", "dialog", "menu"}
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LEAF_KINDS = {"p": "paragraph", "pre": "code", "blockquote": "quote", "figcaption": "caption", "caption": "caption", "dt": "paragraph", "dd": "paragraph", "address": "paragraph", "summary": "paragraph"}
_BLOCK_TAGS = frozenset(
    set(_HEADINGS) | set(_LEAF_KINDS) | {"div", "section", "article", "main", "header", "ul", "ol", "li", "table", "dl", "figure", "body", "html", "details", "hr", "br", "fieldset", "center", "tr", "td", "th", "tbody", "thead", "tfoot"}
)
_WS = re.compile(r"\s+")
# id/class tokens of page chrome (readability-style); content inside <main> is trusted more
# and generated-docs chrome: tables of contents, site banners, prev/next pagers,
# "edit this page" and "view source" links, version pickers, rustdoc's out-of-band
# "1.0.0 · Source" (rightside, out-of-band) and its "Expand description" toggle (hideme)
_CHROME = re.compile(
    r"(?:^|[\s_-])(sidebar|navbar|nav|menu|menu-bar|popup|modal|cookie|breadcrumbs?|toolbar|skip-link|site-header|site-footer|share|social"
    r"|toc|table[\s_-]of[\s_-]contents|banner|pager|pagination|skip-to-content|back-to-top"
    r"|edit-link|edit-this-page|edit-page|source-link|srclink|viewcode-link|version-picker|version-switcher"
    r"|rightside|out-of-band|hideme)(?:$|[\s_-])",
    re.I,
)
_BOILERPLATE_ROLE = re.compile(r"\b(navigation|banner|contentinfo|complementary|search)\b")
_SEP = "\n\n"


def sniff(head: bytes, name: str) -> bool:
    h = head[:512].lstrip().lower()
    return h.startswith((b"<!doctype html", b"<html"))


def parse_html(data: bytes, ctx: ParseContext) -> ParsedDocument:
    from selectolax.lexbor import LexborHTMLParser

    raw = _cap_depth(ctx.decode(data, declared=_declared_charset(data)))
    try:
        tree = LexborHTMLParser(raw)
    except Exception as exc:  # selectolax raises plain errors on hopeless input
        raise FormatError(ctx.display, f"not parseable as HTML: {exc}") from None
    title_node = tree.css_first("title")
    title = _WS.sub(" ", title_node.text()).strip() if title_node is not None else ""
    # the main content element when the page marks one, else the body
    # drop boilerplate subtrees up front so no text lookup can reach them
    tree.strip_tags([t for t in _SKIP if not t.startswith("-") and t != "head"] + ["title"], recursive=True)
    _drop_symbol_anchors(tree)
    _drop_inline_chrome(tree)
    _separate_blocks(tree)
    root = tree.css_first("main") or tree.css_first("[role=main]") or tree.body or tree.root
    builder = _Builder(tree)
    if root is not None:
        builder.walk(root)
    text = builder.text()
    return ParsedDocument(ctx.document("html", data, text, title=title) if title else ctx.document("html", data, text), tuple(builder.blocks))


#: Elements nested deeper than this are read as siblings of the last one kept
#: (Chromium caps DOM depth at 512 in a similar way; real pages stay under ~100).  An HTML5 parser
#: checks the open-element stack on every start tag, so 100,000 nested divs
#: cost it ~10^10 steps; past the cap the stack stays short.
MAX_DEPTH = 256
#: Comments, raw-text elements (their content holds no tags) and tags.
_MARKUP = re.compile(r"<!--.*?(?:-->|$)|<(script|style|textarea|title|xmp)\b.*?(?:</\1\s*>|$)|<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>", re.S | re.I)
#: Void elements and elements whose end tag may be left out: they do not nest
#: when unclosed (``<p>a<p>b``), so they do not count towards the depth.
_FLAT = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen basefont bgsound frame image"
    " p li dt dd option optgroup tr td th thead tbody tfoot rp rt colgroup caption html head body".split()
)


def _cap_depth(raw: str) -> str:
    """``raw`` with the start tags of elements nested deeper than ``MAX_DEPTH`` left out.

    Text is never touched, only tags, and only on pages that nest that deep
    (no real page does): their deepest elements become siblings.  The depth
    is counted from the tags, as an upper bound of the DOM's (unclosed
    elements count, self-closing and optional-end elements do not).
    """
    if raw.count("<") <= MAX_DEPTH:
        return raw
    depth = 0
    drop: list[tuple[int, int]] = []
    for m in _MARKUP.finditer(raw):
        name = m.group(3)
        if name is None:
            continue
        name = name.lower()
        if name in _FLAT or raw[m.end() - 2] == "/":
            continue
        if m.group(2):
            depth = max(0, depth - 1)
        elif depth >= MAX_DEPTH:
            drop.append(m.span())
        else:
            depth += 1
    if not drop:
        return raw
    parts, pos = [], 0
    for a, b in drop:
        parts.append(raw[pos:a])
        pos = b
    parts.append(raw[pos:])
    return "".join(parts)


_DECLARED = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)|<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in its first 1024 bytes (``<meta charset>``,
    ``<meta http-equiv="Content-Type" content="…; charset=…">``, an XML
    declaration), as the WHATWG prescan reads it: a declared UTF-16 means
    UTF-8, and ISO-8859-1/ASCII mean windows-1252 (latin-1 where a byte is
    undefined there).  DocBook and old generators write ISO-8859-1 pages."""
    import codecs

    m = _DECLARED.search(data[:1024])
    if m is None:
        return None
    try:
        name = codecs.lookup((m.group(1) or m.group(2)).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None  # an unknown label: the user's --encoding (UTF-8) applies
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    if name in ("iso8859-1", "ascii", "latin-1"):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"
    return name


def _drop_symbol_anchors(tree) -> None:
    """Drop in-page links whose text is only a symbol: heading permalinks
    (Sphinx ``¶``, rustdoc ``§``, ``#``, ``🔗``) and tooltip marks (``ⓘ``).
    They are page chrome, and left in they glue onto heading titles and the
    section paths made of them (``Abstract¶``, ``§Examples``)."""
    for a in tree.css('a[href^="#"]'):
        label = a.text(deep=True) or ""
        if not any(ch.isalnum() for ch in label) or _is_self_permalink(a):
            a.decompose()


def _drop_inline_chrome(tree) -> None:
    """Chrome inside a line of text (rustdoc's ``<span class="rightside">1.0.0 ·
    <a class="src">Source</a></span>`` before a method heading): the walker
    checks block elements, flat text extraction would not see these."""
    for node in tree.css("span[class], a[class], small[class]"):
        if _CHROME.search(node.attributes.get("class") or ""):
            node.decompose()


def _is_self_permalink(a) -> bool:
    """A link to the element that holds it, alone in a non-heading block: the
    Rust reference's ``<div id="r-expr.intro"><a href="#r-expr.intro">[expr.intro]</a></div>``.
    A heading wrapped in a link to itself is a heading and stays."""
    parent = a.parent
    if parent is None or parent.tag in _HEADINGS or (parent.text(deep=True) or "").strip() != (a.text(deep=True) or "").strip():
        return False
    target = (a.attributes.get("href") or "")[1:]
    node = parent
    for _ in range(3):
        if node is None or node.tag in _HEADINGS:
            return False
        if target and node.attributes.get("id") == target:
            return True
        node = node.parent
    return False


def _squash(text: str) -> str:
    return _WS.sub("", text).casefold()


def _toc_links(node) -> list[str] | None:
    """The link texts of a list made only of in-page links (two or more), else None."""
    links = node.css('a[href^="#"]')
    if len(links) < 2:
        return None
    texts = [_squash(a.text(deep=True) or "") for a in links]
    total = sum(map(len, texts))
    return texts if total and total == len(_squash(node.text(deep=True) or "")) else None


#: Block elements inside table cells: a cell's text is flattened, so these
#: must not run into the text around them (a cell's paragraphs, list items,
#: a nested table's cells).  Elsewhere the walker keeps blocks apart itself.
_SEPARATED_TAGS = _BLOCK_TAGS - {"html", "body", "br"}


def _separate_blocks(tree) -> None:
    """Make line breaks and block boundaries visible to flat text extraction:
    ``a<br>b`` reads "a b", ``<td><p>x</p><p>y</p></td>`` reads "x y"
    (not "ab", "xy").  Whitespace only, so a block's text gains a
    space where the page showed a break, never a character of its own."""
    for br in tree.css("br"):
        br.insert_after("\n")
    if tree.css_first("td, th") is None:
        return
    # one walk over the tree with the number of enclosing cells, not the
    # selector "td div, td p...", which checks every element's ancestors
    # (quadratic on deeply nested pages)
    root = tree.root
    stack = [(root, False)] if root is not None else []
    while stack:
        node, in_cell = stack.pop()
        tag = node.tag
        if in_cell and tag in _SEPARATED_TAGS:
            node.insert_before(" ")
            node.insert_after(" ")
        inside = in_cell or tag in ("td", "th")
        child = node.child
        while child is not None:
            if child.tag != "-text":
                stack.append((child, inside))
            child = child.next


class _Builder:
    """Accumulates blocks and the document text they index into."""

    def __init__(self, tree=None) -> None:
        self.tree = tree
        self._headings: set[str] | None = None
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.section: list[tuple[int, str]] = []

    def text(self) -> str:
        return "".join(self.parts)

    def emit(self, kind: str, content: str, level: int | None = None, meta: dict | None = None, section_override=None) -> None:
        content = content.strip()
        if not content:
            return
        if self.parts:
            self.parts.append(_SEP)
            self.pos += len(_SEP)
        start = self.pos
        self.parts.append(content)
        self.pos += len(content)
        sec = section_override if section_override is not None else tuple(t for _, t in self.section)
        self.blocks.append(Block(kind=kind, start=start, end=self.pos, text=content, section=sec, level=level, meta=meta or {}))

    def walk(self, node, list_depth: int = 0) -> None:
        """Iterative walk (deep nesting cannot overflow the stack)."""
        stack = [(node, list_depth, False)]
        while stack:
            cur, depth, quoted = stack.pop()
            if isinstance(cur, _Run):
                self.emit("quote" if quoted else "paragraph", _inline(cur))
                continue
            tag = cur.tag
            if tag in _SKIP or tag is None or tag == "-text":
                continue
            attrs = cur.attributes
            if attrs and (
                _BOILERPLATE_ROLE.search(attrs.get("role") or "")
                or "hidden" in attrs
                or attrs.get("aria-hidden") == "true"
                or _CHROME.search(attrs.get("id") or "")
                or _CHROME.search(attrs.get("class") or "")
            ):
                continue
            if tag in _HEADINGS:
                level = _HEADINGS[tag]
                rest: list = []
                if _has_block_child(cur):  # unclosed heading swallowed what follows
                    own, rest = _split_own(cur)
                    title = _WS.sub(" ", _join_inline(own)).strip()
                else:
                    title = _inline(cur)
                if title:
                    while self.section and self.section[-1][0] >= level:
                        self.section.pop()
                    self.section.append((level, title))
                    self.emit("heading", title, level=level)
                self._push(stack, rest, depth, quoted)
                continue
            if tag == "pre":
                self.emit("code", _dedent(cur.text(deep=True) or ""))
                continue
            if tag in _LEAF_KINDS and not _has_block_child(cur):
                kind = _LEAF_KINDS[tag]
                self.emit("quote" if quoted and kind == "paragraph" else kind, _inline(cur))
                continue
            if tag == "table":
                self._table(cur)
                continue
            if tag in ("ul", "ol") and self._is_toc(cur):
                continue  # an in-page table of contents
            if tag == "li":
                if not _has_block_child(cur):
                    self.emit("list_item", _inline(cur), level=depth)
                    continue
                # item text before its nested blocks, then the nested blocks
                # and any text after them
                own, rest = _split_own(cur)
                item = _WS.sub(" ", _join_inline(own)).strip()
                if not item and rest and rest[0].tag == "p" and not _has_block_child(rest[0]):
                    # a loose item <li><p>first</p>…: its first paragraph is the item
                    item, rest = _inline(rest[0]), rest[1:]
                self.emit("list_item", item, level=depth)
                self._push(stack, rest, depth, quoted)
                continue
            # container: loose text runs become paragraphs, block children recurse
            self._push(stack, list(_children(cur)), depth + 1 if tag in ("ul", "ol") else depth, quoted or tag == "blockquote")

    def _is_toc(self, node) -> bool:
        """A table of contents: a list made only of in-page links that repeat
        the page's headings.  A list of in-page links that says something else
        (Node's "methods available on a Resolver") is content; so is a list of
        links to other pages ("See also")."""
        texts = _toc_links(node)
        if texts is None or self.tree is None:
            return False
        if self._headings is None:
            self._headings = {_squash(h.text(deep=True) or "") for h in self.tree.css("h1, h2, h3, h4, h5, h6")}
        return sum(t in self._headings for t in texts) >= 0.8 * len(texts)

    @staticmethod
    def _push(stack, children, depth: int, quoted: bool) -> None:
        """Schedule ``children`` in order: runs of inline nodes as paragraphs, blocks as nodes."""
        items: list = []
        run: list = []
        for ch in children:
            if ch.tag == "-text" or ch.tag not in _BLOCK_TAGS and ch.tag not in _SKIP:
                run.append(ch)
            else:
                if run:
                    items.append(_Run(run))
                    run = []
                items.append(ch)
        if run:
            items.append(_Run(run))
        for item in reversed(items):
            stack.append((item, depth, quoted))

    def _table(self, table) -> None:
        for cap in _children(table):
            if cap.tag == "caption":
                self.emit("caption", _inline(cap))
        rows = []
        for tr in table.css("tr"):
            if _owner_table(tr) != table:
                continue  # a row of a nested table: its text is in the enclosing cell
            cells = [_inline(c) for c in tr.iter() if c.tag in ("td", "th")]
            if any(cells):
                rows.append(cells)
        if not rows:
            return
        lines = [" | ".join(r) for r in rows]
        if self.parts:
            self.parts.append(_SEP)
            self.pos += len(_SEP)
        start = self.pos
        row_spans = []
        for i, line in enumerate(lines):
            if i:
                self.parts.append("\n")
                self.pos += 1
            row_spans.append([self.pos, self.pos + len(line)])
            self.parts.append(line)
            self.pos += len(line)
        content = "\n".join(lines)
        if not content.strip():
            return
        self.blocks.append(Block(kind="table", start=start, end=self.pos, text=content, section=tuple(t for _, t in self.section), meta={"rows": rows, "row_spans": row_spans}))


class _Run:
    """A run of inline nodes directly inside a container: one paragraph."""

    tag = "-run"

    def __init__(self, nodes) -> None:
        self.nodes = nodes
        self.attributes: dict[str, str | None] = {}


def _owner_table(tr):
    node = tr.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return node


def _dedent(code: str) -> str:
    """A ``<pre>``'s text without blank edge lines and the indentation all its lines share."""
    import textwrap

    lines = code.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return textwrap.dedent("\n".join(lines)).rstrip()


def _children(node):
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _node_text(node) -> str:
    if isinstance(node, _Run):
        return _join_inline(node.nodes)
    if node.tag in _SKIP:
        return ""
    return node.text(deep=True) or ""


def _join_inline(nodes) -> str:
    """The text of a run of sibling inline nodes.  Text touches the elements
    beside it as on the page (``?<a>Sized</a>,`` reads "?Sized,"); two
    sibling elements whose words would run together were shown apart (Node's
    ``<span>Added in: v10.5.0</span><span>Removed in: v12.5.0</span>``)."""
    out: list[str] = []
    prev_element = False
    for n in nodes:
        t = _node_text(n)
        element = n.tag != "-text"
        if element and prev_element and out and out[-1][-1:].isalnum() and t[:1].isalnum():
            out.append(" ")
        if t:
            out.append(t)
            prev_element = element
    return "".join(out)


def _inline(node) -> str:
    return _WS.sub(" ", _node_text(node)).strip()


def _split_own(node) -> tuple[list, list]:
    """Children before the first block-level child (the node's own text), and the rest."""
    children = list(_children(node))
    for i, ch in enumerate(children):
        if ch.tag in _BLOCK_TAGS and ch.tag != "br":
            return children[:i], children[i:]
    return children, []


def _has_block_child(node) -> bool:
    return any(ch.tag in _BLOCK_TAGS and ch.tag != "br" for ch in _children(node))
