"""The members, roles and grants of the remote project, read through security queries and parsed
from the text layouts mcshell prints (the parsers sit beside their printers in mcshell/output/).

INTERFACE ONLY on main until the i20-access branch lands: `read_access` is what `pull` calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mcshell.catalog.grants import GrantRow
from mcshell.catalog.snapshot import RoleState
from mcshell.remote.client import Remote
from mcshell.value import Value


@dataclass(eq=False, repr=False)
class AccessState(Value):
    members: tuple[tuple[str, str], ...]  # (name, add time), by name; the owner is not a member
    roles: tuple[RoleState, ...]  # the project's own roles (not the built-in ones), by key
    grants: tuple[GrantRow, ...]  # sorted by catalog.snapshot.grant_order


def read_access(remote: Remote, project: str, models: Sequence[str]) -> AccessState:
    """Every member, role (with its holders) and grant of the project, on it and on `models` (names)."""
    raise NotImplementedError("i20-access implements this")
