import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chunkline.core.errors import UsageError
from chunkline.core.tokenizers import get_sizer

SAMPLES = ["", "hello world", "héllo 日本語 world ﬁ", "  indented\n\tcode = 1\n", "<|endoftext|> is text here", "a" * 5000]


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_bpe_counts_match_reference_encoding(name, no_network):
    import bpe_openai

    enc = bpe_openai.get_encoding(name)
    sizer = get_sizer(name)
    for text in SAMPLES:
        assert sizer.count(text) == len(enc.encode_ordinary(text))


def test_known_cl100k_counts():
    s = get_sizer("cl100k_base")
    assert s.count("hello world") == 2
    assert s.count("<|endoftext|>") == 7  # special tokens count as plain text


def test_bare_bpe_counter_matches_the_sizer_without_importing_numpy():
    import subprocess
    import sys

    code = (
        "import sys; from chunkline.core.tokenizers import bpe_count; c = bpe_count('cl100k_base'); "
        "print(c('hello world'), 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(get_sizer("cl100k_base").count("hello world")), "False"]


def test_simple_units():
    assert get_sizer("chars").count("ab c") == 4
    assert get_sizer("words").count(" ab  c\nd ") == 3
    assert get_sizer("nws").count("  a b\n\tc") == 3


def test_long_document_counts_without_cap():
    text = " word" * 300_000  # 1.5 M characters, above bpe-openai's wrapper cap
    assert get_sizer("cl100k_base").count(text) == 300_000


@pytest.mark.parametrize("name", ["chars", "nws", "words", "cl100k_base"])
@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=300), size=st.integers(1, 40))
def test_cut_fits_and_progresses(name, text, size):
    s = get_sizer(name)
    k = s.cut(text, size)
    assert 1 <= k <= len(text)
    if k > 1:
        assert s.count(text[:k]) <= size


def test_unknown_tokenizer_is_usage_error():
    with pytest.raises(UsageError, match="unknown tokenizer"):
        get_sizer("gpt-17")


def test_hf_tokenizer_json(tmp_path):
    from tokenizers import Tokenizer, models, pre_tokenizers

    tok = Tokenizer(models.WordLevel({"hello": 0, "world": 1, "[UNK]": 2}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    path = tmp_path / "tokenizer.json"
    tok.save(str(path))
    s = get_sizer(str(path))
    assert s.count("hello world again") == 3
    assert s.cut("hello world again", 2) <= len("hello world ")


_LINE_CHARS = st.sampled_from(list("ab Z9.,'!/-_:;()\t\"[]{}#@`~$%&*+=<>?^|\\") + ["'s", "  ", "é", "日本", "\u00a0", "\r", "\n", "\n\n", "http://x", "//"])


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
@settings(max_examples=int(__import__("os").environ.get("CHUNKLINE_EXAMPLES", "300")), deadline=None)
@given(lines=st.lists(st.lists(_LINE_CHARS, max_size=12).map("".join), min_size=2, max_size=12), data=st.data())
def test_counts_add_up_where_additive_at_says_so(name, lines, data):
    """The claim segmenters rely on to skip re-tokenizing merged chunks."""
    sizer = get_sizer(name)
    text = "\n".join(lines)
    cuts = sorted(set(data.draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=6))))
    cuts = [b for b in cuts if sizer.additive_at(text, b)]
    bounds = [0, *cuts, len(text)]
    assert sizer.count(text) == sum(sizer.count(text[a:b]) for a, b in zip(bounds, bounds[1:]))


def test_additive_at_examples():
    s = get_sizer("cl100k_base")
    assert s.additive_at("end.\nNext", 5)
    assert s.additive_at("end.\n    indented", 5)  # indentation then text: still a boundary
    assert not s.additive_at("end.\n  \n  x", 5)  # a whitespace run holding a newline spans the boundary
    assert not s.additive_at("word next", 5)  # the space belongs to " next"
    assert s.additive_at("word next", 4)  # a word ends where whitespace starts
    assert s.additive_at("x1\n\n", 2)
    assert not s.additive_at("word.\n", 5)  # punctuation takes the line break
    assert not s.additive_at("caf\u00e9 x", 4)  # only ASCII letters and digits are vouched for
    assert not s.additive_at("12345", 3)  # digits group in threes from the left
    assert s.additive_at("end. Next", 4)  # punctuation before a space
    assert not s.additive_at("end.\nNext", 4)  # punctuation takes a following line break
    assert not get_sizer("o200k_base").additive_at("a.\n/path", 3)  # o200k joins punctuation, newline and '/'


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_token_bytes_match_the_public_api_over_the_whole_vocabulary(name):
    """BpeSizer decodes tokens with the Rust backend it loaded directly; every
    id's bytes must equal bpe-openai's public ``decode_single_token_bytes``
    (partial-character tokens take the public path, so they are covered too)."""
    import bpe_openai

    enc = bpe_openai.get_encoding(name)
    sizer = get_sizer(name)
    top = max(enc._mergeable_ranks.values()) if hasattr(enc, "_mergeable_ranks") else enc.n_vocab - 1
    for token in range(top + 1):
        try:
            want = enc.decode_single_token_bytes(token)
        except Exception:  # a gap in the id space
            continue
        assert sizer.token_bytes(token) == want, token


def test_counting_does_not_import_the_bpe_openai_package():
    """Startup: the package's __init__ decodes three vocabularies in Python
    (about 0.35 s); counting and encoding need only the Rust extension, and a
    later public import must reuse (not re-initialise) that extension."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from chunkline.core.tokenizers import get_sizer\n"
        "s = get_sizer('cl100k_base')\n"
        "assert s.count('hello world') == 2 and s.offsets('hello world') == [0, 5]\n"
        "assert 'bpe_openai' not in sys.modules, sorted(m for m in sys.modules if m.startswith('bpe'))\n"
        "import bpe_openai\n"
        "assert bpe_openai.get_encoding('o200k_base').encode_ordinary('hello world') == get_sizer('o200k_base')._encode('hello world')\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
