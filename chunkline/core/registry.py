"""Explicit, lazy registry tables (as pip's command table).

Each kind (parsers, segmenters) has one table in its package's
``__init__``: name -> where the object lives (``module``, ``attr``) and what
it does (``summary``), plus whatever the kind needs to know *without*
importing the module (a parser's extensions, a segmenter's formats).  A
module is imported the first time its entry is asked for, so ``--help`` and
``chunkline strategies`` never load PyMuPDF, tree-sitter or spaCy, and the
table is the one place that says what exists and in which order it is shown.

``Registry.add`` registers an object at run time (a plugin, a test double).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterator, Mapping, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """One row of a registry table: ``module.attr`` is the object, ``summary`` its one-line help."""

    module: str
    attr: str
    summary: str = ""


def load_attr(ref: str) -> Any:
    """``"package.module:name"`` -> the object it names (imported now)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


class Registry(Generic[T]):
    """``name -> T``, each ``T`` built on first use from its table row by ``build(name, row, obj)``."""

    def __init__(self, kind: str, table: Mapping[str, Entry], build: Callable[[str, Any, Any], T]) -> None:
        self.kind = kind
        self.table: dict[str, Entry] = dict(table)
        self._build = build
        self._built: dict[str, T] = {}

    def add(self, name: str, entry: T) -> T:
        """Register ``entry`` under ``name`` at run time (a plugin or a test double)."""
        if name in self._built and self._built[name] is not entry:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        if name in self.table:
            raise ValueError(f"{self.kind} {name!r} is already in the table")
        self._built[name] = entry
        return entry

    def remove(self, name: str) -> None:
        """Forget a run-time registration (tests)."""
        if name not in self.table:
            self._built.pop(name, None)

    def get(self, name: str) -> T | None:
        got = self._built.get(name)
        if got is not None:
            return got
        row = self.table.get(name)
        if row is None:
            return None
        obj = getattr(importlib.import_module(row.module), row.attr)
        built = self._build(name, row, obj)
        self._built[name] = built
        return built

    def __contains__(self, name: object) -> bool:
        return name in self.table or name in self._built

    def names(self) -> list[str]:
        """Every name, in table order, then run-time additions by name."""
        return list(self.table) + sorted(n for n in self._built if n not in self.table)

    def items(self) -> Iterator[tuple[str, T]]:
        for name in self.names():
            got = self.get(name)
            assert got is not None
            yield name, got

    def summary(self, name: str) -> str:
        """A name's one-line help, without importing its module."""
        row = self.table.get(name)
        if row is not None:
            return row.summary
        got = self._built.get(name)
        return str(getattr(got, "summary", "")) if got is not None else ""
