"""One client for every OpenAI-compatible server (llama.cpp, llama-cpp-python, Ollama, vLLM, hosted).

Three calls: ``chat`` (``/v1/chat/completions``, temperature 0), ``chat_json``
(the same with the answer constrained to a JSON schema where the server can
do that) and ``prompt_logprobs`` (``/v1/completions`` with ``echo`` and ``logprobs``: the
log-probability of every prompt token, which perplexity needs).  Each
request goes through the response cache first: a cached request opens no
connection.  429 and 5xx answers and time-outs are retried with exponential
backoff (``Retry-After`` honoured, capped); anything else that fails becomes
one typed ``LLMError`` naming the file.  ``map`` runs independent requests
with at most ``concurrency`` in flight.

Standard library only (``urllib``): no HTTP dependency for a feature most
runs never use, and nothing is imported unless an LLM feature is asked for.
"""

from __future__ import annotations

import bisect
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence, TypeVar

from .cache import ResponseCache, cache_key
from .errors import LLMError, LLMHTTPError, LLMNoAnswer, LLMUnreachable, LLMUnsupported
from .settings import LLMSettings, api_key

T = TypeVar("T")
R = TypeVar("R")

#: Longest wait between retries, whatever ``Retry-After`` asks for.
MAX_BACKOFF = 30.0
#: The alignment probe (``LLMClient._check_alignment``) and the mean log-probability its
#: second half must beat (aligned servers give about -0.1 even with a 135M model; shifted
#: ones about -12).
PROBE = ", ".join(str(i) for i in range(1, 31))
PROBE_FLOOR = -4.0
#: What a server must offer for perplexity, named in the error when it does not.
LOGPROBS_NEEDED = "prompt log-probabilities (/v1/completions with echo=true and logprobs; llama-cpp-python needs --logits_all true)"
#: How a chat request asks for a schema-constrained answer, in the order they are tried:
#: OpenAI's ``json_schema`` (OpenAI, vLLM, Ollama, llama-server) and llama.cpp's
#: ``json_object`` + ``schema`` (llama-cpp-python, llama-server); ``text`` when neither is honoured.
ANSWER_FORMATS = ("json_schema", "json_object", "text")
#: The format probe (``LLMClient.answer_format``): a schema that allows only 3 or 7, so a
#: server that honours schemas cannot answer anything else.
FORMAT_PROBE_SCHEMA = {"type": "object", "properties": {"answer": {"type": "integer", "enum": [3, 7]}}, "required": ["answer"], "additionalProperties": False}
FORMAT_PROBE_MESSAGES = [{"role": "user", "content": 'Answer in JSON, as {"answer": N}: what is three plus four?'}]


@dataclass
class Usage:
    """Counters of one client (per process): network requests, cache hits, tokens the server reported."""

    requests: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **kw: float) -> None:
        with self._lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)

    def as_dict(self) -> dict[str, float]:
        return {"requests": self.requests, "cached": self.cached, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class PromptLogprobs:
    """Per-token log-probabilities of a prompt: ``offsets[i]`` is where token
    ``i`` starts in the prompt (characters), ``logprobs[i]`` its natural-log
    probability given the tokens before it (None for the first token).
    Invariant: both lists have one entry per prompt token, offsets ascending."""

    offsets: tuple[int, ...]
    logprobs: tuple[float | None, ...]

    def span(self, start: int, end: int) -> tuple[float, int]:
        """Sum of the known log-probabilities of tokens starting in ``[start, end)``, and how many."""
        lo = bisect.bisect_left(self.offsets, start)
        hi = bisect.bisect_left(self.offsets, end)
        vals = [v for v in self.logprobs[lo:hi] if v is not None]
        return float(sum(vals)), len(vals)


def _scrub(text: str) -> str:
    """A server message as one short line, without the API key should a server echo it."""
    key = api_key()
    if key:
        text = text.replace(key, "***")
    text = " ".join(text.split())
    return text[:200] + ("..." if len(text) > 200 else "")


class LLMClient:
    """Calls to one endpoint with one model (see the module docstring)."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        base = settings.url.rstrip("/")
        self.base = base[: -len("/v1")] if base.endswith("/v1") else base
        self.cache = ResponseCache(settings.cache_dir) if settings.cache_dir else None
        self.usage = Usage()
        self._aligned = False
        self._align_lock = threading.Lock()
        self._format: str | None = None
        self._format_lock = threading.Lock()

    # ------------------------------------------------------------ requests

    def _body(self, **kw: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"temperature": 0, **kw}
        if self.settings.model:
            body["model"] = self.settings.model
        return body

    def post(
        self, path: str, body: dict[str, Any], source: str, valid: Callable[[dict], bool], unsupported: bool = False, retries: int | None = None,
        cached: bool = True,
    ) -> dict:
        """The JSON answer to ``body`` at ``path``: from the cache, else from the server (then cached).

        ``valid`` says whether a 200 answer is usable; an unusable one is
        retried like a 5xx and, if it never improves, is ``LLMNoAnswer``.
        ``unsupported``: a 400/404/422/501 means the server lacks the feature
        (``LLMUnsupported``) rather than a plain HTTP error.  ``retries``
        overrides the settings' count (probes try once); ``cached=False``
        neither reads nor writes the cache (a probe's answer belongs to one server).
        """
        key = cache_key(path, body)
        if self.cache is not None and cached:
            hit = self.cache.get(key)
            if hit is not None and valid(hit):
                self.usage.add(cached=1)
                return hit
        s = self.settings
        url = self.base + path
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        k = api_key()
        if k:
            headers["Authorization"] = "Bearer " + k
        last = ""
        wait = s.backoff
        tries = (s.retries if retries is None else retries) + 1
        for attempt in range(tries):
            if attempt:
                time.sleep(min(MAX_BACKOFF, wait))
            wait = s.backoff * (2**attempt)
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data, headers, method="POST"), timeout=s.timeout) as resp:
                    raw = resp.read()
            except urllib.error.HTTPError as exc:
                self.usage.add(requests=1, seconds=time.perf_counter() - t0)
                detail = _scrub(exc.read().decode("utf-8", "replace")) if exc.fp else ""
                msg = f"HTTP {exc.code} from {url}" + (f": {detail}" if detail else "")
                if exc.code == 429 or exc.code >= 500:
                    last = msg
                    retry_after = exc.headers.get("Retry-After") if exc.headers else None
                    if retry_after and retry_after.strip().isdigit():
                        wait = max(wait, float(retry_after))
                    continue
                if unsupported and exc.code in (400, 404, 405, 422, 501):
                    raise LLMUnsupported(source, f"the LLM server at {self.base} gave no {LOGPROBS_NEEDED}: {msg}") from None
                raise LLMHTTPError(source, f"LLM request failed: {msg}") from None
            except (TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                    self.usage.add(requests=1, seconds=time.perf_counter() - t0)
                    last = f"no answer from {url} within {s.timeout:g} s"
                    continue
                raise LLMUnreachable(source, f"LLM endpoint {self.base} unreachable: {_scrub(str(reason))}") from None
            self.usage.add(requests=1, seconds=time.perf_counter() - t0)
            try:
                answer: Any = json.loads(raw)
            except ValueError:
                answer = None
            if not isinstance(answer, dict) or not valid(answer):
                last = f"unusable answer from {url}: {_scrub(raw.decode('utf-8', 'replace')) or 'empty body'}"
                continue
            usage = answer.get("usage")
            u: dict[str, Any] = usage if isinstance(usage, dict) else {}
            self.usage.add(prompt_tokens=_int(u.get("prompt_tokens")), completion_tokens=_int(u.get("completion_tokens")))
            if self.cache is not None and cached:
                self.cache.put(key, answer)
            return answer
        if last.startswith("no answer"):
            raise LLMUnreachable(source, f"LLM endpoint {self.base}: {last} (tried {tries} times)")
        if last.startswith("unusable"):
            raise LLMNoAnswer(source, f"the model never gave a usable answer: {last}")
        raise LLMHTTPError(source, f"LLM request failed after {tries} tries: {last}")

    def chat(self, messages: Sequence[dict[str, str]], source: str, max_tokens: int = 64) -> str:
        """The assistant's reply text (temperature 0)."""
        body = self._body(messages=list(messages), max_tokens=max_tokens)
        answer = self.post("/v1/chat/completions", body, source, _has_message)
        return answer["choices"][0]["message"]["content"]

    def chat_json(self, messages: Sequence[dict[str, str]], schema: dict[str, Any], source: str, max_tokens: int = 64) -> str:
        """The reply text, constrained to ``schema`` when the server honours one
        of the two schema formats (``answer_format`` is not ``"text"``); else
        free text, which the caller parses as such."""
        fmt = self.answer_format(source)
        body = self._body(messages=list(messages), max_tokens=max_tokens)
        if fmt != "text":
            body["response_format"] = response_format(fmt, schema)
        answer = self.post("/v1/chat/completions", body, source, _has_message)
        return answer["choices"][0]["message"]["content"]

    def answer_format(self, source: str) -> str:
        """How this server takes a JSON schema for the answer, found once per
        client by a probe: the first of ``json_schema`` and ``json_object`` +
        ``schema`` whose answer obeys ``FORMAT_PROBE_SCHEMA``, else ``text``.

        Servers reject an unknown format in different ways (400, 422, or a 500
        from llama-cpp-python's validation) and some accept one but ignore the
        schema, so a format counts only when its answer obeys the schema; each
        probe is tried once and never answered from the cache.  An unreachable
        endpoint is still an error.  The outcome is cached under the model, as
        answers are (not under the URL), so a rerun from the cache sends no
        probe wherever the server now is."""
        if self._format is None:
            with self._format_lock:
                if self._format is None:
                    self._format = self._probe_format(source)
        return self._format

    def _probe_format(self, source: str) -> str:
        key = cache_key("answer-format", {"model": self.settings.model})
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and hit.get("format") in ANSWER_FORMATS:
                self.usage.add(cached=1)
                return str(hit["format"])
        found = "text"
        for fmt in ANSWER_FORMATS[:-1]:
            body = self._body(messages=FORMAT_PROBE_MESSAGES, max_tokens=16, response_format=response_format(fmt, FORMAT_PROBE_SCHEMA))
            try:
                answer = self.post("/v1/chat/completions", body, source, _has_message, retries=0, cached=False)
            except LLMUnreachable:
                raise
            except LLMError:
                continue
            if json_field(answer["choices"][0]["message"]["content"], "answer") in (3, 7):
                found = fmt
                break
        if self.cache is not None:
            self.cache.put(key, {"format": found})
        return found

    def prompt_logprobs(self, prompt: str, source: str) -> PromptLogprobs:
        """Log-probabilities of every token of ``prompt`` (one token is generated and ignored).

        The first call checks that the server's values belong to the tokens
        they are listed with (``_check_alignment``)."""
        if not self._aligned:
            with self._align_lock:
                if not self._aligned:
                    self._check_alignment(source)
                    self._aligned = True
        return self._logprobs(prompt, source)

    def _logprobs(self, prompt: str, source: str) -> PromptLogprobs:
        bos = self.settings.bos
        body = self._body(prompt=bos + prompt, max_tokens=1, echo=True, logprobs=1)
        try:
            answer = self.post("/v1/completions", body, source, _has_choice, unsupported=True)
        except LLMNoAnswer as exc:
            raise LLMUnsupported(source, f"{exc.message} (needed: {LOGPROBS_NEEDED})") from None
        lp = answer["choices"][0].get("logprobs")
        if not isinstance(lp, dict) or not isinstance(lp.get("token_logprobs"), list) or not lp["token_logprobs"]:
            raise LLMUnsupported(source, f"the LLM server at {self.base} gave no {LOGPROBS_NEEDED}")
        return _parse_logprobs(lp, prompt, source, self.base, bos)

    def _check_alignment(self, source: str) -> None:
        """A counting sequence is near-certain for any language model once it
        has started, so its later tokens must get high log-probabilities.
        llama-cpp-python (0.3) pairs each prompt token with the distribution
        *after* it when the model adds no BOS token, which gives them very low
        ones; perplexities would then be meaningless, so this is an error
        that says how to fix it (``llm_bos``).  The probe is cached like any
        request, so a rerun makes none."""
        lp = self._logprobs(PROBE, source)
        tail = [v for o, v in zip(lp.offsets, lp.logprobs) if o >= len(PROBE) // 2 and v is not None]
        if tail and sum(tail) / len(tail) < PROBE_FLOOR:
            raise LLMUnsupported(
                source,
                f"the LLM server at {self.base} gives prompt log-probabilities shifted by one token (mean {sum(tail) / len(tail):.1f} "
                f"on a counting sequence); llama-cpp-python does this for models without a BOS token: pass the model's BOS token "
                f"as llm_bos (SmolLM2: llm_bos=<|im_start|>)",
            )

    # ------------------------------------------------------------ parallel

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[fn(x) for x in items]`` with at most ``concurrency`` calls at once; the first error is raised."""
        items = list(items)
        if self.settings.concurrency <= 1 or len(items) <= 1:
            return [fn(x) for x in items]
        with ThreadPoolExecutor(max_workers=min(self.settings.concurrency, len(items))) as pool:
            return list(pool.map(fn, items))


def response_format(fmt: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The ``response_format`` of a chat request for one of the schema formats of ``ANSWER_FORMATS``."""
    if fmt == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": schema}}
    return {"type": "json_object", "schema": schema}


def json_field(reply: str, name: str) -> Any:
    """``reply`` parsed as a JSON object's field ``name`` (None when the reply is no such object)."""
    try:
        obj = json.loads(reply.strip())
    except ValueError:
        return None
    return obj.get(name) if isinstance(obj, dict) else None


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _has_message(a: dict) -> bool:
    try:
        return isinstance(a["choices"][0]["message"]["content"], str)
    except (KeyError, IndexError, TypeError):
        return False


def _has_choice(a: dict) -> bool:
    try:
        return isinstance(a["choices"][0], dict)
    except (KeyError, IndexError, TypeError):
        return False


def _parse_logprobs(lp: dict, prompt: str, source: str, base: str, bos: str = "") -> PromptLogprobs:
    """Prompt tokens only (the generated one and any ``bos`` prefix dropped), with their offsets in ``prompt``.

    ``text_offset`` is used when the server gives it; otherwise offsets are
    rebuilt by concatenating the token strings.  A leading BOS token with an
    empty string is harmless: it has no logprob and starts at 0.  With a
    ``bos`` prefix, offsets count it when the token strings spell it (then
    it is subtracted) and not when the server detokenized it to nothing.
    """
    values = lp["token_logprobs"]
    tokens = lp.get("tokens") if isinstance(lp.get("tokens"), list) else None
    offsets = lp.get("text_offset") if isinstance(lp.get("text_offset"), list) else None
    if offsets is None or len(offsets) != len(values):
        if tokens is None or len(tokens) != len(values):
            raise LLMUnsupported(source, f"the LLM server at {base} gave log-probabilities without token offsets or tokens")
        offsets, pos = [], 0
        for t in tokens:
            offsets.append(pos)
            pos += len(t) if isinstance(t, str) else 0
    shift = 0
    if bos and tokens is not None and "".join(t for t in tokens if isinstance(t, str)).startswith(bos):
        shift = len(bos)
    out_o: list[int] = []
    out_v: list[float | None] = []
    n = len(prompt)
    prev = 0
    for i, (o, v) in enumerate(zip(offsets, values)):
        if not isinstance(o, int):
            break
        o -= shift
        if o < 0:
            tok = tokens[i] if tokens is not None and isinstance(tokens[i], str) else ""
            if o + len(tok) <= 0:
                continue  # the bos prefix itself
            o = 0  # a token spanning the prefix and the prompt's start
        if o >= n:
            break  # the generated token (and anything after the prompt)
        o = max(o, prev)
        if tokens is not None and isinstance(tokens[i], str):
            # a token " The" starts where its first non-space character is, so it
            # belongs to the sentence it opens rather than to the one before
            stripped = len(tokens[i]) - len(tokens[i].lstrip())
            o = min(n - 1, o + stripped) if stripped < len(tokens[i]) else o
        prev = o
        out_o.append(o)
        out_v.append(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None)
    return PromptLogprobs(tuple(out_o), tuple(out_v))


_CLIENTS: dict[LLMSettings, LLMClient] = {}
_CLIENTS_LOCK = threading.Lock()


def get_client(settings: LLMSettings) -> LLMClient:
    """One client per settings per process (its usage counters add up over documents)."""
    with _CLIENTS_LOCK:
        c = _CLIENTS.get(settings)
        if c is None:
            c = _CLIENTS[settings] = LLMClient(settings)
        return c


def total_usage() -> dict[str, float]:
    """Usage of every client of this process, summed (benchmarks, the run summary)."""
    tot: dict[str, float] = {}
    with _CLIENTS_LOCK:
        clients = list(_CLIENTS.values())
    for c in clients:
        for k, v in c.usage.as_dict().items():
            tot[k] = tot.get(k, 0) + v
    return tot
