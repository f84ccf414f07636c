"""The typer application and the one error boundary.

Every subcommand lives in ``chunkline/cli/commands/<name>.py`` and defines
``register(app)``; they are discovered here, so a new command is one module.
``main`` maps typed errors to one stderr line and an ``ExitCode``; a
traceback is shown only with ``--debug``.  Common ``chunk`` lines run
through ``cli.fast`` without importing typer (start-up time).
"""

from __future__ import annotations

import importlib
import pkgutil
import signal
import sys

from ..core.errors import ChunklineError, ExitCode
from ..core.io import OutputClosed, silence_stdout

_APP = None


def _app():
    """The typer application, built on first use (``cli.fast`` runs most ``chunk`` lines without it)."""
    global _APP
    if _APP is None:
        import typer

        app = typer.Typer(
            name="chunkline",
            help="Parse documents into blocks, chunk them into retrieval-ready JSONL with exact offsets, "
            "and measure which chunking works best.",
            no_args_is_help=True,
            add_completion=False,
            pretty_exceptions_enable=False,
            rich_markup_mode=None,
            context_settings={"help_option_names": ["-h", "--help"]},
        )

        @app.callback()
        def _root(
            version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version),
        ) -> None:
            """Parse documents into blocks, chunk them into retrieval-ready JSONL with exact offsets,
            and measure which chunking works best."""

        _APP = app
    return _APP


def _print_version(value: bool) -> None:
    if value:
        import typer

        from .. import __version__

        typer.echo(f"chunkline {__version__}")
        raise typer.Exit(0)


def _discover_commands(app) -> None:
    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{commands.__name__}.{info.name}")
            module.register(app)


_ORDER = ["parse", "chunk", "score", "compare", "strategies"]


def _sorted_command():
    import typer

    app = _app()
    _discover_commands(app)
    cmd = typer.main.get_command(app)
    if hasattr(cmd, "commands"):
        names = sorted(cmd.commands, key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), n))
        cmd.commands = {n: cmd.commands[n] for n in names}
        cmd.list_commands = lambda ctx: names  # type: ignore[method-assign,unused-ignore]
    return cmd


#: Parameters whose flag is not ``--`` + the name with dashes.
_FLAGS = {"k": "-k", "show_pair": "--show-pair"}


def flag(param: str) -> str:
    """The command-line spelling of a library parameter (``min_size`` -> ``--min-size``)."""
    return _FLAGS.get(param) or "--" + param.replace("_", "-")


def render(exc: ChunklineError) -> str:
    """An error's one line as the command line says it: parameters shown as flags."""
    return exc.render(flag)


def error(message: str) -> None:
    sys.stderr.write(f"chunkline: error: {message}\n")
    sys.stderr.flush()


class _Terminated(BaseException):
    """SIGTERM, raised wherever the main thread is (files may be processed in
    this process): a ``BaseException`` like ``KeyboardInterrupt``, so no
    ``except Exception`` mistakes it for one file's failure."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised by CLI tests
    raise _Terminated()


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run a command, map errors to exit codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        pass
    code: int = ExitCode.OK
    try:
        from .fast import run_fast

        rv = run_fast(args)
        if rv is None:
            rv = _sorted_command().main(args=args, prog_name="chunkline", standalone_mode=False)
        code = int(rv) if isinstance(rv, int) else ExitCode.OK
        if code == ExitCode.INTERRUPTED:
            # typer turns Ctrl-C inside a command into Exit(130) and, outside
            # standalone mode, returns it silently
            sys.stderr.write("chunkline: interrupted\n")
    except BaseException as exc:  # the one error boundary (see _exit_code)
        code = _exit_code(exc, debug)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OSError):
        silence_stdout()
    return int(code)


def _exit_code(exc: BaseException, debug: bool) -> int:
    """The exit code for an exception out of a command, after its one line on stderr.

    typer's exceptions are checked only when typer was imported: the lean
    path (``cli.fast``) never raises them.
    """
    if "typer" in sys.modules:
        import typer

        # typer >= 0.16 vendors click; take the exception classes from typer
        # itself so the boundary works with either layout
        click = {c.__name__: c for c in typer.BadParameter.__mro__}
        if isinstance(exc, typer.Exit):
            return exc.exit_code
        if isinstance(exc, typer.Abort):
            sys.stderr.write("chunkline: interrupted\n")
            return ExitCode.INTERRUPTED
        if isinstance(exc, click["ClickException"]):
            msg = exc.format_message()  # type: ignore[attr-defined]
            ctx = getattr(exc, "ctx", None)
            if ctx is not None and isinstance(exc, click["UsageError"]):
                sys.stderr.write(ctx.get_usage() + "\n")
            error(msg)
            return ExitCode.USAGE
    if isinstance(exc, ChunklineError):
        if debug:
            import traceback

            traceback.print_exc()
        error(render(exc))
        return exc.exit_code
    if isinstance(exc, (OutputClosed, BrokenPipeError)):
        silence_stdout()
        return ExitCode.OK
    if isinstance(exc, (KeyboardInterrupt, _Terminated)):
        sys.stderr.write("chunkline: interrupted\n")
        return ExitCode.INTERRUPTED
    if isinstance(exc, Exception):  # a bug: say so in one line, traceback with --debug
        if debug:
            import traceback

            traceback.print_exc()
        error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return ExitCode.RUN_FAILED
    raise exc


def run() -> None:  # pragma: no cover
    sys.exit(main())
