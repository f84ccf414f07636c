"""Build examples/emma-opening.pdf from examples/emma-opening.txt (public domain).

    python scripts/make_example_pdf.py            # writes examples/emma-opening.pdf

A small born-digital PDF that exercises what chunkline's PDF parser does: a
title, numbered section headings, two text columns, a running header and a
footer with page numbers on every page, and a small ruled table.  The text is
Jane Austen's *Emma* (1815), so the PDF may be redistributed freely.  The
section headings and the table (who is who in the opening chapter) are
written here; everything else is the novel's text.  Uses PyMuPDF's
``insert_htmlbox``; the output is deterministic for one PyMuPDF version.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "examples" / "emma-opening.txt"
OUT = ROOT / "examples" / "emma-opening.pdf"

WIDTH, HEIGHT = 595, 842  # A4 in points
MARGIN, GUTTER = 56, 22
TOP, BOTTOM = 92, 780
CSS = "p {font-family: serif; font-size: 10pt; text-align: justify; margin: 0 0 5pt 0;}" \
      " h2 {font-family: sans-serif; font-size: 12.5pt; font-weight: bold; margin: 8pt 0 4pt 0;}" \
      " table {border-collapse: collapse; font-family: sans-serif; font-size: 8.5pt; margin: 4pt 0 8pt 0;}" \
      " td, th {border: 0.6pt solid black; padding: 2pt 4pt;}"

SECTIONS = ["1 Emma and Miss Taylor", "2 Mr. Woodhouse", "3 Mr. Knightley"]
TABLE = [
    ("Character", "Relation to Emma", "First seen"),
    ("Mr. Woodhouse", "father", "paragraph 2"),
    ("Miss Taylor", "governess, friend", "paragraph 2"),
    ("Isabella", "elder sister", "paragraph 2"),
    ("Mr. Knightley", "brother-in-law's brother", "later"),
]


def story_html(paragraphs: list[str]) -> str:
    """The body as HTML: three numbered sections, the table after the first paragraph."""
    cut = [0, max(2, len(paragraphs) // 3), max(4, 2 * len(paragraphs) // 3), len(paragraphs)]
    parts = []
    for i, title in enumerate(SECTIONS):
        parts.append(f"<h2>{html.escape(title)}</h2>")
        for j, para in enumerate(paragraphs[cut[i] : cut[i + 1]]):
            parts.append(f"<p>{html.escape(para)}</p>")
            if i == 0 and j == 0:
                rows = "".join(
                    "<tr>" + "".join(f"<{'th' if r == 0 else 'td'}>{html.escape(c)}</{'th' if r == 0 else 'td'}>" for c in row) + "</tr>"
                    for r, row in enumerate(TABLE)
                )
                parts.append(f"<table>{rows}</table>")
    return "".join(parts)


def build() -> bytes:
    paragraphs = [p.strip() for p in SRC.read_text(encoding="utf-8").splitlines() if p.strip()]
    col_w = (WIDTH - 2 * MARGIN - GUTTER) / 2
    story = pymupdf.Story(html=story_html(paragraphs), user_css=CSS)
    buf = io.BytesIO()
    writer = pymupdf.DocumentWriter(buf)
    page_rect = pymupdf.Rect(0, 0, WIDTH, HEIGHT)
    more, n, device = True, 0, None
    while more:  # two columns per page; page 1 leaves room for the title
        top = 140 if n == 0 else TOP
        for k in range(2):
            if k == 0:
                device = writer.begin_page(page_rect)
            x0 = MARGIN + k * (col_w + GUTTER)
            more, _ = story.place(pymupdf.Rect(x0, top, x0 + col_w, BOTTOM))
            story.draw(device)
            if not more:
                break
        writer.end_page()
        n += 1
    writer.close()
    doc = pymupdf.open("pdf", buf.getvalue())
    total = doc.page_count
    for i, page in enumerate(doc):
        if i == 0:
            page.insert_htmlbox(
                pymupdf.Rect(MARGIN, 60, WIDTH - MARGIN, 130),
                "<h1 style='font-family: serif; font-size: 24pt; text-align: center; margin: 0'>Emma</h1>"
                "<p style='font-family: serif; font-size: 11pt; text-align: center; margin: 2pt'>"
                "Jane Austen, Volume I, Chapter I (opening)</p>",
            )
        page.insert_text((MARGIN, 40), "Emma: the opening chapter (a chunkline example)", fontsize=8, fontname="helv")
        page.draw_line((MARGIN, 46), (WIDTH - MARGIN, 46), width=0.4)
        page.insert_text((WIDTH / 2 - 24, 812), f"Page {i + 1} of {total}", fontsize=8, fontname="helv")
    doc.set_metadata({"title": "Emma (opening): a chunkline example", "author": "Jane Austen",
                      "producer": "chunkline scripts/make_example_pdf.py"})
    doc.subset_fonts()  # keep the example small: only the glyphs it uses
    return doc.tobytes(garbage=4, deflate=True)


def main() -> int:
    OUT.write_bytes(build())
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
