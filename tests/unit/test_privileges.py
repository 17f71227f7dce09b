"""Owners, members, GRANT and REVOKE: who may run each statement, through the real session and catalog."""

from __future__ import annotations

import io
import sqlite3

import pytest
from conftest import without_excerpts

from mcshell.output.console import Console
from mcshell.session import Session, SessionOptions

NOW = "2024-05-01 10:00:00"
OWNER = "ALIYUN$owner@example.com"
ALICE = "ALIYUN$alice@example.com"
BOB = "RAM$1234:bob"
REMOTE = (
    "OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', PAI_EAS_MODEL_NAME='qwen', "
    "PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://example.com', APIKEY='0123456789abcdef', "
    "PAI_EAS_SYNC_MODE='true')"
)
DENIED = "FAILED: ODPS-0130013: Authorization exception - "
OUTSIDE = "FAILED: ODPS-0420095: Access Denied - You don't exist in project demo."


def no_privilege(user: str, action: str, resource: str = "projects/demo/models/m") -> str:
    """The documented line (S24), with mcshell's hint of whom it checked."""
    return (
        f"FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege "
        f"'odps:{action}' on {{acs:odps:*:{resource}}}. --->Tips: CurrentProject:demo; Principal:{user};"
    )


class Shell:
    """Runs statements as a given user against one catalog file, as `mcshell --user U -e SQL` would."""

    def __init__(self, path):
        self.path = str(path)

    def __call__(self, user: str, sql: str, project: str = "demo") -> tuple[str, list[str], int]:
        out, err = io.StringIO(), io.StringIO()
        options = SessionOptions(self.path, user, project, continue_on_error=True)
        session = Session(options, Console(out, err), clock=lambda: NOW)
        try:
            status = session.run_script(sql.splitlines(keepends=True))
        finally:
            session.close()
        return out.getvalue(), without_excerpts(err.getvalue()).splitlines(), int(status)

    def fork(self, tmp_path) -> Shell:
        """A copy of the catalog: what a user can do is tried there, and this one stays as it was."""
        copy = tmp_path / f"fork{len(list(tmp_path.iterdir()))}.db"
        with sqlite3.connect(self.path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return Shell(copy)

    def can(self, tmp_path, user: str, statement: str) -> bool:
        """`user` runs `statement` successfully (in a copy of the catalog)."""
        _, err, status = self.fork(tmp_path)(user, statement)
        return (err, status) == (["OK"], 0)

    def state(self) -> list[str]:
        """Everything the catalog holds, to show that a refused statement changed nothing."""
        with sqlite3.connect(self.path) as db:
            return list(db.iterdump())


@pytest.fixture
def shell(tmp_path) -> Shell:
    """A project `demo` owned by OWNER, with model m (versions v0 and the default v1) and members ALICE and BOB."""
    run = Shell(tmp_path / "catalog.db")
    _, err, status = run(
        OWNER,
        f"CREATE MODEL m WITH VERSION v1 {REMOTE};\n"
        f"ALTER MODEL m ADD VERSION v0 WITH {REMOTE};\n"
        f"ADD USER {ALICE};\nADD USER {BOB};\n",
    )
    assert (err, status) == (["OK"] * 4, 0)
    return run


# Each model statement, the action the docs name for it (S2, S3), on what, and the GRANT that gives it.
STATEMENTS = [
    (f"CREATE MODEL m2 WITH VERSION v1 {REMOTE};", "CreateModel", "projects/demo", "CreateModel ON PROJECT demo"),
    (f"ALTER MODEL m ADD VERSION v2 WITH {REMOTE};", "Alter", "projects/demo/models/m", "Alter ON MODEL m"),
    ("ALTER MODEL m SET DEFAULT_VERSION v0;", "Alter", "projects/demo/models/m", "Alter ON MODEL m"),
    ("ALTER MODEL m DROP VERSION v0;", "Alter", "projects/demo/models/m", "Alter ON MODEL m"),
    ("DROP MODEL m;", "Drop", "projects/demo/models/m", "Drop ON MODEL m"),
    ("DESC MODEL m;", "Describe", "projects/demo/models/m", "Describe ON MODEL m"),
    ("SHOW MODELS;", "List", "projects/demo", "List ON PROJECT demo"),
    ("SHOW VERSIONS FOR MODEL m;", "List", "projects/demo", "List ON PROJECT demo"),
]  # fmt: skip
IDS = [s[0].split(" WITH")[0].rstrip(";") for s in STATEMENTS]


@pytest.mark.parametrize("statement, action, resource, privilege", STATEMENTS, ids=IDS)
def test_the_project_owner_runs_every_statement_without_grants(shell, statement, action, resource, privilege):
    _, err, status = shell(OWNER, statement)
    assert (err, status) == (["OK"], 0)


@pytest.mark.parametrize("statement, action, resource, privilege", STATEMENTS, ids=IDS)
def test_a_member_needs_the_privilege_and_loses_it_on_revoke(shell, tmp_path, statement, action, resource, privilege):
    before = shell.state()
    assert shell(ALICE, statement) == ("", [no_privilege(ALICE, action, resource)], 1)
    assert shell.state() == before

    assert shell(OWNER, f"GRANT {privilege} TO USER {ALICE};\nREVOKE {privilege} FROM USER {ALICE};")[1] == ["OK"] * 2
    assert shell(ALICE, statement)[1:] == ([no_privilege(ALICE, action, resource)], 1)
    assert shell.state() == before

    assert shell(OWNER, f"GRANT {privilege} TO {ALICE};")[1] == ["OK"]  # USER is optional
    assert shell.can(tmp_path, ALICE, statement)
    assert not shell.can(tmp_path, BOB, statement)


@pytest.mark.parametrize("statement, action, resource, privilege", STATEMENTS, ids=IDS)
def test_a_privilege_reaches_a_member_through_a_role(shell, tmp_path, statement, action, resource, privilege):
    assert shell(OWNER, f"CREATE ROLE worker;\nGRANT {privilege} TO ROLE worker;")[1] == ["OK"] * 2
    refused = ([no_privilege(ALICE, action, resource)], 1)
    assert shell(ALICE, statement)[1:] == refused  # the role holds it; Alice does not hold the role

    assert shell(OWNER, f"GRANT worker TO {ALICE};")[1] == ["OK"]
    assert shell.can(tmp_path, ALICE, statement)
    assert not shell.can(tmp_path, BOB, statement)

    assert shell(OWNER, f"REVOKE worker FROM {ALICE};")[1] == ["OK"]  # the role goes: so does the privilege
    assert shell(ALICE, statement)[1:] == refused

    shell(OWNER, f"GRANT worker TO {ALICE};")
    assert shell.can(tmp_path, ALICE, statement)
    assert shell(OWNER, f"REVOKE {privilege} FROM ROLE worker;")[1] == ["OK"]  # the role loses it
    assert shell(ALICE, statement)[1:] == refused


@pytest.mark.parametrize("statement, action, resource, privilege", STATEMENTS, ids=IDS)
def test_a_user_outside_the_project_does_not_exist_in_it(shell, statement, action, resource, privilege):
    stranger = "ALIYUN$mallory@example.com"
    before = shell.state()
    assert shell(stranger, statement) == ("", [OUTSIDE], 1)
    assert shell.state() == before


def test_every_statement_aimed_at_the_project_is_refused_to_an_outsider(shell):
    stranger = "ALIYUN$mallory@example.com"
    before = shell.state()
    statements = [
        "LIST USERS;", "LIST ROLES;", "SHOW GRANTS;", f"SHOW GRANTS FOR {ALICE};", "SHOW ACL FOR m;",
        "DESCRIBE ROLE admin;", "CREATE ROLE r;", "DROP ROLE r;", f"ADD USER {stranger};", f"REMOVE USER {BOB};",
        f"GRANT Describe ON MODEL m TO {BOB};", f"GRANT List ON PROJECT demo TO {BOB};", f"GRANT admin TO {BOB};",
        "DESC MODEL nowhere;", "DROP MODEL IF EXISTS nowhere;", "SHOW CREATE MODEL m;", "USE demo;",
    ]  # fmt: skip
    _, err, status = shell(stranger, "\n".join(statements))  # a session started in demo, by --project
    assert (err, status) == ([OUTSIDE] * len(statements), 1)
    assert shell.state() == before


def test_remove_user_keeps_the_grants_and_add_user_restores_them(shell, tmp_path):
    shell(OWNER, f"GRANT List ON PROJECT demo TO {BOB};\nGRANT Describe ON MODEL m TO {BOB};")
    assert shell.can(tmp_path, BOB, "DESC MODEL m;") and shell.can(tmp_path, BOB, "SHOW MODELS;")

    assert shell(OWNER, f"REMOVE USER {BOB};")[1] == ["OK"]
    assert shell(BOB, "DESC MODEL m;\nSHOW MODELS;") == ("", [OUTSIDE, OUTSIDE], 1)  # the grants give nothing
    assert shell(OWNER, f"SHOW GRANTS FOR {BOB};")[1] == [
        "FAILED: ODPS-0110061: Failed to run ddltask - User not found: RAM$1234:bob is not a member of project demo"
    ]
    with sqlite3.connect(shell.path) as db:  # ... but they are kept
        assert db.execute("SELECT count(*) FROM project_grants").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM model_grants").fetchone() == (1,)

    assert shell(OWNER, f"ADD USER {BOB};")[1] == ["OK"]
    assert shell(BOB, "DESC MODEL m;\nSHOW MODELS;")[1] == ["OK", "OK"]
    assert not shell.can(tmp_path, BOB, "DROP MODEL m;")


def test_a_kept_grant_can_be_revoked_while_its_user_is_out(shell):
    shell(OWNER, f"GRANT Describe ON MODEL m TO {BOB};\nREMOVE USER {BOB};")
    assert shell(OWNER, f"REVOKE Describe ON MODEL m FROM {BOB};")[1] == ["OK"]
    shell(OWNER, f"ADD USER {BOB};")
    assert shell(BOB, "DESC MODEL m;")[1] == [no_privilege(BOB, "Describe")]
    assert shell(OWNER, "REVOKE Describe ON MODEL m FROM ALIYUN$nobody@example.com;")[1] == [
        "FAILED: ODPS-0110061: Failed to run ddltask - User not found: "
        "ALIYUN$nobody@example.com is not a member of project demo"
    ]


def test_a_user_holding_a_role_is_removed_only_once_the_role_is_revoked(shell):
    shell(OWNER, f"CREATE ROLE worker;\nGRANT worker TO {BOB};")
    before = shell.state()
    assert shell(OWNER, f"REMOVE USER {BOB};")[1] == [
        "FAILED: ODPS-0110061: Failed to run ddltask - User RAM$1234:bob is assigned role worker: "
        "revoke it first (REVOKE worker FROM RAM$1234:bob;)"
    ]
    assert shell.state() == before
    assert shell(OWNER, f"REVOKE worker FROM {BOB};\nREMOVE USER {BOB};")[1] == ["OK", "OK"]


def test_dropping_a_model_removes_its_grants(shell):
    shell(
        OWNER,
        f"CREATE ROLE worker;\nGRANT worker TO {BOB};\nGRANT Describe ON MODEL m TO ROLE worker;\n"
        f"GRANT Describe ON MODEL m TO USER {ALICE};\nDROP MODEL m;\nCREATE MODEL m WITH VERSION v1 {REMOTE};",
    )
    assert shell(ALICE, "DESC MODEL m;")[1] == [no_privilege(ALICE, "Describe")]
    assert shell(BOB, "DESC MODEL m;")[1] == [no_privilege(BOB, "Describe")]
    with sqlite3.connect(shell.path) as db:
        assert db.execute("SELECT count(*) FROM model_grants").fetchone() == (0,)


def test_a_privilege_on_one_model_is_not_one_on_another(shell):
    shell(OWNER, f"CREATE MODEL other WITH VERSION v1 {REMOTE};\nGRANT Describe ON MODEL m TO USER {ALICE};")
    _, err, _ = shell(ALICE, "DESC MODEL m;\nDESC MODEL other;")
    assert err == ["OK", no_privilege(ALICE, "Describe", "projects/demo/models/other")]


def test_grant_to_a_user_who_is_not_a_member_is_refused(shell):
    before = shell.state()
    _, err, status = shell(OWNER, "GRANT Describe ON MODEL m TO USER ALIYUN$carol@example.com;")
    assert (err, status) == (
        ["FAILED: ODPS-0110061: Failed to run ddltask - User not found: "
         "ALIYUN$carol@example.com is not a member of project demo"],
        1,
    )  # fmt: skip
    assert shell.state() == before


def test_a_member_cannot_manage_even_holding_every_privilege(shell):
    shell(OWNER, f"GRANT All ON MODEL m TO USER {ALICE};\nGRANT All ON PROJECT demo TO USER {ALICE};")
    before = shell.state()
    _, err, status = shell(
        ALICE,
        f"GRANT Describe ON MODEL m TO USER {BOB};\nGRANT List ON PROJECT demo TO USER {BOB};\n"
        f"REVOKE Describe ON MODEL m FROM USER {ALICE};\nADD USER ALIYUN$carol@example.com;\nREMOVE USER {BOB};\n"
        f"CREATE ROLE r;\nGRANT admin TO {BOB};\nSHOW GRANTS FOR {BOB};",
    )
    anyone = ": only the project owner or a Super_Administrator or Admin can"
    on_m = ": only the model's creator, the project owner or a Super_Administrator or Admin can"
    assert err == [
        DENIED + ALICE + " cannot grant privileges on model demo.m" + on_m,
        DENIED + ALICE + " cannot grant privileges on project demo" + anyone,
        DENIED + ALICE + " cannot revoke privileges on model demo.m" + on_m,
        DENIED + ALICE + " cannot add users to project demo" + anyone,
        DENIED + ALICE + " cannot remove users from project demo" + anyone,
        DENIED + ALICE + " cannot create roles in project demo" + anyone,
        DENIED + ALICE + " cannot grant roles in project demo" + anyone,
        DENIED + ALICE + f" cannot show the grants of {BOB} in project demo" + anyone,
    ]
    assert status == 1
    assert shell.state() == before


# -- the built-in administrative roles ----------------------------------------------------------
MANAGING = (
    "ADD USER ALIYUN$carol@example.com;",
    f"GRANT Describe ON MODEL m TO {BOB};",
    f"GRANT List ON PROJECT demo TO {BOB};",
    "CREATE ROLE worker;",
    f"SHOW GRANTS FOR {BOB};",
    "DESCRIBE ROLE admin;",
    "DROP MODEL m;",
    f"CREATE MODEL m2 WITH VERSION v1 {REMOTE};",
)


@pytest.mark.parametrize("role", ["Admin", "super_administrator"])
@pytest.mark.parametrize("statement", MANAGING)
def test_an_administrative_role_manages_the_project_as_the_owner_does(shell, tmp_path, role, statement):
    assert not shell.can(tmp_path, ALICE, statement)
    assert shell(OWNER, f"GRANT {role} TO {ALICE};")[1] == ["OK"]
    assert shell.can(tmp_path, ALICE, statement)
    assert shell(OWNER, f"REVOKE {role} FROM {ALICE};")[1] == ["OK"]
    assert not shell.can(tmp_path, ALICE, statement)


def test_only_the_owner_and_a_super_administrator_hand_out_the_built_in_roles(shell, tmp_path):
    shell(OWNER, f"GRANT Admin TO {ALICE};")
    before = shell.state()
    assert shell(ALICE, f"GRANT Admin TO {BOB};\nGRANT Super_Administrator TO {BOB};\nREVOKE Admin FROM {ALICE};")[
        1
    ] == [
        DENIED + ALICE + " cannot grant role Admin: only the project owner or a Super_Administrator can",
        DENIED + ALICE + " cannot grant role Super_Administrator: only the project owner or a Super_Administrator can",
        DENIED + ALICE + " cannot revoke role Admin: only the project owner or a Super_Administrator can",
    ]
    assert shell.state() == before
    shell(OWNER, f"GRANT Super_Administrator TO {BOB};")
    assert shell(BOB, f"REVOKE Admin FROM {ALICE};\nGRANT Super_Administrator, admin TO {ALICE};")[1] == ["OK", "OK"]


def test_roles_rules_and_errors(shell):
    shell(OWNER, f"CREATE ROLE Worker;\nGRANT worker TO {BOB};")
    before = shell.state()
    _, err, status = shell(
        OWNER,
        "CREATE ROLE WORKER;\nCREATE ROLE admin;\nDROP ROLE Super_Administrator;\nDROP ROLE nobody;\n"
        "DROP ROLE worker;\nGRANT Describe ON MODEL m TO ROLE admin;\nGRANT Describe ON MODEL m TO ROLE nobody;\n"
        f"GRANT nobody TO {BOB};\nGRANT worker TO ALIYUN$carol@example.com;\nGRANT worker TO {OWNER};\n"
        "CREATE ROLE 1x;\nCREATE ROLE r privilegeproperties('type'='admin');",
    )
    ddl = "FAILED: ODPS-0110061: Failed to run ddltask - "
    assert err == [
        ddl + "Role already exists: Worker in project demo",
        ddl + "Role already exists: Admin in project demo",
        ddl + "The built-in role Super_Administrator cannot be dropped",
        ddl + "Role not found: nobody in project demo",
        ddl + "Role Worker is still assigned to RAM$1234:bob: revoke it first (REVOKE Worker FROM RAM$1234:bob;)",
        ddl + "The privileges of the built-in role Admin cannot be changed",
        ddl + "Role not found: nobody in project demo",
        ddl + "Role not found: nobody in project demo",
        ddl + "User not found: ALIYUN$carol@example.com is not a member of project demo",
        ddl + f"{OWNER} owns project demo and holds every privilege in it",
        "FAILED: ODPS-0130071:[11,13] Semantic analysis exception - "
        "'1x' is not a role name: letters, digits and '_', starting with a letter, at most 128 characters",
        "FAILED: ODPS-0130071:[12,15] Semantic analysis exception - "
        "privilegeproperties is not supported by mcshell: its roles are all of the default type",
    ]
    assert status == 1
    assert shell.state() == before


def test_a_role_no_one_holds_is_dropped_with_its_grants(shell, tmp_path):
    shell(OWNER, f"CREATE ROLE worker;\nGRANT Describe ON MODEL m TO ROLE worker;\nGRANT worker TO {BOB};")
    assert shell.can(tmp_path, BOB, "DESC MODEL m;")
    assert (
        shell(OWNER, f"REVOKE worker FROM {BOB};\nDROP ROLE worker;\nCREATE ROLE worker;\nGRANT worker TO {BOB};")[1]
        == ["OK"] * 4
    )
    assert shell(BOB, "DESC MODEL m;")[1] == [no_privilege(BOB, "Describe")]  # the new role starts clean


def test_list_roles_shows_the_built_in_roles_then_the_projects_own(shell):
    shell(OWNER, "CREATE ROLE Worker;\nCREATE ROLE analyst;")
    assert shell(ALICE, "LIST ROLES;") == (
        "+---------------------+-----------+---------------------+\n"
        "| Role                | IsBuiltin | CreateTime          |\n"
        "+---------------------+-----------+---------------------+\n"
        "| Super_Administrator | true      | 2024-05-01 10:00:00 |\n"
        "| Admin               | true      | 2024-05-01 10:00:00 |\n"
        "| analyst             | false     | 2024-05-01 10:00:00 |\n"
        "| Worker              | false     | 2024-05-01 10:00:00 |\n"
        "+---------------------+-----------+---------------------+\n",
        ["OK"],
        0,
    )


# -- the GRANT grammar of the docs and the SDK ------------------------------------------------
def test_the_documented_project_actions_are_recorded_but_gate_only_model_statements(shell, tmp_path):
    actions = "Read, Write, CreateTable, CreateInstance, CreateFunction, CreateResource"
    assert shell(OWNER, f"GRANT {actions} ON PROJECT demo TO {ALICE};")[1] == ["OK"]
    assert shell(OWNER, f"SHOW GRANTS FOR {ALICE};")[0] == (
        "Authorization Type: ACL\n"
        "A projects/demo: Read | Write | CreateTable | CreateResource | CreateInstance | CreateFunction\n"
    )
    assert not shell.can(tmp_path, ALICE, f"CREATE MODEL m2 WITH VERSION v1 {REMOTE};")
    assert not shell.can(tmp_path, ALICE, "SHOW MODELS;")
    shell(OWNER, f"GRANT All ON PROJECT demo TO {ALICE};")
    assert shell.can(tmp_path, ALICE, "SHOW MODELS;")


def test_privilege_names_are_case_insensitive_and_unknown_ones_are_refused(shell):
    assert shell(OWNER, f"GRANT describe, ALTER ON MODEL m TO USER {ALICE};")[1] == ["OK"]
    assert shell(ALICE, "DESC MODEL m;\nALTER MODEL m SET DEFAULT_VERSION v0;")[1] == ["OK", "OK"]
    before = shell.state()
    _, err, _ = shell(
        OWNER,
        f"GRANT Describe, Select ON MODEL m TO USER {ALICE};\n"
        f"GRANT CreateModel ON MODEL m TO USER {ALICE};\n"
        f"GRANT Describe ON PROJECT demo TO USER {ALICE};",
    )
    project_actions = "Read, Write, CreateTable, CreateResource, CreateInstance, CreateFunction, CreateModel, List"
    assert err == [
        "FAILED: ODPS-0130071:[1,17] Semantic analysis exception - "
        "'Select' is not a privilege on a model; use Describe, Alter, Drop or All",
        "FAILED: ODPS-0130071:[2,7] Semantic analysis exception - "
        "'CreateModel' is not a privilege on a model; use Describe, Alter, Drop or All",
        "FAILED: ODPS-0130071:[3,7] Semantic analysis exception - "
        f"'Describe' is not a privilege on a project; use {project_actions} or All",
    ]
    assert shell.state() == before


def test_grant_option_and_privilegeproperties_get_the_documented_refusal(shell):
    before = shell.state()
    _, err, status = shell(
        OWNER,
        f"GRANT Describe ON MODEL m TO {ALICE} WITH GRANT OPTION;\n"
        f'GRANT List ON PROJECT demo TO {ALICE} privilegeproperties("conditions" = "x", "expires"="7");\n'
        f"REVOKE List ON PROJECT demo FROM {ALICE} privilegeproperties('expires'='7');",
    )
    assert err == [
        "FAILED: ODPS-0130071:[1,55] Semantic analysis exception - WITH GRANT OPTION is not supported: ACL-based "
        "access control does not support permission delegation through the [with grant option] clause",
        "FAILED: ODPS-0130071:[2,56] Semantic analysis exception - "
        "privilegeproperties is not supported by mcshell: its grants carry no conditions and never expire",
        "FAILED: ODPS-0130071:[3,59] Semantic analysis exception - "
        "privilegeproperties is not supported by mcshell: its grants carry no conditions and never expire",
    ]
    assert status == 1
    assert shell.state() == before


def test_create_model_on_the_project_lets_a_member_create_and_own_the_model(shell):
    shell(OWNER, f"GRANT CreateModel ON PROJECT demo TO USER {ALICE};")
    out, err, status = shell(
        ALICE,
        f"CREATE MODEL mine WITH VERSION v1 {REMOTE};\n"
        f"ALTER MODEL mine ADD VERSION v2 WITH {REMOTE};\n"
        "ALTER MODEL mine SET DEFAULT_VERSION v2;\nALTER MODEL mine DROP VERSION v1;\n"
        f"DESC MODEL mine;\nGRANT Describe ON MODEL mine TO USER {BOB};\nSHOW GRANTS;\n"
        "DESC MODEL m;",
    )
    assert err == ["OK"] * 7 + [no_privilege(ALICE, "Describe")]
    assert f"| Owner:                    {ALICE}" in out
    assert out.endswith(
        "Authorization Type: ACL\n"
        "A projects/demo: CreateModel\n"
        "Authorization Type: ObjectCreator\n"
        "AG projects/demo/models/mine: All\n"
    )
    assert shell(BOB, "DESC MODEL mine;")[1] == ["OK"]
    assert shell(ALICE, "DROP MODEL mine;")[1] == ["OK"]


# -- SHOW GRANTS, SHOW ACL, DESCRIBE ROLE in the documented text layout -----------------------
def test_show_grants_prints_the_documented_text_layout(shell):
    shell(OWNER, f"GRANT List ON PROJECT demo TO USER {BOB};\nGRANT Drop, Describe ON MODEL m TO USER {BOB};")
    assert shell(BOB, "SHOW GRANTS;") == (
        "Authorization Type: ACL\nA projects/demo: List\nA projects/demo/models/m: Describe | Drop\n",
        ["OK"],
        0,
    )
    assert shell(OWNER, "SHOW GRANTS;")[0] == (
        "Authorization Type: ObjectCreator\nAG projects/demo: All\nAG projects/demo/models/m: All\n"
    )
    assert shell(ALICE, "SHOW GRANTS;") == ("", ["OK"], 0)  # a member granted nothing


def test_show_grants_of_a_user_with_roles_groups_the_lines_by_principal(shell):
    shell(
        OWNER,
        f"CREATE ROLE Dev;\nCREATE ROLE ops;\nGRANT Describe ON MODEL m TO ROLE dev;\nGRANT List ON PROJECT demo TO "
        f"ROLE ops;\nGRANT dev, ops, Admin TO {BOB};\nGRANT Alter ON MODEL m TO {BOB};\n"
        f"GRANT CreateModel ON PROJECT demo TO ROLE ops;",
    )
    shell(BOB, f"CREATE MODEL b1 WITH VERSION v1 {REMOTE};")
    expected = (
        "[roles]\nAdmin\nDev\nops\n"
        "Authorization Type: ACL\n"
        "[role/Dev]\nA projects/demo/models/m: Describe\n"
        "[role/ops]\nA projects/demo: CreateModel | List\n"
        "[user/RAM$1234:bob]\nA projects/demo/models/m: Alter\n"
        "Authorization Type: ObjectCreator\nAG projects/demo/models/b1: All\n"
    )
    assert shell(BOB, "SHOW GRANTS;")[0] == expected
    assert shell(OWNER, f"SHOW GRANTS FOR USER {BOB};")[0] == expected


def test_show_acl_lists_who_holds_what_on_a_model(shell):
    shell(
        OWNER,
        f"CREATE ROLE dev;\nGRANT Describe ON MODEL m TO ROLE dev;\nGRANT Alter, Describe ON MODEL m TO {ALICE};\n"
        f"GRANT Drop ON MODEL m TO {BOB};\nREMOVE USER {BOB};",
    )
    assert shell(OWNER, "SHOW ACL FOR m ON TYPE MODEL;") == (
        "Authorization Type: ACL\n"
        "[role/dev]\nA projects/demo/models/m: Describe\n"
        "[user/ALIYUN$alice@example.com]\nA projects/demo/models/m: Describe | Alter\n"
        "Authorization Type: ObjectCreator\n"
        "[user/ALIYUN$owner@example.com]\nAG projects/demo/models/m: All\n",
        ["OK"],
        0,
    )
    assert shell(OWNER, "SHOW ACL FOR m ON TYPE table;")[1] == [
        "FAILED: ODPS-0130071:[1,24] Semantic analysis exception - "
        "object type 'table' is not held by mcshell: it holds models only (ON TYPE MODEL)"
    ]
    assert shell(ALICE, "SHOW ACL FOR m;")[1] == [
        DENIED + ALICE + " cannot show the ACL of model demo.m: only the model's creator, the project owner or a "
        "Super_Administrator or Admin can"
    ]


def test_show_acl_leaves_out_a_creator_who_left_the_project(shell):
    shell(OWNER, f"GRANT CreateModel ON PROJECT demo TO {BOB};")
    shell(BOB, f"CREATE MODEL b1 WITH VERSION v1 {REMOTE};")
    creator = "Authorization Type: ObjectCreator\n[user/RAM$1234:bob]\nAG projects/demo/models/b1: All\n"
    assert shell(OWNER, "SHOW ACL FOR b1;")[0] == creator
    shell(OWNER, f"REMOVE USER {BOB};")
    assert shell(OWNER, "SHOW ACL FOR b1;") == ("", ["OK"], 0)  # out of the project, Bob holds nothing on it
    shell(OWNER, f"ADD USER {BOB};")
    assert shell(OWNER, "SHOW ACL FOR b1;")[0] == creator


def test_describe_role_and_show_grants_for_role(shell):
    shell(
        OWNER,
        f"CREATE ROLE Worker;\nGRANT Describe, Drop ON MODEL m TO ROLE worker;\n"
        f"GRANT CreateModel ON PROJECT demo TO ROLE worker;\nGRANT worker TO {BOB};\nGRANT worker TO {ALICE};",
    )
    assert shell(OWNER, "DESCRIBE ROLE worker;")[0] == (
        "[users]\nALIYUN$alice@example.com\nRAM$1234:bob\n"
        "Authorization Type: ACL\nA projects/demo: CreateModel\nA projects/demo/models/m: Describe | Drop\n"
    )
    assert shell(OWNER, "SHOW GRANTS FOR ROLE Worker;")[0] == (
        "Authorization Type: ACL\n[role/Worker]\nA projects/demo: CreateModel\n"
        "A projects/demo/models/m: Describe | Drop\n"
    )
    assert shell(OWNER, "DESC ROLE admin;")[0] == "[users]\n"
    assert shell(BOB, "DESCRIBE ROLE worker;")[1] == [
        DENIED + BOB + " cannot describe role worker: only the project owner or a Super_Administrator or Admin can"
    ]


# -- members ----------------------------------------------------------------------------------
def test_members_are_added_listed_and_removed_by_the_project_owner(shell):
    out, err, _ = shell(OWNER, f"REMOVE USER {BOB};\nLIST USERS;")
    assert err == ["OK", "OK"]
    assert out == (
        "+--------------------------+---------+---------------------+\n"
        "| User                     | IsOwner | AddTime             |\n"
        "+--------------------------+---------+---------------------+\n"
        "| ALIYUN$owner@example.com | true    | 2024-05-01 10:00:00 |\n"
        "| ALIYUN$alice@example.com | false   | 2024-05-01 10:00:00 |\n"
        "+--------------------------+---------+---------------------+\n"
    )


def test_member_management_errors(shell):
    before = shell.state()
    _, err, status = shell(
        OWNER,
        f"ADD USER {ALICE};\nADD USER '{OWNER}';\nREMOVE USER {OWNER};\nREMOVE USER ALIYUN$nobody@example.com;\n"
        f"ADD USER '';\nGRANT List ON PROJECT demo TO USER {OWNER};\nGRANT List ON PROJECT nowhere TO USER {ALICE};",
    )
    assert err == [
        f"FAILED: ODPS-0110061: Failed to run ddltask - User already exists: {ALICE} is a member of project demo",
        f"FAILED: ODPS-0110061: Failed to run ddltask - User already exists: {OWNER} owns project demo",
        "FAILED: ODPS-0110061: Failed to run ddltask - The owner of project demo cannot be removed from it",
        "FAILED: ODPS-0110061: Failed to run ddltask - User not found: "
        "ALIYUN$nobody@example.com is not a member of project demo",
        "FAILED: ODPS-0130071:[5,10] Semantic analysis exception - "
        "'' is not a user name: a user name is not empty and has no spaces",
        f"FAILED: ODPS-0110061: Failed to run ddltask - {OWNER} owns project demo and holds every privilege in it",
        "FAILED: ODPS-0110061: Failed to run ddltask - Project not found: nowhere",
    ]
    assert status == 1
    assert shell.state() == before


def test_list_users_is_for_the_owner_and_members(shell):
    assert shell(ALICE, "LIST USERS;")[1] == ["OK"]
    assert shell("ALIYUN$mallory@example.com", "LIST USERS;")[1] == [OUTSIDE]


def test_user_names_are_compared_exactly_as_written(shell):
    shell(OWNER, f"GRANT Describe ON MODEL m TO USER '{ALICE}';")
    assert shell(ALICE, "DESC MODEL m;")[1] == ["OK"]
    assert shell(ALICE.lower(), "DESC MODEL m;")[1] == [OUTSIDE]  # another user, who is not a member


def test_grants_on_a_model_of_another_project_need_a_member_of_that_project(shell):
    shell(OWNER, f"CREATE MODEL m WITH VERSION v1 {REMOTE};", project="other")
    _, err, _ = shell(OWNER, f"GRANT Describe ON MODEL other.m TO USER {ALICE};")
    assert err == [
        f"FAILED: ODPS-0110061: Failed to run ddltask - User not found: {ALICE} is not a member of project other"
    ]
    assert shell(ALICE, "DESC MODEL other.m;")[1] == [
        "FAILED: ODPS-0420095: Access Denied - You don't exist in project other."
    ]
    shell(OWNER, f"ADD USER {ALICE};\nGRANT Describe ON MODEL other.m TO USER {ALICE};", project="other")
    assert shell(ALICE, "DESC MODEL other.m;")[1] == ["OK"]


def test_the_public_project_stays_readable_by_all_and_writable_by_none(shell):
    stranger = "ALIYUN$mallory@example.com"
    out, err, _ = shell(
        stranger,
        "DESC MODEL bigdata_public_modelset.`qwen3-max`;\n"
        "SHOW VERSIONS FOR MODEL bigdata_public_modelset.`qwen3-max`;\n"
        "USE bigdata_public_modelset;\nSHOW MODELS;\n"
        "GRANT Describe ON MODEL `qwen3-max` TO USER RAM$1:x;\n"
        "GRANT List ON PROJECT bigdata_public_modelset TO USER RAM$1:x;\nADD USER RAM$1:x;\nCREATE ROLE r;",
        project="mine",
    )
    read_only = DENIED + stranger + " cannot change public models: project bigdata_public_modelset is read-only"
    assert err == ["OK"] * 4 + [read_only] * 4
    assert "| qwen3-max " in out
