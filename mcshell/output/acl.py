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

import re
from collections.abc import Iterator

from mcshell.errors import UnreadableAnswer, printable
from mcshell.output.answers import answer_lines, same_as_printed
from mcshell.output.results import AclGroup, AclLine, AclSection, Grants

COLUMNS = ("Section", "Principal", "Mark", "Object", "Privileges")
ROLES, USERS, SECTION = "[roles]", "[users]", "Authorization Type: "
# `[user/RAM$1234:bob]`, `[role/dev]`: a principal's heading (names have no spaces, an ACL line has one).
_HEADING = re.compile(r"\[((?:user|role)/\S+)\]\Z")
_ACL_LINE = re.compile(r"(\S+) (\S+): (\S.*)\Z")


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


def read_grants(text: str, request: str, unheaded: str) -> Grants:
    """`grants_text` read backwards (SHOW GRANTS, SHOW ACL, DESCRIBE ROLE as pull reads them). The
    lines of a group printed without a heading are `unheaded`'s, the principal the request names
    (`user/RAM$1234:bob` for SHOW GRANTS FOR it). Names are as the layout shows them (escaped:
    render.unshown says which are exact). Anything else raises UnreadableAnswer at its first line
    that is not where grants_text would print it."""
    lines = answer_lines(text, request)
    reader = _GrantsReader(unheaded)
    for line_number, line in enumerate(lines, 1):
        if not reader.read(line):
            raise UnreadableAnswer(request, line_number, line, "not a line of the grants layout")
    grants = reader.grants()
    same_as_printed(grants_text(grants), lines, request)
    return grants


class _GrantsReader:
    """The layout's blocks in order: `[roles]`, `[users]`, then the sections and their groups."""

    def __init__(self, unheaded: str):
        self.unheaded = unheaded
        self.roles: list[str] = []
        self.users: list[str] | None = None
        self.sections: list[tuple[str, list[tuple[str, list[AclLine], bool]]]] = []
        self.block = ""

    def read(self, line: str) -> bool:
        """Takes one line; False for a line that has no place here."""
        if line.startswith(SECTION):
            self.sections.append((line[len(SECTION) :], []))
            self.block = SECTION
        elif line == ROLES and not self.block:
            self.block = ROLES
        elif line == USERS and self.block in ("", ROLES):
            self.block, self.users = USERS, []
        elif self.block == ROLES and " " not in line and not line.startswith("["):
            self.roles.append(line)
        elif self.block == USERS and self.users is not None and " " not in line:
            self.users.append(line)
        elif self.block == SECTION:
            return self._section_line(line)
        else:
            return False
        return True

    def _section_line(self, line: str) -> bool:
        groups = self.sections[-1][1]
        heading, acl = _HEADING.match(line), _ACL_LINE.match(line)
        if heading:
            groups.append((heading.group(1), [], True))
        elif acl:
            if not groups:
                groups.append((self.unheaded, [], False))
            mark, resource, privileges = acl.groups()
            groups[-1][1].append(AclLine(mark, resource, tuple(privileges.split(" | "))))
        return bool(heading or acl)

    def grants(self) -> Grants:
        sections = tuple(
            AclSection(kind, tuple(AclGroup(principal, tuple(lines), headed) for principal, lines, headed in groups))
            for kind, groups in self.sections
        )
        return Grants(sections, tuple(self.roles), None if self.users is None else tuple(self.users))
