"""Tables from what the parser already has: the text dict and the page's
ruling lines.  No call to PyMuPDF's ``page.find_tables()``.

``find_tables()`` costs 30-300 ms a page (it rebuilds every character of the
page as a Python object, then runs a pdfplumber-style cell search), against
about 2 ms for the text dict chunkline already has; on the shared corpus it
was 75% of the parse time.  So tables are decided and built here, in steps
that each cost far less than the next:

1. *Text rows* (from the dict, free): MuPDF lines grouped into visual rows;
   a row is "tabular" when it holds several pieces with white space between
   them and not just the two full-width lines of two-column prose.  A page
   with fewer than three such rows (or one and a "Table N" caption) is done.
2. *Ruling lines* (``page.get_cdrawings()``, about 1 ms): axis-parallel
   strokes, thin rectangles and rectangle edges, clustered into grids; a
   frame around the whole page is dropped.  A grid with three or more
   horizontal rule levels holding text is a candidate table.
3. *Cells*: in a ruled grid, rows lie between rules that cross most of the
   table and columns between rules that run down most of it; each MuPDF line
   goes to the cell holding its centre.  Booktabs tables (horizontal rules
   only) and unruled blocks of four or more rows with three or more aligned
   columns get columns from the white gaps shared by their fullest rows.

Every result passes sanity filters: two or more rows and columns, more than
one filled cell per row, at least half the cells filled (diagram labels,
matrices and letter-spaced code fail), no text running through a column rule.
On right-to-left pages cells are listed right to left.
"""

from __future__ import annotations

import functools

import re

from .text import clean

_CAPTION = re.compile(r"^(?:table|tab\.|tabelle|tableau|tabla|表)\s*[\dIVX]", re.I)
_PIECE_GAP = 4.0  # points of white space that separate two cells on a row


class TableItem:
    """A detected table placed in the page's reading order like a unit."""

    __slots__ = ("page", "x0", "y0", "x1", "y1", "rows", "markdown", "nlines", "continues")

    def __init__(self, page, bbox, rows, markdown):
        self.page = page
        self.x0, self.y0, self.x1, self.y1 = bbox
        self.rows = rows
        self.markdown = markdown
        self.nlines = len(rows)
        self.continues = False


# ----------------------------------------------------------------- text rows


def text_rows(page_dict: dict, with_pieces: bool = False, lines: list | None = None):
    """Horizontal MuPDF lines grouped into visual rows, pieces sorted by x and
    merged when they touch.  Each piece is (x0, y0, x1, y1, text).  With
    ``with_pieces`` also the unmerged MuPDF lines (for ruled cells), vertical
    ones included (a ruled cell places text by its centre, whatever its
    direction).  ``lines`` are the page's MuPDF lines as ``lines.page_lines``
    collected them (then the dict is not read again)."""
    pieces = []
    vertical = []  # rotated column heads: cells of a ruled grid, never rows
    if lines is not None:
        for x0, y0, x1, y1, text, direction in lines:
            if direction == 0:
                pieces.append((x0, y0, x1, y1, text))
            elif direction == 1:
                vertical.append((x0, y0, x1, y1, text))
    else:
        for b in page_dict["blocks"]:
            if b.get("type", 0) != 0 or b.get("listing"):
                continue  # a program listing is never table cells, however its tokens line up
            for ln in b["lines"]:
                dx, dy = ln["dir"]
                text = "".join(s["text"] for s in ln["spans"]).strip()
                if not text:
                    continue
                x0, y0, x1, y1 = ln["bbox"]
                if abs(dy) > 0.2 or dx < 0:
                    if abs(dx) < 0.2:
                        vertical.append((x0, y0, x1, y1, text))
                    continue
                pieces.append((x0, y0, x1, y1, text))
    pieces.sort(key=lambda p: (p[1] + p[3]) / 2)
    rows: list[list] = []
    cy = -1e9
    half = 0.0
    for p in pieces:
        c = (p[1] + p[3]) / 2
        if rows and abs(c - cy) <= half:
            rows[-1].append(p)
            continue
        rows.append([p])
        cy, half = c, max(1.0, 0.45 * (p[3] - p[1]))
    out = []
    for row in rows:
        row.sort(key=lambda p: p[0])
        merged = [list(row[0])]
        for p in row[1:]:
            m = merged[-1]
            if p[0] <= m[2] + _PIECE_GAP:
                m[2] = max(m[2], p[2])
                m[1], m[3] = min(m[1], p[1]), max(m[3], p[3])
                m[4] = m[4] + " " + p[4]
            else:
                merged.append(list(p))
        out.append([tuple(m) for m in merged])
    return (out, pieces + sorted(vertical, key=lambda p: p[0])) if with_pieces else out


def _tabular(row: list, page_width: float) -> bool:
    """Several cells side by side, not the two lines of a two-column page."""
    if len(row) >= 3:
        return True
    if len(row) == 2:
        return min(p[2] - p[0] for p in row) < 0.22 * page_width
    return False


def _tabular_run(rows: list[list], page_width: float) -> int:
    """Longest run of tabular rows, one plain row (a group label, a wrapped
    cell) allowed inside; scattered side-by-side pieces (figure labels, a
    short line beside a paragraph) do not add up."""
    best = cur = 0
    plain = 0
    for row in rows:
        if _tabular(row, page_width):
            cur += 1
            plain = 0
            best = max(best, cur)
        else:
            plain += 1
            if plain > 1:
                cur = 0
    return best


def _has_caption(rows: list[list]) -> bool:
    return any(_CAPTION.match(p[4]) for row in rows for p in row)


def aligned_blocks(rows: list[list], page_width: float) -> list[tuple[float, float, float, float, int, int]]:
    """Runs of four or more consecutive rows of three or more pieces whose
    cell edges line up: (x0, y0, x1, y1, rows, aligned columns)."""
    out = []
    run: list[list] = []
    held: list | None = None  # one short row inside a table (a group label) does not end it
    for row in rows + [[]]:
        if len(row) >= 3 and (not run or row[0][1] - run[-1][0][3] < 3 * (row[0][3] - row[0][1]) + 2):
            if held is not None:
                run.append(held)
                held = None
            run.append(row)
            continue
        if run and held is None and len(row) in (1, 2) and max(p[2] - p[0] for p in row) < 0.3 * page_width:
            held = row
            continue
        held = None
        if len(run) >= 4:
            cols = _aligned_columns(run)
            if cols >= 3:
                x0 = min(p[0] for r in run for p in r)
                x1 = max(p[2] for r in run for p in r)
                out.append((x0, min(p[1] for p in run[0]), x1, max(p[3] for p in run[-1]), len(run), cols))
        run = [row] if len(row) >= 3 else []
    return out


def _aligned_columns(run: list[list]) -> int:
    """Cell edges (left, right or centre) shared by at least 60% of the rows."""
    need = max(3, int(0.6 * len(run) + 0.5))
    best = 0
    for edge in (0, 2, None):
        counts: dict[int, set[int]] = {}
        for i, row in enumerate(run):
            for p in row:
                x = (p[0] + p[2]) / 2 if edge is None else p[edge]
                for k in (int(x // 3), int(x // 3) - 1, int(x // 3) + 1):
                    counts.setdefault(k, set()).add(i)
        # count distinct positions (3-pt bins, neighbours merged greedily)
        hits = sorted(k for k, s in counts.items() if len(s) >= need)
        n, last = 0, -10
        for k in hits:
            if k > last + 2:
                n += 1
            last = k
        best = max(best, n)
    return best


# ---------------------------------------------------------------- ruling lines


def ruling_grids(page, rows: list[list], pw: float, ph: float) -> list[tuple[tuple[float, float, float, float], list]]:
    """Clusters of axis-parallel rules holding text: (bbox, segments), in the
    unrotated page space of the text dict."""
    try:
        paths = page.get_cdrawings()
    except Exception:
        return []
    segs: list[list] = []  # x0, y0, x1, y1, is_horizontal
    for path in paths:
        for it in path.get("items", ()):
            op = it[0]
            if op == "l":
                (ax, ay), (bx, by) = it[1], it[2]
                if abs(ay - by) <= 1.0 and abs(ax - bx) >= 8:
                    segs.append([min(ax, bx), ay - 0.5, max(ax, bx), ay + 0.5, True])
                elif abs(ax - bx) <= 1.0 and abs(ay - by) >= 6:
                    segs.append([ax - 0.5, min(ay, by), ax + 0.5, max(ay, by), False])
            elif op == "re":
                x0, y0, x1, y1 = it[1]
                w, h = x1 - x0, y1 - y0
                if w >= 0.8 * pw and h >= 0.8 * ph:
                    continue  # page background or a frame around the whole page
                if h <= 3 and w >= 8:
                    segs.append([x0, y0, x1, y1, True])
                elif w <= 3 and h >= 6:
                    segs.append([x0, y0, x1, y1, False])
                elif w >= 8 and h >= 6:
                    segs.append([x0, y0, x1, y0 + 0.5, True])
                    segs.append([x0, y1 - 0.5, x1, y1, True])
                    segs.append([x0, y0, x0 + 0.5, y1, False])
                    segs.append([x1 - 0.5, y0, x1, y1, False])
        if len(segs) > 4000:  # a vector drawing, not a table: give up on rules
            return []
    if not segs:
        return []
    segs = _drop_page_frame(segs, ph)
    clusters = _cluster(segs)
    centres = [((p[0] + p[2]) / 2, (p[1] + p[3]) / 2) for row in rows for p in row]
    grids = []
    for box, members in clusters:
        hs = [s for s in members if s[4]]
        x0, y0, x1, y1 = box
        if len(hs) < 3 or x1 - x0 < 60 or y1 - y0 < 20:
            continue
        edges = (x0 <= 2) + (y0 <= 2) + (x1 >= pw - 2) + (y1 >= ph - 2)
        if edges >= 2:
            continue  # page-wide bands and frames are design, not a table
        # distinct horizontal rule positions: a framed box has 2, a table 3 or more
        ys = sorted({round(s[1]) for s in hs})
        levels = 1 + sum(1 for a, b in zip(ys, ys[1:]) if b - a > 2)
        if levels < 3:
            continue
        inside = sum(1 for cx, cy in centres if x0 - 1 <= cx <= x1 + 1 and y0 - 1 <= cy <= y1 + 1)
        if inside < 4:
            continue
        grids.append((box, members))
    return grids


def _drop_page_frame(segs: list[list], ph: float) -> list[list]:
    """A vertical rule running down most of the page that no horizontal rule
    meets between its ends is the side of a frame around the page; it would
    glue every box on the page into one "table"."""
    tall = [s for s in segs if not s[4] and s[3] - s[1] >= 0.7 * ph]
    if not tall:
        return segs
    hs = [s for s in segs if s[4]]
    drop = set()
    for t in tall:
        x = (t[0] + t[2]) / 2
        meets = sum(1 for h in hs if h[0] - 2 <= x <= h[2] + 2 and t[1] + 5 < (h[1] + h[3]) / 2 < t[3] - 5)
        if meets < 2:
            drop.add(id(t))
    return [s for s in segs if id(s) not in drop] if drop else segs


def _cluster(segs: list[list]) -> list[tuple[tuple[float, float, float, float], list]]:
    """Segments that touch (3-pt tolerance) form one cluster; bbox and members."""
    segs.sort(key=lambda s: (s[1], s[0]))
    boxes: list[list] = []  # x0, y0, x1, y1, members
    tol = 3.0
    for s in segs:
        hit = None
        for b in boxes:
            if s[0] <= b[2] + tol and s[2] >= b[0] - tol and s[1] <= b[3] + tol and s[3] >= b[1] - tol:
                hit = b
                break
        if hit is None:
            boxes.append([s[0], s[1], s[2], s[3], [s]])
        else:
            hit[0], hit[1] = min(hit[0], s[0]), min(hit[1], s[1])
            hit[2], hit[3] = max(hit[2], s[2]), max(hit[3], s[3])
            hit[4].append(s)
    merged = True
    while merged and len(boxes) > 1:
        merged = False
        out: list[list] = []
        for b in boxes:
            for o in out:
                if b[0] <= o[2] + tol and b[2] >= o[0] - tol and b[1] <= o[3] + tol and b[3] >= o[1] - tol:
                    o[0], o[1], o[2], o[3] = min(o[0], b[0]), min(o[1], b[1]), max(o[2], b[2]), max(o[3], b[3])
                    o[4].extend(b[4])
                    merged = True
                    break
            else:
                out.append(b)
        boxes = out
    return [((b[0], b[1], b[2], b[3]), b[4]) for b in boxes]


# ---------------------------------------------------------------- detection


def detect_tables(page, page_no: int, page_dict: dict, lines: list | None = None, size: tuple[float, float] | None = None, rotation: int | None = None) -> list[TableItem]:
    """Tables of one page (see the module docstring); cheap on pages without.
    ``lines``: the page's MuPDF lines from ``lines.page_lines``; ``size`` and
    ``rotation``: the page's as displayed, if known (each ask of PyMuPDF
    costs a bound-page call)."""
    width, height = size if size is not None else (page.rect.width, page.rect.height)
    rotation = page.rotation if rotation is None else rotation
    if rotation in (90, 270):  # the dict and the drawings are unrotated
        width, height = height, width
    rows, pieces = text_rows(page_dict, with_pieces=True, lines=lines)
    run = _tabular_run(rows, width)
    if run < 3 and not (run >= 1 and _has_caption(rows)):
        return []
    out: list[tuple] = []  # (bbox, rows)
    for box, segs in ruling_grids(page, rows, width, height):
        cells = grid_cells(box, segs, pieces)
        build = functools.partial(grid_cells, segs=segs, pieces=pieces) if cells is not None else functools.partial(aligned_cells, rows=rows)
        if cells is None:  # booktabs (horizontal rules only): columns from the text
            cells = aligned_cells(box, rows)
        if cells is not None:
            top = _header_above(box, rows)
            if top is not None:  # the header row set above the ruled or shaded body
                ext = (box[0], top, box[2], box[3])
                with_head = build(ext)
                if with_head is not None and len(with_head) == len(cells) + 1 and len(with_head[0]) == len(cells[0]):
                    box, cells = ext, with_head
            out.append((box, cells))
    for x0, y0, x1, y1, _n, _cols in aligned_blocks(rows, width):
        box = (x0, y0, x1, y1)
        if any(_overlap(box, b) > 0.3 for b, _c in out):
            continue
        if (x1 - x0) * (y1 - y0) > 0.6 * width * height:
            continue  # a page of aligned text is a layout, not a table
        cells = aligned_cells(box, rows)
        if cells is not None:
            out.append((box, cells))
    if out and _mostly_rtl(pieces):  # cells read right to left
        out = [(box, [list(reversed(r)) for r in cells]) for box, cells in out]
    items = []
    for box, cells in out:
        if rotation:
            box = _rotate(box, page.rotation_matrix)
        items.append(TableItem(page_no, box, cells, to_markdown(cells)))
    return items


def _header_above(box, rows: list[list]) -> float | None:
    """Top of a header row right above a table's rules or shading (column
    names set on the page background, the grid starting under them): the
    nearest row ending at most two row heights above the box, within its
    width, of two or more short pieces, not a caption.  None if there is none."""
    x0, y0, x1, _y1 = box
    best = None
    for row in rows:
        bottom = max(p[3] for p in row)
        h = max(p[3] - p[1] for p in row)
        if not (y0 - 2 * h <= bottom <= y0 + 2) or min(p[1] for p in row) >= y0 - 1:
            continue
        if len(row) < 2 or any(p[0] < x0 - 3 or p[2] > x1 + 3 or p[2] - p[0] > 0.4 * (x1 - x0) for p in row):
            continue
        if _CAPTION.match(row[0][4]):
            continue
        if best is None or bottom > max(p[3] for p in best):
            best = row
    return min(p[1] for p in best) if best is not None else None


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


def _mostly_rtl(pieces: list[tuple]) -> bool:
    text = "".join(p[4] for p in pieces[:200])
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_RTL.findall(text)) > 0.5 * letters


def _rotate(box, m) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    xs = (x0 * m.a + y0 * m.c + m.e, x1 * m.a + y1 * m.c + m.e)
    ys = (x0 * m.b + y0 * m.d + m.f, x1 * m.b + y1 * m.d + m.f)
    return (min(xs), min(ys), max(xs), max(ys))


def _overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / small if small > 0 else 0.0


def _covered(spans: list[tuple[float, float]]) -> float:
    """Length of the union of intervals (rules are often drawn twice)."""
    total, end = 0.0, -1e18
    for a, b in sorted(spans):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def _levels(values: list[float], tol: float = 2.0) -> list[float]:
    """Distinct positions: values closer than ``tol`` are one rule."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def grid_cells(box, segs: list[list], pieces: list[tuple]) -> list[list[str]] | None:
    """Cells of a ruled grid: rows between horizontal rules, columns between
    vertical rules, text placed by the centre of each MuPDF line.  None when
    the rules do not make two columns (booktabs, a framed box)."""
    x0, y0, x1, y1 = box
    hsegs = [s for s in segs if s[4]]
    ys = [y0, y1]
    for y in _levels([(s[1] + s[3]) / 2 for s in hsegs]):
        # a row rule crosses most of the table; the edge of one shaded cell does not
        if _covered([(s[0], s[2]) for s in hsegs if abs((s[1] + s[3]) / 2 - y) <= 2]) >= 0.6 * (x1 - x0):
            ys.append(y)
    ys = _levels(ys)
    # a column rule runs through most of the table; short ones are merged
    # cells or the boxes of a form
    vsegs = [s for s in segs if not s[4] and s[3] - s[1] >= 6]
    xs = [x0, x1]
    for x in _levels([(s[0] + s[2]) / 2 for s in vsegs]):
        if _covered([(s[1], s[3]) for s in vsegs if abs((s[0] + s[2]) / 2 - x) <= 2]) >= 0.4 * (y1 - y0):
            xs.append(x)
    xs = _levels(xs)
    if len(xs) < 3 or len(ys) < 3:
        return None
    import bisect

    # text running through a vertical rule: a diagram or a form, not cells
    inside = [p for p in pieces if x0 - 1 <= (p[0] + p[2]) / 2 <= x1 + 1 and y0 - 1 <= (p[1] + p[3]) / 2 <= y1 + 1]
    crossing = 0
    for p in inside:
        cy = (p[1] + p[3]) / 2
        if any(p[0] + 3 < (s[0] + s[2]) / 2 < p[2] - 3 and s[1] <= cy <= s[3] for s in vsegs):
            crossing += 1
    if crossing > 0.1 * len(inside):
        return None
    grid: list[list[list[tuple]]] = [[[] for _ in range(len(xs) - 1)] for _ in range(len(ys) - 1)]
    for p in inside:
        cx, cy = (p[0] + p[2]) / 2, (p[1] + p[3]) / 2
        r = min(len(ys) - 2, max(0, bisect.bisect(ys, cy) - 1))
        c = min(len(xs) - 2, max(0, bisect.bisect(xs, cx) - 1))
        grid[r][c].append(p)
    return _finish([[_cell_text(c) for c in row] for row in grid])


def aligned_cells(box, rows: list[list]) -> list[list[str]] | None:
    """Cells of an unruled (or booktabs) table: columns are the white gaps
    shared by the rows that fill most columns; each visual row is a table row."""
    x0, y0, x1, y1 = box
    inside = []
    for row in rows:
        ps = [p for p in row if p[1] >= y0 - 2 and p[3] <= y1 + 2 and p[0] >= x0 - 2 and p[2] <= x1 + 2]
        if ps:
            inside.append(ps)
    if len(inside) < 2:
        return None
    full = max(len(r) for r in inside)
    if full < 2:
        return None
    spans = sorted((p[0], p[2]) for r in inside if len(r) >= max(2, 0.6 * full) for p in r)
    cols: list[list[float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1] + 1.5:
            cols[-1][1] = max(cols[-1][1], b)
        else:
            cols.append([a, b])
    if len(cols) < 2:
        return None
    table = []
    for r in inside:
        cells: list[list[tuple]] = [[] for _ in cols]
        for p in r:
            best, hit = 0, 0.0
            for j, (a, b) in enumerate(cols):
                ov = min(b, p[2]) - max(a, p[0])
                if ov > hit:
                    best, hit = j, ov
            if hit <= 0:  # in a gap: nearest column
                best = min(range(len(cols)), key=lambda j: abs((cols[j][0] + cols[j][1]) / 2 - (p[0] + p[2]) / 2))
            cells[best].append(p)
        table.append([_cell_text(c) for c in cells])
    return _finish(table)


def _cell_text(pieces: list[tuple]) -> str:
    pieces = sorted(pieces, key=lambda p: (round(p[1] / 2), p[0]))
    return " ".join(clean(" ".join(p[4] for p in pieces)).split())


def _finish(rows: list[list[str]]) -> list[list[str]] | None:
    """Drop empty rows and columns; None unless it is a real table (two or
    more rows and columns, more than one filled cell per row on average)."""
    rows = [r for r in rows if any(r)]
    if len(rows) < 2:
        return None
    keep = [j for j in range(len(rows[0])) if any(r[j] for r in rows)]
    if len(keep) < 2:
        return None
    rows = [[r[j] for j in keep] for r in rows]
    filled = sum(1 for r in rows for c in r if c)
    if filled <= len(rows) * 1.3:
        return None  # one column of prose in a frame, or labels beside empty boxes
    if filled < 0.5 * len(rows) * len(rows[0]):
        return None  # mostly empty cells: labels of a diagram, a matrix, spaced-out code
    return rows


def to_markdown(rows: list[list[str]]) -> str:
    """GitHub-style pipe table; the first row is the header."""
    width = max(len(r) for r in rows)

    def fmt(r: list[str]) -> str:
        cells = [c.replace("|", "\\|") for c in r] + [""] * (width - len(r))
        return "| " + " | ".join(cells) + " |"

    lines = [fmt(rows[0]), "|" + "|".join(["---"] * width) + "|"]
    lines += [fmt(r) for r in rows[1:]]
    return "\n".join(lines)
