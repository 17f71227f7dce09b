"""pyodps's structured reads of members and roles (odps/models/security/users.py, roles.py):
`o.get_project().users`, `.roles`, `role.users`, `user.roles`, and `x in project.users`. XML built
from what LIST USERS, LIST ROLES, DESC ROLE and SHOW GRANTS FOR <user> show, run as those
statements' handlers, so that each read is allowed exactly when its statement is."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar
from xml.sax.saxutils import escape

from mcshell.output.results import Grants, Result, table_of
from mcshell.rules import acl, members, roles
from mcshell.rules.context import Context
from mcshell.serve import wire
from mcshell.serve.messages import Request, Response
from mcshell.serve.runner import Runner
from mcshell.serve.wire import HttpError
from mcshell.sql import statements as st

T = TypeVar("T")


class SecurityRoutes:
    runner: Runner

    def users(self, req: Request, project: str) -> Response:
        return _xml(_users(self._read_security(req, project, _member_names)))

    def user(self, req: Request, project: str, name: str) -> Response:
        """One member (`type=displayname` or not: a member's ID is its name); `?roles`: the roles it holds."""
        if "roles" in req.query:
            held = self._read_security(
                req, project, lambda ctx: _grants(acl.show_grants(st.ShowGrants(st.Text(name)), ctx))
            )
            return _xml(_roles(held.roles))
        if name not in self._read_security(req, project, _member_names):
            raise HttpError(404, "NoSuchObject", f"User not found: {name} is not a member of project {project}")
        return _xml(_user(name))

    def roles(self, req: Request, project: str) -> Response:
        return _xml(_roles(self._read_security(req, project, _role_names)))

    def role(self, req: Request, project: str, name: str) -> Response:
        """One role; `?users`: its members (DESC ROLE's `[users]`). `?policy` is not served."""
        if "policy" in req.query:
            raise HttpError(400, "InvalidParameter", "role policies are not served: mcshell keeps no policy documents")
        if "users" in req.query:
            described = self._read_security(
                req, project, lambda ctx: _grants(acl.describe_role(st.DescribeRole(st.Ident(name)), ctx))
            )
            return _xml(_users(described.users or ()))
        found = next(
            (role for role in self._read_security(req, project, _role_names) if role.lower() == name.lower()), None
        )
        if found is None:
            raise HttpError(404, "NoSuchObject", f"Role not found: {name} in project {project}")
        return _xml(_role(found))

    def _read_security(self, req: Request, project: str, fn: Callable[[Context], T]) -> T:
        found, error = self.runner.read_as(req.user, project, fn)
        if error is not None:
            if error.startswith("ODPS-0110061: Failed to run ddltask - Project not found"):
                raise HttpError(404, "NoSuchProject", error)
            raise wire.error_of(error)
        return found  # type: ignore[return-value]  # set when error is None


def _member_names(ctx: Context) -> list[str]:
    return [str(row[0]) for row in table_of(members.list_users(st.ListUsers(), ctx)).rows]


def _role_names(ctx: Context) -> list[str]:
    return [str(row[0]) for row in table_of(roles.list_roles(st.ListRoles(), ctx)).rows]


def _grants(result: Result) -> Grants:
    assert isinstance(result.output, Grants)
    return result.output


def _user(name: str) -> str:
    """mcshell knows a member by its name only: the ID is the name too (mcshell's decision)."""
    return f"<User><ID>{escape(name)}</ID><DisplayName>{escape(name)}</DisplayName><Comment></Comment></User>"


def _role(name: str) -> str:
    return f"<Role><Name>{escape(name)}</Name><Comment></Comment></Role>"


def _users(names: Iterable[str]) -> str:
    return "<Users>" + "".join(_user(name) for name in names) + "</Users>"


def _roles(names: Iterable[str]) -> str:
    return "<Roles>" + "".join(_role(name) for name in names) + "</Roles>"


def _xml(body: str) -> Response:
    return Response(body=f"{wire.XML_HEADER}{body}\n".encode())
