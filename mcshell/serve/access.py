"""Who may read an instance: the user who ran it, and the project's owner and administrators
(Super_Administrator, Admin), as MaxCompute keeps an instance private to them (the Instance
object and its Read action: https://www.alibabacloud.com/help/en/maxcompute/user-guide/maxcompute-permissions).
Anyone else gets ODPS-0420095, in the documented words of
https://www.alibabacloud.com/help/en/maxcompute/user-guide/odps-0420095."""

from __future__ import annotations

from mcshell.errors import AccessDeniedError
from mcshell.output import report
from mcshell.rules import access
from mcshell.rules import privileges as names
from mcshell.rules.context import Context
from mcshell.serve import wire
from mcshell.serve.instances import Instance
from mcshell.serve.runner import Runner
from mcshell.serve.wire import HttpError
from mcshell.session import local_time

READ, WRITE = "Read", "Write"  # the Instance actions: status, source and result; stopping it


def instance_for(runner: Runner, project: str, instance_id: str, found: Instance | None, user: str,
                 action: str) -> Instance:  # fmt: skip
    """The instance `user` asked for, or the refusal. A user outside the project learns nothing,
    not even whether the instance exists; a member learns that it exists and is not theirs."""
    if found is not None and found.owner == user:
        return found  # the common case answers without opening the catalog
    standing = runner.read(lambda catalog: _standing(Context(catalog, user, project, local_time), project))
    if standing == _OUTSIDE:
        raise _denied(report.not_in_project(project))
    if found is None:
        raise HttpError(404, "NoSuchObject", f"instance {instance_id} not found in project {project}")
    if standing == _MEMBER:
        raise _denied(report.access_denied(action, f"{names.resource(project)}/instances/{instance_id}"))
    return found


_OUTSIDE, _MEMBER, _ADMINISTRATOR = "outside", "member", "administrator"


def _standing(ctx: Context, project: str) -> str:
    if access.administers(ctx, project):
        return _ADMINISTRATOR
    return _MEMBER if access.is_in_project(ctx, project) else _OUTSIDE


def _denied(message: str) -> HttpError:
    """403 NoPermission (pyodps: odps.errors.NoPermission); e.args[0] is the ODPS line."""
    return wire.error_of(report.odps_line(AccessDeniedError(message)))
