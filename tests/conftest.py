"""Shared test setup: exact re-measurement of every chunk, paths to shared data, no network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

# build_chunks re-measures every chunk instead of trusting the segmenter's count
os.environ.setdefault("CHUNKLINE_VERIFY", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHUNKLINE_SHARED", ROOT.parent / "shared")).resolve()
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly if anything tries to open a network connection."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


# ---------------------------------------------------------------- LLM server for tests

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture
def loopback_only(monkeypatch):
    """Connections to 127.0.0.1 only (the in-process LLM server); anything else fails the test."""
    real_connect = socket.socket.connect
    real_create = socket.create_connection

    def connect(self, address, *a, **k):
        if not (isinstance(address, tuple) and address[0] in _LOOPBACK):
            raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address, *a, **k)

    def create_connection(address, *a, **k):
        if address[0] not in _LOOPBACK:
            raise AssertionError(f"network access attempted: {address!r}")
        return real_create(address, *a, **k)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield


class FakeLLM:
    """An OpenAI-compatible server on 127.0.0.1 with deterministic answers (real HTTP, in a thread).

    chat: names the middle ``ID n`` of a LumberChunker window ("Answer: ID n"),
    and answers any other prompt with a fixed context sentence.  completions
    with echo+logprobs: whitespace-led tokens with offsets, log-probabilities
    from a CRC of the token (first token None).  ``script`` is a queue of
    overrides for the next requests: ``("status", 500[, body])``, ``("reply", text)``,
    ``("garbage", body)``; ``logprobs = False`` drops log-probabilities,
    ``shifted = True`` gives numbers low ones (as a misaligned server does).
    ``schema_formats``: the ``response_format`` types honoured (the answer is then
    ``{"answer": n}`` within the schema's enum); another type is ignored, or
    answered with ``format_status`` when set (llama-cpp-python: 500).
    ``delay``: seconds each answer waits.  ``requests`` counts requests; ``bodies`` keeps their JSON bodies;
    ``headers`` keeps the last request's headers.
    """

    def __init__(self) -> None:
        import re
        import threading
        import zlib
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.script: list = []
        self.requests = 0
        self.bodies: list[dict] = []
        self.schema_formats: set[str] = set()
        self.format_status: int | None = None
        self.delay = 0.0
        self.paths: list[str] = []
        self.headers: dict = {}
        self.logprobs = True
        self.shifted = False
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def _send(self, status, payload: bytes, ctype="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self):
                import json

                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with fake.lock:
                    fake.requests += 1
                    fake.bodies.append(body)
                    fake.paths.append(self.path)
                    fake.headers = dict(self.headers)
                    step = fake.script.pop(0) if fake.script else None
                    delay = fake.delay
                if delay:
                    import time

                    time.sleep(delay)
                if step and step[0] == "status":
                    return self._send(step[1], (step[2] if len(step) > 2 else '{"error": "scripted"}').encode())
                if step and step[0] == "garbage":
                    return self._send(200, step[1].encode())
                if self.path.endswith("/chat/completions"):
                    text = body["messages"][-1]["content"]
                    ids = re.findall(r"^ID (\d+):", text, re.M)
                    rf = body.get("response_format") or {}
                    kind = rf.get("type", "text")
                    if kind not in ("text", *fake.schema_formats) and fake.format_status is not None:
                        return self._send(fake.format_status, b'{"error": {"message": "response_format.type: Input should be text or json_object"}}')
                    if step and step[0] == "reply":
                        reply = step[1]
                    elif kind in fake.schema_formats:
                        schema = rf["json_schema"]["schema"] if kind == "json_schema" else rf["schema"]
                        enum = schema["properties"]["answer"]["enum"]
                        reply = json.dumps({"answer": int(ids[len(ids) // 2]) if len(ids) >= 2 else enum[-1]})
                    else:
                        reply = f"Answer: ID {ids[len(ids) // 2]}" if len(ids) >= 2 else "A passage from a test document. It is short."
                    out = {"choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 3}}
                    return self._send(200, json.dumps(out).encode())
                if self.path.endswith("/completions"):
                    prompt = body["prompt"]
                    toks = re.findall(r"\s*\S+|\s+$", prompt)
                    offs, pos = [], 0
                    for t in toks:
                        offs.append(pos)
                        pos += len(t)
                    def lp(t):
                        if t.strip().rstrip(",").isdigit():  # the client's alignment probe counts 1, 2, 3...
                            return -12.0 if fake.shifted else -0.1
                        return -(1 + (zlib.crc32(t.strip().lower().encode()) % 50) / 10)

                    lps = [None] + [lp(t) for t in toks[1:]]
                    choice = {"index": 0, "text": prompt + " x", "finish_reason": "length"}
                    if fake.logprobs:
                        choice["logprobs"] = {"tokens": toks + [" x"], "token_logprobs": lps + [-1.0], "text_offset": offs + [len(prompt)], "top_logprobs": None}
                    out = {"choices": [choice], "usage": {"prompt_tokens": len(toks), "completion_tokens": 1}}
                    return self._send(200, json.dumps(out).encode())
                self._send(404, b'{"error": "no such endpoint"}')

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # a client that gave up (a --timeout test) leaves a broken pipe; the default
                # prints a traceback to stderr, into whichever test is capturing it then
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self) -> None:
        with self.lock:
            self.script.clear()
            self.requests = 0
            self.bodies.clear()
            self.schema_formats = set()
            self.format_status = None
            self.delay = 0.0
            self.paths.clear()
            self.logprobs = True
            self.shifted = False

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def fake_llm_server():
    srv = FakeLLM()
    yield srv
    srv.close()


@pytest.fixture
def fake_llm(fake_llm_server, loopback_only):
    """The session's fake LLM server, reset, with only loopback connections allowed."""
    fake_llm_server.reset()
    yield fake_llm_server
    fake_llm_server.reset()
