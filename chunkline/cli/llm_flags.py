"""The ``--llm-*`` flags of chunk, score and compare (spelled once), and what they become.

For ``chunk`` they are strategy options (``llm_url`` ...), so they reach an
LLM strategy's parameters or ``contextualize`` the same way ``-O`` does; for
``score --lm`` they are ``LLMSettings``.  Unset flags leave the environment
(``CHUNKLINE_LLM_URL``, ``CHUNKLINE_LLM_MODEL``) in charge.
"""

from __future__ import annotations

from typing import Any, Optional


def _option(*decls: str, help: str) -> Any:
    import typer  # lazily: the lean start-up path (cli.fast) imports the commands without typer

    return typer.Option(None, *decls, help=help)


def opt_url():
    return _option("--llm-url", help="OpenAI-compatible endpoint of the LLM features (default: $CHUNKLINE_LLM_URL).")


def opt_model():
    return _option("--llm-model", help="Model name sent to the endpoint (default: $CHUNKLINE_LLM_MODEL).")


def opt_cache():
    return _option("--llm-cache", help="Response cache directory (default: $XDG_CACHE_HOME/chunkline/llm; none: off).")


def opt_concurrency():
    return _option("--llm-concurrency", help="LLM requests in flight per process (default 4).")


def opt_bos():
    return _option("--llm-bos", help="Text put before log-probability prompts: the model's BOS token where the server needs it (SmolLM2 on llama-cpp-python: <|im_start|>).")


def strategy_options(
    url: Optional[str], model: Optional[str], cache: Optional[str], concurrency: Optional[int], bos: Optional[str] = None, contextualize: bool = False
) -> dict[str, str]:
    """The flags that were given, as strategy options."""
    out: dict[str, str] = {}
    for key, value in (("llm_url", url), ("llm_model", model), ("llm_cache", cache), ("llm_concurrency", concurrency), ("llm_bos", bos)):
        if value is not None:
            out[key] = str(value)
    if contextualize:
        out["contextualize"] = "true"
    return out


def first_flag(options: dict[str, str]) -> str:
    """The flag of the first of ``strategy_options``' keys (``llm_url`` -> ``--llm-url``)."""
    return "--" + next(iter(options)).replace("_", "-")


def settings(url: Optional[str], model: Optional[str], cache: Optional[str], concurrency: Optional[int], bos: Optional[str]) -> Any:
    from ..llm.settings import LLMSettings

    return LLMSettings.resolve(url or "", model or "", cache or "", concurrency if concurrency is not None else 4, bos=bos or "")
