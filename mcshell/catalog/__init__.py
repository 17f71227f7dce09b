"""The catalog: a small API over SQLite. The only importer of sqlite3; imports nothing above it.

records (what it hands out) <- connection (opening a file, the fault-injection seam) <-
transactions (per statement, or per batch of a script) <- schema (tables, versions, migrations)
<- store (the queries: Catalog).
"""

from mcshell.catalog.records import PUBLIC_PROJECT, Model, Project, Version
from mcshell.catalog.store import Catalog

__all__ = ["PUBLIC_PROJECT", "Catalog", "Model", "Project", "Version"]
