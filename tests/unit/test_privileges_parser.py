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


def test_list_users_and_show_grants():
    assert parsed("LIST USERS") == st.ListUsers()
    assert parsed("show grants") == st.ShowGrants()


@pytest.mark.parametrize(
    "text, message, offset",
    [
        ("ADD USER", "expected a user name, found end of statement", 8),
        ("ADD USER ALIYUN$a@b.com extra", "expected ';', found 'extra'", 24),
        ("GRANT Describe ON MODEL m TO ROLE worker", "expected 'USER', found 'ROLE'", 29),
        ("GRANT Select ON TABLE t TO USER x", "expected MODEL or PROJECT, found 'TABLE'", 16),
        ("REVOKE Drop ON MODEL m TO USER x", "expected 'FROM', found 'TO'", 23),
        ("GRANT ON MODEL m TO USER x", "expected 'ON', found 'MODEL'", 9),
        ("SHOW GRANTS FOR", "expected a user name, found end of statement", 15),
    ],
)
def test_malformed_statements_point_at_the_offending_token(text, message, offset):
    with pytest.raises(ParseError) as raised:
        parsed(text)
    assert (raised.value.message, raised.value.offset) == (message, offset)
