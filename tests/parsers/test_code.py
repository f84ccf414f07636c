"""Code parser: every language offline, qualified definitions, exact offsets, fallbacks."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from chunkline.core.records import verify
from chunkline.parsers.base import ParseContext, ParseOptions, detect_format, parse_bytes
from chunkline.core.filters import is_generated_or_minified
from chunkline.parsers.code.languages import LANGUAGES, detect_language, interpreter_language

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "code"

# fixture -> (language, qualified symbols that must be found)
EXPECTED = {
    "sample.py": ("python", {"Parser", "Parser.parse", "Parser.helper", "main"}),
    "sample.js": ("javascript", {"Parser", "Parser.parse", "main", "helper"}),
    "sample.ts": ("typescript", {"Shape", "Parser", "Parser.parse", "main"}),
    "sample.tsx": ("tsx", {"Shape", "Parser", "Parser.parse", "main"}),
    "sample.go": ("go", {"Parser", "Parse", "main"}),
    "sample.rs": ("rust", {"Parser", "Parser.parse", "main"}),
    "Sample.java": ("java", {"Parser", "Parser.parse"}),
    "sample.c": ("c", {"parser", "parse", "main"}),
    "sample.cpp": ("cpp", {"Parser", "Parser.parse", "main"}),
    "sample.cs": ("c_sharp", {"Demo", "Demo.Parser", "Demo.Parser.Parse"}),
    "sample.rb": ("ruby", {"Parser", "Parser.parse"}),
    "sample.php": ("php", {"Parser", "Parser.parse", "main"}),
    "sample.sh": ("bash", {"parse", "main"}),
    "sample.kt": ("kotlin", {"Parser", "Parser.parse", "main"}),
    "sample.swift": ("swift", {"Parser", "Parser.parse", "main"}),
    "sample.scala": ("scala", {"Parser", "Parser.parse", "Main", "Main.main"}),
    "sample.lua": ("lua", {"parse", "main"}),
}


def parse_file(name: str, **opts):
    path = FIX / name
    data = path.read_bytes()
    return parse_bytes(data, ParseContext(name, str(path), ParseOptions(**opts))), data


def test_every_language_is_covered_by_a_fixture():
    assert {lang for lang, _ in EXPECTED.values()} == {s.name for s in LANGUAGES}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_definitions_offline(name, monkeypatch):
    def no_network(*_a, **_k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    language, symbols = EXPECTED[name]
    assert detect_format(name, b"") == "code"
    parsed, data = parse_file(name)
    assert parsed.document.meta["language"] == language
    assert parsed.warnings == ()
    verify(parsed.document.text, parsed.blocks)
    defs = [b for b in parsed.blocks if b.kind == "definition"]
    assert symbols <= {b.symbol for b in defs}
    for b in parsed.blocks:
        assert b.language == language
        assert b.byte_span is not None and data[b.byte_span[0] : b.byte_span[1]].decode() == b.text
        lines = parsed.document.text.split("\n")
        assert "\n".join(lines[b.lines[0] - 1 : b.lines[1]]).find(b.text) >= 0
    for d in defs:
        assert d.meta["def_kind"] and d.meta["signature"]
    starts = [b.start for b in parsed.blocks]
    assert starts == sorted(starts)


def test_python_blocks_kinds_sections_and_non_ascii_offsets():
    parsed, data = parse_file("sample.py")
    text = parsed.document.text
    by_symbol = {b.symbol: b for b in parsed.blocks if b.kind == "definition"}
    parse = by_symbol["Parser.parse"]
    assert parse.meta["def_kind"] == "method" and parse.section == ("Parser",)
    assert parse.text.startswith("def parse(self, data: str) -> Any:")
    # the comment above the class is attached to it; the decorator to the method
    assert by_symbol["Parser"].text.startswith("# Parses things.\nclass Parser:")
    assert by_symbol["Parser.helper"].text.startswith("@staticmethod")
    assert by_symbol["Parser.helper"].meta["signature"] == "    def helper(\n        x: int,\n        y: int,\n    ) -> int:"
    assert by_symbol["main"].meta["def_kind"] == "function"
    kinds = [b.kind for b in parsed.blocks]
    assert kinds[:3] == ["comment", "docstring", "import"]
    assert [b.kind for b in parsed.blocks if b.symbol == "Parser.parse"] == ["definition", "docstring"]
    # non-ASCII text before the blocks: str offsets and UTF-8 byte spans both exact
    assert not text.isascii()
    main = by_symbol["main"]
    assert text[main.start : main.end] == main.text
    assert data[main.byte_span[0] : main.byte_span[1]].decode("utf-8") == main.text
    assert main.byte_span[0] > main.start  # multibyte characters precede it
    assert main.lines == (23, 24)


def test_bom_shifts_byte_spans_into_the_file():
    data = b"\xef\xbb\xbfdef f():\n    return 'caf\xc3\xa9'\n"
    parsed = parse_bytes(data, ParseContext("x.py", None))
    (d,) = [b for b in parsed.blocks if b.kind == "definition"]
    assert d.start == 0 and d.byte_span[0] == 3
    assert data[d.byte_span[0] : d.byte_span[1]].decode() == d.text


def test_syntax_errors_keep_text_and_flag():
    data = b"def ok():\n    return 1\n\ndef broken(:\n    x = = 2\n\nclass C:\n    pass\n"
    parsed = parse_bytes(data, ParseContext("bad.py", None))
    verify(parsed.document.text, parsed.blocks)
    assert any(b.meta.get("has_error") for b in parsed.blocks)
    assert not any(b.meta.get("has_error") for b in parsed.blocks if b.symbol == "ok")
    assert parsed.warnings and "syntax errors" in parsed.warnings[0]
    covered = "".join(b.text for b in parsed.blocks if "broken" in b.text or "= = 2" in b.text)
    assert "= = 2" in covered


def test_unknown_language_falls_back_with_warning():
    data = b"(defun f (x)\n  (* x 2))\n\n(defun g () 1)\n"
    parsed = parse_bytes(data, ParseContext("lib.el", None, ParseOptions(format="code")))
    assert parsed.warnings and "not recognised" in parsed.warnings[0]
    assert [b.kind for b in parsed.blocks] == ["other", "other"]
    verify(parsed.document.text, parsed.blocks)


def test_oversize_file_falls_back_to_lines():
    data = b"x = 1\n" * 100
    parsed = parse_bytes(data, ParseContext("big.py", None, ParseOptions(extra=(("code_max_bytes", 100),))))
    assert "limit for a syntax tree" in parsed.warnings[0]


def test_forced_language_and_bad_language():
    from chunkline.core.errors import UsageError

    parsed = parse_bytes(b"fn main() {}\n", ParseContext("-", None, ParseOptions(format="code", extra=(("language", "rs"),))))
    assert parsed.document.meta["language"] == "rust"
    with pytest.raises(UsageError):
        parse_bytes(b"x", ParseContext("-", None, ParseOptions(format="code", extra=(("language", "cobol"),))))


def test_binary_input_is_a_format_error():
    from chunkline.core.errors import FormatError

    with pytest.raises(FormatError):
        parse_bytes(b"\x00\x01def", ParseContext("x.py", None))


def test_shebang_detection():
    assert interpreter_language(b"#!/usr/bin/env python3 -u\nprint(1)") == "python"
    assert interpreter_language(b"#!/usr/bin/env -S node --flag\n") == "javascript"
    assert interpreter_language(b"#!/bin/bash\n") == "bash"
    assert interpreter_language(b"#!/usr/bin/ruby2.7\n") == "ruby"
    assert interpreter_language(b"#!/usr/bin/perl\n") is None
    assert interpreter_language(b"no shebang") is None
    assert detect_language("tools/run", b"#!/usr/bin/env python3\n") == "python"
    assert detect_format("tools/run", b"#!/bin/sh\necho hi\n") == "code"
    assert detect_language("Rakefile", b"") == "ruby"


def test_timeout_is_an_input_error():
    from chunkline.core.errors import InputError

    data = b"x = [\n" + b"1,\n" * 400_000 + b"]\n"
    with pytest.raises(InputError) as exc:
        parse_bytes(data, ParseContext("slow.py", None, ParseOptions(timeout=1e-6)))
    assert exc.value.kind == "timeout"
    # and the parser recovers for the next file
    parsed = parse_bytes(b"def f():\n    pass\n", ParseContext("ok.py", None))
    assert parsed.blocks[0].symbol == "f"


@pytest.mark.parametrize(
    "path, head, expected",
    [
        ("dist/app.min.js", b"x", "generated or minified file name"),
        ("api/foo_pb2.py", b"", "generated or minified file name"),
        ("gen.go", b"// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n", "generated-file marker"),
        ("x.js", b"/* @generated */\n", "generated-file marker"),
        ("bundle.js", b"var a=1;" * 400 + b"\n", "minified"),
        ("package-lock.json", b"{}", "lock file"),
    ],
)
def test_generated_or_minified(path, head, expected):
    reason = is_generated_or_minified(path, head)
    assert reason is not None and reason.startswith(expected)


def test_hand_written_code_is_not_generated():
    for name in EXPECTED:
        assert is_generated_or_minified(name, (FIX / name).read_bytes()) is None


def test_minified_one_line_code_is_linear_and_signatures_bounded():
    """One-line minified code: every definition's line is the whole file, so
    signatures are cut (before: O(N^2) slicing, minutes for 12,000 functions)."""
    import time

    from chunkline.parsers.base import ParseContext, parse_bytes

    body = "".join("function f%d(a,b){return a+b*%d}" % (i, i) for i in range(12_000))
    data = ("!function(){" + body + "}();").encode()
    t = time.process_time()
    parsed = parse_bytes(data, ParseContext("app.js", None))
    elapsed = time.process_time() - t
    defs = [b for b in parsed.blocks if b.kind == "definition"]
    assert len(defs) >= 12_000
    assert all(len(d.meta["signature"]) <= 400 for d in defs)
    far = next(d for d in defs if d.symbol == "f5000")
    assert far.meta["signature"].startswith("function f5000(a,b)")
    assert elapsed < 8, elapsed


@pytest.mark.parametrize(
    "head, encoding",
    [
        (b"# -*- coding: latin-1 -*-\n", "latin-1"),
        (b"#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\n", "koi8-r"),
        (b"\n# coding=cp1252\n", "cp1252"),
    ],
)
def test_python_coding_declaration_is_honoured(head, encoding):
    """PEP 263: a Python file may declare its encoding on line 1 or 2."""
    body = 's = "Gr\u00fc\u00dfe \u00e9t\u00e9"\n' if encoding != "koi8-r" else 's = "\u041f\u0440\u0438\u0432\u0435\u0442"\n'
    data = head + body.encode(encoding)
    parsed = parse_bytes(data, ParseContext("m.py", "m.py"))
    assert parsed.document.text == head.decode("ascii") + body
    verify(parsed.document.text, parsed.blocks)
    assert all(b.byte_span is None for b in parsed.blocks)  # offsets cannot point into non-UTF-8 bytes


def test_coding_declaration_rules():
    from chunkline.core.errors import DecodeError

    # a cookie after a code line does not count, so the Latin-1 byte is an error as in Python
    with pytest.raises(DecodeError, match="not valid UTF-8"):
        parse_bytes(b"import os\n# coding: latin-1\nx = '\xe9'\n", ParseContext("m.py", "m.py"))
    # a misspelt declaration is reported, and the file is read as UTF-8 (it usually is)
    parsed = parse_bytes(b"# coding: uft-8\nx = '\xc3\xa9'\n", ParseContext("m.py", "m.py"))
    assert "\u00e9" in parsed.document.text
    assert parsed.warnings[0] == "unknown encoding 'uft-8' in the coding declaration; read as UTF-8"
    # an explicit --encoding wins over the cookie
    parsed = parse_bytes(b"# coding: koi8-r\nx = '\xe9'\n", ParseContext("m.py", "m.py", ParseOptions(encoding="latin-1")))
    assert "\u00e9" in parsed.document.text


# A class with two methods, in every grammar with classes and brace bodies.
_TWO_METHODS = {
    "a.js": "class A {\n  one () {\n    return 1\n  }\n\n  two () {\n    return 2\n  }\n}\n",
    "a.ts": "class A {\n  one (): number {\n    return 1\n  }\n\n  two (): number {\n    return 2\n  }\n}\n",
    "a.tsx": "class A {\n  one () {\n    return 1\n  }\n\n  two () {\n    return 2\n  }\n}\n",
    "A.java": "class A {\n    int one() {\n        return 1;\n    }\n\n    int two() {\n        return 2;\n    }\n}\n",
    "a.cs": "class A {\n    int one() {\n        return 1;\n    }\n\n    int two() {\n        return 2;\n    }\n}\n",
    "a.cpp": "class A {\n    int one() {\n        return 1;\n    }\n\n    int two() {\n        return 2;\n    }\n};\n",
    "a.rs": "impl A {\n    fn one() -> i32 {\n        1\n    }\n\n    fn two() -> i32 {\n        2\n    }\n}\n",
    "a.kt": "class A {\n    fun one(): Int {\n        return 1\n    }\n\n    fun two(): Int {\n        return 2\n    }\n}\n",
    "a.swift": "class A {\n    func one() -> Int {\n        return 1\n    }\n\n    func two() -> Int {\n        return 2\n    }\n}\n",
    "a.scala": "class A {\n  def one(): Int = {\n    1\n  }\n\n  def two(): Int = {\n    2\n  }\n}\n",
    "a.php": "<?php\nclass A {\n    function one() {\n        return 1;\n    }\n\n    function two() {\n        return 2;\n    }\n}\n",
}


@pytest.mark.parametrize("name", sorted(_TWO_METHODS))
def test_every_method_of_a_class_is_its_own_definition_with_a_one_line_signature(name):
    src = _TWO_METHODS[name]
    parsed = parse_bytes(src.encode(), ParseContext(name, None))
    verify(parsed.document.text, parsed.blocks)
    defs = {b.symbol: b for b in parsed.blocks if b.kind == "definition"}
    assert set(defs) == {"A", "A.one", "A.two"}, defs.keys()
    base = 1 if name.endswith(".php") else 0
    assert defs["A"].lines == (base + 1, base + 9)
    assert defs["A.one"].lines == (base + 2, base + 4) and defs["A.two"].lines == (base + 6, base + 8)
    # the signature is the declaration up to its body, never body lines
    assert defs["A"].meta["signature"] in ("class A", "impl A")
    for m in ("A.one", "A.two"):
        sig = defs[m].meta["signature"]
        assert "\n" not in sig and m[-3:] in sig and "return" not in sig and not sig.endswith("{"), sig


def test_multi_line_signatures_stop_at_the_body():
    src = b"impl A {\n    pub fn retain<F>(&mut self, f: F)\n    where\n        F: FnMut(&T) -> bool,\n    {\n        self.x(f)\n    }\n}\n"
    parsed = parse_bytes(src, ParseContext("a.rs", None))
    (m,) = [b for b in parsed.blocks if b.symbol == "A.retain"]
    assert m.meta["signature"] == "    pub fn retain<F>(&mut self, f: F)\n    where\n        F: FnMut(&T) -> bool,"
    java = b"class A {\n    public void run(int a,\n                    int b)\n        throws IOException {\n        go();\n    }\n}\n"
    parsed = parse_bytes(java, ParseContext("A.java", None))
    (m,) = [b for b in parsed.blocks if b.symbol == "A.run"]
    assert m.meta["signature"] == "    public void run(int a,\n                    int b)\n        throws IOException"


def test_rust_doc_comments_and_attributes_belong_to_their_item():
    src = b"use std::fmt;\n\n/// one\n/// two\n#[inline]\n#[must_use]\npub fn f(x: u32) -> u32 {\n    x + 1\n}\n\n#[derive(Debug)]\npub struct S;\n"
    parsed = parse_bytes(src, ParseContext("a.rs", None))
    verify(parsed.document.text, parsed.blocks)
    assert [(b.kind, b.symbol, b.lines) for b in parsed.blocks] == [
        ("import", None, (1, 1)),
        ("definition", "f", (3, 9)),
        ("definition", "S", (11, 12)),
    ]


def test_a_run_of_line_comments_above_a_definition_is_not_repeated_as_a_comment_block():
    src = b"package p\n\n// Listen opens the socket.\n// It creates the directory first.\nfunc Listen() error {\n\treturn nil\n}\n"
    parsed = parse_bytes(src, ParseContext("s.go", None))
    assert [(b.kind, b.lines) for b in parsed.blocks] == [("import", (1, 1)), ("definition", (3, 7))]


def test_c_parameters_that_look_like_declarators_are_not_definitions():
    src = b"static PyObject *\nadd(PyObject *Py_UNUSED(module), PyObject *args)\n{\n    return args;\n}\n\nvoid sort(void *base, int (*compar)(const void *, const void *))\n{\n    compar(base, base);\n}\n"
    parsed = parse_bytes(src, ParseContext("ext.c", None))
    assert [(b.symbol, b.lines) for b in parsed.blocks if b.kind == "definition"] == [("add", (1, 5)), ("sort", (7, 10))]


def test_a_preprocessor_line_is_one_block():
    src = b"#ifndef MY_H\n#define MY_H\n#include <stdio.h>\n\nint f(int x);\nint g(int x) { return x; }\n\n#endif\n"
    parsed = parse_bytes(src, ParseContext("my.h", None))
    verify(parsed.document.text, parsed.blocks)
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("statement", "#ifndef MY_H"),
        ("statement", "#define MY_H"),
        ("import", "#include <stdio.h>"),
        ("definition", "int f(int x);"),
        ("definition", "int g(int x) { return x; }"),
        ("other", "#endif"),
    ]


_TS = b"""import type { User } from './user';

/** A user's role. */
export enum Role {
  Admin = 'admin',
}

export type Handler = (u: User) => void;

export class UserService {
  save = async (item: User): Promise<void> => {
    this.cache.set(item.id, item);
  };
}

namespace Util {
  export function id<T>(x: T): T { return x; }
}
"""


@pytest.mark.parametrize("name", ["svc.ts", "svc.tsx"])
def test_typescript_enums_type_aliases_namespaces_and_function_fields_are_definitions(name):
    parsed = parse_bytes(_TS, ParseContext(name, None))
    verify(parsed.document.text, parsed.blocks)
    defs = {b.symbol: b for b in parsed.blocks if b.kind == "definition"}
    assert set(defs) == {"Role", "Handler", "UserService", "UserService.save", "Util", "Util.id"}
    assert defs["Role"].text.startswith("/** A user's role. */") and defs["Role"].lines == (3, 6)
    assert defs["UserService.save"].meta["def_kind"] == "method"
    assert defs["UserService.save"].meta["signature"] == "  save = async (item: User): Promise<void> =>"
    assert defs["Util"].meta["signature"] == "namespace Util"


@pytest.mark.parametrize(
    "name, src, n",
    [
        ("a.js", b"const fs = require('fs')\nconst { join } = require(\"path\");\nconst x = require('y').z\nimport './a.css';\n\nfs.readFileSync(join('a'))\n", 4),
        ("a.ts", b"import a from 'a';\nconst b = require('b');\n\nconsole.log(a, b);\n", 2),
        ("a.rb", b"require 'json'\nrequire_relative \"lib/x\"\n\nputs 1\n", 2),
        ("a.lua", b'local json = require("cjson")\nlocal util = require "util"\n\nprint(1)\n', 2),
        ("a.php", b'<?php\nrequire_once __DIR__ . "/vendor/autoload.php";\nuse Foo\\Bar;\n\necho 1;\n', 2),
        ("a.sh", b"source ./lib.sh\n. /etc/profile\n\necho hi\n", 2),
    ],
)
def test_require_style_statements_are_grouped_imports(name, src, n):
    parsed = parse_bytes(src, ParseContext(name, None))
    verify(parsed.document.text, parsed.blocks)
    imports = [b for b in parsed.blocks if b.kind == "import"]
    assert len(imports) == 1 and imports[0].text.count("\n") == n - 1, [(b.kind, b.text) for b in parsed.blocks]
    assert parsed.blocks[-1].kind == "statement"  # the code after them is not an import


def test_javascript_class_fields_holding_functions_are_methods():
    src = b"class Counter extends React.Component {\n  state = { n: 0 };\n\n  handleClick = () => {\n    this.setState({ n: 1 });\n  };\n\n  render() {\n    return <b onClick={this.handleClick} />;\n  }\n}\n"
    parsed = parse_bytes(src, ParseContext("app.jsx", None))
    defs = {b.symbol: b.lines for b in parsed.blocks if b.kind == "definition"}
    assert defs == {"Counter": (1, 11), "Counter.handleClick": (4, 6), "Counter.render": (8, 10)}


def test_large_minified_code_gets_line_blocks_before_any_syntax_tree():
    """A minified bundle over MAX_MINIFIED_TREE_BYTES is split into line blocks
    with a warning, before tree-sitter: its tree and one-line "definitions"
    take ~150x the source in memory (a 7 MB bundle: over 1 GB)."""
    from chunkline.parsers.code.parser import MAX_MINIFIED_TREE_BYTES

    body = "".join("function f%d(a,b){return a+b*%d};" % (i, i) for i in range(MAX_MINIFIED_TREE_BYTES // 30))
    data = ("!function(){" + body + "}();").encode()
    assert len(data) > MAX_MINIFIED_TREE_BYTES
    parsed = parse_bytes(data, ParseContext("app.js", None))
    assert not any(b.kind == "definition" for b in parsed.blocks)
    assert [b.kind for b in parsed.blocks] == ["other"] and parsed.blocks[0].text == data.decode()
    assert any("minified" in w for w in parsed.warnings)
