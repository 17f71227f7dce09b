"""SQL text from catalog records: the statements that recreate a model (SHOW CREATE MODEL, dump)
and a table (SHOW CREATE TABLE, dump).

Strings and names are written so that mcshell's own splitter and tokenizer (and MaxCompute) read
back exactly the stored value: sql/literals.py's `quote` and `quote_name` are the inverse of the dialect's
lexical rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mcshell.catalog.records import Model, Version
from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.rules.validate import OPTION_KEYS
from mcshell.sql.dialect import TokenType, tokenize
from mcshell.sql.lexicon import RESERVED_WORDS
from mcshell.sql.literals import quote

# Derived by mcshell from the source type, never written in OPTIONS.
_DERIVED_OPTIONS = ("REMOTE_SERVICE_TYPE",)
PLACEHOLDER_VERSION = "mcshell_placeholder"

Secret = Callable[[str], str]


def quote_name(name: str) -> str:
    """The name bare when the tokenizer reads it back as one plain word that is not a reserved word,
    else in backquotes."""
    tokens = tokenize(name)
    if len(tokens) == 1 and tokens[0].token_type == TokenType.VAR and tokens[0].text == name and not reserved(name):
        return name
    return f"`{name}`"


def reserved(name: str) -> bool:
    return name.upper() in RESERVED_WORDS


def model_statements(model: Model, versions: Iterable[Version], secret: Secret) -> list[str]:
    """The statements that recreate `model` and its versions, each ending with `;`.

    `versions` in the order they were made. The version CREATE MODEL made (its option keys print
    in upper case) is recreated by CREATE MODEL and the others by ADD VERSION, so every version's
    key case comes back; the default version is set last. When that first version was dropped, a
    placeholder version stands in for it in CREATE MODEL and is dropped at the end.
    `secret(value)` is what an APIKEY value is written as (masked, or whole for a backup).
    """
    ordered = list(versions)
    first = next((v for v in ordered if v.key_case == "upper"), None)
    name = quote_name(model.name)
    statements = []
    if first is None:
        template = next(v for v in ordered if v.name == model.default_version)
        first = _placeholder(template, model, {v.name for v in ordered})
        statements.append(
            f"-- The version CREATE MODEL made for {name} was dropped: a placeholder version stands in for it."
        )
    statements.append(_create(model, first, secret))
    for version in ordered:
        if version is not first:
            statements.append(_add_version(name, version, secret))
    if model.default_version != first.name:
        statements.append(f"ALTER MODEL {name} SET DEFAULT_VERSION {quote_name(model.default_version)};")
    if first.name not in {v.name for v in ordered}:
        statements.append(f"ALTER MODEL {name} DROP VERSION {quote_name(first.name)};")
    return statements


def _placeholder(template: Version, model: Model, taken: set[str]) -> Version:
    name, number = PLACEHOLDER_VERSION, 1
    while name in taken:
        number += 1
        name = f"{PLACEHOLDER_VERSION}{number}"
    return Version(
        name, template.owner, template.location, template.tasks, template.options, template.inputs,
        model.comment, "upper", template.create_time, template.last_modified_time,
    )  # fmt: skip


def _create(model: Model, version: Version, secret: Secret) -> str:
    # CREATE MODEL's COMMENT is both the model's comment and its first version's comment.
    head = f"CREATE MODEL {quote_name(model.name)} WITH VERSION {quote_name(version.name)}"
    types = {"MODEL_SOURCE_TYPE": model.source_type, "MODEL_TYPE": model.model_type}
    return _version_clauses(head, version, "OPTIONS", types, model.comment, secret)


def _add_version(name: str, version: Version, secret: Secret) -> str:
    head = f"ALTER MODEL {name} ADD VERSION {quote_name(version.name)}"
    return _version_clauses(head, version, "WITH OPTIONS", {}, version.comment, secret)


def _version_clauses(
    head: str, version: Version, options_word: str, types: dict[str, str], comment: str, secret: Secret
) -> str:
    lines = [head]
    if version.inputs:
        columns = ", ".join(f"{quote_name(column)} {data_type}" for column, data_type in version.inputs)
        lines.append(f"INPUT({columns})")
    options = _options(version, types, secret)
    lines.append(f"{options_word}(")
    lines.append(",\n".join(f"    {key} = {quote(value)}" for key, value in options))
    lines.append(")")
    if comment:
        lines.append(f"COMMENT {quote(comment)}")
    return "\n".join(lines) + ";"


def _options(version: Version, types: dict[str, str], secret: Secret) -> list[tuple[str, str]]:
    """The version's options in the documented order: the types, LOCATION or TASKS, then the rest."""
    values = dict(types)
    if version.location:
        values["LOCATION"] = version.location
    if version.tasks:
        values["TASKS"] = version.tasks
    for key, value in version.options.items():
        if key not in _DERIVED_OPTIONS:
            values[key] = secret(value) if key == "APIKEY" else value
    known = [key for key in OPTION_KEYS if key in values]
    return [(key, values[key]) for key in known + sorted(set(values) - set(known))]


def table_statement(table: TableMeta) -> str:
    """The CREATE TABLE statement that recreates `table`'s schema (mcshell's layout: docs/tables.md)."""
    lines = [f"CREATE TABLE {quote_name(table.name)} (", _table_columns(table.columns), ")"]
    if table.comment:
        lines.append(f"COMMENT {quote(table.comment)}")
    if table.partition_columns:
        lines += ["PARTITIONED BY (", _table_columns(table.partition_columns), ")"]
    if table.lifecycle is not None:
        lines.append(f"LIFECYCLE {table.lifecycle}")
    return "\n".join(lines) + ";"


def _table_columns(columns: tuple[TableColumnMeta, ...]) -> str:
    def column(c: TableColumnMeta) -> str:
        not_null = " NOT NULL" if c.not_null else ""
        comment = f" COMMENT {quote(c.comment)}" if c.comment else ""
        return f"    {quote_name(c.name)} {c.type}{not_null}{comment}"

    return ",\n".join(column(c) for c in columns)
