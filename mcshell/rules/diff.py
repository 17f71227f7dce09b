"""What changed between two states of a project, one line per change: plan's diff, apply's drift.

INTERFACE ONLY on main until the i20-plan branch lands."""

from __future__ import annotations

from dataclasses import dataclass

from mcshell.catalog.snapshot import ProjectState
from mcshell.value import Value

ADD, CHANGE, REMOVE = "+", "~", "-"


@dataclass(eq=False, repr=False)
class Change(Value):
    sign: str  # ADD, CHANGE or REMOVE
    kind: str  # "model", "version", "member", "role", "role holder", "grant", ...
    text: str  # the line after the sign: "version churn.v3", "model churn: default version v2 -> v3"


def diff(before: ProjectState | None, after: ProjectState | None) -> list[Change]:
    """The changes that take `before` to `after` (None: the project does not exist), in a stable order."""
    raise NotImplementedError("i20-plan implements this")
