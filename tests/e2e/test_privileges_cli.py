"""The README's worked example on privileges, through the installed CLI: exact output, verdicts and status."""

from __future__ import annotations

from conftest import mask_times

OWNER_SQL = """\
CREATE MODEL churn WITH VERSION v1 INPUT(age INT, spend DOUBLE)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
        LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/models-bucket/churn/v1/',
        ROLEARN = 'acs:ram::1234:role/aliyunodpsdefaultrole');
ADD USER ALIYUN$alice@example.com;
ADD USER RAM$1234:bob;
GRANT CreateModel, List ON PROJECT sales TO USER ALIYUN$alice@example.com;
GRANT Describe ON MODEL churn TO USER RAM$1234:bob;
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


def test_the_worked_example_of_the_readme(mcshell, tmp_path):
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
    assert (owner.stderr, owner.status) == ("OK\n" * 6, 0)

    alice = mcshell(*ALICE, "-f", "alice.sql", cwd=tmp_path)
    assert alice.stdout == (
        "+--------------------------+------------+------------------+-------------------+\n"
        "| User                     | ObjectType | ObjectName       | Privileges        |\n"
        "+--------------------------+------------+------------------+-------------------+\n"
        "| ALIYUN$alice@example.com | project    | sales            | CreateModel, List |\n"
        "| ALIYUN$alice@example.com | model      | sales.churn_next | All (owner)       |\n"
        "+--------------------------+------------+------------------+-------------------+\n"
    )
    assert alice.stderr == (
        "OK\nOK\nOK\nFAILED: ODPS-0130013: Authorization exception - "
        "ALIYUN$alice@example.com has no Drop privilege on model sales.churn\n"
    )
    assert alice.status == 1

    bob = mcshell("--project", "sales", "-e", "SHOW GRANTS; SHOW MODELS;", env={"MCSHELL_USER": "RAM$1234:bob"})
    assert bob.stdout == (
        "+--------------+------------+------------------+------------+\n"
        "| User         | ObjectType | ObjectName       | Privileges |\n"
        "+--------------+------------+------------------+------------+\n"
        "| RAM$1234:bob | model      | sales.churn      | Describe   |\n"
        "| RAM$1234:bob | model      | sales.churn_next | Describe   |\n"
        "+--------------+------------+------------------+------------+\n"
    )
    assert bob.stderr == (
        "OK\nFAILED: ODPS-0130013: Authorization exception - RAM$1234:bob has no List privilege on project sales\n"
    )
    assert bob.status == 1

    revoked = mcshell(
        *OWNER, "-e", "REVOKE Describe ON MODEL churn FROM USER RAM$1234:bob; SHOW GRANTS FOR RAM$1234:bob;"
    )
    assert revoked.stdout == (
        "+--------------+------------+------------------+------------+\n"
        "| User         | ObjectType | ObjectName       | Privileges |\n"
        "+--------------+------------+------------------+------------+\n"
        "| RAM$1234:bob | model      | sales.churn_next | Describe   |\n"
        "+--------------+------------+------------------+------------+\n"
    )
    assert (revoked.stderr, revoked.status) == ("OK\nOK\n", 0)
