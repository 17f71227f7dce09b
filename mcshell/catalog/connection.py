"""The SQLite connection under a catalog: opening a catalog file (private to its owner), the busy
timeout, SQLite's errors as CatalogError, and the seam through which tests inject faults."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
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


def has_catalog(path: str) -> bool:
    """Whether a catalog may stand at `path`: a file that is not a readable empty one (a device, a
    directory or an unreadable file count, to be refused when opened). No file, or an empty one the user
    made with `touch`, holds no catalog yet. A path that cannot be looked at (a directory we may not
    search) or that lies under a regular file is refused here, as opening it would be: never read as empty."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _check_parent(path)
        return False
    except NotADirectoryError:
        _check_parent(path)
        raise
    except OSError as error:
        raise CatalogError(f"cannot open catalog '{path}': {reason(error)}") from None
    return not (stat.S_ISREG(info.st_mode) and info.st_size == 0 and os.access(path, os.R_OK))


def _check_parent(path: str) -> None:
    """The nearest existing directory above a missing catalog: refused when it is a file."""
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        error = NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), parent)
        raise CatalogError(f"cannot open catalog '{path}': {reason(error)}")


def open_existing(path: str) -> sqlite3.Connection | None:
    """A connection to the existing catalog file at `path`, which is never created; None when SQLite
    cannot read it where it is: a catalog in WAL mode in a directory we may not write to, whose -shm
    file SQLite can neither find nor create (read it through open_copy)."""
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "it is a directory, not a catalog file")
        uri = Path(path).absolute().as_uri() + "?mode=rw"
        db = connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except (OSError, sqlite3.Error) as error:
        raise CatalogError(f"cannot open catalog '{path}': {reason(error)}") from None
    try:
        db.execute("PRAGMA user_version").fetchone()  # reads the WAL index: fails at once when it cannot
    except sqlite3.OperationalError as error:
        if not read_only(error):
            db.close()
            raise catalog_error(path, error) from None
        db.close()
        return None
    except sqlite3.Error as error:
        db.close()
        raise catalog_error(path, error) from None
    return db


def read_only(error: Exception) -> bool:
    """SQLite refused to write because the file (or its directory, for the WAL index) is read-only:
    raised by sqlite3 or carried in a CatalogError's text, which keeps SQLite's words."""
    return "readonly" in str(error)


def open_copy(path: str) -> sqlite3.Connection:
    """A database in memory holding a copy of the catalog at `path` (empty when there is no file).

    The file is only read, once, through a read-only connection (SQLite's backup API), so it is
    never changed and no other mcshell ever waits for it.
    """
    memory = connect(MEMORY, isolation_level=None)
    try:
        if path != MEMORY and has_catalog(path):  # never an empty copy of a catalog we cannot look at
            _copy_file_into(path, memory)
    except BaseException:
        memory.close()
        raise
    return memory


def _copy_file_into(path: str, target: sqlite3.Connection) -> None:
    try:
        try:
            _backup(path, "?mode=ro", target)
        except sqlite3.OperationalError as error:
            if not (read_only(error) and _without_wal(path)):
                raise
            _backup_immutable(path, target)
    except sqlite3.Error as error:
        raise CatalogError(f"cannot read catalog '{path}': {reason(error)}") from None


def _backup(path: str, query: str, target: sqlite3.Connection) -> None:
    source = connect(Path(path).absolute().as_uri() + query, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        source.backup(target)
    finally:
        source.close()


def _without_wal(path: str) -> bool:
    return not os.path.exists(path + "-wal")


def _backup_immutable(path: str, target: sqlite3.Connection) -> None:
    """A catalog in a directory we may not write to, with no -wal file beside it: no one has it open
    (the last connection to close removes the -wal file), and nothing changes its pages but a checkpoint
    of a -wal file. Read as unchanging, it is whole as long as no -wal file appeared during the copy."""
    _backup(path, "?mode=ro&immutable=1", target)
    if not _without_wal(path):
        raise sqlite3.OperationalError("another process began writing to it while it was read; try again")


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
    """WAL mode: readers never wait for writers. A catalog in WAL mode stays in it: nothing to write.
    Switching a new catalog to it needs the file to itself, and SQLite answers "locked" at once instead
    of waiting (no busy handler) while another mcshell is creating the same catalog: wait here instead,
    as long as for a lock."""
    if scalar(db, "PRAGMA journal_mode") == "wal":
        return
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
