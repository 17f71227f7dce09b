"""The statements on members, roles and grants, after the docs and the Java SDK's OdpsParser.g4:

    GRANT <privilege>[, ...] ON MODEL <m> | ON PROJECT <p> TO [USER] <u> | ROLE <r>
          [WITH GRANT OPTION] [privilegeproperties(...)]
    GRANT <role>[, ...] TO [USER] <u>          (and REVOKE ... FROM ...)
    CREATE ROLE <r>; DROP ROLE <r>; LIST ROLES; DESC[RIBE] ROLE <r>
    SHOW GRANTS [FOR [USER] <u> | FOR ROLE <r>]; SHOW ACL FOR <m> [ON TYPE <type>]

Each function continues the statement after its first words, on the statement parser `p`.
The clauses mcshell refuses (WITH GRANT OPTION, privilegeproperties) are read here and refused
by the handler, with the documented reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcshell.sql import statements as st
from mcshell.sql.dialect import TokenType
from mcshell.sql.lexicon import touches

if TYPE_CHECKING:
    from mcshell.sql.clauses import ClauseParser as _Parser


def grant(p: _Parser) -> st.Statement:
    return _privileges_or_roles(p, "TO", st.Grant, st.GrantRole)


def revoke(p: _Parser) -> st.Statement:
    return _privileges_or_roles(p, "FROM", st.Revoke, st.RevokeRole)


def _privileges_or_roles(
    p: _Parser, towards: str, on_object: type[st.Grant] | type[st.Revoke],
    of_roles: type[st.GrantRole] | type[st.RevokeRole],
) -> st.Statement:  # fmt: skip
    """GRANT and REVOKE read alike: `<names> ON <object> TO|FROM <grantee>`, or `<roles> TO|FROM <user>`."""
    names = _name_list(p, "a privilege or a role")
    if p.accept("ON"):
        target = _target(p)
        p.expect(towards)
        grantee = _grantee(p)
        return on_object(names, target, grantee, _refused_clause(p))
    if not p.accept(towards):
        raise p.fail(f"ON or {towards}")
    return of_roles(names, _role_holder(p))


def create_role(p: _Parser) -> st.Statement:
    role = p.ident("a role name")
    return st.CreateRole(role, _properties(p))


def drop_role(p: _Parser) -> st.Statement:
    return st.DropRole(p.ident("a role name"))


def describe_role(p: _Parser) -> st.Statement:
    return st.DescribeRole(p.ident("a role name"))


def show_grants(p: _Parser) -> st.Statement:
    """After SHOW GRANTS (or SHOW GRANT, as the SDK grammar allows)."""
    if not p.accept("FOR"):
        return st.ShowGrants()
    if _accept_keyword(p, "ROLE"):
        return st.ShowGrants(role=p.ident("a role name"))
    _accept_keyword(p, "USER")
    return st.ShowGrants(user=p.user_name())


def show_acl(p: _Parser) -> st.Statement:
    """After SHOW ACL."""
    p.expect("FOR")
    model = p.model_ref()
    object_type = None
    if p.accept("ON"):
        p.expect("TYPE")
        object_type = p.ident("an object type")
    return st.ShowAcl(model, object_type)


# -- clauses ----------------------------------------------------------------------------------
def _name_list(p: _Parser, what: str) -> tuple[st.Ident, ...]:
    names = [p.ident(what)]
    while p.next_is(TokenType.COMMA):
        p.i += 1
        names.append(p.ident(what))
    return tuple(names)


def _target(p: _Parser) -> st.ModelRef | st.Ident | st.TableObject:
    """`MODEL <m>`, `TABLE <t>` or `PROJECT <p>` (privilege names are checked by the handler)."""
    if p.accept("MODEL"):
        return p.model_ref()
    if p.accept("TABLE"):
        return st.TableObject(p.model_ref())
    if p.accept("PROJECT"):
        return p.ident("a project name")
    raise p.fail("MODEL, TABLE or PROJECT")


def _grantee(p: _Parser) -> st.Grantee:
    if _accept_keyword(p, "ROLE"):
        return p.ident("a role name")
    _accept_keyword(p, "USER")
    return p.user_name()


def _role_holder(p: _Parser) -> st.Text:
    """Roles are held by users: `TO [USER] <u>`."""
    if _accept_keyword(p, "ROLE"):
        raise p.fail("a user name (a role is granted to users, not to another role)")
    _accept_keyword(p, "USER")
    return p.user_name()


def _accept_keyword(p: _Parser, word: str) -> bool:
    """The keyword alone, not the start of a name that runs on (`USER$x`, `user:1`)."""
    token, after = p.peek(), p.peek(1)
    if token is None or not p.at(word) or (after is not None and touches(token, after)):
        return False
    p.i += 1
    return True


def _refused_clause(p: _Parser) -> st.Ident | None:
    """WITH GRANT OPTION and privilegeproperties(...), in either order: the first one found."""
    found: st.Ident | None = None
    while True:
        token = p.peek()
        if token is not None and p.at("WITH", "GRANT", "OPTION"):
            p.i += 3
            found = found or st.Ident("WITH GRANT OPTION", token.start)
            continue
        properties = _properties(p)
        if properties is None:
            return found
        found = found or properties


def _properties(p: _Parser) -> st.Ident | None:
    """`privilegeproperties("key" = "value", ...)`, read whole; None when there is none."""
    token = p.peek()
    if token is None or not p.at("PRIVILEGEPROPERTIES"):
        return None
    p.i += 1
    p.expect_type(TokenType.L_PAREN, "'('")
    while True:
        p.expect_type(TokenType.STRING, "a quoted property name")
        p.expect_type(TokenType.EQ, "'='")
        p.expect_type(TokenType.STRING, "a quoted property value")
        if not p.next_is(TokenType.COMMA):
            break
        p.i += 1
    p.expect_type(TokenType.R_PAREN, "',' or ')'")
    return st.Ident("privilegeproperties", token.start)
