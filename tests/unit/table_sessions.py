"""One way to run SELECTs over tables in process, for the tests of the query engine: a session on a
real catalog and row store, its statements run one at a time with their output read back."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

from conftest import without_excerpts

from mcshell.output.console import Console
from mcshell.rows.write import insert_rows
from mcshell.session import Session, SessionOptions

NOW = "2026-12-07 16:00:00"
# The one line of a SELECT refused at its node (column, reason).
REFUSED = "FAILED: ODPS-0130071:[1,{}] Semantic analysis exception - mcshell does not run this SELECT locally: {}\n"


def table_session(catalog, script: Iterable[str], rows: Mapping[str, Sequence[tuple]] = ()) -> Session:
    """A session as ALIYUN$alice in my_project that has run `script` and holds `rows` (by table name,
    written as an INSERT writes them)."""
    out, err = io.StringIO(), io.StringIO()
    session = Session(SessionOptions(str(catalog), "ALIYUN$alice", "my_project"), Console(out, err), lambda: NOW)
    session.run_script(list(script))
    ctx = session.context()
    with ctx.catalog.transaction(write=True):
        for name, table_rows in dict(rows).items():
            insert_rows(ctx, ctx.catalog.tables.get("my_project", name), None, table_rows, overwrite=False)
    return session


def run(session: Session, sql: str) -> tuple[str, str]:
    """One statement's stdout and stderr (without the excerpts under FAILED lines)."""
    for stream in (session.console.out, session.console.err):
        stream.seek(0)
        stream.truncate()
    session.run_script([sql + "\n"])
    return session.console.out.getvalue(), without_excerpts(session.console.err.getvalue())


def grid(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)
