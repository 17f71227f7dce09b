"""read_access against `mcshell serve --accounts` through the real pyodps (inside Remote): a
catalog built with the CLI, served, read back through security queries only, and compared with
read_project of the same catalog."""

from __future__ import annotations

import io
import os
import subprocess

import pytest
from conftest import MCSHELL

from mcshell.catalog.grants import ROLE, GrantRow
from mcshell.catalog.snapshot import read_project
from mcshell.catalog.store import Catalog
from mcshell.errors import RemoteFailed, RemoteRefused, UnreadableAnswer
from mcshell.output.console import Console
from mcshell.output.render import render_grid
from mcshell.output.results import Table
from mcshell.remote.client import Remote
from mcshell.remote.read_access import AccessState, read_access
from mcshell.remote.target import Target
from mcshell.serve import serving
from mcshell.serve.auth import load_accounts

OWNER, ALICE, BOB = "ALIYUN$owner@example.com", "ALIYUN$alice@example.com", "RAM$1234:bob"
CAROL, GONE, EVE = "ALIYUN$卡罗尔@例子.com", "RAM$1234:gone", "ALIYUN$eve@example.com"
ACCOUNTS = {"owner-id": OWNER, "alice-id": ALICE, "bob-id": BOB, "eve-id": EVE}
MODEL = (
    "CREATE MODEL {name} WITH VERSION v1 INPUT(age INT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
    "MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bucket/{name}/', "
    "ROLEARN = 'acs:ram::1234:role/r');"
)
# Members, roles with holders, grants on the project and on models to users and roles, a member
# who created a model, a removed member who keeps a grant, a dropped role, an Admin.
OWNER_SCRIPT = f"""
{MODEL.format(name="churn")}
{MODEL.format(name="Score")}
ADD USER {ALICE}; ADD USER {BOB}; ADD USER `{CAROL}`; ADD USER {GONE};
CREATE ROLE Analyst; CREATE ROLE idle; CREATE ROLE dropped;
GRANT Describe ON MODEL churn TO ROLE Analyst;
GRANT List, Read ON PROJECT sales TO ROLE Analyst;
GRANT Describe, Drop ON MODEL score TO ROLE dropped;
GRANT Analyst TO {BOB}; GRANT Analyst TO `{CAROL}`;
GRANT Admin TO {ALICE};
GRANT CreateModel, List ON PROJECT sales TO {ALICE};
GRANT Alter, Describe ON MODEL churn TO {BOB};
GRANT Describe ON MODEL score TO `{CAROL}`;
GRANT Drop ON MODEL churn TO {GONE}; GRANT Write ON PROJECT sales TO {GONE};
REMOVE USER {GONE};
DROP ROLE dropped;
"""
ALICE_SCRIPT = f"{MODEL.format(name='alices')}\nGRANT Describe ON MODEL alices TO {BOB};\n"


def _cli(catalog, user, script, home):
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    ran = subprocess.run([MCSHELL, "--catalog", str(catalog), "--project", "sales", "--user", user],
                         input=script, capture_output=True, text=True, env=env)  # fmt: skip
    assert ran.returncode == 0, ran.stderr


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The catalog built with the CLI, served with an account per user."""
    folder = tmp_path_factory.mktemp("production")
    catalog = folder / "production.db"
    _cli(catalog, OWNER, OWNER_SCRIPT, folder)
    _cli(catalog, ALICE, ALICE_SCRIPT, folder)
    accounts = folder / "accounts.ini"
    accounts.write_text("".join(f"[{key}]\nsecret = {key}-secret\nuser = {user}\n\n" for key, user in ACCOUNTS.items()))
    os.chmod(accounts, 0o600)
    with serving(str(catalog), user=OWNER, project="sales", accounts=load_accounts(str(accounts)),
                 log=Console(io.StringIO(), io.StringIO())) as endpoint:  # fmt: skip
        yield endpoint, catalog


def _remote(production, access_id):
    return Remote(Target(production[0].url, "sales", access_id, f"{access_id}-secret"))


def _catalog_state(catalog):
    opened = Catalog.open_reading(str(catalog), "2026-12-07 00:00:00")
    try:
        with opened.transaction(False):
            return read_project(opened, "sales")
    finally:
        opened.close()


MODELS = ("Score", "alices", "churn")


def test_the_access_state_read_through_security_queries_is_the_catalogs(production):
    state = _catalog_state(production[1])

    read = read_access(_remote(production, "owner-id"), "sales", [model.model.name for model in state.models])

    members = {name for name, _ in state.members}
    kept = tuple(row for row in state.grants if row.kind != ROLE and row.grantee not in members)
    shown = tuple(row for row in state.grants if row not in kept)
    assert read == AccessState(state.members, state.roles, shown, state.builtin_holders)
    assert read.builtin_holders == (("admin", ALICE),)  # from the [roles] of SHOW GRANTS FOR alice
    # Grants kept for a removed user: no security query shows them (docs/privileges.md), so pull
    # cannot read them (docs/remote.md).
    assert kept == (GrantRow("user", GONE, None, "Write"), GrantRow("user", GONE, "churn", "Drop"))
    assert [role.role.name for role in read.roles] == ["Analyst", "idle"]
    assert read.roles[0].holders == tuple(sorted((BOB, CAROL)))
    assert GrantRow("user", BOB, "alices", "Describe") in read.grants  # granted by alices' creator


def test_an_administrator_reads_the_same_as_the_owner(production):
    owner = read_access(_remote(production, "owner-id"), "sales", MODELS)

    assert read_access(_remote(production, "alice-id"), "sales", MODELS) == owner


def test_grants_on_a_model_pull_did_not_list_are_left_to_the_next_pull(production):
    read = read_access(_remote(production, "owner-id"), "sales", ["churn"])

    assert {row.model for row in read.grants} == {None, "churn"}


def test_a_member_who_does_not_administer_the_project_gets_the_remotes_line(production):
    with pytest.raises(RemoteFailed) as raised:
        read_access(_remote(production, "bob-id"), "sales", MODELS)

    assert raised.value.line == (
        "ODPS-0130013: Authorization exception - RAM$1234:bob cannot describe role Analyst: "
        "only the project owner or a Super_Administrator or Admin can"
    )


def test_a_user_outside_the_project_is_refused_at_the_first_read(production):
    with pytest.raises(RemoteRefused) as raised:
        read_access(_remote(production, "eve-id"), "sales", MODELS)

    assert raised.value.line == "ODPS-0420095: Access Denied - You don't exist in project sales."


class StandIn:
    """A remote whose security queries are answered from a table: a service answering in layouts
    mcshell cannot read. `answers` (query with `_` for spaces) replace the readable defaults."""

    def __init__(self, **answers: str):
        self.answers = {
            "LIST USERS": _grid(("User", "IsOwner", "AddTime"), [(OWNER, "true", "t0"), (BOB, "false", "t1")]),
            "LIST ROLES": _grid(("Role", "IsBuiltin", "CreateTime"), [("Admin", "true", "t0")]),
            f"SHOW GRANTS FOR {BOB}": "Authorization Type: ACL\nA projects/sales/models/churn: Describe\n",
        }
        self.answers.update({key.replace("_", " "): value for key, value in answers.items()})
        self.asked: list[str] = []

    def security(self, query: str) -> str:
        self.asked.append(query)
        return self.answers[query]


def _grid(headers, rows):
    return render_grid(Table(headers, rows))


GRANTS_OF_BOB = f"SHOW_GRANTS_FOR_{BOB}"


def test_a_stand_in_that_answers_in_the_layouts_is_read():
    stand_in = StandIn()

    read = read_access(stand_in, "sales", ["churn"])

    assert read == AccessState(((BOB, "t1"),), (), (GrantRow("user", BOB, "churn", "Describe"),), ())
    assert stand_in.asked == ["LIST USERS", "LIST ROLES", f"SHOW GRANTS FOR {BOB}"]


def test_the_built_in_roles_a_member_holds_are_read_from_their_roles_block():
    shown = f"[roles]\nadmin\nSuper_Administrator\nAuthorization Type: ACL\n[user/{BOB}]\nA projects/sales: List\n"

    read = read_access(StandIn(**{GRANTS_OF_BOB: shown}), "sales", ["churn"])

    assert read.builtin_holders == (("admin", BOB), ("super_administrator", BOB))
    assert read.roles == () and read.grants == (GrantRow("user", BOB, None, "List"),)


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"LIST_USERS": _grid(("User", "IsOwner", "AddTime"), [(BOB, "maybe", "t1")])},
         "the answer to LIST USERS could not be read at line 4: '| RAM$1234:bob | maybe   | t1      |': "
         "IsOwner is neither true nor false"),
        ({"LIST_USERS": _grid(("Name", "IsOwner", "AddTime"), [(BOB, "false", "t1")])},
         "the answer to LIST USERS could not be read at line 2: '| Name         | IsOwner | AddTime |': "
         "the columns are not User, IsOwner, AddTime"),
        ({"LIST_USERS": _grid(("User", "IsOwner", "AddTime"), [("RAM$1234:a\\x1bb", "false", "t1")])},
         "the answer to LIST USERS could not be read at line 4: '| RAM$1234:a\\x1bb | false   | t1      |': "
         "a name with a backslash: an escaped character cannot be told apart"),
        ({GRANTS_OF_BOB: "Authorization Type: ACL\nA projects/sales/models/churn: Describe | Select\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 2: "
         "'A projects/sales/models/churn: Describe | Select': not a privilege on a model (Describe, Alter, Drop)"),
        ({GRANTS_OF_BOB: "Authorization Type: ACL\nA projects/other: List\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 2: "
         "'A projects/other: List': not the project or one of its models or tables"),
        ({GRANTS_OF_BOB: "Authorization Type: ACL\nAG projects/sales: List\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 2: 'AG projects/sales: List': mark not A"),
        ({"LIST_ROLES": _grid(("Role", "IsBuiltin", "CreateTime"), [("dev", "false", "t0")]),
          "DESC_ROLE_dev": "Authorization Type: ACL\nA projects/sales: List\n"},
         "the answer to DESC ROLE dev could not be read at line 1: 'Authorization Type: ACL': "
         "no [users] block: who holds the role is not said"),
        ({GRANTS_OF_BOB: "Authorization Type: Policy\nA projects/sales: List\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 1: 'Authorization Type: Policy': "
         "an authorization type pull does not read (it reads ACL and ObjectCreator)"),
        ({GRANTS_OF_BOB: "Authorization Type: ACL\n[user/RAM$1234:other]\nA projects/sales: List\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 2: '[user/RAM$1234:other]': "
         f"not user/{BOB}"),
        ({GRANTS_OF_BOB: f"[roles]\nAdmin\nghost\nAuthorization Type: ACL\n[user/{BOB}]\nA projects/sales: List\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 3: 'ghost': not a role LIST ROLES listed"),
        ({GRANTS_OF_BOB: "Authorization Type: ACL\nA projects/sales: List\nOK\n"},
         f"the answer to SHOW GRANTS FOR {BOB} could not be read at line 3: 'OK': not a line of the grants layout"),
    ],
)  # fmt: skip
def test_an_answer_it_cannot_read_names_the_request_and_the_line(answers, message):
    with pytest.raises(UnreadableAnswer) as raised:
        read_access(StandIn(**answers), "sales", ["churn"])

    assert raised.value.line == message
