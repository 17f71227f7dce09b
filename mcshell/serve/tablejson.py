"""The table records of the REST API, as pyodps 0.13.2 parses them (odps/models/tables.py `Tables`,
table.py `Table` and `TableSchema`, partitions.py and partition.py): XML around a JSON `<Schema>`,
as the Java SDK reads them too (`Table.loadSchemaFromJson`). Pure functions over catalog records;
routes in tablesapi.py. See docs/serve.md, "Tables"."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from mcshell.catalog.tables import TableColumnMeta, TableMeta
from mcshell.serve import wire

MANAGED = "MANAGED_TABLE"  # the only table type mcshell keeps (no views, no external tables)
UNKNOWN_COUNT = -1  # a partition's record count: mcshell's decision, as the Java SDK's "not known"


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def _column(column: TableColumnMeta) -> dict[str, object]:
    return {"name": column.name, "type": column.type, "comment": column.comment, "label": "",
            "isNullable": not column.not_null}  # fmt: skip


def table_json(table: TableMeta, extended: bool) -> dict[str, object]:
    """The `<Schema>` JSON: the table's metadata, its columns and partition keys (epoch seconds)."""
    record: dict[str, object] = {
        "name": table.name, "owner": table.owner, "comment": table.comment, "tableLabel": "",
        "createTime": wire.local_epoch(table.create_time), "lastDDLTime": wire.local_epoch(table.last_ddl_time),
        "lastModifiedTime": wire.local_epoch(table.last_modified_time), "isVirtualView": False,
        "isExternal": False, "size": 0,
        "columns": [_column(c) for c in table.columns], "partitionKeys": [_column(c) for c in table.partition_columns],
    }  # fmt: skip
    if table.lifecycle is not None:  # no lifecycle: no field (DESC shows no Lifecycle row either)
        record["lifecycle"] = table.lifecycle
    if extended:  # DESC EXTENDED's Extended Info: mcshell keeps no data files
        record.update({"IsArchived": False, "PhysicalSize": 0, "FileNum": 0})
    return record


def _table_fields(table: TableMeta, table_id: str) -> str:
    return "".join((
        _element("Name", table.name), _element("TableId", table_id), _element("Comment", table.comment),
        _element("Owner", table.owner), _element("Project", table.project),
        _element("CreationTime", wire.http_date(wire.local_epoch(table.create_time))),
        _element("LastModifiedTime", wire.http_date(wire.local_epoch(table.last_modified_time))),
        _element("Type", MANAGED),
    ))  # fmt: skip


def table_xml(table: TableMeta, table_id: str, extended: bool) -> bytes:
    """`GET /projects/<p>/tables/<t>[?extended]`: the table with its schema."""
    schema = json.dumps(table_json(table, extended), ensure_ascii=False)
    body = f"<Table>{_table_fields(table, table_id)}{_element('Schema', schema)}</Table>"
    return f"{wire.XML_HEADER}{body}\n".encode()


def tables_xml(tables: Sequence[tuple[TableMeta, str]], marker: str, page_size: int) -> bytes:
    """`GET /projects/<p>/tables`: one page of (table, TableId), without schemas (a client reads a
    table's schema with its own GET, as pyodps's lazy Table does); Marker "" on the last page."""
    listed = "".join(f"<Table>{_table_fields(table, table_id)}</Table>" for table, table_id in tables)
    body = f"<Tables>{listed}{_element('Marker', marker)}{_element('MaxItems', str(page_size))}</Tables>"
    return f"{wire.XML_HEADER}{body}\n".encode()


def partition_values(spec: str) -> list[tuple[str, str]]:
    """`dt=20261201/region=hz` (the catalog's spec, keys in the table's order) as (key, value) pairs:
    a value holds no `/` or `=` (docs/tables.md)."""
    pairs = []
    for part in spec.split("/"):
        key, _, value = part.partition("=")
        pairs.append((key, value))
    return pairs


def _partition_columns(spec: str) -> str:
    return "".join(f"<Column Name={quoteattr(key)} Value={quoteattr(value)}/>"
                   for key, value in partition_values(spec))  # fmt: skip


def _partition_times(created: str) -> dict[str, int]:
    """A partition's times: its creation, which no DDL on it moves (mcshell keeps no data)."""
    at = wire.local_epoch(created)
    return {"createTime": at, "lastDDLTime": at, "lastModifiedTime": at}


def partitions_xml(partitions: Sequence[tuple[str, str]], marker: str, page_size: int) -> bytes:
    """`GET /projects/<p>/tables/<t>?partitions`: one page of (spec, create time)."""
    listed = []
    for spec, created in partitions:
        times = _partition_times(created)
        listed.append(
            f"<Partition>{_partition_columns(spec)}"
            f"{_element('CreationTime', str(times['createTime']))}{_element('LastDDLTime', str(times['lastDDLTime']))}"
            f"{_element('LastModifiedTime', str(times['lastModifiedTime']))}{_element('PartitionSize', '0')}"
            f"{_element('PartitionRecordCount', str(UNKNOWN_COUNT))}</Partition>"
        )
    body = f"<Partitions>{''.join(listed)}{_element('Marker', marker)}{_element('MaxItems', str(page_size))}"
    return f"{wire.XML_HEADER}{body}</Partitions>\n".encode()


def partition_xml(spec: str, created: str) -> bytes:
    """`GET /projects/<p>/tables/<t>?partition=<spec>`: one partition, its metadata as JSON."""
    meta = {**_partition_times(created), "partitionSize": 0, "partitionRecordNum": UNKNOWN_COUNT}
    schema = _element("Schema", json.dumps(meta))
    return f"{wire.XML_HEADER}<Partition>{_partition_columns(spec)}{schema}</Partition>\n".encode()
