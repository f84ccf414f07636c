"""The legal sentence component as a spaCy factory, found through the package's entry points."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_registers_the_component():
    from chunkline.parsers.legal.spacy_component import COMPONENT

    table = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]["spacy_factories"]
    module, _, attr = table[COMPONENT].partition(":")
    import importlib

    assert callable(getattr(importlib.import_module(module), attr))


def test_a_fresh_spacy_pipeline_finds_it_without_importing_chunkline():
    """Runs where the installed metadata has the entry point (``.ci/run`` reinstalls the package)."""
    if not any(ep.name == "chunkline_legal_sentences" for ep in entry_points(group="spacy_factories")):
        pytest.skip("installed chunkline metadata predates the spaCy entry point; pip install -e . adds it")
    code = (
        "import spacy, sys\n"
        "assert 'chunkline' not in sys.modules\n"
        "nlp = spacy.blank('en'); nlp.add_pipe('chunkline_legal_sentences')\n"
        "doc = nlp('The court cited Smith v. Jones, 123 U.S. 456 (1990). The appeal fails.')\n"
        "print('|'.join(s.text for s in doc.sents))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True).stdout
    assert out.strip() == "The court cited Smith v. Jones, 123 U.S. 456 (1990).|The appeal fails."
