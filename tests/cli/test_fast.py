"""The lean ``chunk`` path (``cli.fast``) must be the typer command, minus typer."""

import inspect
import sys

import pytest

from chunkline.cli import app as cli_app
from chunkline.cli import fast
from chunkline.cli.commands.chunk import execute


def _typer_chunk():
    return cli_app._sorted_command().commands["chunk"]


def test_every_fast_option_is_the_typer_commands_option_with_its_parameter_and_kind():
    params = {o: p for p in _typer_chunk().params for o in p.opts}
    for opt, (name, kind) in fast.CHUNK_OPTIONS.items():
        p = params.get(opt)
        assert p is not None, f"{opt} is not an option of chunk"
        assert p.name == name, (opt, p.name, name)
        assert bool(getattr(p, "is_flag", False)) == (kind == "flag"), opt
        assert bool(getattr(p, "multiple", False)) == (kind == "list"), opt


def test_execute_defaults_are_the_typer_commands_defaults():
    declared = {p.name: p.default for p in _typer_chunk().params}
    sig = inspect.signature(execute).parameters
    assert set(sig) == set(declared)
    for name, param in sig.items():
        if name == "paths":
            continue
        want = declared[name]
        assert param.default == (want if want != () else None) or (param.default is None and want in ((), None)), name


@pytest.mark.parametrize(
    "args",
    [
        ["chunk"],  # stdin or a usage error
        ["chunk", "-"],
        ["chunk", "a.txt", "--help"],
        ["chunk", "a.txt", "--no-such-option"],
        ["chunk", "a.txt", "-j", "0"],
        ["chunk", "a.txt", "-t", "abc"],
        ["chunk", "a.txt", "-t"],
        ["chunk", "a.txt", "-qv"],
        ["chunk", "a.txt", "--quiet=yes"],
        ["parse", "a.txt"],
        ["--version"],
    ],
)
def test_lines_the_fast_path_leaves_to_typer(args):
    assert fast.parse_chunk_args(args) is None


def test_fast_path_parses_values_like_the_command():
    kw = fast.parse_chunk_args(["chunk", "a.md", "-s", "structure", "--max-tokens=64", "-j", "2", "-O", "x=1", "--option", "y=2", "-q", "b.txt", "--timeout", "0"])
    assert kw == {"strategy": "structure", "max_tokens": 64, "jobs": 2, "option": ["x=1", "y=2"], "quiet": True, "timeout": 0.0, "paths": ["a.md", "b.txt"]}


def test_fast_and_typer_paths_write_the_same_bytes(tmp_path, monkeypatch):
    src = tmp_path / "doc.md"
    src.write_text("# Title\n\n" + "Some words here. " * 200 + "\n\n## Two\n\n- a\n- b\n")
    args = ["chunk", str(src), "-s", "structure", "-t", "64", "--overlap", "8", "--timeout", "0", "-q"]
    assert cli_app.main(args + ["-o", str(tmp_path / "fast.jsonl")]) == 0
    monkeypatch.setattr(fast, "run_fast", lambda a: None)
    assert cli_app.main(args + ["-o", str(tmp_path / "typer.jsonl")]) == 0
    fast_bytes = (tmp_path / "fast.jsonl").read_bytes()
    assert fast_bytes and fast_bytes == (tmp_path / "typer.jsonl").read_bytes()


def test_a_common_chunk_line_does_not_import_typer(tmp_path):
    import subprocess

    src = tmp_path / "a.txt"
    src.write_text("Hello there.\n")
    code = "import sys; from chunkline.cli.app import main; rc = main(['chunk', sys.argv[1], '-q', '-o', sys.argv[2]]); print(rc, 'typer' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code, str(src), str(tmp_path / "o.jsonl")], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "False", "False"]
