"""The base of mcshell's records (statements, results, catalog rows): equality and repr from their fields.

A record is declared `@dataclass(eq=False, repr=False)` on `Value`: it compares and shows as
`@dataclass` would make it (same class, the fields with `compare=True`; the fields with
`repr=True`), but `@dataclass` no longer writes and compiles an `__eq__` and a `__repr__` for
each class as the module loads. For the 57 records a one-shot statement loads, that compiling
was a third of the time mcshell adds to the imports it cannot do without (docs/performance.md,
"What keeps mcshell fast"). As with `@dataclass`'s own `__eq__`, a record is not hashable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

_C = TypeVar("_C")

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # an installed mcshell has no mypy_extensions: the flag speaks to mypyc only

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_C], _C]:  # type: ignore[misc, unused-ignore]
        return lambda cls: cls


# Compiled (setup.py), so that compiled records may derive from it; records of interpreted
# modules (grants, members, serve ...) derive from it too, which the flag allows.
@mypyc_attr(allow_interpreted_subclasses=True)
class Value:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = [f.name for f in fields(self._as_dataclass()) if f.compare]
        return tuple(getattr(self, n) for n in compared) == tuple(getattr(other, n) for n in compared)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self._as_dataclass()) if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def _as_dataclass(self) -> Any:
        """Self, for `dataclasses.fields`, which mypy knows only dataclasses to accept."""
        return self
