"""Legal sentence-boundary detection: exact-span P/R/F1 and chars/s.

Scores chunkline's legal parser (every block it emits is a sentence-level
span: headings, list numbers, sentences) against the gold spans in
``../shared/legal_sbd`` (US court and agency decisions, Savelka et al. 2017
via MultiLegalSBD, CC BY 4.0; ALEA SBD snippets, MIT).  A predicted span
counts when both trimmed edges equal a gold span's.  ALEA snippets start and
end mid-sentence, so their first and last gold spans are fragments; they are
scored as given.

Baselines, in the same process on the same texts (each only if installed):
spaCy's rule sentencizer (``spacy.blank("en")`` + ``sentencizer``), nupunkt,
and pySBD.  Speed is chars per second on one core, best of ``--repeat`` runs.

    python bench/legal_sbd.py                     # chunkline + baselines
    python bench/legal_sbd.py --only chunkline --repeat 3
    python bench/legal_sbd.py --tokenizer spacy   # spaCy's rule tokenizer in the pipeline
    python bench/legal_sbd.py --errors 20         # show missed / spurious spans
    python bench/legal_sbd.py --only chunkline --datasets cyber_crime,intellectual_property --errors 200

``--lodo`` runs the leave-one-dataset-out protocol over chunkline's optional
rules (``RULES`` below: each a legal-writing convention that can be switched
off).  For each of the four decision datasets, the rules are chosen on the
other three plus the ALEA snippets: a rule is kept when switching it off
lowers the micro F1 there, and dropped otherwise (a rule with no effect on the
training sets has no evidence).  The held-out dataset is then scored with the
rules kept for it.  The headline is the mean of the four held-out F1, beside
the F1 of the shipped rules (all switched on) on all decisions:

    python bench/legal_sbd.py --lodo --repeat 3

``--rewrap 72`` hard-wraps every text at 72 columns before scoring (spaces
become line breaks, so offsets and gold spans stay valid): how the parser
fares on plain-text opinions, licences and filings set at a fixed width.

``--datasets`` keeps only the named datasets (the aggregate row is then their
micro average, named after them), so rules can be chosen from the errors of
some datasets and measured on the others as held-out data.  ``--errors``
prints each error region once: the gold spans (GOLD) and predicted spans
(PRED) that overlap there, side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import chunkline  # noqa: E402  (after the path insert)


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """``[s, e)`` without surrounding whitespace (how spans are compared)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def shared_dir() -> Path:
    env = os.environ.get("CHUNKLINE_SHARED")
    return Path(env) if env else (ROOT / ".." / "shared").resolve()


def load(paths: Iterable[Path]) -> list[dict]:
    recs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            recs.extend(json.loads(line) for line in f if line.strip())
    return recs


def error_regions(missed: set, spurious: set) -> list[list[tuple[int, int, str]]]:
    """Missed gold and spurious predicted spans grouped where they overlap, so
    one wrong boundary shows as one region (what was expected next to what was
    produced)."""
    items = sorted([(s, e, "GOLD") for s, e in missed] + [(s, e, "PRED") for s, e in spurious])
    regions: list[list[tuple[int, int, str]]] = []
    end = -1
    for s, e, tag in items:
        if regions and s < end:
            regions[-1].append((s, e, tag))
            end = max(end, e)
        else:
            regions.append([(s, e, tag)])
            end = e
    return regions


def rewrap(text: str, width: int) -> str:
    """``text`` hard-wrapped at ``width`` columns by turning spaces into line
    breaks: same length, so the gold offsets stay valid.  Tests whether a line
    wrap is taken for a sentence boundary (licences, typewritten filings and
    plain-text court opinions are set this way)."""
    out = list(text)
    col, last_space = 0, -1
    for i, ch in enumerate(text):
        if ch == "\n":
            col, last_space = 0, -1
            continue
        if ch == " ":
            last_space = i
        col += 1
        if col > width and last_space >= 0:
            out[last_space] = "\n"
            col, last_space = i - last_space, -1
    return "".join(out)


def score(pred: set, gold: set) -> tuple[int, int, int]:
    tp = len(pred & gold)
    return tp, len(pred), len(gold)


def prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------- systems


def legal_spans(text: str, tokenizer: str = "light") -> list[tuple[int, int]]:
    """Every block the legal parser emits is a sentence-level span (headings, markers, sentences)."""
    return [(b.start, b.end) for b in chunkline.parse_text(text, "legal", parser_options={"legal_tokenizer": tokenizer}).blocks]


def chunkline_system(tokenizer: str) -> Callable[[str], list[tuple[int, int]]]:
    return lambda text: legal_spans(text, tokenizer)


def spacy_sentencizer() -> Callable[[str], list[tuple[int, int]]]:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10**8
    return lambda text: [(s.start_char, s.end_char) for s in nlp(text).sents]


def nupunkt_system() -> Callable[[str], list[tuple[int, int]]]:
    import nupunkt

    def run(text: str) -> list[tuple[int, int]]:
        out, pos = [], 0
        for para in text.split("\n"):  # nupunkt "with line breaks": every line break is a boundary
            for s in nupunkt.sent_tokenize(para) if para.strip() else []:
                i = text.find(s, pos)
                if i >= 0:
                    out.append((i, i + len(s)))
                    pos = i + len(s)
            pos = max(pos, text.find("\n", pos) + 1 if text.find("\n", pos) >= 0 else pos)
        return out

    return run


def pysbd_system() -> Callable[[str], list[tuple[int, int]]]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return lambda text: [(s.start, s.end) for s in seg.segment(text)]


# ------------------------------------------------- leave-one-dataset-out


def _never() -> "re.Pattern[str]":
    return re.compile(r"(?!)")


def _rules() -> dict[str, tuple[str, list[tuple[object, str, object]]]]:
    """Optional rules: name -> (convention, [(module, attribute, value that switches it off)]).

    The one place bench/ reaches inside chunkline: switching a rule off means
    patching the module attribute that holds it (restored by ``rules_off``).
    """
    from chunkline.parsers.legal import sbd, structure

    return {
        "volume_reporter_page": ("'5 Cush. 198': volume, reporter, page (Bluebook 10.1)", [(sbd, "_VOLUME_BEFORE", _never())]),
        "footnote_call_numbers": (
            "'enumerates. 3 Katz': a bare number before a capital is a footnote call (Bluebook 6.2(a))",
            [(sbd, "_FOOTNOTE_CALL", _never()), (structure, "_FOOTNOTE_NUMBER", _never())],
        ),
        "star_pages": ("'*494': a reporter's page marker is its own span", [(sbd, "_STAR_PAGE", _never()), (structure, "_STAR_PAGE", _never())]),
        "asterisk_omissions": ("'* * *': an omission is its own span", [(sbd, "_ASTERISKS", _never()), (structure, "_ASTERISKS", _never())]),
        "caption_party_roles": ("'ACME, INC. Plaintiff': a caption names the party's role", [(sbd, "_PARTY_ROLES", frozenset())]),
        "dotted_acronyms": ("'F.B.I.': an unlisted dotted acronym is an ambiguous abbreviation", [(sbd, "_DOTTED", _never())]),
        "number_taking_abbrevs": ("'n.', 'p.', 'c.' without their number end the sentence", [(sbd, "_NUMBER_TAKING", frozenset())]),
        "reporter_series": ("'F. Supp. 3d': a series after an abbreviation", [(sbd, "_SERIES", _never())]),
        "roman_or_digit_end": ("'Part II. The': a numeral before a capital ends the sentence", [(sbd, "_ROMAN_OR_DIGIT", _never())]),
        "catchline_dash": ("'... Information. \u2014 (1)': a dash after a statute's catchline", [(sbd, "_DASHES", "")]),
    }


@contextmanager
def rules_off(names: Iterable[str]):
    """Switch the named optional rules off for the duration (module attributes patched and restored)."""
    table = _rules()
    saved = []
    try:
        for name in names:
            for mod, attr, value in table[name][1]:
                saved.append((mod, attr, getattr(mod, attr)))
                setattr(mod, attr, value)
        yield
    finally:
        for mod, attr, value in reversed(saved):
            setattr(mod, attr, value)


def _counts(recs: list[dict], off: frozenset[str]) -> dict[str, tuple[int, int, int]]:
    """tp, predicted, gold per dataset with the rules ``off`` switched off."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    with rules_off(off):
        for rec in recs:
            text = rec["text"]
            pred = {trim(text, s, e) for s, e in legal_spans(text)}
            pred = {p for p in pred if p[0] < p[1]}
            tp, np_, ng = score(pred, {tuple(x) for x in rec["sentences"]})
            a = acc[rec["dataset"]]
            a[0] += tp
            a[1] += np_
            a[2] += ng
    return {k: (v[0], v[1], v[2]) for k, v in acc.items()}


def _f1_of(counts: dict[str, tuple[int, int, int]], datasets: Iterable[str]) -> float:
    tp = sum(counts[d][0] for d in datasets)
    np_ = sum(counts[d][1] for d in datasets)
    ng = sum(counts[d][2] for d in datasets)
    return prf(tp, np_, ng)[2]


def lodo(recs: list[dict], repeat: int) -> dict:
    """Leave-one-dataset-out over the optional rules (see the module docstring)."""
    cache: dict[frozenset[str], dict[str, tuple[int, int, int]]] = {}

    def counts(off: frozenset[str]):
        if off not in cache:
            cache[off] = _counts(recs, off)
        return cache[off]

    names = list(_rules())
    decisions = sorted({r["dataset"] for r in recs} - {"alea_sbd"})
    full = counts(frozenset())
    folds = []
    for held in decisions:
        train = [d for d in full if d != held]  # three datasets + ALEA
        base = _f1_of(full, train)
        dropped = frozenset(n for n in names if _f1_of(counts(frozenset([n])), train) >= base)
        got = counts(dropped)
        tp, np_, ng = got[held]
        p, r, f = prf(tp, np_, ng)
        folds.append({"held_out": held, "dropped": sorted(dropped), "precision": p, "recall": r, "f1": f, "gold": ng,
                      "shipped_f1": prf(*full[held])[2]})
    # speed of the shipped rules on all texts, best of ``repeat``
    chars = sum(len(r["text"]) for r in recs)
    best = float("inf")
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        for r in recs:
            legal_spans(r["text"])
        best = min(best, time.perf_counter() - t0)
    per_rule = {n: {d: prf(*counts(frozenset([n]))[d])[2] - prf(*full[d])[2] for d in full} for n in names}
    return {
        "folds": folds,
        "lodo_mean_f1": sum(f["f1"] for f in folds) / len(folds),
        "all_decisions_f1": _f1_of(full, decisions),
        "per_dataset_shipped_f1": {d: prf(*full[d])[2] for d in full},
        "rule_off_delta_f1": per_rule,
        "chars_per_s": chars / best,
    }


def print_lodo(res: dict) -> None:
    print(f"{'held out':<22} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}  {'shipped F1':>10}  rules dropped in this fold")
    for f in res["folds"]:
        print(f"{f['held_out']:<22} {f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f} {f['gold']:5d}  {f['shipped_f1']:10.3f}  {', '.join(f['dropped']) or '-'}")
    print(f"LODO mean F1 (headline) {res['lodo_mean_f1']:.3f}; all decisions, shipped rules {res['all_decisions_f1']:.3f}; "
          f"{res['chars_per_s']:,.0f} chars/s (all texts, one core)")
    print("F1 change when each rule is switched off (per dataset):")
    ds = sorted(res["per_dataset_shipped_f1"])
    print(f"  {'rule':<24} " + " ".join(f"{d[:12]:>12}" for d in ds))
    for n, row in res["rule_off_delta_f1"].items():
        print(f"  {n:<24} " + " ".join(f"{row[d]:+12.3f}" for d in ds))


SYSTEMS = {
    "chunkline": None,  # built from --tokenizer
    "spacy-sentencizer": spacy_sentencizer,
    "nupunkt-lines": nupunkt_system,
    "pysbd": pysbd_system,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="legal_sbd folder (default ../shared/legal_sbd)")
    ap.add_argument("--only", action="append", help="system(s) to run: " + ", ".join(SYSTEMS))
    ap.add_argument("--tokenizer", default="light", choices=("light", "spacy"))
    ap.add_argument("--repeat", type=int, default=1, help="timing runs per system (best is reported)")
    ap.add_argument("--errors", type=int, default=0, help="print this many error regions (overlapping gold/predicted spans) for chunkline")
    ap.add_argument("--datasets", default=None, help="comma-separated datasets to keep (e.g. bva,scotus,alea_sbd)")
    ap.add_argument("--json", action="store_true", help="print results as JSON")
    ap.add_argument("--rewrap", type=int, default=0, help="hard-wrap every text at this many columns first (offsets kept)")
    ap.add_argument("--lodo", action="store_true", help="leave-one-dataset-out over chunkline's optional rules")
    args = ap.parse_args(argv)

    data = args.data or shared_dir() / "legal_sbd"
    recs = load(sorted(data.glob("*.jsonl")))
    if args.rewrap:
        recs = [dict(r, text=rewrap(r["text"], args.rewrap)) for r in recs]
    if args.lodo:
        res = lodo(recs, args.repeat)
        print(json.dumps(res, indent=1)) if args.json else print_lodo(res)
        return 0
    total = "all_decisions"
    if args.datasets:
        keep = {d.strip() for d in args.datasets.split(",") if d.strip()}
        unknown = keep - {r["dataset"] for r in recs}
        if unknown:
            ap.error(f"unknown dataset(s): {', '.join(sorted(unknown))}")
        recs = [r for r in recs if r["dataset"] in keep]
        total = "+".join(sorted(keep - {"alea_sbd"})) or total
    names = args.only or list(SYSTEMS)
    results = []
    for name in names:
        try:
            fn = chunkline_system(args.tokenizer) if name == "chunkline" else SYSTEMS[name]()
        except ImportError as exc:
            print(f"# {name}: not installed ({exc})", file=sys.stderr)
            continue
        fn(recs[0]["text"])  # warm-up (pipeline construction, regex compilation)
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, np, ng, chars
        secs: dict[str, float] = defaultdict(float)
        shown = 0
        for rec in recs:
            text = rec["text"]
            best = float("inf")
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                spans = fn(text)
                best = min(best, time.perf_counter() - t0)
            pred = {trim(text, s, e) for s, e in spans}
            pred.discard(next((p for p in pred if p[0] >= p[1]), None))
            gold = {tuple(x) for x in rec["sentences"]}
            tp, np_, ng = score(pred, gold)
            for key in (rec["dataset"], total if rec["dataset"] != "alea_sbd" else None):
                if key:
                    acc = per[key]
                    acc[0] += tp
                    acc[1] += np_
                    acc[2] += ng
                    acc[3] += len(text)
                    secs[key] += best
            if name == "chunkline" and args.errors and shown < args.errors:
                for region in error_regions(gold - pred, pred - gold)[: args.errors - shown]:
                    print(f"== {rec['id']}")
                    for s, e, tag in region:
                        piece = text[s:e]
                        piece = piece if len(piece) <= 200 else piece[:90] + " ... " + piece[-90:]
                        print(f"  {tag} {piece!r}")
                    shown += 1
        for key in sorted(per, key=lambda k: (k == total, k)):
            tp, np_, ng, chars = per[key]
            p, r, f = prf(tp, np_, ng)
            results.append(
                {"system": name, "dataset": key, "precision": p, "recall": r, "f1": f, "gold": ng, "chars_per_s": chars / secs[key]}
            )
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        w = max([22] + [len(r["dataset"]) for r in results])
        print(f"{'system':<18} {'dataset':<{w}} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'chars/s':>10}")
        for r in results:
            print(
                f"{r['system']:<18} {r['dataset']:<{w}} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
                f"{r['gold']:6d} {r['chars_per_s']:10,.0f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
