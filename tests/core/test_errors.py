"""Errors name parameters; the command line shows them as flags."""

from __future__ import annotations

import pickle

from chunkline.cli.app import flag, render
from chunkline.core.errors import DecodeError, InputError, UsageError


def test_flags_of_parameters():
    assert [flag(p) for p in ("overlap", "min_size", "max_bytes", "k", "show_pair", "fail_under")] == [
        "--overlap", "--min-size", "--max-bytes", "-k", "--show-pair", "--fail-under"
    ]


def test_usage_error_renders_its_parameters_as_flags():
    err = UsageError("give either max_tokens or max_chars, not both", "max_tokens", also=("max_chars",))
    assert str(err) == "give either max_tokens or max_chars, not both" and err.param == "max_tokens"
    assert render(err) == "give either --max-tokens or --max-chars, not both"
    # only the parameter's own mention is replaced, not a later word that happens to match
    assert render(UsageError("k must be at least 1; k=0 given", "k")) == "-k must be at least 1; k=0 given"
    # a quoted user key is not a parameter name to rewrite
    quoted = UsageError("strategy 'recursive' has no option 'overlap_x'", "overlap_x", named=False)
    assert render(quoted) == str(quoted) and quoted.param == "overlap_x"


def test_input_error_renders_in_the_message_not_the_path():
    err = DecodeError("max_bytes/encoding.txt", "not valid UTF-8 at byte 3 (use encoding or decode_errors replace)", params=("encoding", "decode_errors"))
    assert render(err) == "max_bytes/encoding.txt: not valid UTF-8 at byte 3 (use --encoding or --decode-errors replace)"
    assert err.render_message(flag) == "not valid UTF-8 at byte 3 (use --encoding or --decode-errors replace)"
    assert err.render_message() == err.message


def test_errors_pickle_with_their_parameters():
    for err in (UsageError("overlap must be below the budget", "overlap"), InputError("a.txt", "too big (max_bytes)", "too_large", ("max_bytes",))):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and back.params == err.params and str(back) == str(err) and render(back) == render(err)
