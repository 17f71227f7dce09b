"""rules.diff: the changes between two project states, as plan prints them and apply prints drift."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as strats

from mcshell.catalog.grants import GrantRow, Role
from mcshell.catalog.records import Model, Project, Version
from mcshell.catalog.snapshot import ModelState, ProjectState, RoleState, grant_order
from mcshell.rules.diff import ADD, CHANGE, REMOVE, Change, diff

T0, T1 = "2025-01-01 00:00:00", "2025-06-01 12:00:00"
ALICE, BOB = "ALIYUN$alice@example.com", "ALIYUN$bob@example.com"
KEY_A = "sk-0123456789abcdefAAAA"
KEY_B = "sk-0123456789abcdefBBBB"


def version(name: str, **fields: object) -> Version:
    base = Version(name, ALICE, "oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/", "", {"ROLEARN": "r"},
                   (("f1", "bigint"),), "", "lower", T0, T0)  # fmt: skip
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def model(name: str, versions: list[Version], **fields: object) -> ModelState:
    base = Model("p1", name, ALICE, "IMPORT", "BOOSTED_TREE_CLASSIFIER", versions[0].name, "", T0, T0)
    return ModelState(dataclasses.replace(base, **fields), tuple(versions))  # type: ignore[arg-type]


def state(models=(), members=(), roles=(), grants=(), builtin=()) -> ProjectState:
    return ProjectState(
        Project("p1", ALICE, T0),
        tuple(sorted(models, key=lambda m: m.model.name)),
        tuple(sorted((name, T0) for name in members)),
        tuple(RoleState(Role("p1", name.lower(), name, T0), tuple(sorted(holders))) for name, holders in roles),
        tuple(grants),
        tuple(sorted(builtin)),
    )


def lines(changes: list[Change]) -> list[str]:
    return [f"{change.sign} {change.text}" for change in changes]


def test_the_lines_of_a_script_that_adds_changes_and_removes():
    before = state(
        [model("churn", [version("v1"), version("v2")], comment="a")],
        members=[BOB],
        roles=[("Reader", [BOB])],
        grants=[GrantRow("user", BOB, "churn", "Describe")],
    )
    after = state(
        [model("churn", [version("v2"), version("v3")], default_version="v3", comment="b", last_modified_time=T1),
         model("fresh", [version("v1")])],
        members=[ALICE],
        roles=[("Analyst", [ALICE])],
        grants=[GrantRow("role", "analyst", None, "CreateInstance"), GrantRow("user", ALICE, "churn", "Describe")],
    )  # fmt: skip
    assert lines(diff(before, after)) == [
        "~ model churn: default version v1 -> v3",
        "~ model churn: comment 'a' -> 'b'",
        "- version churn.v1",
        "+ version churn.v3",
        "+ model fresh",
        "+ version fresh.v1",
        "+ member ALIYUN$alice@example.com",
        "- member ALIYUN$bob@example.com",
        "+ role Analyst",
        "- role Reader",
        "+ role Analyst to user ALIYUN$alice@example.com",
        "- role Reader to user ALIYUN$bob@example.com",
        "+ grant CreateInstance on project p1 to role Analyst",
        "+ grant Describe on model churn to user ALIYUN$alice@example.com",
        "- grant Describe on model churn to user ALIYUN$bob@example.com",
    ]


def test_the_holders_of_the_built_in_roles_are_worded_as_those_of_own_roles():
    before = state(members=[ALICE, BOB], roles=[("Reader", [BOB])], builtin=[("super_administrator", ALICE)])
    after = state(members=[ALICE, BOB], roles=[("Reader", [ALICE, BOB])],
                  builtin=[("admin", BOB), ("admin", ALICE)])  # fmt: skip
    assert lines(diff(before, after)) == [
        "+ role Admin to user ALIYUN$alice@example.com",
        "+ role Admin to user ALIYUN$bob@example.com",
        "- role Super_Administrator to user ALIYUN$alice@example.com",
        "+ role Reader to user ALIYUN$alice@example.com",
    ]
    assert {change.kind for change in diff(before, after)} == {"role holder"}
    assert lines(diff(after, None))[3:6] == [
        "- role Reader",
        "- role Admin to user ALIYUN$alice@example.com",
        "- role Admin to user ALIYUN$bob@example.com",
    ]


def test_a_version_whose_fields_changed_shows_each_with_the_apikey_masked():
    before = state([model("m", [version("v1", options={"APIKEY": KEY_A, "ENDPOINT": "http://a"})])])
    after = state([model("m", [version("v1", options={"APIKEY": KEY_B}, inputs=(("f1", "string"), ("f2", "double")),
                                       location="oss://x/\x1b[31m/", comment="new")])])  # fmt: skip
    assert lines(diff(before, after)) == [
        "~ version m.v1: location 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/' -> 'oss://x/\\x1b[31m/'",
        "~ version m.v1: input (f1 bigint) -> (f1 string, f2 double)",
        "~ version m.v1: comment '' -> 'new'",
        "~ version m.v1: option APIKEY '********AAAA' -> '********BBBB'",
        "~ version m.v1: option ENDPOINT 'http://a' -> (none)",
    ]
    assert KEY_A not in repr(diff(before, after)) and KEY_B not in repr(diff(before, after))


def test_two_keys_with_the_same_last_characters_still_show_as_a_change():
    same_end = "sk-ffffffffffffffffAAAA"
    before = state([model("m", [version("v1", options={"APIKEY": KEY_A})])])
    after = state([model("m", [version("v1", options={"APIKEY": same_end})])])
    assert lines(diff(before, after)) == ["~ version m.v1: option APIKEY '********AAAA' -> '********AAAA'"]


def test_times_owners_of_members_and_key_case_are_no_change():
    before = state([model("m", [version("v1")])], members=[BOB])
    after = dataclasses.replace(
        state([model("m", [version("v1", key_case="upper", last_modified_time=T1, create_time=T1)],
                     last_modified_time=T1, create_time=T1)]),
        members=((BOB, T1),),
    )  # fmt: skip
    assert diff(before, after) == []


def test_a_project_that_appears_or_goes():
    after = state([model("m", [version("v1")])])
    assert lines(diff(None, after)) == ["+ project p1", "+ model m", "+ version m.v1"]
    assert lines(diff(after, None)) == ["- project p1", "- model m", "- version m.v1"]
    assert diff(None, None) == []


def test_a_changed_project_owner():
    after = dataclasses.replace(state(), project=Project("p1", BOB, T0))
    assert lines(diff(state(), after)) == ["~ project p1: owner ALIYUN$alice@example.com -> ALIYUN$bob@example.com"]


def test_control_characters_are_escaped_in_every_name():
    after = state(members=["ALIYUN$evil\x1b]0;x\x07@example.com"])
    assert lines(diff(state(), after)) == ["+ member ALIYUN$evil\\x1b]0;x\\x07@example.com"]


# -- properties -------------------------------------------------------------------------------
NAMES = [f"m{i}" for i in range(5)]
USERS = [f"ALIYUN$u{i}@example.com" for i in range(6)]
GRANTS = [GrantRow("user", user, None, privilege) for user in USERS[:3] for privilege in ("List", "CreateInstance")]


def subset(items: list) -> strats.SearchStrategy[set]:
    return strats.sets(strats.sampled_from(items)) if items else strats.just(set())


def rows(indices: set[int]) -> list[GrantRow]:
    return sorted((GRANTS[at] for at in indices), key=grant_order)


ROLES = ["Analyst", "Reader", "Writer"]
BUILTIN = [("admin", USERS[0]), ("admin", USERS[1]), ("super_administrator", USERS[0])]


@strats.composite
def role_edits(draw):
    """Roles and their holders before and after, and the lines that adds and removes."""
    holders = strats.sets(strats.sampled_from(USERS[:3]))
    before = {name: draw(holders) for name in draw(subset(ROLES))}
    after = {name: draw(holders) for name in draw(subset(ROLES))}
    adds = sum(1 + len(held) if name not in before else len(held - before[name]) for name, held in after.items())
    removes = sum(1 + len(held) if name not in after else len(held - after[name]) for name, held in before.items())
    return sorted(before.items()), sorted(after.items()), adds, removes


@strats.composite
def states_and_edits(draw):
    """A state, and a second one made from it by edits whose number of lines is known."""
    models = {name: draw(strats.integers(1, 3)) for name in draw(strats.sets(strats.sampled_from(NAMES)))}
    members = draw(strats.sets(strats.sampled_from(USERS)))
    grants = draw(subset(list(range(len(GRANTS)))))  # indices: a GrantRow is no set member
    roles_before, roles_after, role_adds, role_removes = draw(role_edits())
    builtin_before, builtin_after = draw(subset(BUILTIN)), draw(subset(BUILTIN))
    role_adds += len(builtin_after - builtin_before)
    role_removes += len(builtin_before - builtin_after)
    before = state([model(name, [version(f"v{i}") for i in range(1, n + 1)]) for name, n in models.items()],
                   members=members, grants=rows(grants), roles=roles_before, builtin=builtin_before)  # fmt: skip
    dropped, recommented, grown = (draw(subset(sorted(models))) for _ in range(3))
    new_models = draw(subset([name for name in NAMES if name not in models]))
    gone_members = draw(subset(sorted(members)))
    new_members = draw(subset([user for user in USERS if user not in members]))
    gone_grants = draw(subset(list(grants)))
    new_grants = draw(subset([at for at in range(len(GRANTS)) if at not in grants]))
    kept = []
    for name, count in models.items():
        if name in dropped:
            continue
        versions = [version(f"v{i}") for i in range(1, count + 1 + (name in grown))]
        kept.append(model(name, versions, comment="changed" if name in recommented else ""))
    kept += [model(name, [version("v1"), version("v2")]) for name in new_models]
    after = state(kept, members=(members - gone_members) | new_members,
                  grants=rows((grants - gone_grants) | new_grants), roles=roles_after,
                  builtin=builtin_after)  # fmt: skip
    expected = {
        ADD: len(grown - dropped) + 3 * len(new_models) + len(new_members) + len(new_grants) + role_adds,
        CHANGE: len(recommented - dropped),
        REMOVE: sum(1 + models[name] for name in dropped) + len(gone_members) + len(gone_grants) + role_removes,
    }
    return before, after, expected


@settings(max_examples=80, deadline=None)
@given(states_and_edits())
def test_the_counts_of_a_diff_are_the_edits_made(case):
    before, after, expected = case
    changes = diff(before, after)
    assert {sign: sum(1 for change in changes if change.sign == sign) for sign in (ADD, CHANGE, REMOVE)} == expected
    assert diff(before, before) == [] and diff(after, after) == []
    assert diff(before, after) == changes  # stable
    back = diff(after, before)
    assert sorted(c.sign for c in back if c.sign != CHANGE) == sorted(
        {ADD: REMOVE, REMOVE: ADD}[c.sign] for c in changes if c.sign != CHANGE
    )


# -- tables -----------------------------------------------------------------------------------------
def table(name: str, columns=(("id", "bigint"),), keys=(), partitions=(), **fields: object):
    from mcshell.catalog.snapshot import TableState
    from mcshell.catalog.tables import TableColumnMeta, TableMeta

    made = TableMeta("p1", name, ALICE, "", tuple(TableColumnMeta(*c) for c in columns),
                     tuple(TableColumnMeta(*k) for k in keys), None, T0, T0, T0)  # fmt: skip
    return TableState(dataclasses.replace(made, **fields), tuple((spec, T0) for spec in partitions))  # type: ignore[arg-type]


def with_tables(tables=(), grants=()) -> ProjectState:
    return dataclasses.replace(state(), tables=tuple(tables), table_grants=tuple(grants))


def test_the_lines_of_a_script_that_adds_changes_and_removes_tables():
    before = with_tables(
        [table("customers", keys=(("ds", "string"),), partitions=("ds=1",)), table("staging", partitions=())],
        [GrantRow("user", BOB, "customers", "Describe")],
    )
    after = with_tables(
        [table("customers", columns=(("id", "bigint"), ("visits", "bigint"), ("spend", "double", "30 days", True)),
               keys=(("ds", "string"),), partitions=("ds=2",), comment="churn", lifecycle=30, last_ddl_time=T1),
         table("scores", keys=(("ds", "string"),), partitions=("ds=1", "ds=2"))],
        [GrantRow("user", BOB, "customers", "Select"), GrantRow("role", "reader", "scores", "Describe")],
    )  # fmt: skip
    assert lines(diff(before, after)) == [
        "~ table customers: comment '' -> 'churn'",
        "~ table customers: lifecycle (none) -> 30",
        "~ table customers: + column visits bigint",
        "~ table customers: + column spend double NOT NULL comment '30 days'",
        "- partition customers/ds=1",
        "+ partition customers/ds=2",
        "+ table scores",
        "+ partition scores/ds=1",
        "+ partition scores/ds=2",
        "- table staging",
        "- grant Describe on table customers to user ALIYUN$bob@example.com",
        "+ grant Select on table customers to user ALIYUN$bob@example.com",
        "+ grant Describe on table scores to role reader",
    ]


def test_columns_that_change_otherwise_show_the_whole_list_and_times_are_no_change():
    before = with_tables([table("t", columns=(("id", "bigint"), ("age", "int")), keys=(("ds", "string"),))])
    after = with_tables([table("t", columns=(("id", "string"),), keys=(("dt", "string"),), create_time=T1)])
    assert lines(diff(before, after)) == [
        "~ table t: columns (id bigint, age int) -> (id string)",
        "~ table t: partition keys (ds string) -> (dt string)",
    ]
    assert diff(before, dataclasses.replace(before, tables=(table("t", columns=(("id", "bigint"), ("age", "int")),
                keys=(("ds", "string"),), last_modified_time=T1),))) == []  # fmt: skip
