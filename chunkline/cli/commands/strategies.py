"""``chunkline strategies``: what segmenters (and formats) exist, with their options."""

from __future__ import annotations

import json

import typer

from ...segmenters.describe import describe_parsers, describe_strategies
from ._stdout import emit, stdout_console


def register(app: typer.Typer) -> None:
    @app.command("strategies")
    def strategies(as_json: bool = typer.Option(False, "--json", help="Machine-readable listing on stdout.")) -> int:
        """List chunking strategies with their options, and the input formats."""
        strat = describe_strategies()
        fmts = describe_parsers()
        if as_json:
            emit(json.dumps({"strategies": strat, "formats": fmts}, ensure_ascii=False, indent=2) + "\n")
            return 0
        from rich.table import Table

        console = stdout_console()
        t = Table(title="strategies (-s NAME[:key=value,...])", show_lines=False)
        t.add_column("name", style="bold")
        t.add_column("what it does")
        t.add_column("options (default)")
        for s in strat:
            opts = ", ".join(f"{o['name']}={o['default']}" for o in s["options"])
            t.add_row(s["name"], s["summary"], opts)
        console.print(t)
        console.print("Every strategy also takes max_tokens | max_chars, tokenizer, overlap, min_size.")
        f = Table(title="formats (--format)")
        f.add_column("name", style="bold")
        f.add_column("extensions")
        f.add_column("what it reads")
        for p in fmts:
            f.add_row(p["name"], " ".join(p["extensions"][:12]) + (" ..." if len(p["extensions"]) > 12 else ""), p["summary"])
        console.print(f)
        emit(console.file.getvalue())
        return 0
