"""A tiny decorator registry with module auto-discovery.

Adding a parser or a segmenter is one new module in ``chunkline/parsers`` or
``chunkline/segmenters`` that decorates its entry point; the registry imports
every public module of its package the first time anyone asks for an entry,
so the CLI's choices and help text always come from what is registered.
Modules must import heavy libraries lazily (inside functions): discovery
imports all of them.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable, Generic, Iterator, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str, package: str) -> None:
        self.kind = kind
        self.package = package
        self._entries: dict[str, T] = {}
        self._loaded = False

    def add(self, name: str, entry: T) -> T:
        if name in self._entries and self._entries[name] is not entry:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self._entries[name] = entry
        return entry

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        pkg = importlib.import_module(self.package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            if not info.name.startswith("_") and info.name != "base":
                importlib.import_module(f"{self.package}.{info.name}")

    def get(self, name: str) -> T | None:
        self._load()
        return self._entries.get(name)

    def names(self) -> list[str]:
        self._load()
        return sorted(self._entries)

    def items(self) -> Iterator[tuple[str, T]]:
        self._load()
        return iter(sorted(self._entries.items()))

    def decorator(self, make: Callable[..., T]) -> Callable[..., Callable]:
        """Build a ``@register(...)`` decorator: ``make(fn, **kw)`` builds the entry."""

        def register(name: str, **kw):
            def wrap(fn):
                self.add(name, make(fn, name=name, **kw))
                return fn

            return wrap

        return register
