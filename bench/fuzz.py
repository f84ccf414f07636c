#!/usr/bin/env python3
"""Long fuzz run over every parser and the text segmenters (issue 10).

Each input is parsed by one parser (the first byte picks it, and for the code
parser the language); the run fails on anything but an ``InputError``, on a
block or chunk whose offsets do not verify, on a text-like document whose text
differs from its decoded bytes, or on a chunk over budget.

Engines:

* ``atheris`` (coverage-guided, libFuzzer; ``pip install atheris``)::

      python bench/fuzz.py atheris -- -max_total_time=600 -rss_limit_mb=4096 -timeout=30 /tmp/fuzz-corpus

  The seed corpus is generated into the corpus directory on first use
  (``scripts/make_hostile_corpus.py`` files, cut to 64 KiB); crashes are
  written by libFuzzer as ``crash-*`` files and replay with
  ``python bench/fuzz.py replay crash-...``.
* ``hypothesis`` (no extra install)::

      python bench/fuzz.py hypothesis --examples 20000

  runs ``tests/hostile/test_parser_fuzz.py`` with that many examples per
  property, random seeds, and prints the falsifying example if any.
"""

from __future__ import annotations

import argparse
import codecs
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODE_NAMES = ["f.py", "f.js", "f.ts", "f.go", "f.rs", "f.java", "f.c", "f.cpp", "f.rb", "f.php", "f.sh", "f.lua"]
TARGETS = [("text", "f.txt"), ("markdown", "f.md"), ("html", "f.html"), ("pdf", "f.pdf"), ("legal", "f.legal")] + [("code", n) for n in CODE_NAMES]
STRATEGIES = ("recursive:max_tokens=16", "structure:max_tokens=16", "sentence:tokenizer=chars,max_chars=40", "fixed:max_tokens=8", "legal:max_tokens=16")


def _decoded(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8")


#: Formats whose document text is the decoded file (HTML and PDF text is extracted).
TEXT_LIKE = frozenset({"text", "markdown", "code", "legal"})


def _verify(text: str, records) -> None:
    """The record contract: every span reproduces its text."""
    for i, r in enumerate(records):
        assert 0 <= r.start <= r.end <= len(text) and text[r.start : r.end] == r.text, f"record {i} span [{r.start}, {r.end}) does not match its text"


class Checker:
    """Parses and segments one input, raising AssertionError (or the escaped exception) on a contract breach."""

    def __init__(self) -> None:
        import chunkline

        self.chunkline = chunkline
        self.strategies = [chunkline.make_strategy(s) for s in STRATEGIES]

    def __call__(self, blob: bytes) -> None:
        if not blob:
            return
        fmt, name = TARGETS[blob[0] % len(TARGETS)]
        data = blob[1:]
        try:
            parsed = self.chunkline.parse(data, format=fmt, source=name)
        except self.chunkline.InputError as exc:
            assert exc.message and "\n" not in exc.message, f"{fmt}: multi-line or empty error {exc.message!r}"
            return
        text = parsed.document.text
        _verify(text, parsed.blocks)
        if fmt in TEXT_LIKE:
            assert text == _decoded(data), f"{fmt}: document text differs from the decoded bytes"
        for strategy in self.strategies:
            chunks = self.chunkline.chunk(parsed, strategy)
            _verify(text, chunks)
            assert all(c.token_count <= strategy.budget.max_size for c in chunks)


def seed_corpus(directory: Path) -> None:
    """Hostile corpus files, cut to 64 KiB and prefixed with their parser's selector byte."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_hostile_corpus", ROOT / "scripts" / "make_hostile_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen  # dataclasses look their module up
    spec.loader.exec_module(gen)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        gen.build(Path(tmp) / "c", "ci")
        by_ext = {Path(n).suffix: i for i, (_, n) in enumerate(TARGETS)}
        for i, p in enumerate(sorted((Path(tmp) / "c" / "content").iterdir())):
            sel = by_ext.get(p.suffix, 0)
            (directory / f"seed-{i:03d}").write_bytes(bytes([sel]) + p.read_bytes()[: 64 * 1024])


def run_atheris(args: list[str]) -> int:
    import atheris

    corpus = next((a for a in args if not a.startswith("-")), None)
    if corpus and not any(Path(corpus).glob("*")):
        seed_corpus(Path(corpus))
    with atheris.instrument_imports(include=["chunkline"]):
        check = Checker()
    atheris.Setup([sys.argv[0], *args], check)
    atheris.Fuzz()
    return 0


def run_hypothesis(examples: int) -> int:
    env = dict(os.environ, CHUNKLINE_FUZZ_EXAMPLES=str(examples), CHUNKLINE_FUZZ_RANDOM="1")
    t = time.time()
    rc = subprocess.call([sys.executable, "-m", "pytest", str(ROOT / "tests" / "hostile" / "test_parser_fuzz.py"), "-q", "-p", "no:randomly"], env=env, cwd=ROOT)
    print(f"hypothesis: {examples} examples per property, {time.time() - t:.0f} s, exit {rc}", file=sys.stderr)
    return rc


def replay(paths: list[str]) -> int:
    check = Checker()
    for p in paths:
        check(Path(p).read_bytes())
        print(f"{p}: ok")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("engine", choices=["atheris", "hypothesis", "replay"])
    ap.add_argument("--examples", type=int, default=5000, help="hypothesis: examples per property")
    ap.add_argument("rest", nargs="*", help="atheris: libFuzzer flags and corpus dir (after --); replay: crash files")
    a = ap.parse_args()
    if a.engine == "atheris":
        return run_atheris(a.rest)
    if a.engine == "hypothesis":
        return run_hypothesis(a.examples)
    return replay(a.rest)


if __name__ == "__main__":
    sys.exit(main())
