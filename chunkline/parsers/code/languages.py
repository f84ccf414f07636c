"""The language table of the code parser: extensions, shebangs, grammars, tags queries.

Every grammar comes from an official per-language ``tree-sitter-<lang>`` wheel
that ships the compiled grammar, so nothing is downloaded at run time.  Most
wheels also ship ``TAGS_QUERY``, the query GitHub's code navigation uses to
name definitions (``@definition.class``, ``@definition.method``...) in a
language-neutral way; we keep only its definition patterns.  Where a wheel has
no tags query (C#, Bash, Kotlin) or misses a unit users expect (Rust ``impl``,
TypeScript inheriting JavaScript's patterns), this table supplies a small one.

Loading is lazy and cached per process: importing this module costs nothing,
the first file of a language pays for its grammar and query.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language, Query


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """One language: where its grammar lives and how files announce it.

    ``tags_from``: wheels whose tags query contributes definition patterns
    (TypeScript reuses JavaScript's, as upstream does).  ``extra_tags``:
    definition patterns this table adds.  ``imports``: a regular expression
    for statements that are imports although the grammar parses them as
    calls (CommonJS ``const x = require('x')``, Ruby ``require 'x'``).
    """

    name: str
    module: str
    function: str = "language"
    extensions: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    interpreters: tuple[str, ...] = ()
    tags_from: tuple[str, ...] = ()
    extra_tags: str = ""
    imports: str = ""


_CSHARP_TAGS = """
(class_declaration name: (_) @name) @definition.class
(struct_declaration name: (_) @name) @definition.class
(record_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(enum_declaration name: (_) @name) @definition.type
(delegate_declaration name: (_) @name) @definition.type
(method_declaration name: (_) @name) @definition.method
(constructor_declaration name: (_) @name) @definition.method
(property_declaration name: (_) @name) @definition.property
(namespace_declaration name: (_) @name) @definition.module
(file_scoped_namespace_declaration name: (_) @name) @definition.module
(local_function_statement name: (_) @name) @definition.function
"""

_KOTLIN_TAGS = """
(class_declaration name: (_) @name) @definition.class
(object_declaration name: (_) @name) @definition.object
(function_declaration name: (_) @name) @definition.function
(type_alias type: (_) @name) @definition.type
"""

_BASH_TAGS = """
(function_definition name: (_) @name) @definition.function
"""

#: Class fields holding functions (``handleClick = () => {...}``), common in
#: React and Angular code; the wheels' tags queries skip them.
_JS_EXTRA = """
(field_definition property: (_) @name value: [(arrow_function) (function_expression)]) @definition.method
"""

#: TypeScript's own declarations its wheel's tags query leaves out.
_TS_EXTRA = """
(public_field_definition name: (_) @name value: [(arrow_function) (function_expression)]) @definition.method
(enum_declaration name: (_) @name) @definition.type
(type_alias_declaration name: (_) @name) @definition.type
(internal_module name: (_) @name) @definition.module
"""

_JS_IMPORTS = r"""(?:(?:const|let|var)\s+[^=;]+?=\s*)?require\s*\(\s*(['"`])[^'"`]+\1\s*\)(?:\.\w+)*\s*;?"""

_RUST_EXTRA = """
(impl_item type: (_) @name) @definition.impl
"""

LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", "tree_sitter_python", extensions=(".py", ".pyi", ".pyw"), interpreters=("python", "python2", "python3", "pypy", "pypy3"), tags_from=("tree_sitter_python",)),
    LanguageSpec("javascript", "tree_sitter_javascript", extensions=(".js", ".mjs", ".cjs", ".jsx"), interpreters=("node", "nodejs"), tags_from=("tree_sitter_javascript",), extra_tags=_JS_EXTRA, imports=_JS_IMPORTS),
    LanguageSpec("typescript", "tree_sitter_typescript", "language_typescript", extensions=(".ts", ".mts", ".cts"), interpreters=("deno", "ts-node", "tsx"), tags_from=("tree_sitter_javascript", "tree_sitter_typescript"), extra_tags=_TS_EXTRA, imports=_JS_IMPORTS),
    LanguageSpec("tsx", "tree_sitter_typescript", "language_tsx", extensions=(".tsx",), tags_from=("tree_sitter_javascript", "tree_sitter_typescript"), extra_tags=_TS_EXTRA, imports=_JS_IMPORTS),
    LanguageSpec("go", "tree_sitter_go", extensions=(".go",), tags_from=("tree_sitter_go",)),
    LanguageSpec("rust", "tree_sitter_rust", extensions=(".rs",), tags_from=("tree_sitter_rust",), extra_tags=_RUST_EXTRA),
    LanguageSpec("java", "tree_sitter_java", extensions=(".java",), tags_from=("tree_sitter_java",)),
    LanguageSpec("c", "tree_sitter_c", extensions=(".c", ".h"), tags_from=("tree_sitter_c",)),
    LanguageSpec("cpp", "tree_sitter_cpp", extensions=(".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".inl", ".tpp"), tags_from=("tree_sitter_cpp",)),
    LanguageSpec("c_sharp", "tree_sitter_c_sharp", extensions=(".cs",), extra_tags=_CSHARP_TAGS),
    LanguageSpec("ruby", "tree_sitter_ruby", extensions=(".rb", ".rake", ".gemspec", ".ru"), filenames=("rakefile", "gemfile", "guardfile", "vagrantfile"), interpreters=("ruby", "jruby"), tags_from=("tree_sitter_ruby",), imports=r"""(?:require|require_relative|load)\s*\(?\s*(['"])[^'"]+\1\s*\)?"""),
    LanguageSpec("php", "tree_sitter_php", "language_php", extensions=(".php", ".phtml", ".php3", ".php4", ".php5", ".phps"), interpreters=("php",), tags_from=("tree_sitter_php",), imports=r"""(?:require|require_once|include|include_once)\b[^;]*;"""),
    LanguageSpec("bash", "tree_sitter_bash", extensions=(".sh", ".bash", ".ksh"), filenames=(".bashrc", ".bash_profile", ".profile"), interpreters=("sh", "bash", "dash", "ksh", "ash"), extra_tags=_BASH_TAGS, imports=r"""(?:source|\.)\s+\S+"""),
    LanguageSpec("kotlin", "tree_sitter_kotlin", extensions=(".kt", ".kts"), interpreters=("kotlin",), extra_tags=_KOTLIN_TAGS),
    LanguageSpec("swift", "tree_sitter_swift", extensions=(".swift",), tags_from=("tree_sitter_swift",)),
    LanguageSpec("scala", "tree_sitter_scala", extensions=(".scala", ".sc"), interpreters=("scala",), tags_from=("tree_sitter_scala",)),
    LanguageSpec("lua", "tree_sitter_lua", extensions=(".lua",), interpreters=("lua", "luajit", "texlua"), tags_from=("tree_sitter_lua",), imports=r"""(?:local\s+[\w\s,]+=\s*)?require\s*\(?\s*(['"])[^'"]+\1\s*\)?(?:\.\w+)*"""),
)

BY_NAME: dict[str, LanguageSpec] = {s.name: s for s in LANGUAGES}
_BY_EXT: dict[str, str] = {e: s.name for s in LANGUAGES for e in s.extensions}
_BY_FILENAME: dict[str, str] = {f: s.name for s in LANGUAGES for f in s.filenames}
_BY_INTERPRETER: dict[str, str] = {i: s.name for s in LANGUAGES for i in s.interpreters}
#: Common aliases users type for ``--format code`` language overrides.
ALIASES: dict[str, str] = {"py": "python", "js": "javascript", "ts": "typescript", "c#": "c_sharp", "csharp": "c_sharp", "cs": "c_sharp", "c++": "cpp", "sh": "bash", "shell": "bash", "kt": "kotlin", "rb": "ruby", "rs": "rust", "golang": "go"}

ALL_EXTENSIONS: tuple[str, ...] = tuple(sorted(_BY_EXT))
ALL_FILENAMES: tuple[str, ...] = tuple(sorted(_BY_FILENAME))
#: What the parser table detects the ``code`` format by.
ALL_EXTENSIONS_AND_FILENAMES: tuple[str, ...] = ALL_EXTENSIONS + ALL_FILENAMES

_SHEBANG = re.compile(rb"^#![ \t]*(\S+)(?:[ \t]+(.*))?")
_VERSIONED = re.compile(r"^([a-z+-]+?)[\d.]*$")


def sniff(head: bytes, _name: str) -> bool:
    """Whether a file whose extension says nothing is source code (a ``#!`` line naming a known interpreter)."""
    return interpreter_language(head) is not None


def interpreter_language(head: bytes) -> str | None:
    """The language a ``#!`` line names (``#!/usr/bin/env python3 -u`` -> python)."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    m = _SHEBANG.match(first)
    if not m:
        return None
    prog = os.path.basename(m.group(1).decode("utf-8", "replace"))
    if prog == "env":
        args = (m.group(2) or b"").decode("utf-8", "replace").split()
        args = [a for a in args if not a.startswith("-") and "=" not in a]
        if not args:
            return None
        prog = os.path.basename(args[0])
    if prog in _BY_INTERPRETER:
        return _BY_INTERPRETER[prog]
    v = _VERSIONED.match(prog)  # python3.11, ruby2.7, lua5.4
    return _BY_INTERPRETER.get(v.group(1)) if v else None


def detect_language(display: str, head: bytes) -> str | None:
    """Language by file extension (or exact file name), then by shebang; None if unknown."""
    base = os.path.basename(display).lower()
    parts = base.split(".")
    for i in range(1, len(parts)):
        ext = "." + ".".join(parts[i:])
        if ext in _BY_EXT:
            return _BY_EXT[ext]
    if base in _BY_FILENAME:
        return _BY_FILENAME[base]
    return interpreter_language(head)


def normalize_language(name: str) -> str | None:
    """A user-given language name (``py``, ``C#``, ``typescript``) -> table name, or None."""
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    return key if key in BY_NAME else None


@dataclass(frozen=True)
class Grammar:
    """A loaded language: the tree-sitter Language and its definitions query."""

    name: str
    language: Language
    definitions: Query | None  # tree_sitter.Query of @definition.* / @name patterns, or None


def _definition_patterns(lang, source: str) -> list[str]:
    """The definition patterns of a tags query, each compiled alone against
    ``lang`` so that a pattern the grammar lacks (TS reusing JS's) is dropped,
    not fatal.  Reference patterns are dropped: they match every call and
    would cost more than the parse."""
    from tree_sitter import Query

    try:
        q = Query(lang, source)
        raw = source.encode("utf-8")
        pats = [raw[q.start_byte_for_pattern(i) : q.end_byte_for_pattern(i)].decode("utf-8") for i in range(q.pattern_count)]
    except Exception:
        # The whole query does not compile against this grammar: split it at
        # top-level parentheses and try each piece.
        pats = _split_patterns(source)
    out = []
    for p in pats:
        if "@definition." not in p or "@name" not in p:
            continue
        try:
            Query(lang, p)
        except Exception:
            continue
        out.append(p)
    return out


def _split_patterns(source: str) -> list[str]:
    """Top-level S-expression patterns of a query (comments dropped)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(";")]
    text = "\n".join(lines)
    out, depth, start = [], 0, 0
    in_str = False
    for i, ch in enumerate(text):
        if ch == '"' and (i == 0 or text[i - 1] != "\\"):
            in_str = not in_str
        if in_str:
            continue
        if ch in "([":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                j = i + 1
                while j < len(text) and (text[j] in "@._-+*?" or text[j].isalnum()):
                    j += 1
                out.append(text[start:j])
    return out


def _wheel_tags(module: str) -> str:
    mod = importlib.import_module(module)
    src = getattr(mod, "TAGS_QUERY", None)
    if src:
        return src
    path = os.path.join(os.path.dirname(mod.__file__ or ""), "queries", "tags.scm")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    return ""


@functools.lru_cache(maxsize=None)
def load_grammar(name: str) -> Grammar:
    """Load a language's grammar and definitions query (cached per process).

    Raises ImportError/OSError when the grammar wheel is missing or broken;
    the parser turns that into a fallback with a warning.
    """
    from tree_sitter import Language, Query

    spec = BY_NAME[name]
    mod = importlib.import_module(spec.module)
    lang = Language(getattr(mod, spec.function)())
    patterns: list[str] = []
    for src_mod in spec.tags_from:
        patterns += _definition_patterns(lang, _wheel_tags(src_mod))
    if spec.extra_tags:
        patterns += _definition_patterns(lang, spec.extra_tags)
    query = Query(lang, "\n".join(patterns)) if patterns else None
    return Grammar(name, lang, query)


@functools.lru_cache(maxsize=None)
def get_parser(name: str):
    """A tree-sitter Parser for a language (one per process and language)."""
    from tree_sitter import Parser

    return Parser(load_grammar(name).language)
