"""SHOW GRANTS, SHOW ACL and DESCRIBE ROLE as MaxCompute prints them (S22), and as rows for
`--format csv/json`. Pure functions, data in, text out:

    [roles]
    dev
    Authorization Type: ACL
    [role/dev]
    A projects/demo/models/m: Describe
    [user/RAM$1234:bob]
    A projects/demo: CreateModel | List
    Authorization Type: ObjectCreator
    AG projects/demo/models/m2: All
"""

from __future__ import annotations

from collections.abc import Iterator

from mcshell.errors import printable
from mcshell.output.results import Grants

COLUMNS = ("Section", "Principal", "Mark", "Object", "Privileges")


def grants_text(grants: Grants) -> str:
    """The layout for a terminal: names escaped as the box escapes them (render.shown)."""
    return "".join(f"{printable(line, tabs=False)}\n" for line in _lines(grants))


def _lines(grants: Grants) -> Iterator[str]:
    if grants.roles:
        yield "[roles]"
        yield from grants.roles
    if grants.users is not None:
        yield "[users]"
        yield from grants.users
    for section in grants.sections:
        yield f"Authorization Type: {section.authorization_type}"
        for group in section.groups:
            if group.headed:
                yield f"[{group.principal}]"
            for line in group.lines:
                yield f"{line.mark} {line.resource}: {' | '.join(line.privileges)}"


def grants_rows(grants: Grants) -> Iterator[tuple[str, ...]]:
    """The same facts as a table (COLUMNS): one row per role, user and line."""
    for role in grants.roles:
        yield ("roles", "", "", role, "")
    for user in grants.users or ():
        yield ("users", "", "", user, "")
    for section in grants.sections:
        for group in section.groups:
            for line in group.lines:
                privileges = " | ".join(line.privileges)
                yield (section.authorization_type, group.principal, line.mark, line.resource, privileges)
