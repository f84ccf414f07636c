"""Why an LLM call failed, as per-file errors (one stderr line each; other files go on).

Every class is an ``InputError``: the file being chunked or scored is named
in ``path`` and the run exits 1 when some file failed.  ``kind`` is what the
``--errors`` file records.
"""

from __future__ import annotations

from ..core.errors import InputError


class LLMError(InputError):
    """An LLM request for this file failed."""

    def __init__(self, path: str, message: str, kind: str = "llm", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)


class LLMUnreachable(LLMError):
    """The endpoint could not be reached (refused, no route, DNS, timed out every try)."""

    def __init__(self, path: str, message: str, kind: str = "llm_unreachable", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)


class LLMHTTPError(LLMError):
    """The server answered with an HTTP error (after the retries for 429 and 5xx)."""

    def __init__(self, path: str, message: str, kind: str = "llm_http", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)


class LLMNoAnswer(LLMError):
    """The server answered 200 but never with a usable body (not JSON, no choices, no text)."""

    def __init__(self, path: str, message: str, kind: str = "llm_no_answer", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)


class LLMUnsupported(LLMError):
    """The server lacks a feature the request needs (prompt log-probabilities)."""

    def __init__(self, path: str, message: str, kind: str = "llm_unsupported", params: tuple[str, ...] = ()) -> None:
        super().__init__(path, message, kind, params)
