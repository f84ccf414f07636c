import json
import os

import pytest

from chunkline.core import jsonl
from chunkline.core.errors import DecodeError, RunError
from chunkline.core.io import Output
from chunkline.core.records import Block, Chunk, record_fields, verify
from chunkline.core.sources import Source, decode_text, discover, looks_binary, read_bytes


def test_chunk_key_order_is_the_contract():
    assert record_fields(Chunk)[:11] == (
        "id", "doc_id", "source", "index", "text", "start", "end", "token_count", "tokenizer", "strategy", "params_hash",
    )


def test_jsonl_is_compact_utf8_and_stable():
    b = Block(kind="paragraph", start=0, end=3, text="héé", meta={"z": 1, "a": 2})
    line = jsonl.dumps(b)
    assert "héé" in line and " " not in line.replace("héé", "")
    assert list(json.loads(line)["meta"]) == ["a", "z"]
    assert jsonl.dumps(b) == line


def test_verify_catches_wrong_offsets():
    text = "hello world"
    verify(text, [Block("paragraph", 0, 5, "hello")])
    with pytest.raises(AssertionError):
        verify(text, [Block("paragraph", 1, 5, "hello")])


def test_output_is_atomic(tmp_path):
    target = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        with Output(str(target)) as out:
            out.write(b"partial\n")
            raise KeyboardInterrupt
    assert not target.exists()
    assert not [p for p in os.listdir(tmp_path)], "temporary file left behind"
    with Output(str(target)) as out:
        out.write(b"done\n")
    assert target.read_bytes() == b"done\n"


def test_output_to_missing_directory_is_run_error(tmp_path):
    with pytest.raises(RunError, match="cannot write"):
        with Output(str(tmp_path / "nope" / "x.jsonl")):
            pass


def test_decode_rules():
    assert decode_text("\ufeffhi".encode("utf-8"), "f") == "hi"
    assert decode_text("hé".encode("utf-16"), "f") == "hé"
    with pytest.raises(DecodeError, match="byte 1"):
        decode_text(b"a\xff", "f")
    assert decode_text(b"a\xff", "f", errors="replace") == "a\ufffd"
    assert looks_binary(b"\x00\x01abc") and not looks_binary("hé".encode("utf-16"))


def test_discover_sorted_hidden_and_globs(tmp_path):
    (tmp_path / "b.md").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.md").write_text("c")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.md").write_text("x")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    srcs, skipped = discover([str(tmp_path)])
    names = [os.path.relpath(s.path, tmp_path) for s in srcs]
    assert names == ["a.txt", "b.md", "sub/c.md"]
    assert {s.reason for s in skipped} >= {"hidden file", "hidden or vendored directory"}
    srcs, _ = discover([str(tmp_path)], include=("*.md",))
    assert [os.path.basename(s.path) for s in srcs] == ["b.md", "c.md"]
    srcs, _ = discover([str(tmp_path / "*.md")])
    assert [os.path.basename(s.path) for s in srcs] == ["b.md"]
    # --exclude naming a directory leaves its whole subtree out (like rg -g '!dir')
    srcs, _ = discover([str(tmp_path)], exclude=("sub",))
    assert [os.path.basename(s.path) for s in srcs] == ["a.txt", "b.md"]
    srcs, _ = discover([str(tmp_path)], exclude=("*.txt",))
    assert [os.path.basename(s.path) for s in srcs] == ["b.md", "c.md"]


def test_read_errors_name_the_cause(tmp_path):
    from chunkline.core.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        read_bytes(Source("missing.txt", str(tmp_path / "missing.txt")))
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 100)
    with pytest.raises(InputError, match="over the 10-byte limit"):
        read_bytes(Source("big.txt", str(big)), max_bytes=10)


def test_discover_gitignore_vendored_and_generated(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.log\nout/\n!keep.log\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / ".gitignore").write_text("draft-*.md\n!draft-ok.md\n")
    for rel in ["a.md", "x.log", "keep.log", "out/o.md", "docs/draft-1.md", "docs/draft-ok.md", "docs/b.md",
                "vendor/v.md", "third_party/t.md", "dist/d.md", "build/b.md", "web/app.min.js", "web/app.js", "yarn.lock"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    srcs, skipped = discover([str(tmp_path)])
    assert sorted(os.path.relpath(s.path, tmp_path) for s in srcs) == ["a.md", "docs/b.md", "docs/draft-ok.md", "keep.log", "web/app.js"]
    assert all(s.walked for s in srcs)
    why = {os.path.relpath(s.display.rstrip("/"), tmp_path): s.reason for s in skipped}
    assert why["x.log"] == f"ignored by {tmp_path}/.gitignore"
    assert why["out"] == f"ignored by {tmp_path}/.gitignore"
    assert why["docs/draft-1.md"] == f"ignored by {tmp_path}/docs/.gitignore"
    assert {why[d] for d in ("vendor", "third_party", "dist", "build")} == {"hidden or vendored directory"}
    assert "generated or minified file name" in why["web/app.min.js"] and why["yarn.lock"] == "lock file"
    # rules of the enclosing work tree apply when walking a subdirectory; explicit files are always taken
    srcs, _ = discover([str(tmp_path / "docs"), str(tmp_path / "x.log")])
    assert sorted(os.path.relpath(s.path, tmp_path) for s in srcs) == ["docs/b.md", "docs/draft-ok.md", "x.log"]
    assert [s.walked for s in srcs if s.path.endswith("x.log")] == [False]
    srcs, _ = discover([str(tmp_path)], gitignore=False)
    assert "x.log" in {os.path.basename(s.path) for s in srcs}


def test_naming_a_directory_that_the_enclosing_work_tree_ignores_walks_it(tmp_path):
    """A pyenv/virtualenv install or a build/ folder inside a repository:
    naming it is asking for it (as naming a file is), so the enclosing
    rules that ignore it do not empty the run; its own .gitignore applies."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("/versions\n*.log\n")
    lib = tmp_path / "versions" / "3.11" / "lib"
    lib.mkdir(parents=True)
    (lib / "a.py").write_text("x = 1\n")
    (lib / ".gitignore").write_text("skip.py\n")
    (lib / "skip.py").write_text("y = 2\n")
    srcs, _ = discover([str(lib)])
    assert [os.path.basename(s.path) for s in srcs] == ["a.py"]
    srcs, skipped = discover([str(tmp_path)])  # walked from the top, the rule holds
    assert srcs == [] and any(s.display.rstrip("/").endswith("versions") and "ignored by" in s.reason for s in skipped)
