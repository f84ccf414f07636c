"""What a run is asked to do: inputs, parsing, strategy, outputs, limits.

Frozen records built once (by the CLI or a library caller) and passed to
``run_chunk`` / ``run_parse``; ``checked_limits`` is the one place the
per-file limits are validated and normalised.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .. import __version__
from ..core.errors import UsageError
from ..core.ids import short_hash
from ..core.sources import DEFAULT_MAX_BYTES
from ..parsers.base import ParseOptions
from ..segmenters.base import Strategy

#: Seconds one file may take (parse + chunk) before it is stopped and reported.
DEFAULT_TIMEOUT = 120.0


def default_timeout(strategy: Strategy | None) -> float | None:
    """The per-file limit when none is given: ``DEFAULT_TIMEOUT``, or none at all
    when the strategy asks a model.  That time is spent waiting on a server
    (a book through a small local model takes many minutes), and every
    request already has its own time-out and retries (``llm_timeout``,
    ``llm_retries``); the file limit is there to stop runaway parsing."""
    return None if strategy is not None and strategy.asks_model else DEFAULT_TIMEOUT
#: How files are spread over processes: ``local`` (this machine) or ``ray``.
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class InputOptions:
    """Which files a run reads."""

    paths: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    hidden: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    gitignore: bool = True  # skip what .gitignore files ignore inside directories


@dataclass(frozen=True)
class ChunkOptions:
    """Everything ``chunk`` needs: inputs, parsing, the strategy, outputs."""

    inputs: InputOptions
    strategy: Strategy
    parse: ParseOptions = field(default_factory=ParseOptions)
    output: str | None = None  # None or "-": stdout
    errors_path: str | None = None
    documents_path: str | None = None  # also write one Document record per file
    jobs: int = 1
    timeout: float | None = DEFAULT_TIMEOUT  # per file; None or 0: no limit
    isolate: bool = False  # one job too in a supervised worker process (survives native hangs and crashes)
    engine: str = "local"  # "local" (this machine) or "ray"
    address: str | None = None  # Ray cluster address ("auto", "ray://host:10001"); None: start a local Ray
    incremental: bool = False  # directory output: redo only new or changed files
    shard_bytes: int = 128 * 1024 * 1024  # directory output: size bound of one shard


@dataclass(frozen=True)
class ParseRunOptions:
    """Everything ``parse`` needs."""

    inputs: InputOptions
    parse: ParseOptions = field(default_factory=ParseOptions)
    output: str | None = None
    errors_path: str | None = None
    text_only: bool = False  # print document texts instead of blocks
    jobs: int = 1
    timeout: float | None = DEFAULT_TIMEOUT
    isolate: bool = False


def checked_limits(options):
    """``options`` with its time limit normalised, or a ``UsageError``.

    ``--timeout`` must be 0 (no limit) or more seconds; an infinite one (or
    one longer than a thread can wait, ~292 years) is no limit.
    ``--max-bytes`` must be positive.
    """
    import math
    import threading

    t = options.timeout
    if t is not None and (math.isnan(t) or t < 0):
        raise UsageError("timeout must be 0 (no limit) or more seconds", "timeout")
    if t is not None and (t == 0 or t >= threading.TIMEOUT_MAX):
        options = dataclasses.replace(options, timeout=None)
    if options.inputs.max_bytes < 1:
        raise UsageError("max_bytes must be a positive number of bytes", "max_bytes")
    return options


def config_hash(options: ChunkOptions) -> str:
    """What decides a file's chunks besides its bytes: strategy, parsing, limits, version.

    The time limit and the engine are left out: they decide whether a file
    finishes, not what its chunks are.
    """
    parse = dataclasses.asdict(options.parse)
    parse.pop("timeout", None)
    return short_hash("chunk-config", __version__, options.strategy.params_hash, parse, options.inputs.max_bytes)
