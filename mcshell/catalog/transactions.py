"""A catalog's transactions: one per statement, or one per batch of a script's statements (group
commit) with a SAVEPOINT per statement; and the records remembered only while one is open.

A statement that fails, or a process killed half-way, changes nothing: SQLite's errors become
CatalogError here, after the transaction is rolled back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

from mcshell.catalog.connection import catalog_error
from mcshell.catalog.records import Model, Project
from mcshell.errors import CatalogError

# The one statement that writes a project row: a project is never changed or removed once written.
INSERT_PROJECT = "INSERT OR IGNORE INTO projects (name, owner, create_time) VALUES (?, ?, ?)"
_T = TypeVar("_T")


class Transactions:
    """The transactions of one connection, and the records remembered within them. The catalog
    (store.Catalog) is one, with its queries."""

    def __init__(self, db: sqlite3.Connection, path: str):
        self._db = db
        self.path = path
        # Forgotten whenever what they were read under ends: see Catalog.get_project, get_model.
        self._projects: dict[str, Project] = {}
        self._models: dict[tuple[str, str], Model] = {}
        # Records read through remembered() (a table's, by rules/columns.py), each with the
        # connection's count of changed rows when it was read: any write since makes it read again.
        self._remembered: dict[tuple[str, ...], tuple[int, object]] = {}
        # The session's project, seen by reads as if it existed; written (if it still is not) by every
        # write transaction, atomically with the statement that writes first: reading never writes.
        self.expected: Project | None = None
        self._expected_written = False  # in the open transaction, not committed yet
        # One cursor for the statements every ADD VERSION of a script runs (Connection.execute
        # makes a new cursor each time); listings that stream their rows keep cursors of their own.
        self._execute = db.cursor().execute
        # What else lives as long as this connection (the rows beside it: rows/store.py), let go on close.
        self.on_close: dict[str, Callable[[], None]] = {}

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    def close(self) -> None:
        for release in list(self.on_close.values()):
            release()
        self.on_close.clear()
        self._db.close()

    def transaction(self, write: bool) -> Transaction:
        """One statement's transaction. Writers take the write lock up front (BEGIN IMMEDIATE),
        so two writers never deadlock half-way; readers see only committed statements."""
        return Transaction(self, write)

    def batched_statement(self) -> BatchedStatement:
        """One statement of a script inside the batch transaction, which stays open (and holds the
        write lock) until commit_batch(): the statement is a SAVEPOINT, undone alone if it fails."""
        return BatchedStatement(self)

    @property
    def in_batch(self) -> bool:
        """A batch is open: False again after a commit, or after SQLite rolled it back itself."""
        return self._db.in_transaction

    def remembered(self, key: tuple[str, ...], read: Callable[[], _T]) -> _T:
        """What `read()` returns, read once in the open transaction while it writes nothing (the
        tables a statement's checks read twice: INSERT ... SELECT's, a self join's); forgotten,
        as the models are, when the transaction ends or a statement of a batch is undone. An
        error is not remembered; outside a transaction, nothing is."""
        changes = self._db.total_changes
        known = self._remembered.get(key)
        if known is not None and known[0] == changes:
            return cast(_T, known[1])
        value = read()
        if self._db.in_transaction:
            self._remembered[key] = (changes, value)
        return value

    def commit_batch(self) -> None:
        """Commit the batch's statements; on failure none of them is kept."""
        self._models.clear()  # once the write lock is let go, other processes may change them
        self._remembered.clear()
        if self._db.in_transaction:
            self._commit()

    def _write_expected(self) -> bool:
        """Write the expected project's row, undone with the statement it is written with (True:
        written now); nothing once it is written in the open transaction or committed."""
        expected = self.expected
        if expected is None or self._expected_written:
            return False
        self._execute(INSERT_PROJECT, (expected.name, expected.owner, expected.create_time))
        self._expected_written = True
        return True

    def _commit(self) -> None:
        try:
            self._db.execute("COMMIT")  # may wait for readers to leave (rollback-journal mode)
        except sqlite3.Error as failure:
            self._rollback()
            raise self.error(failure) from None
        if self._expected_written:  # it exists now: reads find its row
            self.expected = None
            self._expected_written = False

    def _rollback(self) -> None:
        """Undo an open transaction, so a failed statement (a COMMIT that timed out, too) leaves
        nothing behind and the next statement can begin."""
        self._forget()
        self._expected_written = False
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite has rolled back on its own (a full disk, say): nothing is left open

    def _forget(self) -> None:
        """Forget every remembered record: a project created by what is undone is gone again."""
        self._projects.clear()
        self._models.clear()
        self._remembered.clear()

    @contextmanager
    def errors(self) -> Iterator[None]:
        """SQLite's errors in the body become CatalogError."""
        try:
            yield
        except sqlite3.Error as error:
            raise self.error(error) from None

    def error(self, error: sqlite3.Error) -> CatalogError:
        return catalog_error(self.path, error)


class Transaction:
    """`with catalog.transaction(write)`: BEGIN, then COMMIT, or ROLLBACK if the body raised.

    A plain class rather than @contextmanager: it runs for every statement of a script, and
    sqlite3 errors become CatalogError here, in one place.
    """

    __slots__ = ("_of", "_write")

    def __init__(self, of: Transactions, write: bool):
        self._of = of
        self._write = write

    def __enter__(self) -> None:
        of = self._of
        try:
            of._db.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
            if self._write:
                of._write_expected()
        except sqlite3.Error as error:
            of._rollback()
            raise of.error(error) from None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        of = self._of
        of._models.clear()  # see Catalog.get_model
        of._remembered.clear()
        if kind is None:
            of._commit()
            return
        of._rollback()
        if isinstance(error, sqlite3.Error):
            raise of.error(error) from None
        # anything else goes on as it was raised


class BatchedStatement:
    """`with catalog.batched_statement()`: the batch's BEGIN IMMEDIATE if none is open, then
    SAVEPOINT; RELEASE when the body succeeds, ROLLBACK TO (this statement only) when it raised."""

    __slots__ = ("_of", "_wrote_expected")

    def __init__(self, of: Transactions):
        self._of = of
        self._wrote_expected = False

    def __enter__(self) -> None:
        of = self._of
        try:
            if not of._db.in_transaction:
                of._execute("BEGIN IMMEDIATE")
            of._execute("SAVEPOINT statement")
        except sqlite3.Error as error:
            raise of.error(error) from None
        try:
            self._wrote_expected = of._write_expected()  # inside the savepoint: a failed statement writes nothing
        except sqlite3.Error as error:
            self.__exit__(type(error), error, None)  # undoes the savepoint, raises CatalogError

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: object) -> None:
        of = self._of
        try:
            if kind is None:
                of._execute("RELEASE statement")
                return
            of._forget()  # as in rollback
            if self._wrote_expected:
                of._expected_written = False
            of._db.execute("ROLLBACK TO statement")
            of._db.execute("RELEASE statement")
        except sqlite3.Error as failure:
            of._rollback()  # SQLite may have rolled back the whole batch already (a full disk)
            raise of.error(failure) from None
        if isinstance(error, sqlite3.Error):
            raise of.error(error) from None
