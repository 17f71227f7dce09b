"""`mcshell dump`: every user project's models, members, roles and grants as a script of statements
that recreates them."""

from __future__ import annotations

from collections.abc import Iterator

from mcshell.catalog.store import Catalog
from mcshell.output.masking import mask_secret
from mcshell.rules.dump_access import access_lines
from mcshell.rules.recreate import model_statements, quote_name, table_statement
from mcshell.sql.literals import quote


def dump_script(catalog: Catalog, include_secrets: bool) -> Iterator[str]:
    """The script, a piece at a time (one model each), for a catalog inside a read transaction.

    Projects and models come sorted by name; the public project is never dumped (no statement can
    create it). APIKEY values are masked unless `include_secrets`.
    """
    yield (
        "-- mcshell dump: run it with `mcshell -f FILE` to recreate these projects, models, tables, members "
        "and grants.\n"
    )
    if include_secrets:
        yield "-- It holds APIKEY values whole: keep it as private as the keys themselves.\n"
    else:
        yield "-- APIKEY values are masked: a restore stores the masked text (dump --include-secrets keeps them).\n"
    secret = (lambda value: value) if include_secrets else mask_secret
    for project in catalog.user_projects():
        yield f"\nUSE {quote_name(project)};\n"
        for model in catalog.iter_models(project):
            versions = catalog.iter_versions(model.id, in_creation_order=True)
            yield "\n" + "\n".join(model_statements(model, versions, secret)) + "\n"
        for table in catalog.tables.iter_tables(project):
            yield "\n" + table_statement(table) + "\n"
            partitions = catalog.tables.partitions(table.id)
            if partitions:
                yield "\n".join(_add_partition(table.name, spec) for spec in partitions) + "\n"
        access = access_lines(catalog, project)
        if access:
            yield "\n" + "\n".join(access) + "\n"


def _add_partition(table: str, spec: str) -> str:
    values = ", ".join(
        f"{quote_name(key)} = {quote(value)}" for key, _, value in (part.partition("=") for part in spec.split("/"))
    )
    return f"ALTER TABLE {quote_name(table)} ADD PARTITION ({values});"
