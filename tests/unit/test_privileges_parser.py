"""The statements of members and privileges, parsed: user names as MaxCompute writes them."""

from __future__ import annotations

import pytest

from mcshell.errors import ParseError
from mcshell.sql import statements as st
from mcshell.sql.parser import parse
from mcshell.sql.splitter import Chunk


def parsed(text: str) -> st.Statement:
    return parse(Chunk(text))


@pytest.mark.parametrize(
    "written, name",
    [
        ("ALIYUN$alice@example.com", "ALIYUN$alice@example.com"),
        ("RAM$1234:bob", "RAM$1234:bob"),
        ("RAM$1234:role/admin", "RAM$1234:role/admin"),
        ("ALIYUN$a_b-c.d@mail.example.com", "ALIYUN$a_b-c.d@mail.example.com"),
        ("'ALIYUN$alice@example.com'", "ALIYUN$alice@example.com"),
        ('"RAM$1234:bob"', "RAM$1234:bob"),
        ("`RAM$1234:bob`", "RAM$1234:bob"),
    ],
)
def test_a_user_name_is_read_unquoted_or_quoted(written, name):
    assert parsed(f"ADD USER {written}") == st.AddUser(st.Text(name))
    assert parsed(f"remove user {written}") == st.RemoveUser(st.Text(name))
    assert parsed(f"SHOW GRANTS FOR {written}") == st.ShowGrants(st.Text(name))


def test_grant_and_revoke_on_a_model_or_a_project():
    assert parsed("GRANT Describe, alter ON MODEL p.m TO USER RAM$1:bob") == st.Grant(
        (st.Ident("Describe"), st.Ident("alter")), st.ModelRef(st.Ident("m"), st.Ident("p")), st.Text("RAM$1:bob")
    )
    assert parsed("revoke All on project demo from user ALIYUN$a@b.com") == st.Revoke(
        (st.Ident("All"),), st.Ident("demo"), st.Text("ALIYUN$a@b.com")
    )


def test_the_user_keyword_is_optional_and_a_role_may_be_the_grantee():
    model = st.ModelRef(st.Ident("m"))
    assert parsed("GRANT Describe ON MODEL m TO RAM$1234:bob") == st.Grant(
        (st.Ident("Describe"),), model, st.Text("RAM$1234:bob")
    )
    assert parsed("GRANT Describe ON MODEL m TO user$x") == st.Grant((st.Ident("Describe"),), model, st.Text("user$x"))
    assert parsed("REVOKE Drop ON MODEL m FROM ROLE Dev") == st.Revoke((st.Ident("Drop"),), model, st.Ident("Dev"))


def test_roles_are_granted_to_users_in_lists():
    assert parsed("grant Super_Administrator TO RAM$xxx") == st.GrantRole(
        (st.Ident("Super_Administrator"),), st.Text("RAM$xxx")
    )
    assert parsed("REVOKE dev, ops FROM USER ALIYUN$a@b.com") == st.RevokeRole(
        (st.Ident("dev"), st.Ident("ops")), st.Text("ALIYUN$a@b.com")
    )


def test_role_statements_and_acl_listings():
    assert parsed("CREATE ROLE dev") == st.CreateRole(st.Ident("dev"))
    assert parsed("drop role dev") == st.DropRole(st.Ident("dev"))
    assert parsed("LIST ROLES") == st.ListRoles()
    assert parsed("DESCRIBE ROLE dev") == parsed("desc role dev") == st.DescribeRole(st.Ident("dev"))
    assert parsed("SHOW GRANTS FOR ROLE dev") == st.ShowGrants(role=st.Ident("dev"))
    assert parsed("SHOW GRANT FOR USER RAM$1:bob") == st.ShowGrants(st.Text("RAM$1:bob"))
    assert parsed("SHOW ACL FOR p.m ON TYPE model") == st.ShowAcl(
        st.ModelRef(st.Ident("m"), st.Ident("p")), st.Ident("model")
    )
    assert parsed("SHOW ACL FOR m") == st.ShowAcl(st.ModelRef(st.Ident("m")))


def test_refused_clauses_are_read_whole_and_kept_for_the_handler():
    grant = parsed("GRANT List ON PROJECT p TO bob WITH GRANT OPTION")
    assert isinstance(grant, st.Grant) and grant.refused == st.Ident("WITH GRANT OPTION")
    assert grant.refused.offset == 31
    revoke = parsed('REVOKE List ON PROJECT p FROM ROLE r privilegeproperties("expires" = "1", "conditions" = "x")')
    assert isinstance(revoke, st.Revoke) and revoke.refused == st.Ident("privilegeproperties")
    role = parsed("CREATE ROLE r privilegeproperties('type'='admin')")
    assert isinstance(role, st.CreateRole) and role.refused == st.Ident("privilegeproperties")


def test_list_users_and_show_grants():
    assert parsed("LIST USERS") == st.ListUsers()
    assert parsed("show grants") == st.ShowGrants()


@pytest.mark.parametrize(
    "text, message, offset",
    [
        ("ADD USER", "expected a user name, found end of statement", 8),
        ("ADD USER ALIYUN$a@b.com extra", "expected ';', found 'extra'", 24),
        ("GRANT Describe ON MODEL m TO ROLE", "expected a role name, found end of statement", 33),
        (
            "GRANT dev TO ROLE admin",
            "expected a user name (a role is granted to users, not to another role), found 'admin'",
            18,
        ),
        ("GRANT Describe ON MODEL m TO bob WITH GRANT", "expected ';', found 'WITH'", 33),
        (
            "GRANT List ON PROJECT p TO bob privilegeproperties('a' = 1)",
            "expected a quoted property value, found '1'",
            57,
        ),
        ("SHOW ACL FOR m ON MODEL", "expected 'TYPE', found 'MODEL'", 18),
        ("CREATE ROLE", "expected a role name, found end of statement", 11),
        ("GRANT Select ON VIEW t TO USER x", "expected MODEL, TABLE or PROJECT, found 'VIEW'", 16),
        ("REVOKE Drop ON MODEL m TO USER x", "expected 'FROM', found 'TO'", 23),
        ("GRANT ON MODEL m TO USER x", "expected ON or TO, found 'MODEL'", 9),
        ("SHOW GRANTS FOR", "expected a user name, found end of statement", 15),
    ],
)
def test_malformed_statements_point_at_the_offending_token(text, message, offset):
    with pytest.raises(ParseError) as raised:
        parsed(text)
    assert (raised.value.message, raised.value.offset) == (message, offset)
