"""Score chunkline's PDF parser against docling's ground truth in ../shared/pdfs.

    python bench/pdf_quality.py                 # default (rules) mode, table + JSON
    python bench/pdf_quality.py --baseline fontsize   # plain PyMuPDF font-size rule

Metrics (micro-averaged over the 11 ground-truth files, i.e. counts summed):

- heading P/R/F1: predicted title/heading blocks vs ground-truth section_header/title
  items, matched one-to-one on normalized text (NFKC, lower case, letters and
  digits only; equal, or difflib ratio >= 0.85).  Levels are not scored: the
  ground truth puts every heading at level 1.
- coverage: share of ground-truth body paragraphs (text, list_item, caption,
  footnote, code, formula, section_header) of >= 40 characters whose
  normalized text occurs in the normalized non-furniture document text.
- order: share of consecutive found paragraphs (ground-truth reading order)
  whose positions in our text increase.
- furniture P/R: predicted furniture blocks vs ground-truth furniture items
  (page_header/page_footer), matched on normalized text.
- tables P/R: predicted table blocks vs ground-truth tables, matched on page and
  box overlap (intersection / smaller box >= 0.5).

The functions are importable so tests can assert thresholds (tests/parsers/test_pdf_quality.py).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BODY_LABELS = {"text", "paragraph", "list_item", "caption", "footnote", "code", "formula", "section_header", "title"}
HEADING_LABELS = {"section_header", "title"}
FURNITURE_LABELS = {"page_header", "page_footer"}
_LIST_GLYPH = re.compile(r"^(?:SM\d{6}|[r•▪·-])\s+")


def shared_dir() -> Path:
    env = os.environ.get("CHUNKLINE_SHARED")
    return Path(env) if env else (ROOT / ".." / "shared").resolve()


def norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in t if c.isalnum())


@dataclass
class Truth:
    headings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)  # body order
    furniture: list[str] = field(default_factory=list)
    tables: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)  # top-left boxes


def load_truth(path: Path) -> Truth:
    """Read a DoclingDocument JSON: body traversal order, skipping text inside pictures."""
    d = json.loads(path.read_text(encoding="utf-8"))
    heights = {int(k): v["size"]["height"] for k, v in d.get("pages", {}).items()}
    index = {"texts": d["texts"], "groups": d["groups"], "tables": d["tables"], "pictures": d["pictures"]}

    def resolve(ref: str):
        _, coll, i = ref.split("/")
        return coll, index[coll][int(i)]

    truth = Truth()

    def walk(node):
        for ch in node.get("children", []):
            coll, item = resolve(ch["$ref"])
            if coll == "pictures":
                continue
            if coll == "tables":
                for p in item.get("prov", []):
                    b = p["bbox"]
                    h = heights.get(p["page_no"], 0)
                    if b.get("coord_origin", "BOTTOMLEFT") == "BOTTOMLEFT":
                        box = (b["l"], h - b["t"], b["r"], h - b["b"])
                    else:
                        box = (b["l"], b["t"], b["r"], b["b"])
                    truth.tables.append((p["page_no"], box))
                continue
            if coll == "texts" and item.get("content_layer", "body") == "body":
                label = item["label"]
                text = item.get("text", "")
                if label in HEADING_LABELS and norm(text):
                    truth.headings.append(text)
                if label == "list_item":
                    text = _LIST_GLYPH.sub("", text)  # docling spells some bullet glyphs as names
                if label in BODY_LABELS and len(text) >= 40:
                    truth.paragraphs.append(text)
            walk(item)

    walk(d["body"])
    for t in d["texts"]:
        if t.get("content_layer") == "furniture" and t["label"] in FURNITURE_LABELS and norm(t.get("text", "")):
            truth.furniture.append(t["text"])
    return truth


@dataclass
class Prediction:
    headings: list[str]
    body_text: str
    furniture: list[str]
    tables: list[tuple[int, tuple[float, float, float, float]]]


def from_parsed(parsed) -> Prediction:
    """What the scorer needs from a chunkline ParsedDocument."""
    heads = [b.text for b in parsed.blocks if b.kind in ("title", "heading") and not b.furniture]
    body = "\n".join(b.text for b in parsed.blocks if not b.furniture)
    furn = [b.text for b in parsed.blocks if b.furniture]
    tabs = [(bx[0], tuple(bx[1:])) for b in parsed.blocks if b.kind == "table" for bx in b.bboxes]
    return Prediction(heads, body, furn, tabs)


@dataclass
class Counts:
    head_tp_p: int = 0  # matched predictions
    head_pred: int = 0
    head_tp_r: int = 0  # matched ground-truth items
    head_true: int = 0
    para_found: int = 0
    para_total: int = 0
    order_ok: int = 0
    order_pairs: int = 0
    furn_tp_p: int = 0
    furn_pred: int = 0
    furn_tp_r: int = 0
    furn_true: int = 0
    tab_tp_p: int = 0
    tab_pred: int = 0
    tab_tp_r: int = 0
    tab_true: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))
        return self

    def metrics(self) -> dict[str, float]:
        def div(a, b):
            return a / b if b else 1.0

        hp, hr = div(self.head_tp_p, self.head_pred), div(self.head_tp_r, self.head_true)
        fp, fr = div(self.furn_tp_p, self.furn_pred), div(self.furn_tp_r, self.furn_true)
        return {
            "heading_p": hp,
            "heading_r": hr,
            "heading_f1": 2 * hp * hr / (hp + hr) if hp + hr else 0.0,
            "coverage": div(self.para_found, self.para_total),
            "order": div(self.order_ok, self.order_pairs),
            "furniture_p": fp,
            "furniture_r": fr,
            "table_p": div(self.tab_tp_p, self.tab_pred),
            "table_r": div(self.tab_tp_r, self.tab_true),
        }


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if not a or not b or min(len(a), len(b)) / max(len(a), len(b)) < 0.6:
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def _match(pred: list[str], true: list[str]) -> tuple[int, int]:
    """One-to-one greedy matching on normalized text: (matched pred, matched true)."""
    p = [norm(x) for x in pred]
    t = [norm(x) for x in true]
    used = [False] * len(t)
    hits = 0
    for a in p:
        for j, b in enumerate(t):
            if not used[j] and _similar(a, b):
                used[j] = True
                hits += 1
                break
    return hits, hits


def _overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / area if area > 0 else 0.0


def score(pred: Prediction, truth: Truth) -> Counts:
    c = Counts()
    c.head_pred, c.head_true = len(pred.headings), len(truth.headings)
    c.head_tp_p, c.head_tp_r = _match(pred.headings, truth.headings)

    body = norm(pred.body_text)
    positions = []
    for para in truth.paragraphs:
        k = norm(para)
        if not k:
            continue
        c.para_total += 1
        # search after the previous hit first: repeated paragraphs (boilerplate,
        # lorem ipsum) must not all map to the first occurrence
        i = body.find(k, positions[-1] + 1) if positions else -1
        if i < 0:
            i = body.find(k)
        if i >= 0:
            c.para_found += 1
            positions.append(i)
    for a, b in zip(positions, positions[1:]):
        c.order_pairs += 1
        c.order_ok += b > a

    c.furn_pred, c.furn_true = len(pred.furniture), len(truth.furniture)
    furn_true_text = norm(" ".join(truth.furniture))
    furn_pred_text = norm(" ".join(pred.furniture))
    c.furn_tp_p = sum(1 for f in pred.furniture if norm(f) and norm(f) in furn_true_text)
    c.furn_tp_r = sum(1 for f in truth.furniture if norm(f) in furn_pred_text)

    c.tab_pred, c.tab_true = len(pred.tables), len(truth.tables)
    c.tab_tp_p = sum(1 for p, b in pred.tables if any(p == q and _overlap(b, bb) >= 0.5 for q, bb in truth.tables))
    c.tab_tp_r = sum(1 for q, bb in truth.tables if any(p == q and _overlap(b, bb) >= 0.5 for p, b in pred.tables))
    return c


def truth_files() -> list[tuple[Path, Path]]:
    """(pdf, groundtruth json) pairs in ../shared/pdfs."""
    base = shared_dir() / "pdfs"
    out = []
    for gt in sorted((base / "groundtruth").glob("*.json")):
        pdf = base / (gt.stem + ".pdf")
        if pdf.exists():
            out.append((pdf, gt))
    return out


def parse_file(pdf: Path, layout: str = "rules"):
    sys.path.insert(0, str(ROOT))
    import chunkline

    return chunkline.parse(pdf.read_bytes(), format="pdf", source=pdf.name)


def fontsize_baseline(pdf: Path) -> Prediction:
    """The reference 'plain PyMuPDF font-size rule': a line larger than the
    body size (or bold, short) is a heading; all text is body."""
    import pymupdf

    doc = pymupdf.open(pdf)
    lines = []
    hist: dict[float, int] = {}
    for page in doc:
        for b in page.get_text("dict")["blocks"]:
            for l in b.get("lines", []):
                t = "".join(s["text"] for s in l["spans"]).strip()
                if not t:
                    continue
                size = round(max(s["size"] for s in l["spans"]), 1)
                bold = all(s["flags"] & 16 for s in l["spans"] if s["text"].strip())
                hist[size] = hist.get(size, 0) + len(t)
                lines.append((t, size, bold))
    body = max(hist, key=hist.get) if hist else 10
    heads = [t for t, s, b in lines if (s > body + 0.5 or (b and len(t) < 80)) and len(t) > 1]
    return Prediction(heads, "\n".join(t for t, _s, _b in lines), [], [])


def score_corpus(layout: str = "rules", baseline: str | None = None) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Micro-averaged metrics over all ground-truth files, and per-file metrics."""
    total = Counts()
    per_file: dict[str, dict[str, float]] = {}
    for pdf, gt in truth_files():
        truth = load_truth(gt)
        pred = fontsize_baseline(pdf) if baseline == "fontsize" else from_parsed(parse_file(pdf, layout))
        c = score(pred, truth)
        per_file[pdf.name] = c.metrics()
        total += c
    return total.metrics(), per_file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layout", default="rules", choices=["rules"])
    ap.add_argument("--baseline", choices=["fontsize"], default=None)
    ap.add_argument("--per-file", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    total, per_file = score_corpus(args.layout, args.baseline)
    if args.json:
        print(json.dumps({"total": total, "files": per_file}, indent=2))
        return 0
    keys = list(total)
    if args.per_file:
        print(f"{'file':42s} " + " ".join(f"{k[:11]:>11s}" for k in keys))
        for name, m in per_file.items():
            print(f"{name:42s} " + " ".join(f"{m[k]:11.2f}" for k in keys))
    print(f"{'TOTAL (micro)':42s} " + " ".join(f"{k[:11]:>11s}" for k in keys))
    print(f"{'':42s} " + " ".join(f"{total[k]:11.3f}" for k in keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
