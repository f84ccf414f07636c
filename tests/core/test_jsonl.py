"""JSONL bytes: the compiled encoder (orjson) must write exactly what the standard library writes."""

import json

import pytest

from chunkline.core import jsonl
from chunkline.core.records import Block, Chunk

HARD_FLOATS = [0.0, -0.0, 1.0, 0.5, 1e-4, 9.99e-05, 5e-05, 2e-06, 1e-06, 4e-07, 123456.123456, 1e15, 1e16, 1.5e20, -3.3e-05]


def _stdlib(obj) -> bytes:
    if not isinstance(obj, dict):
        obj = jsonl.record_to_dict(obj)
    return (json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(obj).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085") + "\n").encode()


@pytest.mark.parametrize("value", HARD_FLOATS)
def test_floats_are_written_as_the_stdlib_writes_them(value):
    b = Block(kind="table", start=0, end=1, text="x", bboxes=((1, value, 2.0, 3.0, value),), meta={"score": value})
    assert jsonl.dumps_line(b) == _stdlib(b)
    assert jsonl.dumps_line(b) == (jsonl.dumps(b) + "\n").encode()


def test_strings_ints_and_keys_are_written_as_the_stdlib_writes_them():
    text = "".join(chr(i) for i in range(32)) + '\x7f"\\/ é 日本 \U0001f600 \u2028\u2029\x85 end'
    c = Chunk(
        id="i", doc_id="d", source="fs/bad-\\xff-name.txt", index=0, text=text, start=0, end=len(text), token_count=3,
        tokenizer="cl100k_base", strategy="recursive", params_hash="p", section=("A", "B"), lines=(1, 2),
        meta={"z": [1, 2**70], "a": {"k": None, "t": True}, 5: "int key"},
    )
    line = jsonl.dumps_line(c)
    assert line == _stdlib(c)
    assert b"\\u2028" in line and b"\\u0085" in line and line.count(b"\n") == 1


def test_infinity_is_refused_as_before():
    with pytest.raises(ValueError):
        jsonl.dumps_line(Block(kind="x", start=0, end=0, text="", meta={"v": float("inf")}))


def test_records_without_meta_or_boxes_are_written_as_their_dicts():
    c = Chunk(id="i", doc_id="d", source="s", index=2, text="t\u2028x", start=0, end=3, token_count=1, tokenizer="chars", strategy="fixed", params_hash="p", section=("A",), lines=(1, 1))
    b = Block(kind="paragraph", start=0, end=1, text="x", section=(), level=None, lines=(3, 4), language="python", symbol="f")
    for rec in (c, b):
        assert jsonl.dumps_line(rec) == _stdlib(rec)
