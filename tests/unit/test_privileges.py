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


# Each model statement, the privilege the docs name for it, and the GRANT that gives it.
STATEMENTS = [
    (f"CREATE MODEL m2 WITH VERSION v1 {REMOTE};", "has no CreateModel privilege on project demo",
     "CreateModel ON PROJECT demo"),
    (f"ALTER MODEL m ADD VERSION v2 WITH {REMOTE};", "has no Alter privilege on model demo.m", "Alter ON MODEL m"),
    ("ALTER MODEL m SET DEFAULT_VERSION v0;", "has no Alter privilege on model demo.m", "Alter ON MODEL m"),
    ("ALTER MODEL m DROP VERSION v0;", "has no Alter privilege on model demo.m", "Alter ON MODEL m"),
    ("DROP MODEL m;", "has no Drop privilege on model demo.m", "Drop ON MODEL m"),
    ("DESC MODEL m;", "has no Describe privilege on model demo.m", "Describe ON MODEL m"),
    ("SHOW MODELS;", "has no List privilege on project demo", "List ON PROJECT demo"),
    ("SHOW VERSIONS FOR MODEL m;", "has no List privilege on project demo", "List ON PROJECT demo"),
]  # fmt: skip
IDS = [s[0].split(" WITH")[0].rstrip(";") for s in STATEMENTS]


@pytest.mark.parametrize("statement, missing, privilege", STATEMENTS, ids=IDS)
def test_the_project_owner_runs_every_statement_without_grants(shell, statement, missing, privilege):
    _, err, status = shell(OWNER, statement)
    assert (err, status) == (["OK"], 0)


@pytest.mark.parametrize("statement, missing, privilege", STATEMENTS, ids=IDS)
def test_a_member_needs_the_privilege_and_loses_it_on_revoke(shell, statement, missing, privilege):
    before = shell.state()
    assert shell(ALICE, statement) == ("", [DENIED + ALICE + " " + missing], 1)
    assert shell.state() == before

    assert shell(OWNER, f"GRANT {privilege} TO USER {ALICE};\nREVOKE {privilege} FROM USER {ALICE};")[1] == ["OK"] * 2
    assert shell(ALICE, statement)[1:] == ([DENIED + ALICE + " " + missing], 1)
    assert shell.state() == before

    assert shell(OWNER, f"GRANT {privilege} TO USER {ALICE};")[1] == ["OK"]
    _, err, status = shell(ALICE, statement)
    assert (err, status) == (["OK"], 0)


@pytest.mark.parametrize("statement, missing, privilege", STATEMENTS, ids=IDS)
def test_a_user_outside_the_project_is_refused_everything(shell, statement, missing, privilege):
    stranger = "ALIYUN$mallory@example.com"
    before = shell.state()
    assert shell(stranger, statement) == ("", [DENIED + stranger + " " + missing], 1)
    assert shell.state() == before


def test_a_privilege_on_one_model_is_not_one_on_another(shell):
    shell(OWNER, f"CREATE MODEL other WITH VERSION v1 {REMOTE};\nGRANT Describe ON MODEL m TO USER {ALICE};")
    _, err, _ = shell(ALICE, "DESC MODEL m;\nDESC MODEL other;")
    assert err == ["OK", DENIED + ALICE + " has no Describe privilege on model demo.other"]


def test_grant_to_a_user_who_is_not_a_member_is_refused(shell):
    before = shell.state()
    _, err, status = shell(OWNER, "GRANT Describe ON MODEL m TO USER ALIYUN$carol@example.com;")
    assert (err, status) == (
        ["FAILED: ODPS-0110061: Failed to run ddltask - User not found: "
         "ALIYUN$carol@example.com is not a member of project demo"],
        1,
    )  # fmt: skip
    assert shell.state() == before


def test_a_member_cannot_grant_or_revoke_even_holding_every_privilege(shell):
    shell(OWNER, f"GRANT All ON MODEL m TO USER {ALICE};\nGRANT All ON PROJECT demo TO USER {ALICE};")
    before = shell.state()
    _, err, status = shell(
        ALICE,
        f"GRANT Describe ON MODEL m TO USER {BOB};\nGRANT List ON PROJECT demo TO USER {BOB};\n"
        f"REVOKE Describe ON MODEL m FROM USER {ALICE};\nADD USER ALIYUN$carol@example.com;\nREMOVE USER {BOB};",
    )
    assert err == [
        DENIED + ALICE + " cannot grant privileges on model demo.m: only the model owner or the project owner can",
        DENIED + ALICE + " cannot grant privileges on project demo: only the project owner can",
        DENIED + ALICE + " cannot revoke privileges on model demo.m: only the model owner or the project owner can",
        DENIED + ALICE + " cannot add users to project demo: only the project owner can",
        DENIED + ALICE + " cannot remove users from project demo: only the project owner can",
    ]
    assert status == 1
    assert shell.state() == before


def test_all_means_every_privilege_of_that_object(shell):
    shell(OWNER, f"GRANT all ON MODEL m TO USER {ALICE};\nGRANT ALL ON PROJECT demo TO USER {ALICE};")
    out, _, _ = shell(OWNER, f"SHOW GRANTS FOR {ALICE};")
    assert out.splitlines()[3:5] == [
        "| ALIYUN$alice@example.com | project    | demo       | CreateModel, List     |",
        "| ALIYUN$alice@example.com | model      | demo.m     | Describe, Alter, Drop |",
    ]
    _, err, _ = shell(
        ALICE,
        "DESC MODEL m;\nSHOW MODELS;\nALTER MODEL m DROP VERSION v0;\n"
        f"CREATE MODEL m2 WITH VERSION v1 {REMOTE};\nDROP MODEL m;",
    )
    assert err == ["OK"] * 5

    shell(OWNER, f"REVOKE All ON PROJECT demo FROM USER {ALICE};")
    assert shell(ALICE, "SHOW MODELS;")[1] == [DENIED + ALICE + " has no List privilege on project demo"]


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
    assert err == [
        "FAILED: ODPS-0130071:[1,17] Semantic analysis exception - "
        "'Select' is not a privilege on a model; use Describe, Alter, Drop or All",
        "FAILED: ODPS-0130071:[2,7] Semantic analysis exception - "
        "'CreateModel' is not a privilege on a model; use Describe, Alter, Drop or All",
        "FAILED: ODPS-0130071:[3,7] Semantic analysis exception - "
        "'Describe' is not a privilege on a project; use CreateModel, List or All",
    ]
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
    assert err == ["OK"] * 7 + [DENIED + ALICE + " has no Describe privilege on model demo.m"]
    assert f"| Owner:                    {ALICE}" in out
    assert out.endswith(
        "+--------------------------+------------+------------+-------------+\n"
        "| User                     | ObjectType | ObjectName | Privileges  |\n"
        "+--------------------------+------------+------------+-------------+\n"
        "| ALIYUN$alice@example.com | project    | demo       | CreateModel |\n"
        "| ALIYUN$alice@example.com | model      | demo.mine  | All (owner) |\n"
        "+--------------------------+------------+------------+-------------+\n"
    )
    assert shell(BOB, "DESC MODEL mine;")[1] == ["OK"]
    assert shell(ALICE, "DROP MODEL mine;")[1] == ["OK"]


def test_show_grants_lists_the_current_users_privileges_in_the_current_project(shell):
    shell(OWNER, f"GRANT List ON PROJECT demo TO USER {BOB};\nGRANT Drop, Describe ON MODEL m TO USER {BOB};")
    assert shell(BOB, "SHOW GRANTS;") == (
        "+--------------+------------+------------+----------------+\n"
        "| User         | ObjectType | ObjectName | Privileges     |\n"
        "+--------------+------------+------------+----------------+\n"
        "| RAM$1234:bob | project    | demo       | List           |\n"
        "| RAM$1234:bob | model      | demo.m     | Describe, Drop |\n"
        "+--------------+------------+------------+----------------+\n",
        ["OK"],
        0,
    )
    assert shell(OWNER, "SHOW GRANTS;")[0] == (
        "+--------------------------+------------+------------+-------------+\n"
        "| User                     | ObjectType | ObjectName | Privileges  |\n"
        "+--------------------------+------------+------------+-------------+\n"
        "| ALIYUN$owner@example.com | project    | demo       | All (owner) |\n"
        "| ALIYUN$owner@example.com | model      | demo.m     | All (owner) |\n"
        "+--------------------------+------------+------------+-------------+\n"
    )
    assert shell(ALICE, "SHOW GRANTS;")[0] == (
        "+------+------------+------------+------------+\n"
        "| User | ObjectType | ObjectName | Privileges |\n"
        "+------+------------+------------+------------+\n"
        "+------+------------+------------+------------+\n"
    )


def test_only_the_project_owner_sees_another_users_grants(shell):
    shell(OWNER, f"GRANT Describe ON MODEL m TO USER {BOB};")
    assert shell(ALICE, f"SHOW GRANTS FOR {BOB};")[1:] == (
        [DENIED + ALICE + " cannot show the grants of RAM$1234:bob in project demo: only the project owner can"],
        1,
    )
    assert "| RAM$1234:bob | model      | demo.m     | Describe   |" in shell(OWNER, f"SHOW GRANTS FOR '{BOB}';")[0]
    assert shell(BOB, f"SHOW GRANTS FOR {BOB};")[1] == ["OK"]


def test_dropping_a_model_removes_its_grants(shell):
    shell(OWNER, f"GRANT Describe ON MODEL m TO USER {ALICE};\nDROP MODEL m;\nCREATE MODEL m WITH VERSION v1 {REMOTE};")
    assert shell(ALICE, "DESC MODEL m;")[1] == [DENIED + ALICE + " has no Describe privilege on model demo.m"]
    with sqlite3.connect(shell.path) as db:
        assert db.execute("SELECT count(*) FROM model_grants").fetchone() == (0,)


def test_members_are_added_listed_and_removed_by_the_project_owner(shell):
    shell(OWNER, f"GRANT List ON PROJECT demo TO USER {BOB};\nGRANT Describe ON MODEL m TO USER {BOB};")
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
    # A removed member loses their grants: added again, they start with nothing.
    shell(OWNER, f"ADD USER {BOB};")
    assert shell(BOB, "SHOW MODELS;")[1] == [DENIED + BOB + " has no List privilege on project demo"]
    with sqlite3.connect(shell.path) as db:
        assert db.execute("SELECT count(*) FROM project_grants").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM model_grants").fetchone() == (0,)


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
    stranger = "ALIYUN$mallory@example.com"
    assert shell(stranger, "LIST USERS;")[1] == [DENIED + f"{stranger} is not a member of project demo"]


def test_user_names_are_compared_exactly_as_written(shell):
    shell(OWNER, f"GRANT Describe ON MODEL m TO USER '{ALICE}';")
    assert shell(ALICE, "DESC MODEL m;")[1] == ["OK"]
    assert shell(ALICE.lower(), "DESC MODEL m;")[1] == [
        DENIED + "aliyun$alice@example.com has no Describe privilege on model demo.m"
    ]


def test_grants_on_a_model_of_another_project_need_a_member_of_that_project(shell):
    shell(OWNER, f"CREATE MODEL m WITH VERSION v1 {REMOTE};", project="other")
    _, err, _ = shell(OWNER, f"GRANT Describe ON MODEL other.m TO USER {ALICE};")
    assert err == [
        f"FAILED: ODPS-0110061: Failed to run ddltask - User not found: {ALICE} is not a member of project other"
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
        "GRANT List ON PROJECT bigdata_public_modelset TO USER RAM$1:x;\nADD USER RAM$1:x;",
    )
    read_only = DENIED + stranger + " cannot change public models: project bigdata_public_modelset is read-only"
    assert err == ["OK"] * 4 + [read_only] * 3
    assert "| qwen3-max " in out
