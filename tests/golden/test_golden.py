"""Golden files: parse and chunk output of the real example documents, byte for byte.

They pin the whole contract at once (record layout, key order, ids, offsets,
token counts, provenance) across machines and versions.  When a change of
output is intended, regenerate and review the diff:

    python tests/golden/test_golden.py --regenerate
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

CASES = [
    ("node-path.md", "parse", None),
    ("node-path.md", "chunk", "structure:max_tokens=128"),
    ("node-path.md", "chunk", "recursive:max_tokens=128,overlap=16"),
    ("node-path.md", "chunk", "structure:max_tokens=64"),
    ("rust-ownership.html", "parse", None),
    ("rust-ownership.html", "chunk", "structure:max_tokens=200"),
    ("rust-ownership.html", "chunk", "recursive:max_tokens=128,overlap=16"),
    ("emma-opening.txt", "chunk", "sentence:max_tokens=100"),
    ("emma-opening.txt", "chunk", "fixed:max_chars=400,overlap=50"),
    ("textwrap.py", "parse", None),
    ("textwrap.py", "chunk", "ast:max_chars=800"),
    ("textwrap.py", "chunk", "ast:max_tokens=200,overlap=40"),
    ("emma-opening.pdf", "chunk", "recursive:max_tokens=100,overlap=20"),
    ("scotus-opinion.legal.txt", "parse", None),
    ("scotus-opinion.legal.txt", "chunk", "legal:max_tokens=120"),
]


def produce(name: str, what: str, strategy: str | None) -> bytes:
    """The bytes ``chunkline parse|chunk examples/NAME`` writes (run from the repo root)."""
    from chunkline.core import jsonl
    from chunkline.core.sources import Source
    from chunkline.parsers import ParseOptions
    from chunkline.run import block_record, chunk_parsed, parse_source
    from chunkline.segmenters import parse_strategy

    display = f"examples/{name}"
    parsed = parse_source(Source(display, str(ROOT / display)), ParseOptions())
    if what == "parse":
        return b"".join(jsonl.dumps_line(block_record(parsed, b)) for b in parsed.blocks)
    return b"".join(jsonl.dumps_line(c) for c in chunk_parsed(parsed, parse_strategy(strategy)))


def golden_path(name: str, what: str, strategy: str | None) -> Path:
    tag = what if strategy is None else strategy.replace(":", "_").replace(",", "_").replace("=", "")
    return DATA / f"{name}.{tag}.jsonl"


@pytest.mark.parametrize("name, what, strategy", CASES, ids=[f"{n}-{s or w}" for n, w, s in CASES])
def test_output_matches_golden(name, what, strategy):
    path = golden_path(name, what, strategy)
    assert path.exists(), f"missing golden file {path.name}: run python tests/golden/test_golden.py --regenerate"
    got = produce(name, what, strategy)
    want = path.read_bytes()
    if got != want:
        g, w = got.decode().splitlines(), want.decode().splitlines()
        first = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
        pytest.fail(f"{path.name}: output differs from line {first + 1} ({len(g)} lines vs {len(w)} golden)\n got: {g[first][:300] if first < len(g) else '<none>'}\nwant: {w[first][:300] if first < len(w) else '<none>'}")


CHUNK_CASES = [(n, s) for n, w, s in CASES if w == "chunk"]


def hygiene_notes(path: Path) -> set[tuple[int, str]]:
    """The findings a golden's notes file (``NAME.notes.md`` beside it) explains:
    lines ``- chunk N metric: why the budget forces it``."""
    import re

    notes = path.with_suffix(".notes.md")
    if not notes.exists():
        return set()
    found = re.findall(r"^- chunk (\d+) (\w+):", notes.read_text(encoding="utf-8"), re.M)
    return {(int(i), m) for i, m in found}


@pytest.mark.parametrize("name, strategy", CHUNK_CASES, ids=[f"{n}-{s}" for n, s in CHUNK_CASES])
def test_golden_chunks_are_clean(name, strategy):
    """Issue 17: no lone heading, heading end, split fence, junk chunk or
    mergeable small chunk in any golden, except the findings its notes file
    explains (the budget forces them); a stale note fails too."""
    import json

    from chunkline.core.sources import Source
    from chunkline.core.tokenizers import get_sizer
    from chunkline.parsers import ParseOptions
    from chunkline.run import parse_source
    from chunkline.scoring.hygiene import chunk_flags
    from chunkline.segmenters import parse_strategy

    path = golden_path(name, "chunk", strategy)
    spans = [(r["start"], r["end"]) for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())]
    parsed = parse_source(Source(f"examples/{name}", str(ROOT / "examples" / name)), ParseOptions())
    b = parse_strategy(strategy).budget
    found = set(chunk_flags(parsed, spans, get_sizer(b.tokenizer).count, b.max_size, b.min_size))
    assert found == hygiene_notes(path), f"{path.name}: findings {sorted(found)}; explained in notes {sorted(hygiene_notes(path))}"


def test_cli_writes_the_golden_bytes():
    import subprocess

    name, what, strategy = CASES[1]
    r = subprocess.run([sys.executable, "-m", "chunkline", "chunk", f"examples/{name}", "-s", strategy, "-q"], cwd=ROOT, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == golden_path(name, what, strategy).read_bytes()


def _main() -> None:
    if "--regenerate" not in sys.argv:
        sys.exit(__doc__)
    sys.path.insert(0, str(ROOT))
    DATA.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        p = golden_path(*case)
        p.write_bytes(produce(*case))
        print(p.relative_to(ROOT), p.stat().st_size)


if __name__ == "__main__":
    _main()
