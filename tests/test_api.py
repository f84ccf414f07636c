"""The public Python API (``chunkline.parse``, ``chunk``, ``chunk_files``, ``score``, ``compare``...)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import chunkline
from chunkline.core.errors import ChunklineError, InputError, UsageError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))


# ----------------------------------------------------------------- import cost


def test_import_loads_no_heavy_library_and_no_submodule():
    """``import chunkline`` stays cheap: measured by what it loads, not by a timer."""
    code = "import sys, chunkline; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout.split()
    heavy = ("fitz", "pymupdf", "tree_sitter", "spacy", "numpy", "typer", "rich", "scipy", "click", "selectolax", "markdown_it", "tokenizers")
    assert [m for m in out if m.split(".")[0] in heavy] == []
    assert [m for m in out if m.startswith("chunkline")] == ["chunkline"]


def test_records_and_errors_load_without_the_engine():
    code = "import sys, chunkline; chunkline.Chunk, chunkline.ChunklineError; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout.split()
    assert "numpy" not in out and "chunkline.pipeline" not in out and "chunkline.api" not in out


def test_every_public_name_resolves_and_is_listed():
    from chunkline import _EXPORTS

    assert set(chunkline.__all__) == {"__version__", *_EXPORTS}
    for name in chunkline.__all__:
        assert getattr(chunkline, name) is not None
    assert set(chunkline.__all__) <= set(dir(chunkline))
    with pytest.raises(AttributeError):
        chunkline.no_such_name  # noqa: B018
    assert (ROOT / "chunkline" / "py.typed").exists()


# ----------------------------------------------------------------- parse


def test_parse_file_and_text():
    doc = chunkline.parse(EXAMPLES / "node-path.md")
    assert isinstance(doc, chunkline.ParsedDocument)
    assert doc.document.format == "markdown" and doc.document.source == str(EXAMPLES / "node-path.md")
    assert doc.blocks and all(doc.document.text[b.start : b.end] == b.text for b in doc.blocks)
    t = chunkline.parse_text("# Title\n\nText.", format="markdown")
    assert [b.kind for b in t.blocks] == ["heading", "paragraph"] and t.document.source == "<string>"
    assert chunkline.parse(str(EXAMPLES / "emma-opening.txt"), format="markdown").document.format == "markdown"


def test_parse_errors_are_typed_and_name_the_file(tmp_path):
    with pytest.raises(InputError) as e:
        chunkline.parse(tmp_path / "missing.md")
    assert e.value.kind == "unreadable" and str(e.value).endswith("missing.md: no such file")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok \xff\xfe no")
    with pytest.raises(chunkline.DecodeError) as d:
        chunkline.parse(bad)
    assert "(use encoding or decode_errors replace)" in str(d.value) and "--" not in str(d.value)
    assert "\ufffd" in chunkline.parse(bad, decode_errors="replace").document.text
    with pytest.raises(UsageError) as u:
        chunkline.parse(EXAMPLES / "node-path.md", format="docx")
    assert u.value.param == "format"
    with pytest.raises(UsageError, match="read from files"):
        chunkline.parse_text("x", format="pdf")


# ----------------------------------------------------------------- chunk


@pytest.mark.parametrize("name", ["node-path.md", "emma-opening.pdf", "textwrap.py", "scotus-opinion.legal.txt", "rust-ownership.html"])
def test_chunk_path_and_parsed_document_give_the_same_ids(name):
    path = EXAMPLES / name
    a = chunkline.chunk(path, "recursive", max_tokens=200)
    b = chunkline.chunk(chunkline.parse(path), "recursive", max_tokens=200)
    assert a and [c.id for c in a] == [c.id for c in b] and a == b
    text = chunkline.parse(path).document.text
    assert all(text[c.start : c.end] == c.text and c.token_count <= 200 for c in a)


def test_strategy_options_are_keyword_arguments():
    doc = chunkline.parse(EXAMPLES / "node-path.md")
    by_kw = chunkline.chunk(doc, "structure", max_tokens=400, split_level=1, breadcrumb=False)
    by_spec = chunkline.chunk(doc, "structure:max_tokens=400,split_level=1,breadcrumb=false")
    assert [c.id for c in by_kw] == [c.id for c in by_spec]
    assert [c.id for c in by_kw] != [c.id for c in chunkline.chunk(doc, "structure", max_tokens=400, split_level=2)]
    chars = chunkline.chunk(doc, "fixed", max_chars=2000, overlap=200)
    assert all(c.tokenizer == "chars" and len(c.text) <= 2000 for c in chars)
    assert all(chars[i].start < chars[i - 1].end for i in range(1, len(chars)))  # overlap
    st = chunkline.make_strategy("fixed", max_tokens=64, overlap=8)
    assert isinstance(st, chunkline.Strategy) and st.budget == chunkline.Budget(64, "cl100k_base", 8, 0)
    assert chunkline.chunk(doc, st) == chunkline.chunk(doc, "fixed", max_tokens=64, overlap=8)


def test_chunk_text():
    text = "One sentence here. Another one follows! " * 30
    chunks = chunkline.chunk_text(text, "sentence", max_tokens=32)
    assert len(chunks) > 1 and all(text[c.start : c.end] == c.text and c.token_count <= 32 for c in chunks)
    assert chunks[0].source == "<string>"
    md = chunkline.chunk_text("# A\n\nalpha\n\n# B\n\nbeta", "structure", format="markdown", source="notes.md", max_tokens=64, split_level=1)
    assert [c.section for c in md] == [("A",), ("B",)] and md[0].source == "notes.md"


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"bogus": 1}, "bogus"),
        ({"max_tokens": 10, "overlap": 10}, "overlap"),
        ({"max_tokens": 10, "min_size": -1}, "min_size"),
        ({"max_tokens": 10, "max_chars": 10}, "max_tokens"),
        ({"max_tokens": "ten"}, "max_tokens"),
        ({"keep_furniture": "yes"}, "keep_furniture"),
        ({"split_level": "deep"}, "split_level"),
    ],
)
def test_bad_options_are_usage_errors_naming_the_parameter(kwargs, param):
    strategy = "structure" if "split_level" in kwargs else "recursive"
    with pytest.raises(UsageError) as e:
        chunkline.chunk_text("Some text.", strategy, **kwargs)
    assert e.value.param == param and param in str(e.value) and "--" not in str(e.value)


def test_unknown_strategy_and_format():
    with pytest.raises(UsageError, match="unknown strategy 'nope'"):
        chunkline.chunk_text("x", "nope")
    with pytest.raises(UsageError, match="unknown format"):
        chunkline.chunk_text("x", format="docx")


# ----------------------------------------------------------------- chunk_files


def _cli_chunk(*args) -> bytes:
    r = subprocess.run([sys.executable, "-m", "chunkline", "chunk", *map(str, args), "-q"], capture_output=True, env=_env(), timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _lines(chunks) -> bytes:
    from chunkline.core.jsonl import dumps_line

    return b"".join(dumps_line(c) for c in chunks)


@pytest.mark.parametrize("jobs", [1, 2])
def test_chunk_files_yields_the_records_the_cli_writes(jobs):
    cli = _cli_chunk(EXAMPLES, "-s", "structure", "--max-tokens", "300", "-j", jobs)
    stream = chunkline.chunk_files([EXAMPLES], "structure", max_tokens=300, jobs=jobs)
    assert _lines(stream) == cli
    assert stream.files == len({json.loads(x)["source"] for x in cli.splitlines()}) and stream.failed == []


def test_chunk_files_failures_raise_or_are_skipped(tmp_path):
    (tmp_path / "a.md").write_text("# A\n\nalpha text\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"bad \xff bytes")
    (tmp_path / "c.md").write_text("# C\n\ngamma text\n", encoding="utf-8")
    (tmp_path / "d.min.js").write_text("var a=1;", encoding="utf-8")
    got = []
    with pytest.raises(chunkline.DecodeError) as e:
        for c in chunkline.chunk_files([tmp_path], "recursive"):
            got.append(c.source)
    assert got == [str(tmp_path / "a.md")] and e.value.path == str(tmp_path / "b.txt")
    stream = chunkline.chunk_files([tmp_path], "recursive", errors="skip")
    assert [c.source for c in stream] == [str(tmp_path / "a.md"), str(tmp_path / "c.md")]
    assert [f.path for f in stream.failed] == [str(tmp_path / "b.txt")]
    assert [s.display for s in stream.skipped] == [str(tmp_path / "d.min.js")]
    assert _lines(chunkline.chunk_files([tmp_path], "recursive", errors="skip")) == _cli_chunk_allowing_failure(tmp_path)


def _cli_chunk_allowing_failure(path) -> bytes:
    r = subprocess.run([sys.executable, "-m", "chunkline", "chunk", str(path), "-s", "recursive", "-q"], capture_output=True, env=_env(), timeout=300)
    assert r.returncode == 1
    return r.stdout


def test_chunk_files_argument_errors():
    with pytest.raises(UsageError) as e:
        chunkline.chunk_files([EXAMPLES], errors="ignore")
    assert e.value.param == "errors"
    with pytest.raises(UsageError) as e:
        chunkline.chunk_files([EXAMPLES], jobs=0)
    assert e.value.param == "jobs"
    with pytest.raises(UsageError) as e:
        chunkline.chunk_files([EXAMPLES], timeout=-1)
    assert e.value.param == "timeout" and str(e.value).startswith("timeout must be")
    with pytest.raises(UsageError, match="no files match"):
        list(chunkline.chunk_files([str(EXAMPLES / "nothing*.zz")]))


# ----------------------------------------------------------------- score and compare


def _questions(tmp_path, doc) -> str:
    text = doc.document.text
    rows = []
    for q, evidence in [
        ("How many years had Emma lived in the world?", "had lived nearly twenty-one years in the world"),
        ("How long had Miss Taylor been in the family?", "Sixteen years had Miss Taylor been in Mr. Woodhouse’s family"),
    ]:
        s = text.index(evidence)
        rows.append(json.dumps({"question": q, "doc": "emma-opening.txt", "start": s, "end": s + len(evidence)}))
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def test_score_in_memory_equals_score_of_the_written_file(tmp_path):
    from chunkline.core.jsonl import dumps_line
    from chunkline.scoring import ScoreOptions
    from chunkline.scoring import score as score_file

    doc = chunkline.parse(EXAMPLES / "emma-opening.txt")
    qa = _questions(tmp_path, doc)
    chunks = chunkline.chunk(doc, "sentence", max_tokens=128)
    report = chunkline.score(chunks, documents=[doc], questions=qa, max_tokens=128)
    path = tmp_path / "chunks.jsonl"
    path.write_bytes(b"".join(dumps_line(c) for c in chunks))
    ref = score_file(ScoreOptions(chunks=str(path), docs=(str(EXAMPLES / "emma-opening.txt"),), questions=qa, max_size=128))
    assert report.metrics == ref.metrics and report.located == {"offsets": len(chunks), "search": 0, "relaxed": 0}
    assert report.metrics["recall@1"] == 1.0
    # a chunk file and documents given as paths
    by_path = chunkline.score(path, documents=[EXAMPLES / "emma-opening.txt"], max_tokens=128)
    assert by_path.metrics["coverage"] == ref.metrics["coverage"]
    with pytest.raises(UsageError) as e:
        chunkline.score(chunks, questions=qa)
    assert e.value.params == ("questions", "docs")
    with pytest.raises(UsageError) as e:
        chunkline.score(chunks, documents=[doc], k=0)
    assert e.value.param == "k" and str(e.value) == "k must be at least 1"


def test_score_lm_and_embed_context_through_the_api(fake_llm, tmp_path):
    """What ``score --lm --embed-context`` and ``compare --embed-context`` do, as keyword arguments."""
    doc = chunkline.parse(EXAMPLES / "emma-opening.txt")
    qa = _questions(tmp_path, doc)
    llm = {"llm_url": fake_llm.url, "llm_cache": str(tmp_path / "cache")}
    chunks = chunkline.chunk(doc, "recursive", max_tokens=128, contextualize=True, **llm)
    assert all(c.context for c in chunks)
    plain = chunkline.score(chunks, documents=[doc], questions=qa, max_tokens=128)
    assert plain.metrics["lm_boundary_clarity"] is None
    rep = chunkline.score(chunks, documents=[doc], questions=qa, max_tokens=128, embed_context=True, lm=True, **llm)
    assert rep.metrics["lm_boundary_clarity"] is not None and rep.metrics["lm_chunk_stickiness"] is not None
    assert rep.settings["lm"]["usage"]["requests"] > 0
    assert rep.settings["embed_context"] is True and plain.settings["embed_context"] is False
    with pytest.raises(UsageError) as e:
        chunkline.score(chunks, documents=[doc], lm=True, llm_url=fake_llm.url, llm_concurrency=0)
    assert e.value.param == "llm_concurrency"
    report = chunkline.compare([EXAMPLES / "emma-opening.txt"], ["recursive:max_tokens=128"], questions=qa, include_auto=False, embed_context=True)
    assert report.results and report.settings["embed_context"] is True


def test_compare_ranks_strategies_like_the_cli(tmp_path):
    from chunkline.scoring.compare import CompareOptions
    from chunkline.scoring.compare import compare as compare_options
    from chunkline.segmenters.base import parse_strategy

    doc = chunkline.parse(EXAMPLES / "emma-opening.txt")
    qa = _questions(tmp_path, doc)
    report = chunkline.compare([EXAMPLES / "emma-opening.txt"], ["recursive", "sentence:max_tokens=200"], questions=qa, semantic=False)
    ref = compare_options(
        CompareOptions(
            paths=(str(EXAMPLES / "emma-opening.txt"),),
            strategies=(parse_strategy("recursive", tokenizer="cl100k_base"), parse_strategy("sentence:max_tokens=200", tokenizer="cl100k_base")),
            questions=qa, semantic=False,
        )
    )
    strip = lambda r: [(x.rank, x.label, {k: v for k, v in x.metrics.items() if k != "seconds"}) for x in r.results]  # noqa: E731
    assert strip(report) == strip(ref) and report.rank_by == "recall@5"
    with pytest.raises(UsageError) as e:
        chunkline.compare([EXAMPLES / "emma-opening.txt"], ["fixed"], rank_by="nope", semantic=False)
    assert e.value.param == "rank_by" and str(e.value).startswith("rank_by nope: not a metric")


def test_strategies_and_formats_list_the_registries():
    names = [s["name"] for s in chunkline.strategies()]
    assert names == ["ast", "auto", "fixed", "legal", "lumber", "perplexity", "recursive", "semantic", "sentence", "structure"]
    structure = next(s for s in chunkline.strategies() if s["name"] == "structure")
    assert "split_level" in [o["name"] for o in structure["options"]]
    assert {"pdf", "markdown", "code"} <= {f["name"] for f in chunkline.formats()}


# ----------------------------------------------------------------- errors


def test_errors_are_one_family():
    for name in ("UsageError", "InputError", "DecodeError", "FormatError", "RunError", "BudgetError"):
        assert issubclass(getattr(chunkline, name), chunkline.ChunklineError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: chunkline.parse("/no/such/file.md"),
        lambda: chunkline.parse(42),
        lambda: chunkline.parse_text(b"bytes"),
        lambda: chunkline.chunk_text("x", "recursive", max_tokens=0),
        lambda: chunkline.chunk_text("x", "recursive", tokenizer="no-such-tokenizer"),
        lambda: list(chunkline.chunk_files(["/no/such/dir/"])),
        lambda: chunkline.score([]),
        lambda: chunkline.compare([], ["fixed"]),
        lambda: chunkline.compare(["-"], ["fixed"]),
    ],
)
def test_the_library_raises_chunkline_errors_never_system_exit(call):
    try:
        call()
    except ChunklineError:
        pass
    except BaseException as exc:  # SystemExit, bare ValueError, TypeError...
        pytest.fail(f"{type(exc).__name__}: {exc}")
    else:
        pytest.fail("no error")


def test_library_messages_name_no_flags():
    """No message raised by the library spells a command-line flag; the CLI boundary adds them."""
    pattern = re.compile(r"(?:UsageError|InputError|DecodeError|FormatError|RunError)\(\s*f?[\"'][^\"']*(?<![\w-])--?[a-z]")
    offenders = []
    for path in (ROOT / "chunkline").rglob("*.py"):
        if "cli" in path.relative_to(ROOT / "chunkline").parts:
            continue
        for m in pattern.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)[:80]}")
    assert offenders == []


def test_readme_python_api_examples_run(tmp_path, monkeypatch):
    """Every ```python block of the README's "Python API" section runs, from a copy of the repository root."""
    pytest.importorskip("langchain_text_splitters")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    section = section[: section.index("\n## ", 5)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 5
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for i, code in enumerate(blocks):
        exec(compile(code, f"README.md (Python API, block {i + 1})", "exec"), {"__name__": "__readme__"})


def test_llm_strategies_and_contextualize_through_the_api(fake_llm, tmp_path):
    """LLM settings are strategy options, so chunk(path, "lumber", llm_url=...) needs nothing else."""
    import chunkline

    doc = tmp_path / "a.txt"
    doc.write_text("\n\n".join(f"Paragraph {i} about topic {i // 3}." for i in range(9)) + "\n", encoding="utf-8")
    chunks = chunkline.chunk(str(doc), "lumber", llm_url=fake_llm.url, llm_cache=str(tmp_path / "c"), window=40)
    assert chunks and all(c.meta["llm_boundary"] in ("model", "end", "fallback") for c in chunks)
    ctx = chunkline.chunk(str(doc), "recursive", max_tokens=16, contextualize=True, llm_url=fake_llm.url, llm_cache=str(tmp_path / "c"))
    assert all(c.context for c in ctx)
