"""Issue 17: every registered strategy x overlap x budget on real documents.

The generated-text properties (``test_properties.py``) miss what real files
hold (``ast``'s overlap bug showed only on stdlib modules).  Here hypothesis
draws a real document (every example, each format, and a stdlib module), a
strategy from ``SEGMENTER_TABLE``, a tokenizer, a budget and an overlap, and
checks the budget and the offsets; the CLI test checks that a failing file
never stops a batch.  Examples are bounded to keep the suite fast.
"""

from __future__ import annotations

import functools
import json
import os
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from chunkline.cli.app import main
from chunkline.core.errors import ExitCode
from chunkline.core.records import verify
from chunkline.core.sources import Source
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers import ParseOptions
from chunkline.run import parse_source
from chunkline.segmenters import parse_strategy, segment
from chunkline.segmenters.base import SEGMENTER_TABLE

ROOT = Path(__file__).resolve().parents[2]
#: Strategies that need a language-model server (none is running in tests).
NEEDS_SERVER = frozenset({"lumber", "perplexity"})
NAMES = sorted(n for n in SEGMENTER_TABLE if n not in NEEDS_SERVER)
DOCS = sorted(str(p) for p in (ROOT / "examples").iterdir() if p.name != "README.md") + [
    str(Path(sysconfig.get_paths()["stdlib"]) / "asyncio" / "base_events.py")
]


@functools.lru_cache(maxsize=None)
def _parsed(path: str):
    return parse_source(Source(path, path), ParseOptions())


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=int(os.environ.get("CHUNKLINE_EXAMPLES", "6")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=st.sampled_from(DOCS),
    unit=st.sampled_from([("cl100k_base", 16), ("cl100k_base", 128), ("cl100k_base", 800), ("nws", 100), ("nws", 800), ("chars", 300), ("words", 40)]),
    overlap_frac=st.sampled_from([0, 0.1, 0.25, 0.5]),
)
@example(doc=DOCS[-1], unit=("nws", 800), overlap_frac=0.125)  # issue 17.1: ast at 800 nws, overlap 100
def test_budget_and_offsets_hold_on_real_documents(name, doc, unit, overlap_frac):
    tok, size = unit
    # auto runs every candidate and scores each (~20 s on the 75 kB module at
    # 16 tokens): prose documents at budgets >= 100 keep it to a few seconds
    assume(name != "auto" or (doc.endswith((".md", ".txt", ".html")) and size >= 100))
    overlap = int(size * overlap_frac)
    strategy = parse_strategy(f"{name}:tokenizer={tok},max_tokens={size},overlap={overlap}")
    parsed = _parsed(doc)
    chunks = segment(parsed, strategy)
    verify(parsed.document.text, chunks)
    count = get_sizer(tok).count
    for c in chunks:
        assert c.token_count == count(c.text) <= size, (doc, c.index)
    assert [c.index for c in chunks] == list(range(len(chunks)))


@pytest.mark.parametrize("name", NAMES)
def test_a_failing_file_never_stops_the_batch(name, tmp_path, capsys):
    bad = tmp_path / "b-bad.txt"
    bad.write_bytes(b"caf\xe9 is not UTF-8\n")
    good = [ROOT / "examples" / "node-path.md", ROOT / "examples" / "textwrap.py"]
    out = tmp_path / "out.jsonl"
    code = main(["chunk", str(good[0]), str(bad), str(good[1]), "-s", name, "--max-tokens", "200", "--overlap", "20", "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == ExitCode.INPUTS_FAILED, err
    assert str(bad) in err and "Traceback" not in err
    sources = {json.loads(line)["source"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert sources == {str(good[0]), str(good[1])}
