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
