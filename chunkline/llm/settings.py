"""Where the model is and how to talk to it: one record shared by every LLM feature.

The API key is deliberately *not* a field: it is read from the environment
(``CHUNKLINE_LLM_API_KEY``, else ``OPENAI_API_KEY``) at the moment a request
is sent, so it never reaches a parameter hash, a chunk, a cache file, a
pickled worker argument or a log line.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

from ..core.errors import UsageError

URL_ENV = "CHUNKLINE_LLM_URL"
MODEL_ENV = "CHUNKLINE_LLM_MODEL"
KEY_ENVS = ("CHUNKLINE_LLM_API_KEY", "OPENAI_API_KEY")
#: Value of ``cache`` that turns the response cache off.
NO_CACHE = "none"


def api_key() -> str | None:
    """The key from the environment, or None (local servers need none)."""
    for name in KEY_ENVS:
        v = os.environ.get(name)
        if v:
            return v
    return None


def default_cache_dir() -> str:
    """``$XDG_CACHE_HOME/chunkline/llm`` (``~/.cache/chunkline/llm`` without it)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "chunkline", "llm")


@dataclass(frozen=True)
class LLMSettings:
    """An OpenAI-compatible endpoint and how to call it.

    url: base URL (``http://127.0.0.1:8080`` or ``.../v1``; both work).
    model: the ``model`` field of each request ('' sends none: llama.cpp
    servers serve one model; Ollama, vLLM and hosted services need it).
    cache: response cache directory ('' = the user cache dir, ``none`` = off).
    concurrency: requests in flight at once per process.
    timeout: seconds per request.  retries: extra tries on 429, 5xx and
    time-outs, with exponential backoff (``backoff`` seconds, doubled).
    bos: text put before every log-probability prompt (and not scored): the
    model's beginning-of-sequence token, for servers that misalign prompt
    log-probabilities without one (llama-cpp-python on a model that adds no
    BOS, such as SmolLM2: ``<|im_start|>``).
    Invariant: ``url`` is non-empty (``resolve`` refuses otherwise).
    """

    url: str
    model: str = ""
    cache: str = ""
    concurrency: int = 4
    timeout: float = 120.0
    retries: int = 3
    bos: str = ""
    backoff: float = field(default=0.5, compare=False)

    def __post_init__(self) -> None:
        if not self.url:
            raise UsageError(f"an LLM feature needs an endpoint: llm_url or ${URL_ENV} (an OpenAI-compatible server)", "llm_url")
        if self.concurrency < 1:
            raise UsageError("llm_concurrency must be at least 1", "llm_concurrency")
        if self.timeout <= 0:
            raise UsageError("the LLM timeout must be positive")
        if self.retries < 0:
            raise UsageError("the LLM retries must be 0 or more")

    @property
    def cache_dir(self) -> str | None:
        if self.cache.lower() == NO_CACHE:
            return None
        return self.cache or default_cache_dir()

    @classmethod
    def resolve(cls, url: str = "", model: str = "", cache: str = "", concurrency: int = 4, timeout: float = 120.0, retries: int = 3, bos: str = "") -> "LLMSettings":
        """Settings from explicit values, the environment filling what is empty."""
        return cls(url or os.environ.get(URL_ENV, ""), model or os.environ.get(MODEL_ENV, ""), cache, concurrency, timeout, retries, bos)


#: Metadata of option fields that do not change what the model answers
#: (where it runs, caching, parallelism): left out of ``params_hash``, so
#: moving the server or the cache keeps chunk ids.
NOT_IDENTITY = {"identity": False}


@dataclass(frozen=True)
class LLMOptions:
    """The LLM options every LLM strategy takes (``-s lumber:llm_model=...`` or ``--llm-*`` flags).

    llm_url / llm_model: endpoint and model ('' = ``$CHUNKLINE_LLM_URL`` /
    ``$CHUNKLINE_LLM_MODEL``); llm_cache: cache directory ('' = user cache,
    ``none`` = off); llm_concurrency, llm_timeout, llm_retries, llm_bos: see ``LLMSettings``.
    """

    llm_url: str = field(default="", metadata=NOT_IDENTITY)
    llm_model: str = ""
    llm_cache: str = field(default="", metadata=NOT_IDENTITY)
    llm_concurrency: int = field(default=4, metadata=NOT_IDENTITY)
    llm_timeout: float = field(default=120.0, metadata=NOT_IDENTITY)
    llm_retries: int = field(default=3, metadata=NOT_IDENTITY)
    llm_bos: str = ""

    def __post_init__(self) -> None:
        # the model decides the answers, so an env-chosen model is part of the identity
        if not self.llm_model and os.environ.get(MODEL_ENV):
            object.__setattr__(self, "llm_model", os.environ[MODEL_ENV])
        if self.llm_concurrency < 1:
            raise ValueError("llm_concurrency must be at least 1")
        if self.llm_retries < 0:
            raise ValueError("llm_retries must be 0 or more")

    def llm_settings(self) -> LLMSettings:
        return LLMSettings.resolve(self.llm_url, self.llm_model, self.llm_cache, self.llm_concurrency, self.llm_timeout, self.llm_retries, self.llm_bos)


def llm_option_names() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(LLMOptions))
