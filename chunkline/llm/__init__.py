"""LLM-guided chunking through any OpenAI-compatible endpoint (imported only when asked for).

``settings``: where the model is (``LLMSettings``, the ``LLMOptions`` every
LLM strategy takes; the API key only from the environment).  ``client``: the
HTTP client with its response cache, retries and bounded concurrency.
``perplexity``: sentence and chunk perplexities from prompt
log-probabilities.  ``contextualize``: model-written chunk contexts.
``errors``: the per-file errors.  The strategies are ``segmenters.lumber``
and ``segmenters.perplexity``; MoC's model metrics are in ``scoring.boundary``.
"""

from .errors import LLMError, LLMHTTPError, LLMNoAnswer, LLMUnreachable, LLMUnsupported
from .settings import LLMOptions, LLMSettings

__all__ = ["LLMError", "LLMHTTPError", "LLMNoAnswer", "LLMOptions", "LLMSettings", "LLMUnreachable", "LLMUnsupported"]
