"""The SQLite connection under a catalog: opening a catalog file (private to its owner), the busy
timeout, SQLite's errors as CatalogError, and the seam through which tests inject faults."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mcshell.errors import CatalogError

BUSY_TIMEOUT_MS = 60_000
MEMORY = ":memory:"

# Makes every connection a catalog opens (sqlite3.connect's arguments). Tests set it to a factory
# whose connections fail chosen statements, a COMMIT say (tests/faults.py). It is data read at each
# open, not a method to replace: see "The compiled build" in docs/development.md.
connect: Callable[..., sqlite3.Connection] = sqlite3.connect


def open_file(path: str) -> sqlite3.Connection:
    """A connection to the catalog file at `path`, which is created (mode 0600) when missing."""
    try:
        if path != MEMORY:
            _create_private_file(path)
        return connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as error:
        raise CatalogError(f"cannot open catalog '{path}': {reason(error)}") from None


def open_copy(path: str) -> sqlite3.Connection:
    """A database in memory holding a copy of the catalog at `path` (empty when there is no file).

    The file is only read, once, through a read-only connection (SQLite's backup API), so it is
    never changed and no other mcshell ever waits for it.
    """
    memory = connect(MEMORY, isolation_level=None)
    try:
        if path != MEMORY and os.path.exists(path):
            _copy_file_into(path, memory)
    except BaseException:
        memory.close()
        raise
    return memory


def _copy_file_into(path: str, target: sqlite3.Connection) -> None:
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    try:
        source = connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            source.backup(target)
        finally:
            source.close()
    except sqlite3.Error as error:
        raise CatalogError(f"cannot read catalog '{path}': {reason(error)}") from None


def _create_private_file(path: str) -> None:
    """A new catalog is readable by its owner only: create it 0600 before SQLite opens it."""
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "it is a directory, not a catalog file")
    if os.path.exists(path):
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except FileExistsError:  # a file stands where the directory should be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), directory) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another mcshell created it first


def make_private(path: str) -> None:
    """An empty file about to become a catalog (one the user made with `touch`, say) is made 0600
    too, before WAL mode creates its -wal and -shm files, which copy its mode."""
    if os.path.isfile(path):
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass  # someone else's file that we may write to but not chmod: use it as it is


def use_wal(db: sqlite3.Connection) -> None:
    """WAL mode: readers never wait for writers. Switching a new catalog to it needs the file to
    itself, and SQLite answers "locked" at once instead of waiting (no busy handler) while
    another mcshell is creating the same catalog: wait here instead, as long as for a lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(0.005)


def catalog_error(path: str, error: sqlite3.Error) -> CatalogError:
    """SQLite's error as the user reads it: never SQLite's "database is locked"."""
    if isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error)):
        return CatalogError(f"catalog '{path}' stayed locked by another process for {BUSY_TIMEOUT_MS / 1000:g} s")
    return CatalogError(f"catalog '{path}': {reason(error)}")


def reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:  # without Python's "[Errno 20]"
        return f"'{error.filename}': {error.strerror}" if error.filename else error.strerror
    return str(error) or type(error).__name__


def scalar(db: sqlite3.Connection, sql: str, *args: object) -> Any:
    """The first column of the first row `sql` gives, or None when it gives none."""
    row = db.execute(sql, args).fetchone()
    return row[0] if row else None
