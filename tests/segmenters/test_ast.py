"""``ast`` segmenter: exact tiling, budget, structure, context, fallbacks."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chunkline.core.errors import InputError
from chunkline.core.records import verify
from chunkline.core.tokenizers import get_sizer
from chunkline.parsers.base import ParseContext, ParseOptions, parse_bytes
from chunkline.segmenters.base import parse_strategy, segment

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "code"


def chunks_of(data: bytes, name: str, spec: str, **opts):
    parsed = parse_bytes(data, ParseContext(name, None, ParseOptions(**opts)))
    strategy = parse_strategy(spec)
    return parsed, strategy, segment(parsed, strategy)


def check(parsed, strategy, chunks, tiling=True):
    text = parsed.document.text
    verify(text, chunks)
    sizer = get_sizer(strategy.budget.tokenizer)
    for c in chunks:
        assert c.token_count == sizer.count(c.text) <= strategy.budget.max_size
    if tiling:
        assert "".join(c.text for c in chunks) == text


def test_default_tokenizer_is_nws():
    assert parse_strategy("ast:max_tokens=100").budget.tokenizer == "nws"


@pytest.mark.parametrize("name", sorted(os.listdir(FIX)))
@pytest.mark.parametrize("budget", [8, 40, 400])
def test_fixtures_tile_and_fit(name, budget):
    check(*chunks_of((FIX / name).read_bytes(), name, f"ast:max_tokens={budget}"))


def test_small_functions_are_never_split_and_context_has_signatures():
    parsed, strategy, chunks = chunks_of((FIX / "sample.py").read_bytes(), "sample.py", "ast:max_tokens=60")
    check(parsed, strategy, chunks)
    defs = [b for b in parsed.blocks if b.kind == "definition"]
    for d in defs:
        nws = get_sizer("nws").count(d.text)
        if nws <= 60:  # a definition that fits lies inside one chunk
            assert any(c.start <= d.start and d.end <= c.end for c in chunks), d.symbol
    # the class does not fit: its methods get the class signature as context
    inner = [c for c in chunks if "return x + y" in c.text][0]
    assert inner.context.splitlines()[0] == "sample.py"
    assert "class Parser:" in inner.context
    assert inner.section[0] == "Parser"
    with_helper = [c for c in chunks if "def helper(" in c.text][0]
    assert "Parser.helper" in with_helper.context
    assert "symbols:" in with_helper.context


def test_head_of_a_split_node_is_glued_to_its_first_window():
    src = "class Big:\n" + "".join(f"    def m{i}(self):\n        return {i} + {i} + {i}\n\n" for i in range(30))
    parsed, strategy, chunks = chunks_of(src.encode(), "big.py", "ast:max_tokens=120")
    check(parsed, strategy, chunks)
    assert chunks[0].text.startswith("class Big:\n    def m0(self):")
    # every chunk holds whole methods: each starts at a method (or the class) line
    for c in chunks:
        first = c.text.lstrip().split("\n", 1)[0]
        assert first.startswith(("class Big", "def m")), first
    assert all(c.section == ("Big",) for c in chunks[1:])


def test_giant_leaf_is_split_at_lines_then_hard_cut():
    long_line = "x" * 500
    src = 'S = """\n' + "\n".join(["word " * 30] * 20) + "\n" + long_line + '\n"""\n'
    parsed, strategy, chunks = chunks_of(src.encode(), "s.py", "ast:max_tokens=100")
    check(parsed, strategy, chunks)
    assert any(c.text == "x" * 100 for c in chunks)
    assert sum(c.text.endswith("\n") for c in chunks) >= 10  # line cuts preferred


@pytest.mark.parametrize("spec", ["ast:max_tokens=64,tokenizer=cl100k_base", "ast:max_chars=200", "ast:max_tokens=30,tokenizer=words"])
def test_other_tokenizers(spec):
    check(*chunks_of((FIX / "sample.py").read_bytes() * 3, "x.py", spec))


def test_overlap_repeats_sibling_windows_within_budget():
    src = "".join(f"x{i} = {i}\n" for i in range(200)).encode()
    parsed, strategy, chunks = chunks_of(src, "o.py", "ast:max_tokens=50,overlap=10")
    check(parsed, strategy, chunks, tiling=False)
    text = parsed.document.text
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end  # overlapping
        assert b.start > a.start


def test_non_code_documents_still_chunk():
    data = b"First paragraph here.\n\nSecond one, a bit longer than the first.\n" * 20
    parsed, strategy, chunks = chunks_of(data, "notes.txt", "ast:max_tokens=40")
    verify(parsed.document.text, chunks)
    assert all(c.token_count <= 40 for c in chunks) and chunks


def test_code_without_grammar_tiles_by_lines():
    data = b"(defun f (x)\n  (* x 2))\n\n" * 40
    parsed, strategy, chunks = chunks_of(data, "lib.el", "ast:max_tokens=30", format="code")
    check(parsed, strategy, chunks)
    assert all(c.text.endswith("\n") for c in chunks)


def test_context_can_be_switched_off():
    _, _, chunks = chunks_of((FIX / "sample.py").read_bytes(), "x.py", "ast:max_tokens=60,context=false")
    assert all(c.context is None for c in chunks)


_CODE_ALPHABET = st.sampled_from(list("abc xyz\n\n\t    ()[]{}:;,.=+'\"#/*\\") + ["def ", "class ", "return ", "if ", "é", "☕", "\u00a0", "\r\n", "    pass\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    src=st.lists(_CODE_ALPHABET, max_size=300).map("".join),
    budget=st.integers(1, 80),
    tokenizer=st.sampled_from(["nws", "chars", "cl100k_base"]),
    lang=st.sampled_from(["x.py", "x.js", "x.c", "x.rs", "x.rb"]),
)
def test_random_sources_tile_and_fit(src, budget, tokenizer, lang):
    data = src.encode("utf-8")
    try:
        parsed = parse_bytes(data, ParseContext(lang, None))
    except InputError:
        return
    verify(parsed.document.text, parsed.blocks)
    if tokenizer == "cl100k_base":
        budget = max(budget, 4)  # one character can take 4 tokens; smaller budgets are refused
    strategy = parse_strategy(f"ast:max_tokens={budget},tokenizer={tokenizer}")
    check(parsed, strategy, segment(parsed, strategy))


def _stdlib_files():
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)


@pytest.mark.slow
def test_every_stdlib_file_tiles_within_budget():
    """The issue's property test: tiling and budget on the whole standard library."""
    strategy = parse_strategy("ast:max_tokens=1500")
    files = _stdlib_files()
    assert len(files) > 1000
    n = 0
    for path in files:
        data = path.read_bytes()
        try:
            parsed = parse_bytes(data, ParseContext(str(path), str(path)))
        except InputError:
            continue  # a few test files are deliberately not UTF-8
        chunks = segment(parsed, strategy)
        assert "".join(c.text for c in chunks) == parsed.document.text, path
        assert all(c.token_count <= 1500 for c in chunks), path
        n += 1
    assert n > 1000


def test_build_chunks_ids_equal_core_chunk_id():
    """The per-document id maker must hash exactly chunk_id's payload (ids are
    part of every record and of incremental manifests)."""
    from chunkline.core.ids import chunk_id
    from chunkline.segmenters.base import _chunk_id_maker

    for doc_id, strategy, params_hash in [("abc123", "ast", "0f3e"), ('é"\\x', "na\u2028me", "\x01")]:
        make = _chunk_id_maker(doc_id, strategy, params_hash)
        for s, e in [(0, 1), (3, 17), (10**9, 10**9 + 5)]:
            assert make(s, e) == chunk_id(doc_id, s, e, strategy, params_hash)


@pytest.mark.parametrize("overlap", [0, 40])
def test_chunk_lines_match_line_starts(overlap):
    """build_chunks counts newlines incrementally (chunks step back with
    overlap); the result must equal bisecting the line starts."""
    import bisect

    from chunkline.parsers.base import ParseContext, line_starts, parse_bytes
    from chunkline.segmenters.base import parse_strategy, segment

    src = "".join(f"def f{i}(x):\n    '''doc {i}'''\n\n    return x + {i}\n\n" for i in range(60)).encode()
    parsed = parse_bytes(src, ParseContext("m.py", None))
    text = parsed.document.text
    starts = line_starts(text)
    for spec in ("ast", "recursive"):
        chunks = segment(parsed, parse_strategy(spec, max_tokens=120, tokenizer="nws", overlap=overlap))
        assert len(chunks) > 3
        for c in chunks:
            assert c.lines == (bisect.bisect_right(starts, c.start), bisect.bisect_right(starts, c.end - 1))


def test_deeply_nested_code_tiles_without_recursion_error():
    """3,000 nested brackets: past MAX_SPLIT_DEPTH oversize nodes are split by
    lines, so the file still tiles and stays within budget."""
    from chunkline.parsers.base import ParseContext, parse_bytes
    from chunkline.segmenters.base import parse_strategy, segment

    src = ("x = " + "[" * 3000 + "1" + "]" * 3000 + "\n" + "def f():\n    return 1\n").encode()
    parsed = parse_bytes(src, ParseContext("deep.py", None))
    chunks = segment(parsed, parse_strategy("ast", max_tokens=100, tokenizer="nws"))
    assert "".join(c.text for c in chunks) == parsed.document.text
    assert all(c.token_count <= 100 for c in chunks)


def _javadoc_class(n: int) -> str:
    methods = "".join(
        f"    /**\n     * Returns the value number {i} of this holder, computed on demand.\n"
        f"     * @return the value {i}\n     */\n    @Override\n    public int value{i}() {{\n"
        f"        return compute({i}) + {i};\n    }}\n\n"
        for i in range(n)
    )
    return f"package p;\n\nclass Holder {{\n{methods}}}\n"


@pytest.mark.parametrize("budget", [130, 200, 333, 1000])
def test_leading_doc_comments_stay_with_their_definition(budget):
    # Javadoc is a sibling of its method in the tree: a chunk boundary must
    # never fall between them when the whole definition fits.
    parsed, strategy, chunks = chunks_of(_javadoc_class(12).encode(), "Holder.java", f"ast:max_tokens={budget}")
    check(parsed, strategy, chunks)
    methods = [b for b in parsed.blocks if b.kind == "definition" and b.symbol.startswith("Holder.value")]
    assert len(methods) == 12 and all(m.text.startswith("/**") for m in methods)
    for m in methods:
        assert get_sizer("nws").count(m.text) <= budget
        assert any(c.start <= m.start and m.end <= c.end for c in chunks), (m.symbol, [(c.start, c.end) for c in chunks])


def test_rust_attributes_and_doc_comments_stay_with_their_item():
    items = "".join(f"/// Item {i}: a small documented function.\n/// Second line of docs.\n#[inline]\n#[must_use]\npub fn f{i}(x: u32) -> u32 {{\n    x + {i}\n}}\n\n" for i in range(10))
    parsed, strategy, chunks = chunks_of(items.encode(), "lib.rs", "ast:max_tokens=150")
    check(parsed, strategy, chunks)
    defs = [b for b in parsed.blocks if b.kind == "definition"]
    assert len(defs) == 10 and all(d.text.startswith("/// Item") for d in defs)
    for c in chunks:
        assert c.text.lstrip().startswith("/// Item"), c.text


def test_an_oversize_definition_keeps_the_end_of_its_doc_comment_with_its_head():
    doc = "".join(f"     * Line {i} of a long description of what this method does.\n" for i in range(40))
    body = "".join(f"        total += step({i});\n" for i in range(40))
    src = f"class A {{\n    /**\n{doc}     */\n    public int run() {{\n        int total = 0;\n{body}        return total;\n    }}\n}}\n"
    parsed, strategy, chunks = chunks_of(src.encode(), "A.java", "ast:max_tokens=600")
    check(parsed, strategy, chunks)
    head = [c for c in chunks if "public int run()" in c.text]
    assert len(head) == 1 and "*/" in head[0].text  # the doc's last lines ride with the signature
    assert not any(c.text.strip() in ("*/", "/**") for c in chunks)


def test_tree_travels_on_the_parsed_document(monkeypatch):
    """ast takes the parser's tree from the document: no second parse, no module cache."""
    import chunkline.parsers.code.tree as tree

    data = (FIX / "sample.py").read_bytes()
    parsed = parse_bytes(data, ParseContext("sample.py", None))
    assert parsed.facts["syntax_tree"].text == parsed.document.text

    def no_second_parse(*a, **k):
        raise AssertionError("ast parsed the file again")

    monkeypatch.setattr(tree, "parse_tree", no_second_parse)
    strategy = parse_strategy("ast:max_tokens=60")
    check(parsed, strategy, segment(parsed, strategy))


def test_pickled_document_drops_the_tree_and_ast_gives_the_same_chunks():
    import pickle

    data = (FIX / "sample.py").read_bytes()
    parsed = parse_bytes(data, ParseContext("sample.py", None))
    copy = pickle.loads(pickle.dumps(parsed))
    assert "syntax_tree" not in copy.facts and copy == parsed
    strategy = parse_strategy("ast:max_tokens=60")
    assert segment(copy, strategy) == segment(parsed, strategy)


def test_fallback_is_a_fact_not_the_wording_of_a_warning():
    import dataclasses

    data = b"def f():\n    return 1\n\n\ndef g():\n    return 2\n" * 20
    parsed = parse_bytes(data, ParseContext("big.py", None, ParseOptions(extra=(("code_max_bytes", 100),))))
    assert parsed.facts.get("code_fallback") and "syntax_tree" not in parsed.facts
    strategy = parse_strategy("ast:max_tokens=30")
    silent = dataclasses.replace(parsed, warnings=())  # reworded or dropped warnings change nothing
    assert segment(silent, strategy) == segment(parsed, strategy)
    # a warning that merely mentions the fallback's wording does not switch the tree off
    ok = parse_bytes(b"def f():\n    return 1\n", ParseContext("ok.py", None))
    noisy = dataclasses.replace(ok, warnings=("split into blank-line separated blocks",))
    assert segment(noisy, strategy) == segment(ok, strategy)


def test_overlap_never_carries_a_window_over_the_budget():
    """Issue 17.1: the repeated tail plus the next sibling went over the budget
    (``ast`` with any overlap on the stdlib: "a chunk of 815 nws over 800")."""
    small = "a=1\n" * 30  # 3 nws a line: the tail repeated as overlap
    big = "y = " + "+".join(["1"] * 21) + "\n"  # 43 nws: fits alone, not after the tail
    src = (small + big) * 3
    parsed, strategy, chunks = chunks_of(src.encode(), "o.py", "ast:max_tokens=45,overlap=10")
    check(parsed, strategy, chunks, tiling=False)
    assert chunks[0].start == 0 and chunks[-1].end == len(parsed.document.text)


@pytest.mark.parametrize("overlap", [1, 100, 399])
def test_overlap_on_a_real_module_stays_within_budget(overlap):
    path = Path(sysconfig.get_paths()["stdlib"]) / "asyncio" / "base_events.py"
    parsed, strategy, chunks = chunks_of(path.read_bytes(), str(path), f"ast:max_tokens=800,overlap={overlap}")
    check(parsed, strategy, chunks, tiling=False)
