"""The catalog: a small API over SQLite. The only importer of sqlite3; imports nothing above it.

records.py    what it hands out (Project, Model, Version), never changed once handed out
connection.py opening a catalog file, SQLite errors as CatalogError, the fault-injection seam
transactions.py  one transaction per statement, or one per batch of a script (group commit)
schema.py     the tables, the schema version, the migrations, refusing what is not a catalog
store.py      Catalog: the queries, over its transactions
"""

from mcshell.catalog.records import PUBLIC_PROJECT, Model, Project, Version
from mcshell.catalog.store import Catalog

__all__ = ["PUBLIC_PROJECT", "Catalog", "Model", "Project", "Version"]
