"""The parsers of the text layouts pull reads (render.read_grid, acl.read_grants), held to their
printers: print with mcshell's printer, read it back, the same data; a line out of place is an
UnreadableAnswer naming the request, the line's number and the line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from mcshell.errors import UnreadableAnswer
from mcshell.output.acl import grants_text, read_grants
from mcshell.output.render import read_grid, render_grid, shown, unshown
from mcshell.output.results import AclGroup, AclLine, AclSection, Grants, Table
from mcshell.rules import privileges as names
from mcshell.rules.members import USER_HEADERS
from mcshell.rules.roles import ROLE_HEADERS

# A user name as MaxCompute writes one: no spaces (privileges.user_name), any other character;
# here without those `shown` escapes (controls, bidi overrides: see the test of unshown below).
_NAME_CHARS = hs.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp"), blacklist_characters="\\")
_USER_NAMES = hs.one_of(
    hs.builds(
        lambda prefix, rest: prefix + rest,
        hs.sampled_from(("ALIYUN$", "RAM$1234:", "RAM$1234:role/")),
        hs.text(_NAME_CHARS, min_size=1, max_size=12),
    ),  # fmt: skip
    hs.sampled_from(("ALIYUN$a@b.com", "RAM$1234:Bob", "ALIYUN$用户@例子.com", "RAM$1:é|x", "ALIYUN$[x]")),
)
_ROLE_NAMES = hs.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,20}", fullmatch=True)
_TIMES = hs.sampled_from(("2026-12-01 08:44:46", "2025-01-31 23:59:59"))


@settings(max_examples=80, deadline=None)
@given(hs.lists(hs.tuples(_USER_NAMES, hs.sampled_from(("true", "false")), _TIMES), min_size=1, max_size=6))
def test_list_users_reads_back_as_printed(rows):
    table = Table(USER_HEADERS, rows)

    read = read_grid(render_grid(table), "LIST USERS")

    assert (read.headers, list(read.rows)) == (USER_HEADERS, rows)


@settings(max_examples=50, deadline=None)
@given(hs.lists(hs.tuples(_ROLE_NAMES, hs.sampled_from(("true", "false")), _TIMES), min_size=1, max_size=6))
def test_list_roles_reads_back_as_printed(rows):
    read = read_grid(render_grid(Table(ROLE_HEADERS, rows)), "LIST ROLES")

    assert (read.headers, list(read.rows)) == (ROLE_HEADERS, rows)


def test_a_grid_cell_is_read_as_the_box_shows_it():
    table = Table(("User", "Note"), [("ALIYUN$a\x1bb", None), ("x\u200by", "日本")])

    read = read_grid(render_grid(table), "LIST USERS")

    assert list(read.rows) == [("ALIYUN$a\\x1bb", "NULL"), ("x\u200by", "日本")]
    assert [unshown(cell) for cell in read.rows[0]] == [None, "NULL"]  # a backslash: an escape or itself


@given(hs.text(hs.characters(blacklist_categories=("Cs",)), max_size=8))
@settings(max_examples=100, deadline=None)
def test_unshown_gives_back_exactly_what_shown_shows_or_nothing(text):
    exact = unshown(shown(text))

    assert exact is None or exact == text


GRID = render_grid(Table(USER_HEADERS, [("ALIYUN$o@x.com", "true", "2026-12-01 08:44:46")]))


@pytest.mark.parametrize(
    "text, line_number, line",
    [
        ("", 1, ""),
        ("OK\n", 1, "OK"),
        (GRID[:-1], 5, GRID.splitlines()[-1]),  # no newline at the end
        (GRID.replace("| true    |", "| true    ¦"), 4, "| ALIYUN$o@x.com | true    ¦ 2026-12-01 08:44:46 |"),
        (GRID + "| extra |\n", 6, "| extra |"),
        ("\n".join(GRID.splitlines()[:3]) + "\n", 3, GRID.splitlines()[2]),  # no rows, no closing border
    ],
)
def test_a_grid_out_of_shape_names_its_first_unreadable_line(text, line_number, line):
    with pytest.raises(UnreadableAnswer) as raised:
        read_grid(text, "LIST USERS")

    assert raised.value.line.startswith(f"the answer to LIST USERS could not be read at line {line_number}: ")
    assert repr(line)[1:-1] in raised.value.line


def _acl_lines(project: str, model_names: list[str]) -> hs.SearchStrategy[tuple[AclLine, ...]]:
    project_line = hs.builds(
        lambda held: AclLine("A", names.resource(project), tuple(held)),
        hs.lists(hs.sampled_from(names.PRIVILEGES[names.PROJECT]), min_size=1, max_size=3, unique=True),
    )
    model_line = hs.builds(
        lambda model, held: AclLine("A", names.resource(project, model), tuple(held)),
        hs.sampled_from(model_names),
        hs.lists(hs.sampled_from(names.PRIVILEGES[names.MODEL]), min_size=1, unique=True),
    )
    return hs.lists(hs.one_of(project_line, model_line), min_size=1, max_size=4).map(tuple)


_PRINCIPALS = hs.one_of(_USER_NAMES.map(lambda user: f"user/{user}"), _ROLE_NAMES.map(lambda role: f"role/{role}"))
_GROUPS = hs.builds(AclGroup, _PRINCIPALS, _acl_lines("sales", ["churn", "Churn_2"]))
_CREATED = hs.builds(lambda user: AclGroup(f"user/{user}", (AclLine("AG", "projects/sales/models/churn", ("All",)),)),
                     _USER_NAMES)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    hs.lists(_GROUPS, max_size=3), hs.lists(_CREATED, max_size=1), hs.lists(_ROLE_NAMES, max_size=3),
    hs.one_of(hs.none(), hs.lists(_USER_NAMES, max_size=3).map(tuple)),
)  # fmt: skip
def test_the_grants_layout_reads_back_as_printed(groups, created, roles, users):
    sections = tuple(
        section for section in (AclSection("ACL", tuple(groups)), AclSection("ObjectCreator", tuple(created)))
        if section.groups
    )  # fmt: skip
    grants = Grants(sections, tuple(roles), users)

    assert read_grants(grants_text(grants), "SHOW ACL FOR churn", "user/nobody") == grants


@settings(max_examples=50, deadline=None)
@given(_PRINCIPALS, _acl_lines("sales", ["churn"]))
def test_a_group_printed_without_its_heading_is_the_requests_principal(principal, lines):
    grants = Grants((AclSection("ACL", (AclGroup(principal, lines, headed=False),)),))

    assert read_grants(grants_text(grants), "SHOW GRANTS FOR x", principal) == grants


def test_describe_role_reads_its_users_then_its_grants():
    text = "[users]\nRAM$1234:bob\nALIYUN$a@b.com\nAuthorization Type: ACL\nA projects/sales: List\n"

    assert read_grants(text, "DESC ROLE dev", "role/dev") == Grants(
        (AclSection("ACL", (AclGroup("role/dev", (AclLine("A", "projects/sales", ("List",)),), headed=False),)),),
        users=("RAM$1234:bob", "ALIYUN$a@b.com"),
    )
    assert read_grants("[users]\n", "DESC ROLE dev", "role/dev") == Grants((), users=())
    assert read_grants("", "SHOW GRANTS", "user/u") == Grants(())


@pytest.mark.parametrize(
    "text, line_number, line",
    [
        ("Authorization Type: ACL\nA projects/sales:List\n", 2, "A projects/sales:List"),
        ("Authorization Type: ACL\nA  projects/sales: List\n", 2, "A  projects/sales: List"),
        ("A projects/sales: List\n", 1, "A projects/sales: List"),  # a line before any section
        ("[roles]\ndev\n[roles]\n", 3, "[roles]"),
        ("Authorization Type: ACL\n[users]\n", 2, "[users]"),
        ("[roles]\nnot a role\n", 2, "not a role"),
        ("Authorization Type: ACL\n[user/RAM$1:b]\nA projects/sales: List", 3, "A projects/sales: List"),
    ],
)
def test_a_grants_layout_out_of_shape_names_its_first_unreadable_line(text, line_number, line):
    with pytest.raises(UnreadableAnswer) as raised:
        read_grants(text, "SHOW GRANTS FOR RAM$1:b", "user/RAM$1:b")

    assert raised.value.line == (
        f"the answer to SHOW GRANTS FOR RAM$1:b could not be read at line {line_number}: '{line}'"
        + raised.value.line.split(f"'{line}'", 1)[1]
    )
