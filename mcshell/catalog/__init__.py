"""The catalog: a small API over SQLite. The only importer of sqlite3; imports nothing above it."""

from mcshell.catalog.store import Catalog

__all__ = ["Catalog"]
