"""PDF: a layout-true block stream from born-digital PDFs, on PyMuPDF.

Document text
    The blocks' texts in reading order, joined by ``"\\n\\n"`` (``BLOCK_SEP``).
    Inside a table block rows are joined by ``"\\n"`` and cells by ``" | "``;
    inside a code block source lines are joined by ``"\\n"``; a paragraph is
    one line of running text (its page lines joined by a space, typesetter
    hyphens removed and recorded in ``meta["soft_hyphens"]``).  Page furniture
    (running heads, feet, page numbers) is kept in the text as its own blocks
    with ``furniture=True``, so segmenters can drop it and ``--keep-furniture``
    can keep it.  Per page: headers, body in reading order, footers.

Provenance
    ``page`` (1-based), ``bboxes`` as ``(page, x0, y0, x1, y1)`` in PDF points
    with a top-left origin (PyMuPDF's page coordinates), one box per page a
    block spans; a paragraph continued over a page break is one block with
    boxes on both pages and ``meta["continues"] = True``.  ``section`` is the
    heading path.  Headings have ``level`` 1..6, list items their depth.

Speed
    One text page per page (``get_text("dict")``, images off); tables are
    built from that dict and the page's ruling lines (``tables``), never
    with PyMuPDF's slow table finder.  ``import pymupdf`` happens here, lazily, so
    ``chunkline --help`` and other formats never pay for it.
    ``ParseOptions.pdf_layout == "model"`` (PyMuPDF's layout model) is not
    built yet and raises a UsageError.
"""

from __future__ import annotations

import re
import time

from ...core.errors import FormatError, InputError, UsageError
from ...core.records import Block, ParsedDocument
from .classify import (
    assign_levels,
    body_size,
    classify,
    demote_bold_runs,
    demote_bylines,
    demote_cover_pages,
    demote_row_cells,
    demote_toc_entries,
    is_outline_entry,
    outline_keys,
    pick_title,
    promote_toc_entries,
)
from .layout import mark_furniture, reading_order
from .lines import Line, Unit, page_lines, respace_listings, scan_page, split_units
from .tables import TableItem, detect_tables
from .toc import rebuild_contents_pages
from .text import Vocabulary, bad_glyphs, clean, fix_rtl_ligatures, join_code, join_running
from ..base import ParseContext

BLOCK_SEP = "\n\n"
ROW_SEP = "\n"
CELL_SEP = " | "
_SENTENCE_END = re.compile(r"[.!?:;\"'”’)\]]$")


def sniff(head: bytes, name: str) -> bool:
    return head[:1024].lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-") or b"%PDF-" in head[:1024]


def parse_pdf(data: bytes, ctx: ParseContext) -> ParsedDocument:
    """Parse PDF bytes into blocks in reading order (see the module docstring)."""
    doc = open_pdf(data, ctx)
    try:
        return _parse(doc, data, ctx)
    finally:
        doc.close()


def open_pdf(data: bytes, ctx: ParseContext):
    """Open and validate: every bad-input case becomes one clear FormatError."""
    if b"%PDF-" not in data[:1024]:
        what = "empty file" if not data.strip() else "no %PDF- header"
        raise FormatError(ctx.display, f"not a PDF ({what})", "format")
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    truncated = b"%%EOF" not in data[-2048:]
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises plain RuntimeErrors / FileDataError
        raise FormatError(ctx.display, f"corrupt PDF: {_first_line(exc)}", "format") from None
    if doc.needs_pass:
        password = ctx.options.get("pdf_password")
        if not (password and doc.authenticate(str(password))):
            doc.close()
            raise FormatError(ctx.display, "encrypted PDF: a password is required to open it", "encrypted")
    try:
        n = doc.page_count
    except Exception as exc:
        doc.close()
        raise FormatError(ctx.display, f"corrupt PDF: {_first_line(exc)}", "format") from None
    if n == 0:
        doc.close()
        if truncated:
            raise FormatError(ctx.display, "truncated PDF: the file ends before its end-of-file marker and no page can be read", "format")
        raise FormatError(ctx.display, "PDF has no pages", "empty")
    if truncated and doc.is_repaired:
        doc.close()
        raise FormatError(ctx.display, f"truncated PDF: the file ends before its end-of-file marker ({len(data)} bytes read)", "format")
    return doc


def _first_line(exc: Exception) -> str:
    msg = str(exc).strip().splitlines()
    return msg[0] if msg else type(exc).__name__


def _parse(doc, data: bytes, ctx: ParseContext) -> ParsedDocument:
    import pymupdf

    flags = (
        pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_CID_FOR_UNKNOWN_UNICODE * 0
    )  # ligatures expanded by MuPDF (no PRESERVE_LIGATURES), images off
    deadline = time.monotonic() + ctx.options.timeout if ctx.options.timeout else None
    if ctx.options.pdf_layout == "model":
        _load_layout_model(ctx)
    pages: list[list[Unit]] = []
    rotated: list[list[Line]] = []
    tables: list[list[TableItem]] = []
    sizes: list[tuple[float, float]] = []
    no_text: list[int] = []
    blank: list[int] = []
    rtl: list[bool] = []  # any Hebrew/Arabic letter on the page
    vocab = Vocabulary()
    for i in range(doc.page_count):
        if deadline is not None and time.monotonic() > deadline:
            raise InputError(ctx.display, f"timed out after {ctx.options.timeout:g} s at page {i + 1} of {doc.page_count}", "timeout")
        try:
            page = doc.load_page(i)
            tp = page.get_textpage(flags=flags)
            d = page.get_text("dict", textpage=tp)
        except Exception as exc:
            raise FormatError(ctx.display, f"corrupt PDF: page {i + 1} cannot be read ({_first_line(exc)})", "format") from None
        rect = page.rect
        w, h = rect.width, rect.height  # as displayed (after /Rotate)
        sizes.append((w, h))
        rotation = page.rotation
        rm = tuple(page.rotation_matrix) if rotation else None
        mupdf_lines: list = []
        blocks, rot = page_lines(d, rm, mupdf_lines)
        # the lines' text, already built, tells the rare pages that need the
        # characters themselves (right-to-left ligatures, spread-out listings)
        any_rtl, listings = scan_page(d, "\n".join([p[4] for p in mupdf_lines]))
        rtl.append(any_rtl)
        if any_rtl or listings:
            try:
                raw = page.get_text("rawdict", textpage=tp)
            except Exception as exc:
                raise FormatError(ctx.display, f"corrupt PDF: page {i + 1} cannot be read ({_first_line(exc)})", "format") from None
            if any_rtl:
                fix_rtl_ligatures(d, raw)
            if listings:
                respace_listings(d, raw, listings)
            mupdf_lines = []
            blocks, rot = page_lines(d, rm, mupdf_lines)
        if not blocks and not rot:
            (no_text if _has_images(page) else blank).append(i + 1)
        page_tables = detect_tables(page, i + 1, d, mupdf_lines, (w, h), rotation)
        if page_tables:
            blocks = [_drop_inside(lines, page_tables) for lines in blocks]
            blocks = [b for b in blocks if b]
        units = split_units(i + 1, blocks)
        if rot and units:
            units, rot = _inner_rotated(i + 1, units, rot, page_tables)
        for u in units:
            vocab.add_lines([l.text for l in u.lines])
        pages.append(units)
        rotated.append(rot)
        tables.append(page_tables)

    warnings: list[str] = []
    if no_text:
        msg = f"no text layer on page{'s' if len(no_text) > 1 else ''} {_ranges(no_text)} of {doc.page_count} (scanned? run OCR first)"
        if ctx.options.scanned == "error":
            raise InputError(ctx.display, msg, "scanned")
        warnings.append(msg)

    heights = [h for _w, h in sizes]
    body = body_size(pages)
    toc = _toc(doc)
    outline = outline_keys(toc)
    mark_furniture(pages, heights, body, keep=(lambda u: is_outline_entry(u, outline)) if outline else None)
    body = body_size(pages)
    for units, (w, h) in zip(pages, sizes):
        for u in units:
            if not u.furniture:
                classify(u, body, h)
        demote_row_cells(units, w)
    ordered: list[list] = []
    for units, tabs, rot, (w, _h), any_rtl in zip(pages, tables, rotated, sizes, rtl):
        head = sorted((u for u in units if u.furniture and u.kind == "page_header"), key=lambda u: (u.y0, u.x0))
        foot = sorted((u for u in units if u.furniture and u.kind == "page_footer"), key=lambda u: (u.y0, u.x0))
        body_items = reading_order([u for u in units if not u.furniture] + list(tabs), w, any_rtl and _is_rtl(units))
        stamps = [_rotated_unit(units[0].page if units else 0, rot)] if rot else []
        ordered.append(head + stamps + body_items + foot)
    _merge_line_units(ordered)
    _merge_code_units(ordered)
    rebuild_contents_pages(ordered, [w for w, _h in sizes], reading_order)
    demote_bold_runs(ordered)
    demote_toc_entries(ordered)
    demote_cover_pages(ordered, body)
    promote_toc_entries(pages, toc)
    pick_title(pages, body)
    demote_bylines(ordered)
    assign_levels([u for items in ordered for u in items if isinstance(u, Unit) and u.kind == "heading"], toc, body)
    _set_list_levels(ordered)
    _mark_chapter_numbers(ordered)
    _merge_column_breaks(ordered)
    _merge_page_breaks(ordered)
    _mark_table_continuations(ordered)

    text, out_blocks, unreadable = _assemble(ordered, vocab)
    if unreadable:
        warnings.append(f"{unreadable} text block{'s' if unreadable > 1 else ''} left out: glyphs without Unicode (U+FFFD)")
    meta = {"pages": doc.page_count, "page_sizes": [[round(w, 2), round(h, 2)] for w, h in sizes], "body_font_size": body}
    if blank:
        meta["blank_pages"] = blank
    if doc.is_encrypted or _was_encrypted(doc):
        meta["encrypted"] = True
    md = doc.metadata or {}
    for k in ("title", "author"):
        if md.get(k):
            meta[k] = md[k]
    if not out_blocks and not no_text:
        warnings.append(f"no text found in {doc.page_count} page{'s' if doc.page_count > 1 else ''}")
    document = ctx.document("pdf", data, text, **meta)
    return ParsedDocument(document, tuple(out_blocks), tuple(warnings))


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LETTERS = re.compile(r"[^\W\d_]")


def _is_rtl(units: list[Unit]) -> bool:
    """Mostly Hebrew/Arabic script: columns are read right to left."""
    text = "".join(l.text for u in units[:60] for l in u.lines[:3])
    letters = len(_LETTERS.findall(text))
    return bool(letters) and len(_RTL.findall(text)) > 0.5 * letters


def _was_encrypted(doc) -> bool:
    try:
        return bool(doc.metadata.get("encryption"))
    except Exception:
        return False


def _has_images(page) -> bool:
    try:
        return bool(page.get_images(full=False))
    except Exception:
        return False


def _ranges(nums: list[int]) -> str:
    out: list[str] = []
    start = prev = nums[0]
    for n in [*nums[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def _toc(doc) -> list[tuple[int, str, int]]:
    try:
        return [(int(e[0]), str(e[1]), int(e[2])) for e in doc.get_toc(simple=True)]
    except Exception:
        return []


def _drop_inside(lines: list[Line], tabs: list[TableItem]) -> list[Line]:
    out = []
    for l in lines:
        cx, cy = (l.x0 + l.x1) / 2, (l.y0 + l.y1) / 2
        if not any(t.x0 - 1 <= cx <= t.x1 + 1 and t.y0 - 1 <= cy <= t.y1 + 1 for t in tabs):
            out.append(l)
    return out


def _inner_rotated(page: int, units: list[Unit], rot: list[Line], tabs: list[TableItem]) -> tuple[list[Unit], list[Line]]:
    """Vertical text inside the text area (the rotated column heads of a
    table, labels of a figure) is body text, one unit; only what stands in the
    margin (an arXiv stamp down the left edge) stays a stamp."""
    x0 = min(u.x0 for u in units)
    x1 = max(u.x1 for u in units)
    inner = [l for l in rot if x0 - 2 <= (l.x0 + l.x1) / 2 <= x1 + 2]
    if not inner:
        return units, rot
    keep = [l for l in rot if l not in inner]
    if tabs:  # a ruled table's own (rotated) column heads are in its cells
        cells = {" ".join(c.split()) for t in tabs for r in t.rows for c in r}
        inner = [l for l in inner if _drop_inside([l], tabs) or " ".join(l.text.split()) not in cells]
    if inner:
        units = units + [Unit(page, sorted(inner, key=lambda l: (l.x0, l.y0)))]
    return units, keep


def _rotated_unit(page: int, lines: list[Line]) -> Unit:
    u = Unit(page, sorted(lines, key=lambda l: (l.x0, l.y0)))
    u.furniture = True
    u.kind = "page_header"
    return u


def _set_list_levels(ordered: list[list]) -> None:
    for items in ordered:
        run: list[Unit] = []
        for it in items + [None]:
            if isinstance(it, Unit) and it.kind == "list_item":
                run.append(it)
                continue
            if run:
                base = min(u.x0 for u in run)
                for u in run:
                    u.level = 1 + min(5, int((u.x0 - base) / 12))
                run = []


_CHAPTER_OF = "^(?:(?:chapter|part|section|appendix|kapitel|chapitre)\\s+)?{n}\\b"


def _mark_chapter_numbers(ordered: list[list]) -> None:
    """A number alone in display type beside the heading it numbers (a
    chapter opener's big "1" next to "Chapter 1. Securing ...") repeats the
    heading: page furniture, not a paragraph "1"."""
    for items in ordered:
        body = [it for it in items if isinstance(it, Unit) and not it.furniture]
        for i, u in enumerate(body):
            if u.kind != "paragraph" or len(u.lines) != 1:
                continue
            t = u.lines[0].text.strip()
            if not (t.isdigit() and len(t) <= 3):
                continue
            near = [v for v in body[max(0, i - 1) : i + 2] if v is not u and v.kind in ("heading", "title")]
            if any(re.match(_CHAPTER_OF.format(n=int(t)), " ".join(l.text for l in v.lines).strip(), re.I) for v in near):
                u.furniture = True
                u.kind = "page_header"


def _merge_units(ordered: list[list], joins) -> None:
    """Fold each unit into the one before it (same column list) when
    ``joins(prev, unit)`` says it continues it: lines appended, boxes united.
    Only body units join; furniture never does."""
    for items in ordered:
        out: list = []
        for it in items:
            prev = out[-1] if out else None
            if isinstance(it, Unit) and isinstance(prev, Unit) and not it.furniture and not prev.furniture and joins(prev, it):
                prev.lines.extend(it.lines)
                prev.x0, prev.y0 = min(prev.x0, it.x0), min(prev.y0, it.y0)
                prev.x1, prev.y1 = max(prev.x1, it.x1), max(prev.y1, it.y1)
                continue
            out.append(it)
        items[:] = out


def _merge_line_units(ordered: list[list]) -> None:
    """Rejoin a paragraph that MuPDF cut into one block per line (wide line
    spacing, CJK and right-to-left text): the next unit continues the previous
    one when it has the same style, starts right below it in the same column,
    and the previous one's last line runs to the column edge."""
    _merge_units(ordered, lambda prev, it: it.kind == "paragraph" and prev.kind in ("paragraph", "list_item") and _continues(prev, it))


def _merge_code_units(ordered: list[list]) -> None:
    """One listing that MuPDF cut into blocks (a lone "/*" line above the
    rest, a blank line inside a comment) is one code block: the next code
    unit starts at most one blank line below the previous one, at or a few
    indents right of its left edge."""
    _merge_units(ordered, _code_continues)


def _code_continues(prev: Unit, it: Unit) -> bool:
    return (
        it.kind == "code"
        and prev.kind == "code"
        and -1.0 <= it.y0 - prev.y1 <= 1.6 * max(prev.lines[-1].height, it.lines[0].height, 1.0)
        and prev.x0 - 2 <= it.x0 <= max(prev.x1, prev.x0 + 40)
    )


def _continues(a: Unit, b: Unit) -> bool:
    la, lb = a.lines[-1], b.lines[0]
    if abs(la.size - lb.size) > 0.6 or (la.bold > 0.9) != (lb.bold > 0.9):
        return False
    h = max(la.height, lb.height, 1.0)
    gap = lb.y0 - la.y1
    if not (-1.0 <= gap <= 0.9 * h):
        return False
    right = max(a.x1, b.x1)
    width = right - min(a.x0, b.x0)
    if width <= 0 or la.x1 < right - 0.06 * width:
        return False  # the previous line stops short: the paragraph ended there
    if a.kind == "list_item":
        return lb.x0 > a.lines[0].x0 + 3  # a hanging indent continues the item
    return a.x0 - 2 <= lb.x0 <= a.x0 + 0.1 * width and b.x1 <= right + 1


def _merge_column_breaks(ordered: list[list]) -> None:
    """A paragraph cut at the foot of a column (the sentence goes on in lower
    case at the top of the next column, perhaps after the labels of a figure
    or the column's footnotes)
    becomes one block with a box in each column."""
    for items in ordered:
        i = 0
        while i < len(items):
            a = items[i]
            if not (isinstance(a, Unit) and a.kind == "paragraph" and not a.furniture):
                i += 1
                continue
            tail = (a.meta.get("continued_from") or [a])[-1]
            last = tail.lines[-1].text.rstrip()
            if not last or _SENTENCE_END.search(last):
                i += 1
                continue
            j = i + 1
            prose = len(tail.lines) >= 2  # a one-line label is not cut by a column's notes
            while j < len(items) and j - i <= 12 and (_is_label(items[j]) or (prose and _is_footnote(items[j]))):
                j += 1
            b = items[j] if j < len(items) else None
            if (
                isinstance(b, Unit)
                and b.kind == "paragraph"
                and not b.furniture
                and b.lines[0].text[:1].islower()
                and abs(tail.size - b.size) <= 0.6
                and (b.x0 >= tail.x1 - 2 or b.y0 < tail.y0)  # the next column (or back up)
            ):
                a.meta.setdefault("continued_from", []).append(b)
                del items[j]
                continue  # a's new tail may go on in the next column too
            i += 1


def _is_footnote(it) -> bool:
    """The notes at the foot of a column sit between its last line and the
    top of the next column."""
    return isinstance(it, Unit) and not it.furniture and it.kind == "footnote"


def _is_label(it) -> bool:
    """Short text a column break may have between two halves of a paragraph:
    labels inside a figure, a caption."""
    return isinstance(it, Unit) and not it.furniture and (
        it.kind == "caption" or (it.kind == "paragraph" and len(it.lines) <= 2 and it.nchars < 60)
    )


def _merge_page_breaks(ordered: list[list]) -> None:
    """A paragraph cut by a page break becomes one unit with lines on both pages."""
    for i in range(len(ordered) - 1):
        prev = [it for it in ordered[i] if isinstance(it, (Unit, TableItem)) and not getattr(it, "furniture", False)]
        nxt = [it for it in ordered[i + 1] if isinstance(it, (Unit, TableItem)) and not getattr(it, "furniture", False)]
        if not prev or not nxt:
            continue
        a, b = prev[-1], nxt[0]
        if not (isinstance(a, Unit) and isinstance(b, Unit) and a.kind == "paragraph" and b.kind == "paragraph"):
            continue
        tail = (a.meta.get("continued_from") or [a])[-1]  # a may already run over two columns
        last = tail.lines[-1].text.rstrip()
        first = b.lines[0].text.lstrip()
        if not last or not first or _SENTENCE_END.search(last) or not (first[0].islower() or last.endswith("-")):
            continue
        if abs(a.size - b.size) > 0.6:
            continue
        a.meta.setdefault("continued_from", []).append(b)
        a.meta["continued_from"].extend(b.meta.pop("continued_from", []))
        ordered[i + 1].remove(b)


def _mark_table_continuations(ordered: list[list]) -> None:
    for i in range(1, len(ordered)):
        prev = [it for it in ordered[i - 1] if not getattr(it, "furniture", False)]
        cur = [it for it in ordered[i] if not getattr(it, "furniture", False)]
        if prev and cur and isinstance(prev[-1], TableItem) and isinstance(cur[0], TableItem):
            if max(map(len, prev[-1].rows)) == max(map(len, cur[0].rows)):
                cur[0].continues = True


def _box(page: int, x0: float, y0: float, x1: float, y1: float):
    return (page, round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2))


def _assemble(ordered: list[list], vocab: Vocabulary) -> tuple[str, list[Block], int]:
    """Document text and blocks; and how many units were left out because
    all their glyphs lack Unicode (U+FFFD, private use)."""
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    path: list[tuple[int, str]] = []  # (level, title) of enclosing headings
    unreadable = 0

    def emit(kind: str, text: str, **kw) -> tuple[int, int]:
        nonlocal pos
        if parts:
            parts.append(BLOCK_SEP)
            pos += len(BLOCK_SEP)
        start = pos
        parts.append(text)
        pos += len(text)
        return start, pos

    for items in ordered:
        for it in items:
            if isinstance(it, TableItem):
                row_texts = [CELL_SEP.join(r) for r in it.rows]
                text = ROW_SEP.join(row_texts)
                start, end = emit("table", text)
                spans, p = [], start
                for rt in row_texts:
                    spans.append([p, p + len(rt)])
                    p += len(rt) + len(ROW_SEP)
                tmeta: dict = {"rows": it.rows, "markdown": it.markdown, "row_spans": spans}
                if it.continues:
                    tmeta["continues"] = True
                blocks.append(
                    Block("table", start, end, text, section=tuple(t for _l, t in path), page=it.page,
                          bboxes=(_box(it.page, it.x0, it.y0, it.x1, it.y1),), meta=tmeta)
                )
                continue
            u: Unit = it
            units = [u] + list(u.meta.pop("continued_from", []))
            lines = [l for v in units for l in v.lines]
            meta: dict = {k: v for k, v in u.meta.items() if k != "heading_by" or u.kind == "heading"}
            if u.kind == "code":
                text = join_code(lines)
            elif u.furniture:
                text = clean(" ".join(l.text for l in lines))
            else:
                text, removed = join_running(lines, vocab)
                if removed:
                    meta["soft_hyphens"] = removed
            text = text.strip()
            if not text:
                continue
            bad = bad_glyphs(text)
            if bad:
                if bad >= 0.9 * (len(text) - text.count(" ")):
                    unreadable += 1  # only glyphs without Unicode ("�� ����"): nothing to read or search
                    continue
                meta["bad_glyphs"] = bad
            boxes = tuple(_box(v.page, v.x0, v.y0, v.x1, v.y1) for v in units)
            if len(units) > 1:
                meta["continues"] = True
            level = u.level
            if u.kind in ("heading", "title"):
                lvl = 0 if u.kind == "title" else (level or 1)
                while path and path[-1][0] >= lvl:
                    path.pop()
                section = tuple(t for _l, t in path)
                path.append((lvl, " ".join(text.split())))
            else:
                section = tuple(t for _l, t in path)
            start, end = emit(u.kind, text)
            blocks.append(
                Block(u.kind, start, end, text, section=section, level=level if u.kind != "title" else None,
                      page=u.page, bboxes=boxes, furniture=u.furniture, meta=meta)
            )
    return "".join(parts), blocks, unreadable


# ------------------------------------------------------------ layout model


def _load_layout_model(ctx: ParseContext) -> None:
    """``--layout model`` is reserved for PyMuPDF's layout model and not built
    yet: refuse clearly instead of silently running the rules."""
    raise UsageError(
        "layout model is not available yet: chunkline's PDF parser only has the default rules "
        "mode (use layout rules or leave the option out)",
        "layout",
        also=("layout",),
    )
