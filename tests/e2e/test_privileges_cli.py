"""The worked example of docs/privileges.md, through the installed CLI: exact output, verdicts and status."""

from __future__ import annotations

from conftest import mask_times

OWNER_SQL = """\
CREATE MODEL churn WITH VERSION v1 INPUT(age INT, spend DOUBLE)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
        LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/models-bucket/churn/v1/',
        ROLEARN = 'acs:ram::1234:role/aliyunodpsdefaultrole');
ADD USER ALIYUN$alice@example.com;
ADD USER RAM$1234:bob;
CREATE ROLE analyst;
GRANT Describe ON MODEL churn TO ROLE analyst;
GRANT analyst TO RAM$1234:bob;
GRANT CreateModel, List ON PROJECT sales TO ALIYUN$alice@example.com;
LIST USERS;
"""
ALICE_SQL = """\
CREATE MODEL churn_next WITH VERSION v1 INPUT(age INT, spend DOUBLE, visits INT)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
        LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/models-bucket/churn/v2/',
        ROLEARN = 'acs:ram::1234:role/aliyunodpsdefaultrole');
GRANT Describe ON MODEL churn_next TO USER RAM$1234:bob;
SHOW GRANTS;
DROP MODEL churn;
"""
OWNER = ("--project", "sales", "--user", "ALIYUN$owner@example.com")
ALICE = ("--project", "sales", "--user", "ALIYUN$alice@example.com")


NO_PRIVILEGE = (
    "FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege '{action}' "
    "on {{acs:odps:*:{resource}}}. --->Tips: CurrentProject:sales; Principal:{user};\n"
)
OUTSIDE = "FAILED: ODPS-0420095: Access Denied - You don't exist in project sales.\n"


def test_the_worked_example_of_the_privileges_page(mcshell, tmp_path):
    (tmp_path / "owner.sql").write_text(OWNER_SQL)
    (tmp_path / "alice.sql").write_text(ALICE_SQL)

    owner = mcshell(*OWNER, "-f", "owner.sql", cwd=tmp_path)
    assert mask_times(owner.stdout) == (
        "+--------------------------+---------+---------------------+\n"
        "| User                     | IsOwner | AddTime             |\n"
        "+--------------------------+---------+---------------------+\n"
        "| ALIYUN$owner@example.com | true    | YYYY-MM-DD hh:mm:ss |\n"
        "| ALIYUN$alice@example.com | false   | YYYY-MM-DD hh:mm:ss |\n"
        "| RAM$1234:bob             | false   | YYYY-MM-DD hh:mm:ss |\n"
        "+--------------------------+---------+---------------------+\n"
    )
    assert (owner.stderr, owner.status) == ("OK\n" * 8, 0)

    alice = mcshell(*ALICE, "-f", "alice.sql", cwd=tmp_path)
    assert alice.stdout == (
        "Authorization Type: ACL\n"
        "A projects/sales: CreateModel | List\n"
        "Authorization Type: ObjectCreator\n"
        "AG projects/sales/models/churn_next: All\n"
    )
    drop = NO_PRIVILEGE.format(
        action="odps:Drop", resource="projects/sales/models/churn", user="ALIYUN$alice@example.com"
    )
    assert (alice.stderr, alice.status) == ("OK\nOK\nOK\n" + drop, 1)

    bob = mcshell("--project", "sales", "-e", "SHOW GRANTS; SHOW MODELS;", env={"MCSHELL_USER": "RAM$1234:bob"})
    assert bob.stdout == (
        "[roles]\n"
        "analyst\n"
        "Authorization Type: ACL\n"
        "[role/analyst]\n"
        "A projects/sales/models/churn: Describe\n"
        "[user/RAM$1234:bob]\n"
        "A projects/sales/models/churn_next: Describe\n"
    )
    listing = NO_PRIVILEGE.format(action="odps:List", resource="projects/sales", user="RAM$1234:bob")
    assert (bob.stderr, bob.status) == ("OK\n" + listing, 1)

    revoked = mcshell(*OWNER, "-e", "REVOKE analyst FROM RAM$1234:bob; SHOW GRANTS FOR RAM$1234:bob;")
    assert revoked.stdout == "Authorization Type: ACL\nA projects/sales/models/churn_next: Describe\n"
    assert (revoked.stderr, revoked.status) == ("OK\nOK\n", 0)

    # Removed, Bob exists nowhere in the project; added back, he finds his grants again.
    bob_describes = ("--project", "sales", "--user", "RAM$1234:bob", "-e", "DESC MODEL churn_next;")
    assert mcshell(*OWNER, "-e", "REMOVE USER RAM$1234:bob;").stderr == "OK\n"
    outside = mcshell(*bob_describes)
    assert (outside.stdout, outside.stderr, outside.status) == ("", OUTSIDE, 1)
    assert mcshell(*OWNER, "-e", "ADD USER RAM$1234:bob;").stderr == "OK\n"
    back = mcshell(*bob_describes)
    assert (back.stderr, back.status) == ("OK\n", 0)
