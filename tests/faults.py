"""Fault injection through the catalog's seam, mcshell.catalog.connection.connect: connections
whose chosen statements fail as SQLite fails them (a COMMIT on a full disk, say).

The seam is data read when a catalog is opened, so this works in the compiled build too, where a
replaced method would go unseen (docs/development.md, "The compiled build").
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from mcshell.catalog import connection

DISK_FULL = "database or disk is full"


@dataclass
class Fault:
    """`statement` (as the catalog runs it: "COMMIT", "RELEASE statement") fails with `message`
    while armed, at most `times` times (None: every time); `hits` counts the failures."""

    statement: str
    message: str = DISK_FULL
    times: int | None = None
    armed: bool = True
    hits: int = 0

    def check(self, sql: str) -> None:
        if not self.armed or sql.strip() != self.statement or self.times == self.hits:
            return
        self.hits += 1
        raise sqlite3.OperationalError(self.message)


def inject(monkeypatch, fault: Fault) -> Fault:
    """Every catalog opened from now on (until the test ends) runs its statements past `fault`."""

    class Cursor(sqlite3.Cursor):
        def execute(self, sql, parameters=()):
            fault.check(sql)
            return super().execute(sql, parameters)

        def executemany(self, sql, parameters):
            fault.check(sql)
            return super().executemany(sql, parameters)

    class Connection(sqlite3.Connection):
        # Connection.execute would make a plain cursor: every statement goes through Cursor.
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

        def execute(self, sql, parameters=()):
            return self.cursor().execute(sql, parameters)

        def executemany(self, sql, parameters):
            return self.cursor().executemany(sql, parameters)

    def connect(*args, **kwargs) -> sqlite3.Connection:
        return sqlite3.connect(*args, factory=Connection, **kwargs)

    monkeypatch.setattr(connection, "connect", connect)
    return fault


def first_write(session) -> None:
    """Create the session's catalog and project by a statement that writes (one that only reads writes
    nothing), its OK left out of the session's output."""
    from io import StringIO

    from mcshell.output.console import Console

    console = session.console
    session.console = Console(StringIO(), StringIO())
    try:
        assert session.run_script([f"USE {session.project};"]) == 0
    finally:
        session.console = console
