"""The routes pyodps uses, each a function of one parsed request. The route table at the end
says which method and path reach which function; paths are matched without the optional `/api`."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

from mcshell.serve import access, wire
from mcshell.serve.catalogapi import CatalogRoutes
from mcshell.serve.instances import Instance, InstanceStore, new_instance_id
from mcshell.serve.messages import Request, Response, text
from mcshell.serve.runner import Runner
from mcshell.serve.security import SecurityRoutes
from mcshell.serve.tablesapi import TableRoutes
from mcshell.serve.wire import HttpError, TaskReport

INSTANCE_ACTIONS = ("taskstatus", "result", "source", "instancestatus", "downloads", "instanceprogress")


class Routes(CatalogRoutes, SecurityRoutes, TableRoutes):
    def __init__(self, runner: Runner, store: InstanceStore, address: str):
        self.runner = runner
        self.store = store
        self.address = address  # HOST:PORT, what /tunnel and /catalogapi answer (pyodps adds the scheme)

    # -- side calls ---------------------------------------------------------------------------
    def logview_host(self, req: Request) -> Response:
        return text(f"http://{self.address}")

    def webconsole_host(self, req: Request) -> Response:
        return text("")  # no job-insight console: pyodps then uses none

    def tenants(self, req: Request) -> Response:
        return Response(body=b'{"Tenant": {"Name": "mcshell", "Parameters": {}}}', content_type="application/json")

    def catalog_host(self, req: Request) -> Response:
        return text(self.address)

    def project(self, req: Request, project: str) -> Response:
        info = self.runner.find_project(project)
        if info is None:
            raise HttpError(404, "NoSuchProject", f"ODPS-0110061: Failed to run ddltask - Project not found: {project}")
        created = wire.http_date(wire.local_epoch(info.create_time))
        headers = {"x-odps-owner": info.owner, "x-odps-creation-time": created, "Last-Modified": created}
        return Response(body=wire.project_xml(info.name, info.owner), headers=headers)

    def survey_logs(self, req: Request, project: str) -> Response:
        return Response()  # pyodps's usage survey: accepted and dropped

    def tunnel_service(self, req: Request, project: str) -> Response:
        if "service" not in req.query:
            raise HttpError(400, "InvalidParameter", "only GET /projects/<p>/tunnel?service is served")
        return text(self.address)

    # -- instances ----------------------------------------------------------------------------
    def submit(self, req: Request, project: str) -> Response:
        """The job runs here, before the answer: an instance is never seen Running."""
        job = wire.parse_job(req.body)
        start = wire.http_date()
        ran = self.runner.run(job.query, req.user, project, settings=job.settings)
        if ran.parse_error:
            raise HttpError(400, "ParseError", ran.error or "")
        end = wire.http_date()
        status, result = ("Failed", ran.error) if ran.error is not None else ("Success", ran.stdout)
        task = TaskReport(job.task_name, status, result, start, end)
        instance = Instance(new_instance_id(), project, req.user, job.source, task, start, end)
        self.store.add(instance)
        location = {"Location": f"{req.base}/projects/{project}/instances/{instance.id}"}
        if "tryWait" in req.query:  # the synchronous answer odpscmd asks for: the results at once
            return Response(200, wire.task_result_xml(task), headers=location)
        return Response(201, headers=location)

    def instance(self, req: Request, project: str, instance_id: str) -> Response:
        privilege = access.WRITE if req.method == "PUT" else access.READ
        found = access.instance_for(
            self.runner, project, instance_id, self.store.get(project, instance_id), req.user, privilege
        )
        action = next((name for name in INSTANCE_ACTIONS if name in req.query), None)
        if req.method == "PUT":
            raise HttpError(409, "InvalidStateSetting", f"instance {instance_id} is terminated: it cannot be stopped")
        if req.method == "POST":
            if action != "downloads":
                raise HttpError(400, "InvalidParameter", "POST on an instance takes ?downloads only")
            raise HttpError(400, "InstanceTypeNotSupported", "this instance has no tabular result to download")
        if action in (None, "instancestatus"):
            headers = {"x-odps-owner": found.owner, "x-odps-start-time": found.start, "x-odps-end-time": found.end}
            return Response(body=wire.instance_xml("Terminated"), headers=headers)
        if action == "taskstatus":
            return Response(body=wire.task_status_xml(found.task))
        if action == "result":
            return Response(body=wire.task_result_xml(found.task))
        if action == "source":
            return Response(body=(wire.XML_HEADER + found.source).encode())
        if action == "instanceprogress":
            return Response(body=f"{wire.XML_HEADER}<Progress/>\n".encode())
        raise HttpError(400, "InvalidParameter", f"GET on an instance does not take ?{action}")

    # -- security queries ---------------------------------------------------------------------
    def authorization(self, req: Request, project: str) -> Response:
        if "sign_bearer_token" in req.query:  # for a logview address: a token that opens nothing
            wire.parse_json(req.body)
            return Response(body=wire.authorization_xml("mcshell-" + os.urandom(16).hex()))
        query = wire.parse_auth_query(req.body)
        fmt = "json" if query.json else "box"
        ran = self.runner.run(query.query, req.user, project, fmt=fmt, settings=query.settings)
        if ran.error is not None:
            raise wire.error_of(ran.error)
        result = ran.stdout
        if query.json and not result:
            result = "{}"  # a statement that prints only OK: still JSON the client can load
        return Response(body=wire.authorization_xml(result))


NAME = r"([^/]+)"
# (pattern, methods, handler name): the path groups are the handler's arguments, unquoted.
ROUTES: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = tuple(
    (re.compile(pattern + r"\Z"), methods, handler)
    for pattern, methods, handler in (
        ("/logview/host", ("GET",), "logview_host"),
        ("/webconsole/host", ("GET",), "webconsole_host"),
        ("/tenants", ("GET",), "tenants"),
        ("/catalogapi", ("GET",), "catalog_host"),
        (f"/projects/{NAME}", ("GET",), "project"),
        (f"/projects/{NAME}/logs", ("PUT",), "survey_logs"),
        (f"/projects/{NAME}/tunnel", ("GET",), "tunnel_service"),
        (f"/projects/{NAME}/instances", ("POST",), "submit"),
        (f"/projects/{NAME}/instances/{NAME}", ("GET", "PUT", "POST"), "instance"),
        (f"/projects/{NAME}/authorization", ("POST",), "authorization"),
        (f"/projects/{NAME}/users", ("GET",), "users"),
        (f"/projects/{NAME}/users/{NAME}", ("GET",), "user"),
        (f"/projects/{NAME}/roles", ("GET",), "roles"),
        (f"/projects/{NAME}/roles/{NAME}", ("GET",), "role"),
        (f"/projects/{NAME}/tables", ("GET",), "tables"),
        (f"/projects/{NAME}/tables/{NAME}", ("GET",), "table"),
        (f"/catalog/v1alpha/projects/{NAME}/schemas/{NAME}/models", ("GET",), "list_models"),
        (f"/catalog/v1alpha/projects/{NAME}/schemas/{NAME}/models/([^/:]+)", ("GET",), "get_model"),
        (f"/catalog/v1alpha/projects/{NAME}/schemas/{NAME}/models/([^/:]+):listVersions", ("GET",), "list_versions"),
    )
)


def route(path: str, method: str) -> tuple[str, tuple[str, ...]]:
    """The handler's name and its arguments; 404 for an unknown path, 405 for a wrong method."""
    for pattern, methods, handler in ROUTES:
        found = pattern.match(path)
        if found is None:
            continue
        if method not in methods:
            raise HttpError(
                405, "MethodNotAllowed", f"{method} is not allowed on {path} (allowed: {', '.join(methods)})"
            )
        return handler, tuple(unquote(group) for group in found.groups())
    raise HttpError(404, "NoSuchObject", f"no such resource: {path}")


def project_name(name: str) -> str:
    """A project in a URL: the name rule of --project, lower-cased as the CLI lower-cases it."""
    from mcshell.rules.validate import PROJECT_NAME

    if not PROJECT_NAME.match(name):
        raise HttpError(404, "NoSuchProject", f"'{name}' is not a project name")
    return name.lower()
