"""The command line contract: exit codes, error lines, stdin, -o, --jobs, determinism."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chunkline.core.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args, input=None, cwd=None, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "chunkline", *map(str, args)], input=input, capture_output=True, cwd=cwd, env=e, timeout=300)


def lines(out: bytes):
    return [json.loads(x) for x in out.decode("utf-8").splitlines()]


def test_exit_codes_are_documented_values():
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 4, 130]


def test_chunk_examples_ok_and_offsets_verify(tmp_path):
    docs = tmp_path / "docs.jsonl"
    r = run("chunk", EXAMPLES, "-s", "recursive", "--max-tokens", "128", "--documents", docs, "-q")
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    chunks = lines(r.stdout)
    texts = {d["id"]: d["text"] for d in lines(docs.read_bytes())}
    assert len(texts) >= 5
    for c in chunks:
        assert texts[c["doc_id"]][c["start"] : c["end"]] == c["text"]
        assert c["token_count"] <= 128


def test_stdin_needs_format_and_works_with_it():
    r = run("chunk", "-", input=b"hello")
    assert r.returncode == ExitCode.USAGE
    assert r.stderr.decode().strip().splitlines()[-1].startswith("chunkline: error: reading stdin needs --format")
    r = run("chunk", "-", "--format", "markdown", "-s", "structure", "-q", input=b"# T\n\nbody text\n")
    assert r.returncode == 0
    (c,) = lines(r.stdout)
    assert c["source"] == "-" and c["text"] == "# T\n\nbody text" and c["context"] == "T"


def test_no_path_on_a_terminal_prints_usage_not_hang():
    # a pseudo-terminal on stdin: the command must return at once with a usage error
    import pty

    master, slave = pty.openpty()
    try:
        p = subprocess.run([sys.executable, "-m", "chunkline", "chunk"], stdin=slave, capture_output=True, timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert p.returncode == ExitCode.USAGE
    assert b"Usage:" in p.stderr


def test_bad_file_one_line_others_finish(tmp_path):
    (tmp_path / "good.txt").write_text("fine text here")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 au lait")
    errors = tmp_path / "errors.jsonl"
    r = run("chunk", tmp_path / "good.txt", tmp_path / "bad.txt", tmp_path / "missing.md", "--errors", errors)
    assert r.returncode == ExitCode.INPUTS_FAILED
    err = r.stderr.decode().splitlines()
    assert f"chunkline: error: {tmp_path / 'bad.txt'}: not valid UTF-8 at byte 3 (use --encoding or --decode-errors replace)" in err
    assert f"chunkline: error: {tmp_path / 'missing.md'}: no such file" in err
    assert "Traceback" not in r.stderr.decode()
    assert [c["text"] for c in lines(r.stdout)] == ["fine text here"]
    recorded = lines(errors.read_bytes())
    assert {(e["path"].rsplit("/", 1)[-1], e["kind"]) for e in recorded} == {("bad.txt", "decode"), ("missing.md", "unreadable")}


def test_explicit_decoding_option(tmp_path):
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9")
    r = run("chunk", tmp_path / "latin.txt", "--encoding", "latin-1", "-q")
    assert r.returncode == 0 and lines(r.stdout)[0]["text"] == "café"
    r = run("chunk", tmp_path / "latin.txt", "--decode-errors", "replace", "-q")
    assert r.returncode == 0 and lines(r.stdout)[0]["text"] == "caf\ufffd"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-s", "nope"], "chunkline: error: unknown strategy 'nope'; choose from "),
        (["-s", "recursive:bogus=1"], "chunkline: error: strategy 'recursive' has no option 'bogus'"),
        (["--tokenizer", "gpt-17"], "chunkline: error: unknown tokenizer 'gpt-17'"),
        (["--format", "docx"], "chunkline: error: unknown format 'docx'"),
        (["--max-tokens", "10", "--overlap", "10"], "chunkline: error: --overlap must be at least 0 and below the budget"),
    ],
)
def test_usage_errors(args, message):
    r = run("chunk", EXAMPLES / "emma-opening.txt", *args)
    assert r.returncode == ExitCode.USAGE
    assert r.stderr.decode().splitlines()[-1].startswith(message)
    assert r.stdout == b""


def test_unwritable_output_is_run_failed(tmp_path):
    r = run("chunk", EXAMPLES / "emma-opening.txt", "-o", tmp_path / "no" / "dir" / "out.jsonl")
    assert r.returncode == ExitCode.RUN_FAILED
    assert r.stderr.decode().splitlines()[-1].startswith(f"chunkline: error: cannot write {tmp_path / 'no' / 'dir' / 'out.jsonl'}")


def test_debug_shows_traceback():
    r = run("chunk", EXAMPLES / "emma-opening.txt", "-s", "nope", "--debug")
    assert r.returncode == ExitCode.USAGE and b"Traceback" in r.stderr


def test_output_file_atomic_and_identical_across_jobs(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run("chunk", EXAMPLES, "-s", "structure", "-o", a, "-q").returncode == 0
    assert run("chunk", EXAMPLES, "-s", "structure", "-o", b, "-j", "2", "-q").returncode == 0
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 0
    assert sorted(os.listdir(tmp_path)) == ["a.jsonl", "b.jsonl"]


def test_closed_pipe_is_quiet():
    p = subprocess.Popen([sys.executable, "-m", "chunkline", "chunk", str(EXAMPLES), "-c", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=120) == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_reader_leaving_mid_write_is_quiet(tmp_path):
    """One file's output is written at once; when the reader leaves part-way
    through it (the pipe takes 64 KiB), the short write must read as a closed
    pipe (exit 0, nothing on stderr), not as a full disk."""
    big = tmp_path / "big.md"
    big.write_text("".join(f"## Section {i}\n\nSome text for paragraph {i}, long enough to matter.\n\n" for i in range(20000)))
    for cmd in (["parse", str(big)], ["chunk", str(big), "-t", "32"]):
        p = subprocess.Popen([sys.executable, "-m", "chunkline", *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.readline()
        p.stdout.close()
        err = p.stderr.read()
        assert p.wait(timeout=120) == 0, err
        assert b"error" not in err and b"Traceback" not in err, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_leaves_no_file_and_says_interrupted(tmp_path, sig):
    big = tmp_path / "big.txt"
    big.write_text(("All work and no play makes Jack a dull boy. " * 40 + "\n\n") * 4000)
    out = tmp_path / "out.jsonl"
    p = subprocess.Popen([sys.executable, "-m", "chunkline", "chunk", str(big), str(big.parent), "-s", "sentence", "-t", "16", "-o", str(out)], stderr=subprocess.PIPE)
    time.sleep(2.0)
    p.send_signal(sig)
    err = p.stderr.read()
    rc = p.wait(timeout=60)
    if rc == 0:  # finished before the signal: the file is complete, nothing to check
        return
    assert rc == ExitCode.INTERRUPTED
    assert err.decode().splitlines()[-1] == "chunkline: interrupted"
    assert not out.exists()
    assert [f for f in os.listdir(tmp_path) if f.endswith(".part")] == []


def test_parse_text_and_blocks_agree():
    html = EXAMPLES / "rust-ownership.html"
    text = run("parse", html, "--text", "-q").stdout.decode("utf-8")
    blocks = lines(run("parse", html, "-q").stdout)
    assert blocks and all(text[b["start"] : b["end"]] == b["text"] for b in blocks)
    assert blocks[0]["kind"] == "heading" and blocks[0]["text"] == "What Is Ownership?"
    assert not any("<script" in b["text"] for b in blocks)


def test_strategies_lists_the_registry():
    r = run("strategies", "--json")
    data = json.loads(r.stdout)
    names = {s["name"] for s in data["strategies"]}
    assert {"fixed", "sentence", "recursive", "structure"} <= names
    assert {"text", "markdown", "html"} <= {f["name"] for f in data["formats"]}


def test_version_and_help():
    assert run("--version").stdout.decode().startswith("chunkline ")
    h = run("--help")
    assert h.returncode == 0 and b"chunk" in h.stdout


def test_directory_output_incremental_and_skips_in_errors_file(tmp_path):
    src = tmp_path / "src"
    (src / ".git").mkdir(parents=True)
    (src / ".gitignore").write_text("ignored/\n")
    (src / "ignored").mkdir()
    (src / "ignored" / "x.md").write_text("# no")
    (src / "a.md").write_text("# A\n\nalpha text\n")
    (src / "b.py").write_text("// @generated by a tool\nx = 1\n")
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    r = run("chunk", src, "-o", f"{out}/", "--errors", errors, "--verbose")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert "ignored by" in err and "generated-file marker" in err
    recorded = {e["path"]: (e["status"], e["message"]) for e in lines(errors.read_bytes())}
    assert recorded[f"{src}/ignored/"] == ("skipped", f"ignored by {src}/.gitignore")
    assert recorded[f"{src}/b.py"][0] == "skipped" and "@generated" in recorded[f"{src}/b.py"][1]
    manifest = lines((out / "manifest.jsonl").read_bytes())
    assert [(m["path"].rsplit("/", 1)[-1], m["status"]) for m in manifest] == [("a.md", "ok"), ("b.py", "skipped")]
    summary = json.loads((out / "manifest.json").read_text())
    assert summary["chunks"] == 1 and summary["shards"][0]["name"] == "chunks-000000.jsonl"
    before = (out / "chunks-000000.jsonl").read_bytes()
    r = run("chunk", src, "-o", f"{out}/", "--incremental", "-q")
    assert r.returncode == 0 and (out / "chunks-000000.jsonl").read_bytes() == before
    r = run("chunk", src, "-o", tmp_path / "f.jsonl", "--incremental")
    assert r.returncode == ExitCode.USAGE and b"--incremental needs a directory output" in r.stderr


def test_binary_files_skipped_in_directories_but_errors_when_named(tmp_path):
    (tmp_path / "doc.txt").write_text("words here")
    (tmp_path / "data.json.gz").write_bytes(b"\x1f\x8b\x08\x00\x00binary")
    r = run("chunk", tmp_path, "-q")
    assert r.returncode == ExitCode.OK and len(lines(r.stdout)) == 1
    r = run("chunk", tmp_path, "--verbose")
    assert f"chunkline: skipped: {tmp_path}/data.json.gz: binary file (NUL bytes)" in r.stderr.decode()
    r = run("chunk", tmp_path / "data.json.gz")
    assert r.returncode == ExitCode.INPUTS_FAILED
    assert f"chunkline: error: {tmp_path / 'data.json.gz'}: binary file (NUL bytes), not text" in r.stderr.decode()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-bytes", "-5"], b"--max-bytes must be"),
        (["--max-bytes", "0"], b"--max-bytes must be"),
        (["--timeout", "nan"], b"--timeout must be"),
        (["--timeout", "-1"], b"--timeout must be"),
    ],
)
def test_batch_limits_out_of_range_are_usage_errors(tmp_path, args, message):
    (tmp_path / "a.txt").write_text("words here\n")
    r = run("chunk", tmp_path, *args)
    assert r.returncode == ExitCode.USAGE and message in r.stderr, r.stderr
    assert r.stdout == b"" and b"Traceback" not in r.stderr


@pytest.mark.parametrize("timeout", ["inf", "1e300", "1e9"])
def test_huge_timeouts_work(tmp_path, timeout):
    """inf or 1e300 seconds is no limit; 1e9 s is a limit longer than poll() can wait."""
    (tmp_path / "a.txt").write_text("words here\n")
    for jobs in ("1", "2"):
        r = run("chunk", tmp_path, "--timeout", timeout, "-j", jobs, "-q")
        assert r.returncode == ExitCode.OK, r.stderr  # was an internal error (OverflowError)
        assert [c["text"] for c in lines(r.stdout)] == ["words here"]


# ------------------------------------------------- one file's failure never ends a batch


@pytest.fixture
def failing_strategies():
    """Two test-only strategies, registered for one test (the registry is process-wide)."""
    from chunkline.segmenters.base import SEGMENTERS, Span, register_segmenter

    @register_segmenter("test_overrun", summary="test only: one chunk for the whole document (over budget on long files)")
    def _overrun(parsed, ctx):
        text = parsed.document.text
        if text.strip():
            yield Span(0, len(text))

    @register_segmenter("test_bug", summary="test only: a bug on files that say boom")
    def _bug(parsed, ctx):
        text = parsed.document.text
        if "boom" in text:
            raise ValueError("a bug in a segmenter")
        yield Span(0, len(text))

    yield
    SEGMENTERS.remove("test_overrun")
    SEGMENTERS.remove("test_bug")


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("to_dir", [False, True])
def test_budget_error_is_one_file_failure_not_a_dead_run(tmp_path, capsys, jobs, to_dir, failing_strategies):
    """A BudgetError (a strategy over-ran) used to end the run with exit 3 and, at -j 2 into a directory, no output."""
    from chunkline.cli.app import main

    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("Short.\n")
    (d / "b.txt").write_text("Many words here. " * 200)
    (d / "c.txt").write_text("Also short.\n")
    out = tmp_path / ("out" if to_dir else "out.jsonl")
    code = main(["chunk", str(d), "-s", "test_overrun", "-t", "50", "-j", jobs, "-o", str(out) + ("/" if to_dir else ""), "--errors", str(tmp_path / "errors.jsonl")])
    err = capsys.readouterr().err
    assert code == 1, err
    lines = [ln for ln in err.splitlines() if ln.startswith("chunkline: error:")]
    assert len(lines) == 1 and lines[0].startswith(f"chunkline: error: {d / 'b.txt'}: internal error while chunking: BudgetError: strategy test_overrun made a chunk of"), err
    assert "Traceback" not in err
    shards = sorted(out.glob("chunks-*.jsonl")) if to_dir else [out]
    sources = [json.loads(x)["source"] for s in shards for x in s.read_text().splitlines()]
    assert sources == [str(d / "a.txt"), str(d / "c.txt")]
    errors = [json.loads(x) for x in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert [(e["path"], e["kind"]) for e in errors] == [(str(d / "b.txt"), "internal")]


def test_bug_in_a_segmenter_is_one_file_failure(tmp_path, capsys, failing_strategies):
    from chunkline.cli.app import main

    (tmp_path / "a.txt").write_text("fine\n")
    (tmp_path / "b.txt").write_text("boom\n")
    code = main(["chunk", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-s", "test_bug", "-t", "50"])
    cap = capsys.readouterr()
    assert code == 1
    assert f"chunkline: error: {tmp_path / 'b.txt'}: internal error while chunking: ValueError: a bug in a segmenter" in cap.err
    assert [json.loads(x)["text"] for x in cap.out.splitlines()] == ["fine\n"]


# ------------------------------------------------- friction (issue 17 item 7)


def test_summary_adds_up_on_its_face(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text("Fine text.\n")
    (d / "b.txt").write_bytes(b"caf\xe9\n")
    (d / "c.min.js").write_text("var a=1;\n")  # skipped by name
    (d / ".hidden.txt").write_text("hidden\n")  # skipped: hidden
    r = run("chunk", d, "-o", tmp_path / "o.jsonl")
    assert r.returncode == 1
    # was "1 of 2 files, 1 chunks, 1 failed, 2 skipped": 1 + 1 + 2 = 4, not 2
    assert r.stderr.decode().splitlines()[-1] == "chunkline: 4 files: 1 ok, 1 failed, 2 skipped (--verbose lists them); 1 chunk"


def test_legal_strategy_on_plain_text_says_how_to_read_it_as_legal(tmp_path):
    f = tmp_path / "decision.txt"
    f.write_text("I. FACTS\n\nThe court held that the claim fails. Mr. Smith agreed.\n")
    r = run("chunk", f, "-s", "legal")
    assert r.returncode == 0
    assert (
        "chunkline: warning: strategy legal works on legal documents, but 1 file was read as text and chunked "
        "without that structure; give --format legal to read them as legal"
    ) in r.stderr.decode().splitlines()
    r = run("chunk", f, "-s", "legal", "--format", "legal")
    assert r.returncode == 0 and b"warning" not in r.stderr


def test_code_on_stdin_can_name_its_language():
    src = b"fn main() {\n    println!(\"hi\");\n}\n\nfn other() {}\n"
    r = run("parse", "-", "--language", "rust", input=src)
    assert r.returncode == 0, r.stderr
    blocks = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(b["kind"], b["language"], b["symbol"]) for b in blocks] == [("definition", "rust", "main"), ("definition", "rust", "other")]
    # before: -f code on stdin could only fall back to blank-line blocks
    r = run("parse", "-", "-f", "code", input=src)
    assert {json.loads(x)["kind"] for x in r.stdout.splitlines()} == {"other"}
    assert run("parse", "-", "--language", "cobol", input=src).returncode == ExitCode.USAGE
    assert run("parse", "-", "--language", "rust", "-f", "markdown", input=src).returncode == ExitCode.USAGE


def test_parse_text_separates_documents(tmp_path):
    (tmp_path / "a.txt").write_text("First document.")
    (tmp_path / "b.txt").write_text("Second document.\n")
    r = run("parse", "--text", tmp_path / "a.txt", tmp_path / "b.txt")
    assert r.returncode == 0
    assert r.stdout == b"First document.\n\f\nSecond document.\n"  # was "First document.\nSecond document.\n"
    assert run("parse", "--text", tmp_path / "a.txt").stdout == b"First document.\n"


def test_parse_takes_the_input_and_run_options_chunk_takes():
    out = run("parse", "--help").stdout.decode()
    for flag in ("--no-gitignore", "--timeout", "--isolate", "--language", "--hidden", "--max-bytes"):
        assert flag in out, flag


def test_shared_options_have_one_help_text():
    """--include/--exclude/--embedder/--tokenizer... read the same in every command that takes them."""
    import re

    def helps(cmd):
        text = run(cmd, "--help").stdout.decode()
        return {m.group(1): " ".join(m.group(2).split()) for m in re.finditer(r"^ {2}(?:-\w, )?(--[a-z-]+)[^\n]*?\s{2,}(\S.*?)(?=^ {2}-|\Z)", text, re.S | re.M)}

    chunk, compare, parse = helps("chunk"), helps("compare"), helps("parse")
    for flag in ("--include", "--exclude", "--format", "--jobs", "--quiet", "--tokenizer", "--max-tokens"):
        assert chunk[flag] == compare[flag], flag
    for flag in ("--include", "--exclude", "--encoding", "--decode-errors", "--timeout", "--no-gitignore"):
        assert chunk[flag] == parse[flag], flag
    assert "[CLS]" in chunk["--tokenizer"]


def test_ast_says_once_which_unit_max_tokens_counts(tmp_path):
    """-s ast silently counted --max-tokens in non-whitespace characters, compare in cl100k tokens."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"m{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    r = run("chunk", src, "-s", "ast", "--max-tokens", "200", "-o", tmp_path / "a.jsonl")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    assert err.count("strategy ast counts --max-tokens 200 in nws (non-whitespace characters)") == 1, err
    assert "--tokenizer cl100k_base" in err
    for extra in (("--tokenizer", "nws"), ("--tokenizer", "cl100k_base"), ("--max-chars", "200"), ("-q",)):
        args = ("--max-tokens", "200") if extra[0] != "--max-chars" else ()
        r = run("chunk", src, "-s", "ast", *args, *extra, "-o", tmp_path / "b.jsonl")
        assert r.returncode == 0 and b"counts --max-tokens" not in r.stderr, (extra, r.stderr)
    r = run("chunk", src, "-s", "recursive", "--max-tokens", "200", "-o", tmp_path / "c.jsonl")
    assert b"counts --max-tokens" not in r.stderr
