"""The tables through the real pyodps (issue 21, item 5): o.list_tables(), o.get_table(t) with its
schema, owner, comment, lifecycle and times, table.partitions and iterate_partitions, exist_table
and exist_partition, read from the catalog with the privileges of SHOW TABLES, DESC and SHOW
PARTITIONS, and the documented errors."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from odps import errors as odps_errors

from mcshell.catalog.store import Catalog
from mcshell.output.console import Console
from mcshell.serve import serving
from mcshell.serve.auth import load_accounts
from serve.serve_support import OWNER, LogLines, client
from serve.test_serve_auth import ALICE, BOB, SECRETS, write_accounts
from serve.test_serve_remote_reads import cli

SALES = f"""
CREATE TABLE customers (
    id BIGINT NOT NULL COMMENT 'customer id',
    age INT,
    spend DECIMAL(10,2) COMMENT 'spend – 30 days',
    tags ARRAY<STRING>,
    profile STRUCT<city:STRING, zip:INT>
)
COMMENT 'churn features'
PARTITIONED BY (dt STRING COMMENT 'snapshot day', region STRING)
LIFECYCLE 30;
ALTER TABLE customers ADD PARTITION (dt = '20261201', region = 'hz') PARTITION (dt = '20261202', region = 'hz')
    PARTITION (dt = '20261202', region = 'sh');
CREATE TABLE sample (id BIGINT, visits BIGINT);
ADD USER {ALICE};
ADD USER {BOB};
GRANT List ON PROJECT sales TO USER {ALICE};
GRANT Describe ON TABLE sample TO USER {BOB};
"""
BULK = (
    "".join(f"CREATE TABLE t{n:03d} (id BIGINT);\n" for n in range(101)) + "CREATE TABLE wide (id BIGINT) "
    "PARTITIONED BY (n BIGINT);\nALTER TABLE wide ADD " + " ".join(f"PARTITION (n = {n})" for n in range(101)) + ";\n"
)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """A served catalog: project `sales` (a partitioned table with a lifecycle, a plain one; alice
    holds List, bob Describe on `sample`, eve is no member) and `bulk` (101 tables, 101 partitions)."""
    folder = tmp_path_factory.mktemp("tables")
    catalog = folder / "catalog.db"
    cli(catalog, "sales", stdin=SALES)
    cli(catalog, "bulk", stdin=BULK)
    log = LogLines()
    accounts = load_accounts(str(write_accounts(folder / "accounts.ini")))
    with serving(str(catalog), user=OWNER, project="sales", accounts=accounts,
                 log=Console(io.StringIO(), log.stream)) as endpoint:  # fmt: skip
        yield endpoint, catalog, log


def as_(tables, access_id: str, project: str = "sales"):
    return client(tables[0].url, project, access_id, SECRETS[access_id])


def stored(tables, name: str, project: str = "sales"):
    catalog = Catalog.open_reading(str(tables[1]), "2026-12-07 00:00:00")
    try:
        with catalog.transaction(write=False):
            return catalog.tables.get(project, name)
    finally:
        catalog.close()


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def test_list_tables_lists_each_table_with_its_owner_and_comment(tables):
    o = as_(tables, "owner-id")
    assert [(t.name, t.owner, t.comment or "") for t in o.list_tables()] == [
        ("customers", OWNER, "churn features"),
        ("sample", OWNER, ""),
    ]
    assert [t.name for t in o.list_tables(prefix="sam")] == ["sample"]
    assert [t.name for t in o.list_tables(owner=ALICE)] == []
    assert [t.name for t in o.list_tables(type="virtual_view")] == []


def test_get_table_reads_its_schema_owner_comment_lifecycle_and_times(tables):
    o = as_(tables, "owner-id")
    table = o.get_table("customers")
    schema = table.table_schema
    assert [(c.name, str(c.type).lower(), c.comment, c.nullable) for c in schema.simple_columns] == [
        ("id", "bigint", "customer id", False),
        ("age", "int", "", True),
        ("spend", "decimal(10,2)", "spend – 30 days", True),
        ("tags", "array<string>", "", True),
        ("profile", "struct<`city`:string,`zip`:int>", "", True),
    ]
    assert [(c.name, str(c.type).lower(), c.comment) for c in schema.partitions] == [
        ("dt", "string", "snapshot day"),
        ("region", "string", ""),
    ]
    record = stored(tables, "customers")
    assert (table.owner, table.comment, table.lifecycle, table.type.value) == (
        OWNER,
        "churn features",
        30,
        "MANAGED_TABLE",
    )
    assert (table.creation_time, table.last_meta_modified_time, table.last_data_modified_time) == (
        local(record.create_time),
        local(record.last_ddl_time),
        local(record.last_modified_time),
    )
    assert (table.is_archived, table.physical_size, table.file_num) == (False, 0, 0)  # ?extended
    assert o.get_table("sample").lifecycle is None


def test_the_partitions_of_a_table_are_read_and_filtered_by_a_spec(tables):
    o = as_(tables, "owner-id")
    table = o.get_table("customers")
    assert [str(p) for p in table.partitions] == [
        "dt='20261201',region='hz'",
        "dt='20261202',region='hz'",
        "dt='20261202',region='sh'",
    ]
    assert [str(p) for p in table.iterate_partitions("dt=20261202")] == [
        "dt='20261202',region='hz'",
        "dt='20261202',region='sh'",
    ]
    assert (table.exist_partition("dt=20261201,region=hz"), table.exist_partition("dt=20261201,region=sh")) == (
        True,
        False,
    )
    first = next(iter(table.partitions))
    assert first.creation_time == local(stored(tables, "customers").last_ddl_time)  # made with the ADD PARTITION
    assert list(o.get_table("sample").partitions) == []


def test_tables_and_partitions_come_in_pages_of_100(tables):
    o = as_(tables, "owner-id", "bulk")
    since = len(tables[2].lines())
    assert [t.name for t in o.list_tables()] == [f"t{n:03d}" for n in range(101)] + ["wide"]
    assert [line for line in tables[2].requests(since) if "/tables" in line] == [
        "GET /api/projects/bulk/tables 200"
    ] * 2
    since = len(tables[2].lines())
    assert len(list(o.get_table("wide").partitions)) == 101
    assert (
        tables[2].requests(since)
        == ["GET /api/projects/bulk/tables/wide 200"] + ["GET /api/projects/bulk/tables/wide?partitions 200"] * 2
    )


def test_a_table_that_is_not_there_is_no_such_object(tables):
    o = as_(tables, "owner-id")
    with pytest.raises(odps_errors.NoSuchObject) as raised:
        o.get_table("custmers").reload()
    assert raised.value.args[0] == (
        "ODPS-0130131: Table not found - table sales.custmers cannot be resolved; did you mean customers?"
    )
    assert (o.exist_table("customers"), o.exist_table("nothing")) == (True, False)


def test_each_read_needs_the_privilege_of_its_statement(tables):
    alice, bob, eve = as_(tables, "alice-id"), as_(tables, "bob-id"), as_(tables, "eve-id")
    assert [t.name for t in alice.list_tables()] == ["customers", "sample"]  # List on the project
    with pytest.raises(odps_errors.NoPermission) as raised:
        alice.get_table("customers").reload()  # no Describe on it
    assert raised.value.args[0] == (
        "ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege 'odps:Describe' "
        f"on {{acs:odps:*:projects/sales/tables/customers}}. --->Tips: CurrentProject:sales; Principal:{ALICE};"
    )
    assert [c.name for c in bob.get_table("sample").table_schema.columns] == ["id", "visits"]
    with pytest.raises(odps_errors.NoPermission):
        list(bob.list_tables())  # no List on the project
    with pytest.raises(odps_errors.NoPermission) as raised:
        list(eve.list_tables())
    assert raised.value.args[0] == "ODPS-0420095: Access Denied - You don't exist in project sales."


def test_a_project_that_is_not_there_is_no_such_project(tables):
    o = as_(tables, "owner-id", "nope")
    with pytest.raises(odps_errors.NoSuchProject) as raised:
        list(o.list_tables())
    assert raised.value.args[0] == "ODPS-0110061: Failed to run ddltask - Project not found: nope"
    with pytest.raises(odps_errors.NoSuchProject):
        o.get_table("customers").reload()
