"""The command line: a thin click front end over one Session."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, TypeVar

import click

from mcshell import __version__, config
from mcshell.catalog.store import Catalog
from mcshell.errors import ExitStatus, McError, MissingExtra, quoted
from mcshell.interrupts import INTERRUPTS
from mcshell.output import report
from mcshell.output.console import Console, OutputClosed
from mcshell.output.render import FORMATS
from mcshell.session import Session, SessionOptions, local_time
from mcshell.sql.source import BlockLines, decode_lines, text_lines
from mcshell.urls import url_problem

if TYPE_CHECKING:
    from mcshell.remote.client import Remote
    from mcshell.remote.target import Target
    from mcshell.runtime.calls import RuntimeSettings

T = TypeVar("T")
_EITHER = "give either -e or -f, not both"
_PROJECT_RULE = "3 to 28 letters, digits or underscores, starting with a letter"


def _project_name(value: str, source: str) -> str:
    from mcshell.rules.validate import PROJECT_NAME

    if not PROJECT_NAME.match(value):
        raise click.BadParameter(f"{quoted(value)} is not a project name ({_PROJECT_RULE})", param_hint=source)
    return value.lower()


def _read_config(config_path: str | None) -> dict[str, str]:
    if config_path is None:
        return {}
    try:
        return config.read_odps_config(config_path)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise click.BadParameter(f"cannot read {quoted(config_path)}: {reason}", param_hint="'--config'") from None


def _choose_project(project: str | None, settings: dict[str, str], config_path: str | None) -> str:
    """--project (or MCSHELL_PROJECT) wins; then project_name of --config; then my_project."""
    if project is not None:
        return _project_name(project, "'--project'")
    if "project_name" in settings:
        return _project_name(settings["project_name"], f"project_name in '{config_path}'")
    return config.DEFAULT_PROJECT


def _runtime_settings(
    oss_root: str | None, invoke: bool | None, public_endpoint: str | None, settings: dict[str, str],
    config_path: str | None,
) -> RuntimeSettings | None:  # fmt: skip
    """--oss-root, --invoke and --public-endpoint (or their MCSHELL_* variables) win over the --config file;
    None when none is set (a run of model statements does not import mcshell.runtime)."""
    if invoke is None and "invoke" in settings:
        invoke = _config_value(config.read_boolean, settings, "invoke", config_path)
    if oss_root is None and "oss_root" in settings:
        oss_root = _config_value(config.directory, settings, "oss_root", config_path)
    if public_endpoint is None and "public_endpoint" in settings:
        public_endpoint = _config_value(_url, settings, "public_endpoint", config_path)
    if not (oss_root or invoke or public_endpoint):
        return None
    from mcshell.runtime.calls import RuntimeSettings

    return RuntimeSettings(oss_root=oss_root or None, invoke=bool(invoke), public_endpoint=public_endpoint or None)


def _config_value(read: Callable[[str], T], settings: dict[str, str], key: str, config_path: str | None) -> T:
    """A key of the --config file read by `read`; a value it refuses is a usage error naming the file and key."""
    try:
        return read(settings[key])
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=f"{key} in '{config_path}'") from None


def _url(value: str) -> str:
    problem = url_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _check_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return None if value is None else _url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _check_catalog(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value == "":  # not the default catalog: an empty value given on purpose is a mistake
        raise click.BadParameter("the path is empty")
    return value


def _check_user(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.strip():  # not the login user: an empty name given is a mistake
        raise click.BadParameter("the user name is empty")
    # Bytes that are not UTF-8 arrive as lone surrogates, which the catalog cannot store.
    if value is not None and any("\ud800" <= char <= "\udfff" for char in value):
        raise click.BadParameter("the user name is not valid UTF-8")
    return value


class _Guarded(click.Group):
    """The mcshell command: an mcshell bug raised outside the statements' handling (start-up, dump,
    serve, a subcommand's set-up) is one FAILED line, with --debug its traceback first, neither with
    an access key of --config or the environment, nor an APIKEY (output/bugs.py), never Python's
    own traceback. The sessions, the REPL, pull, plan and apply report their own."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit, OutputClosed):
            raise
        except Exception as bug:
            sys.exit(int(_bug(ctx, bug)))


def _bug(ctx: click.Context, bug: Exception) -> ExitStatus:
    from mcshell.output.bugs import bug_line, bug_traceback

    console, scrub = Console(), _credentials_scrub(ctx.meta.get(_CONFIG, ({},))[0])
    if ctx.params.get("debug"):
        console.warn(bug_traceback(bug, scrub=scrub))
    console.failed(bug_line(bug, scrub=scrub))
    return ExitStatus.FAILED


def _credentials_scrub(settings: dict[str, str]) -> Callable[[str], str]:
    """What takes every access key mcshell may have read out of a text: --config's pair, the
    environment's, pyodps's STS variables (masked as a Target masks its own)."""
    import os

    from mcshell.remote.target import _STS_TRIPLE, CONFIG_ID, CONFIG_KEY, ENV_ID, ENV_SECRET, Target

    sts_id, sts_secret, sts_token = (os.environ.get(name) for name in _STS_TRIPLE)
    pairs = [(settings.get(CONFIG_ID), settings.get(CONFIG_KEY)), (os.environ.get(ENV_ID), os.environ.get(ENV_SECRET)),
             (sts_id, sts_secret), (None, sts_token)]  # fmt: skip
    targets = [Target("", "", access_id or None, secret or None) for access_id, secret in pairs]

    def scrub(text: str) -> str:
        for target in targets:
            text = target.scrub(text)
        return text

    return scrub


@click.group(cls=_Guarded, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-e", "execute", metavar="SQL", help="Run these statements and exit (a missing final ';' is added).")
@click.option(
    "-f", "script", metavar="FILE", type=click.File("rb"),
    help="Run the statements of FILE and exit ('-' reads standard input).",
)  # fmt: skip
@click.option(
    "--project", envvar="MCSHELL_PROJECT",
    help="Current project (env MCSHELL_PROJECT) [default: project_name of --config, else my_project]; "
    "created by the first statement that writes.",
)  # fmt: skip
@click.option(
    "--config", "config_path", metavar="PATH",
    help="An odpscmd odps_config.ini: its project_name is the current project; pull, plan and apply also "
    "connect with its end_point, access_id and access_key.",
)  # fmt: skip
@click.option(
    "--user", envvar="MCSHELL_USER", callback=_check_user,
    help="Acting user (env MCSHELL_USER) [default: ALIYUN$<login name>].",
)  # fmt: skip
@click.option(
    "--catalog", "catalog_path", envvar="MCSHELL_CATALOG", metavar="PATH", callback=_check_catalog,
    help="SQLite catalog file (env MCSHELL_CATALOG; ':memory:' for a throwaway one) "
    "[default: catalog.db in the application directory].",
)  # fmt: skip
@click.option("--continue-on-error", is_flag=True, help="Run on after a failed statement and report every failure.")
@click.option(
    "--check", is_flag=True,
    help="Dry run of the script (-f FILE, -e or standard input) against a private copy of the catalog: "
    "report every failure as FILE:LINE:COL: FAILED ..., print no results, leave the catalog unchanged.",
)  # fmt: skip
@click.option(
    "--skip-unsupported", is_flag=True,
    help="Skip the SQL mcshell does not run (TRUNCATE, CREATE VIEW ...: any statement but the model statements HELP "
    "lists), and a SELECT that passes its checks but cannot run here (over a table, say), with a warning instead "
    "of failing.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default="box", show_default=True,
    help="Results as the documented box and grid, as CSV with a header row, or as one JSON document per line.",
)  # fmt: skip
@click.option(
    "--oss-root", metavar="DIR", envvar="MCSHELL_OSS_ROOT", type=click.Path(exists=True, file_okay=False),
    help="Local model store for ML_PREDICT: oss://<endpoint>/<bucket>/<path>/ is read from DIR/<bucket>/<path>/ "
    "(env MCSHELL_OSS_ROOT; also oss_root in --config).",
)  # fmt: skip
@click.option(
    "--invoke/--no-invoke", default=None, envvar="MCSHELL_INVOKE",
    help="Let the AI_* functions call the endpoints of REMOTE models (env MCSHELL_INVOKE=1; also invoke=true in "
    "--config). Without it no request ever leaves mcshell.",
)  # fmt: skip
@click.option(
    "--public-endpoint", metavar="URL", envvar="MCSHELL_PUBLIC_ENDPOINT", callback=_check_url,
    help="An OpenAI-compatible server that serves the public models, for the AI_* functions with --invoke "
    "(env MCSHELL_PUBLIC_ENDPOINT; also public_endpoint in --config).",
)  # fmt: skip
@click.option("--debug", is_flag=True, help="Show a Python traceback for internal errors.")
@click.option(
    "-y", "--yes", "assume_yes", is_flag=True,
    help="Do not ask for confirmation before DROP, DELETE and REMOVE statements in the interactive shell.",
)  # fmt: skip
@click.version_option(__version__, "--version", prog_name="mcshell", message="%(prog)s %(version)s")
@click.pass_context
def main(
    ctx: click.Context,
    execute: str | None,
    script: IO[bytes] | None,
    project: str | None,
    config_path: str | None,
    user: str | None,
    catalog_path: str | None,
    continue_on_error: bool,
    check: bool,
    skip_unsupported: bool,
    fmt: str,
    oss_root: str | None,
    invoke: bool | None,
    public_endpoint: str | None,
    debug: bool,
    assume_yes: bool,
) -> None:
    """Run MaxCompute MODEL statements against a local SQLite catalog.

    With -e or -f, or with statements piped on standard input, mcshell runs them and exits;
    on a terminal it starts an interactive shell. Results go to standard output; OK, FAILED
    and warnings to standard error. Exit status: 0 all statements succeeded, 1 a statement
    failed, 2 usage error, 130 stopped by Ctrl-C, 141 standard output (or error) closed by its
    reader.
    """
    if execute is not None and script is not None:
        raise click.UsageError(_EITHER)
    settings = _read_config(config_path)
    ctx.meta[_CONFIG] = (settings, project, user)  # pull, plan and apply connect with it; a bug must not show its keys
    options = SessionOptions(
        catalog_path=catalog_path or config.default_catalog_path(),
        user=user or config.default_user(),
        project=_choose_project(project, settings, config_path),
        continue_on_error=continue_on_error,
        debug=debug,
        format=fmt.lower(),
        skip_unsupported=skip_unsupported,
        check=check,
        runtime=_runtime_settings(oss_root, invoke, public_endpoint, settings, config_path),
        local_files=True,
    )
    if ctx.invoked_subcommand is not None:  # mcshell [options] dump ...: the command runs next
        _check_subcommand(ctx.invoked_subcommand, execute is not None or script is not None or check, options.format)
        ctx.obj = options
        return
    session = Session(options, Console())
    try:
        status = _run(session, execute, script, check, confirm_drops=not assume_yes)
    except OutputClosed as closed:  # the REPL's output, say: the session ends as a script does
        status = session.console.stopped(closed)
    finally:
        session.close()
    sys.exit(int(status))


def _run(
    session: Session, execute: str | None, script: IO[bytes] | None, check: bool, confirm_drops: bool
) -> ExitStatus:
    if execute is not None:
        return _run_script(session, text_lines(execute), "<-e>")
    if script is not None:
        name = getattr(script, "name", "-")  # '-' (standard input) may come as a nameless stream
        name = "<stdin>" if name in ("-", "<stdin>") else name
        return _run_stream(session, script, name)
    stdin = sys.stdin
    if stdin is None:  # no standard input at all: nothing to run
        return ExitStatus.OK
    if stdin.isatty() and sys.stdout is not None and sys.stdout.isatty():
        if check:
            raise click.UsageError("--check needs a script: give -f FILE or -e, or pipe the statements in")
        from mcshell.repl.loop import run_repl  # the REPL's imports are paid only on a terminal

        return run_repl(session, confirm_drops=confirm_drops)
    return _run_stream(session, stdin.buffer, "<stdin>")


def _run_stream(session: Session, stream: IO[bytes], source: str) -> ExitStatus:
    lines = BlockLines(stream)
    return _run_script(session, decode_lines(lines), source, drained=lambda: lines.drained)


def _run_script(
    session: Session, lines: Iterable[str], source: str, drained: Callable[[], bool] = lambda: False
) -> ExitStatus:
    """A script runs with Ctrl-C held where it would leave an OK unsaid (see interrupts.py)."""
    with INTERRUPTS.installed():
        return session.run_script(lines, source=source, drained=drained)


_CONFIG = "mcshell.config"


def remote_target(ctx: click.Context) -> Target:
    """The project pull, plan and apply talk to: --project, then --config's keys, then the environment
    (mcshell/remote/target.py); what is missing is a usage error."""
    from mcshell.catalog.records import PUBLIC_PROJECT
    from mcshell.remote.target import TargetError, find_target

    settings, project, _ = ctx.meta[_CONFIG]
    try:
        target = find_target(settings, project)
    except TargetError as error:
        raise click.UsageError(str(error)) from None
    problem = url_problem(target.endpoint)
    if problem is not None:  # a URL may carry the credentials: scrubbed
        raise click.UsageError(target.scrub(f"the endpoint {problem}"))
    project = _project_name(target.project, "the remote project")
    if project == PUBLIC_PROJECT:  # every catalog holds it already, and no statement changes it
        raise click.UsageError(f"the public project {PUBLIC_PROJECT} is not pulled, planned or applied: "
                               "every catalog holds it")  # fmt: skip
    return dataclasses.replace(target, project=project)


def connect(target: Target) -> Remote:
    """A connection through pyodps; without the remote extra, the line that says what to install, exit 2."""
    from mcshell.remote.client import Remote

    try:
        return Remote(target)
    except MissingExtra as missing:
        Console().warn(f"mcshell: {missing}")
        sys.exit(int(ExitStatus.USAGE))


def remote_failed(console: Console, line: str, target: Target | None) -> ExitStatus:
    """A FAILED line of pull, plan or apply, with the target's secrets and every APIKEY masked: an
    answer's text (an unreadable line, the service's own error) may quote them."""
    from mcshell.output.masking import mask_typed

    console.failed(target.scrub(line) if target is not None else mask_typed(line))
    return ExitStatus.FAILED


def remote_bug(console: Console, bug: Exception, target: Target | None, debug: bool) -> ExitStatus:
    """An mcshell bug (or an exception of pyodps's that client.py does not know) in pull, plan or
    apply: a FAILED line, or with --debug the traceback, either way with no secret in it."""
    from mcshell.output.bugs import bug_line, bug_traceback

    scrub = target.scrub if target is not None else _credentials_scrub({})
    console.failed(bug_traceback(bug, scrub=scrub) if debug else bug_line(bug, scrub=scrub))
    return ExitStatus.FAILED


# Why a subcommand writes its own format, whatever --format says.
_OWN_FORMAT = {
    "dump": "it writes a script of statements, text that mcshell -f runs again",
    "pull": "it writes no result: its summary goes to standard error",
    "serve": "pyodps reads a job's result as the service writes it, the box and grid "
    "(security queries ask for JSON themselves)",
    "apply": "it shows the plan as text on standard output, and its progress on standard error",
}
# The subcommands that take their own script (-e, -f) after their name; plan its own --format too.
_OWN_SCRIPT = ("plan", "apply")


def _check_subcommand(command: str, runs_statements: bool, fmt: str) -> None:
    """The options of a run that a subcommand (dump, serve, plan) refuses, as a usage error."""
    if runs_statements and command in _OWN_SCRIPT:
        raise click.UsageError(
            f"-e, -f and --check before '{command}' run statements locally; give the script after it: "
            f"mcshell {command} -f FILE (it is checked as --check checks it)"
        )
    if runs_statements:
        raise click.UsageError(f"-e, -f and --check run statements; they do not go with '{command}'")
    if fmt != "box" and command not in _OWN_FORMAT:
        raise click.UsageError(f"--format goes after '{command}': mcshell {command} --format {fmt}")
    if fmt != "box":
        raise click.UsageError(f"--format {fmt} does not go with '{command}': {_OWN_FORMAT[command]}")


@main.command()
@click.option("--include-secrets", is_flag=True, help="Write APIKEY values whole (default: masked).")
@click.pass_obj
def dump(options: SessionOptions, include_secrets: bool) -> None:
    """Print every user project's models as statements that recreate them.

    The script has a USE line for each project (never the public project), then for each model its
    CREATE MODEL, ADD VERSION and SET DEFAULT_VERSION statements. Restore it with
    `mcshell --catalog NEW -f dump.sql`. Catalog options go before the command:
    `mcshell --catalog PATH dump`.
    """
    sys.exit(int(_dump(options.catalog_path, include_secrets, Console())))


def _dump(catalog_path: str, include_secrets: bool, console: Console) -> ExitStatus:
    """The script, printed as it is read, in one read transaction of the catalog."""
    from mcshell.rules.dump import dump_script  # the recreating statements' imports, for dump only

    try:
        catalog = Catalog.open_reading(catalog_path, local_time())  # a reader: never creates a catalog
        try:
            with catalog.transaction(write=False):
                for text in dump_script(catalog, include_secrets):
                    console.result(text)
        finally:
            catalog.close()
    except McError as error:
        console.failed(report.failed(error))
        return ExitStatus.FAILED
    except OutputClosed as closed:  # `mcshell dump | head`, `mcshell dump > /dev/full`
        return console.stopped(closed)
    except KeyboardInterrupt:
        console.warn(report.dump_interrupted())
        return ExitStatus.INTERRUPTED
    return ExitStatus.OK


@main.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless --accounts)."
)
@click.option(
    "--port", default=8100, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one)."
)
@click.option(
    "--accounts", "accounts_file", metavar="FILE",
    help="Check every request's signature: an INI file (mode 0600) with one [access id] section per caller, "
    "holding its secret and the user it acts as.",
)  # fmt: skip
@click.option("--quiet", is_flag=True, help="No access log line per request.")
@click.pass_obj
def serve(options: SessionOptions, host: str, port: int, accounts_file: str | None, quiet: bool) -> None:
    """Serve the catalog as a local MaxCompute endpoint that pyodps talks to (docs/serve.md)."""
    from mcshell import serve as server  # only `mcshell serve` pays for the HTTP server

    try:
        status = server.serve_forever(options, host, port, accounts_file, quiet, Console())
    except server.ServeError as error:
        raise click.UsageError(str(error)) from None
    sys.exit(int(status))


PLAN_FORMATS = ("box", "json")


@main.command()
@click.option("-e", "execute", metavar="SQL", help="Plan these statements (a missing final ';' is added).")
@click.option(
    "-f", "script", metavar="FILE", type=click.File("rb"),
    help="Plan the statements of FILE ('-' reads standard input).",
)  # fmt: skip
@click.option("--offline", is_flag=True, help="Plan against the last `mcshell pull` in --catalog; send nothing.")
@click.option(
    "--queries", "query_globs", metavar="GLOB", multiple=True,
    help="Also check the queries (SELECT, INSERT ... SELECT) of the files GLOB matches against the state the script "
    "leaves, and list each one that would fail (repeatable).",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(PLAN_FORMATS, case_sensitive=False), default="box", show_default=True,
    help="The plan as one line per change, or as one JSON document.",
)  # fmt: skip
@click.pass_context
def plan(
    ctx: click.Context, execute: str | None, script: IO[bytes] | None, offline: bool, query_globs: tuple[str, ...],
    fmt: str,
) -> None:  # fmt: skip
    """Show what a script would change in the remote project, before anything is sent.

    Pulls the project into a private copy of the catalog (--offline: takes the last pull in --catalog),
    checks the script against it as --check does (each failure as FILE:LINE:COL: FAILED ... on standard
    error), and prints one line per change, then `Plan: A to add, C to change, R to remove.` Only reads
    are sent, and the catalog file is never changed. Exit status: 0 every statement would succeed and no
    query breaks, 1 otherwise, 2 usage error (docs/remote.md).
    """
    lines, source, _ = _command_script("plan", execute, script)
    queries = _query_files(query_globs)
    sys.exit(int(_plan(ctx, lines, source, offline, queries, fmt.lower())))


def _query_files(globs: tuple[str, ...]) -> list[str]:
    """The files of every --queries pattern, in order, each once; a pattern matching no file is a usage error."""
    import glob
    import os

    files: dict[str, None] = {}
    for pattern in globs:
        found = [path for path in sorted(glob.glob(pattern, recursive=True)) if os.path.isfile(path)]
        if not found:
            raise click.BadParameter(f"{quoted(pattern)} matches no file", param_hint="'--queries'")
        files.update(dict.fromkeys(found))
    return list(files)


def _plan(
    ctx: click.Context, lines: Iterable[str], source: str, offline: bool, queries: list[str], fmt: str
) -> ExitStatus:
    from mcshell.remote.plan import PlanStopped, plan_script, print_plan

    options: SessionOptions = ctx.obj
    console, now = Console(), local_time()
    target = None if offline else remote_target(ctx)
    try:
        catalog, project, user = _offline(ctx, now) if target is None else _pulled(target, options, now, console)
        try:
            with INTERRUPTS.installed():
                result = plan_script(catalog, project, user, lines, source, console, queries)
            print_plan(result, console, fmt)
        finally:
            catalog.close()
    except McError as error:
        return remote_failed(console, report.failed(error), target)
    except PlanStopped as stopped:
        return stopped.status
    except KeyboardInterrupt:  # while pulling: the script's own Ctrl-C is the session's (PlanStopped)
        console.warn(report.plan_interrupted())
        return ExitStatus.INTERRUPTED
    except OutputClosed as closed:
        return console.stopped(closed)
    except OSError as error:  # a --queries file that went between the glob and the read
        raise click.UsageError(f"cannot read {quoted(str(error.filename))}: {error.strerror}") from None
    except click.ClickException:  # a usage error (--offline of a project never pulled): click reports it
        raise
    except Exception as bug:  # an mcshell bug: a FAILED line, never a traceback (unless --debug), never a secret
        return remote_bug(console, bug, target, options.debug)
    return ExitStatus.OK if result.ok else ExitStatus.FAILED


def _offline(ctx: click.Context, now: str) -> tuple[Catalog, str, str]:
    """A private copy of --catalog, holding the last pull of the project (named as pull names it:
    --project, --config, ODPS_PROJECT_NAME); the user is --user's, else the one it was pulled as."""
    from mcshell.remote.target import target_project

    options: SessionOptions = ctx.obj
    settings, given_project, given_user = ctx.meta[_CONFIG]
    found = target_project(settings, given_project)
    project = options.project if found is None else _project_name(found, "the remote project")
    catalog = Catalog.open_private_copy(options.catalog_path, now)
    with catalog.transaction(write=False):
        record = catalog.pull_record(project)
    if record is None:
        catalog.close()
        raise click.UsageError(
            f"project {project} was never pulled into {quoted(options.catalog_path)}: "
            "run `mcshell pull` first, or plan without --offline"
        )
    return catalog, project, given_user or record.user


def _pulled(target: Target, options: SessionOptions, now: str, console: Console) -> tuple[Catalog, str, str]:
    """A private copy of --catalog with a fresh pull of the remote project; the user is the one the
    remote says the credentials act as, whose privileges apply will run with."""
    from mcshell.remote.pull import pull_shown

    remote = connect(target)
    catalog = Catalog.open_private_copy(options.catalog_path, now)
    try:
        user = pull_shown(remote, catalog, now, console).user
    except BaseException:
        catalog.close()
        raise
    return catalog, target.project, user


@main.command()
@click.option("-e", "execute", metavar="SQL", help="Apply these statements (a missing final ';' is added).")
@click.option(
    "-f", "script", metavar="FILE", type=click.File("rb"),
    help="Apply the statements of FILE ('-' reads standard input).",
)  # fmt: skip
@click.option("--yes", is_flag=True, help="Send the statements without asking (needed with no terminal).")
@click.option(
    "--skip-queries", is_flag=True,
    help="Apply a script that has queries (SELECT): the plan checks them, apply never sends them.",
)  # fmt: skip
@click.pass_context
def apply(ctx: click.Context, execute: str | None, script: IO[bytes] | None, yes: bool, skip_queries: bool) -> None:
    """Plan a script against the remote project, then run it there (docs/remote.md).

    The remote project is pulled into a private copy and the script planned against it; a plan
    with failures stops there. The plan is shown and confirmed on the terminal (--yes skips the
    question), then the statements are sent one at a time, stopping at the first the service
    refuses. Afterwards the remote is pulled into --catalog and compared with what the plan
    predicted: every difference is printed as drift (exit 1).
    """
    from mcshell.remote.apply import ApplyOptions, ApplyUsage, run_apply

    lines, source, from_stdin = _command_script("apply", execute, script)
    target = remote_target(ctx)
    endpoint = target.scrub(target.endpoint)  # as pull's summary shows it: a URL may carry credentials
    options = ApplyOptions(ctx.obj.catalog_path, target.project, endpoint, yes, skip_queries, target.scrub)
    console = Console()
    try:
        status = run_apply(lambda: connect(target), lines, source, options, _terminal_ask(console, from_stdin), console)
    except ApplyUsage as usage:
        raise click.UsageError(str(usage)) from None
    except OutputClosed as closed:
        status = console.stopped(closed)
    except Exception as bug:  # an mcshell bug: a FAILED line, never a traceback (unless --debug), never a secret
        status = remote_bug(console, bug, target, ctx.obj.debug)
    sys.exit(int(status))


def _command_script(command: str, execute: str | None, script: IO[bytes] | None) -> tuple[Iterable[str], str, bool]:
    """The script of plan or apply: its lines, its name in FILE:LINE:COL, and whether it is standard input."""
    if execute is not None and script is not None:
        raise click.UsageError(_EITHER)
    if execute is not None:
        return text_lines(execute), "<-e>", False
    if script is not None:
        name = getattr(script, "name", "-")  # '-' (standard input) may come as a nameless stream
        on_stdin = name in ("-", "<stdin>")
        return decode_lines(BlockLines(script)), "<stdin>" if on_stdin else name, on_stdin
    if sys.stdin is None or sys.stdin.isatty():
        raise click.UsageError(f"{command} needs a script: give -f FILE or -e, or pipe the statements in")
    return decode_lines(BlockLines(sys.stdin.buffer)), "<stdin>", True


def _terminal_ask(console: Console, script_on_stdin: bool) -> Callable[[str], bool] | None:
    """The question on the terminal: asked on standard error, answered on standard input (`y` or
    `yes`); None when either is no terminal (nobody would see it, or answer), or standard input
    brings the script."""
    if script_on_stdin or not all(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stderr)):
        return None

    def ask(question: str) -> bool:
        console.partial(question)
        return sys.stdin.readline().strip().lower() in ("y", "yes")

    return ask


@main.command()
@click.pass_context
def pull(ctx: click.Context) -> None:
    """Replace the local snapshot of the remote project with what it holds now.

    Reads every model, version, table schema, member, role and grant of the project (--project, --config or the
    ODPS_* variables name it and its endpoint) through pyodps, and writes them into --catalog under
    that project in one transaction: a failed or interrupted pull leaves the last snapshot whole.
    """
    target = remote_target(ctx)
    sys.exit(int(_pull(ctx.obj, target, lambda: connect(target), Console())))


def _pull(options: SessionOptions, target: Target, connected: Callable[[], Remote], console: Console) -> ExitStatus:
    from mcshell.remote.pull import pull_file

    try:
        remote = connected()  # a wrong endpoint may fail here already
        with pull_file(remote, options.catalog_path, local_time(), console) as (_, summary):
            pass
        console.warn(report.pulled(
            summary.models, summary.versions, summary.tables, summary.members, summary.roles, summary.grants,
            summary.endpoint, summary.project, summary.seconds, summary.rows_dropped,
        ))  # fmt: skip
    except McError as error:
        return remote_failed(console, report.failed(error), target)
    except OutputClosed as closed:
        return closed.status
    except KeyboardInterrupt:
        console.warn(report.pull_interrupted())
        return ExitStatus.INTERRUPTED
    except Exception as bug:  # an mcshell bug: a FAILED line, never a traceback (unless --debug), never a secret
        return remote_bug(console, bug, target, options.debug)
    return ExitStatus.OK
