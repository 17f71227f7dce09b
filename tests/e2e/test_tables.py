"""The table statements as a user sees them (docs/tables.md): stdout, stderr and exit status of the
installed CLI, and a catalog that a refused statement leaves exactly as it was."""

from __future__ import annotations

import pytest
from conftest import catalog_rows, mask_times

USER = ("--user", "ALIYUN$alice@example.com")
SALE_DETAIL = (
    "CREATE TABLE sale_detail (shop_name STRING COMMENT 'the shop', customer_id STRING NOT NULL, total_price DOUBLE) "
    "COMMENT 'sales' PARTITIONED BY (sale_date STRING, region STRING COMMENT 'the region') LIFECYCLE 30;"
)

DESC_SALE_DETAIL = """\
+------------------------------------------------------------------------------------+
| Owner: ALIYUN$alice@example.com | Project: my_project                                  |
| TableComment: sales                                                                |
+------------------------------------------------------------------------------------+
| CreateTime:               YYYY-MM-DD hh:mm:ss                                      |
| LastDDLTime:              YYYY-MM-DD hh:mm:ss                                      |
| LastModifiedTime:         YYYY-MM-DD hh:mm:ss                                      |
| Lifecycle:                30                                                       |
+------------------------------------------------------------------------------------+
| InternalTable: YES      | Size: 0                                                  |
+------------------------------------------------------------------------------------+
| Native Columns:                                                                    |
+------------------------------------------------------------------------------------+
| Field           | Type       | Label | Comment                                     |
+------------------------------------------------------------------------------------+
| shop_name       | string     |       | the shop                                    |
| customer_id     | string     |       |                                             |
| total_price     | double     |       |                                             |
+------------------------------------------------------------------------------------+
| Partition Columns:                                                                 |
+------------------------------------------------------------------------------------+
| sale_date       | string     |                                                     |
| region          | string     | the region                                          |
+------------------------------------------------------------------------------------+
"""

SHOW_CREATE_SALE_DETAIL = """\
CREATE TABLE sale_detail (
    shop_name string COMMENT 'the shop',
    customer_id string NOT NULL,
    total_price double
)
COMMENT 'sales'
PARTITIONED BY (
    sale_date string,
    region string COMMENT 'the region'
)
LIFECYCLE 30;
"""


@pytest.fixture
def sale_detail(mcshell):
    run = mcshell(*USER, "-e", SALE_DETAIL)
    assert (run.stdout, run.stderr, run.status) == ("", "OK\n", 0)


def refused(mcshell, catalog, sql: str, line: str) -> None:
    """`sql` fails with exactly `line` (then its excerpt), prints nothing, exits 1 and changes nothing."""
    before = catalog_rows(catalog)
    run = mcshell(*USER, "-e", sql)
    assert (run.stdout, run.stderr, run.status) == ("", line + "\n", 1)
    assert catalog_rows(catalog) == before


# -- CREATE TABLE, DESC -----------------------------------------------------------------------------
def test_create_table_then_desc_prints_the_documented_box(mcshell, sale_detail):
    run = mcshell(*USER, "-e", "DESC sale_detail;")
    assert (mask_times(run.stdout), run.stderr, run.status) == (DESC_SALE_DETAIL, "OK\n", 0)


def test_a_table_without_lifecycle_or_partitions_has_no_such_rows(mcshell):
    assert mcshell(*USER, "-e", "CREATE TABLE t (a BIGINT);").status == 0
    run = mcshell(*USER, "-e", "DESCRIBE t;")
    lines = mask_times(run.stdout).splitlines()
    assert "Lifecycle" not in run.stdout and "Partition Columns" not in run.stdout
    assert lines[-3:] == [
        "+------------------------------------------------------------------------------------+",
        "| a               | bigint     |       |                                             |",
        "+------------------------------------------------------------------------------------+",
    ]


def test_create_table_that_exists_fails_and_if_not_exists_keeps_the_old_one(mcshell, catalog, sale_detail):
    refused(
        mcshell, catalog, "CREATE TABLE sale_detail (a INT);",
        "FAILED: ODPS-0130211:[1,14] Table or view already exists - table my_project.sale_detail already exists",
    )  # fmt: skip
    before = catalog_rows(catalog)
    run = mcshell(*USER, "-e", "CREATE TABLE IF NOT EXISTS sale_detail (a INT);")
    assert (run.stderr, run.status) == ("OK\n", 0)
    assert catalog_rows(catalog) == before


@pytest.mark.parametrize(
    "sql, line",
    [
        ("CREATE TABLE 1x (a INT);", "FAILED: ODPS-0130071:[1,14] Semantic analysis exception - table name '1x' must "
         "start with a letter and contain only letters, digits and underscores"),
        ("CREATE TABLE t (a INT, A BIGINT);", "FAILED: ODPS-0130071:[1,24] Semantic analysis exception - column 'a' is "
         "given twice"),
        ("CREATE TABLE t (a INT) PARTITIONED BY (a STRING);", "FAILED: ODPS-0130071:[1,40] Semantic analysis "
         "exception - column 'a' is given twice"),
        ("CREATE TABLE t (a INT) PARTITIONED BY (d DOUBLE);", "FAILED: ODPS-0130071:[1,42] Semantic analysis "
         "exception - partition key 'd' cannot be of type double; allowed: tinyint, smallint, int, bigint, varchar, "
         "char, string"),
        ("CREATE TABLE t (a DECIMAL(40,2));", "FAILED: ODPS-0130071:[1,19] Semantic analysis exception - decimal "
         "precision 40 is out of range 1..38"),
        ("CREATE TABLE t (a INT) LIFECYCLE 0;", "FAILED: ODPS-0130071:[1,34] Semantic analysis exception - lifecycle 0 "
         "is not a positive number of days"),
        ("CREATE TABLE t (select INT);", "FAILED: ODPS-0130161:[1,17] Parse exception - 'select' is a reserved word: "
         "write `select` in backquotes to use it as a name"),
        ("CREATE TABLE t (a INT NOT NULL) PARTITIONED BY (d STRING NOT NULL);", "FAILED: ODPS-0130161:[1,58] Parse "
         "exception - expected ',' or ')', found 'NOT'"),
        (f"CREATE TABLE t (a INT COMMENT '{'x' * 1025}');", "FAILED: ODPS-0130071:[1,31] Semantic analysis exception - "
         "comment is 1025 bytes; at most 1024 bytes are allowed"),
        ("CREATE TABLE t LIKE nope;", "FAILED: ODPS-0130131:[1,21] Table not found - table my_project.nope cannot be "
         "resolved"),
        ("CREATE TABLE t (a INT) PARTITIONED BY (p1 INT, p2 INT, p3 INT, p4 INT, p5 INT, p6 INT, p7 INT);",
         "FAILED: ODPS-0130071:[1,88] Semantic analysis exception - a table has at most 6 partition levels; this one "
         "has 7"),
    ],
)  # fmt: skip
def test_create_table_rules(mcshell, catalog, sale_detail, sql, line):
    refused(mcshell, catalog, sql, line)


def test_more_than_1200_columns_are_refused(mcshell, catalog, sale_detail):
    columns = ", ".join(f"c{i} INT" for i in range(1201))
    run = mcshell(*USER, "-e", f"CREATE TABLE wide ({columns});")
    assert run.stderr.startswith("FAILED: ODPS-0130071:[1,")
    assert "a table has at most 1200 columns; this one has 1201\n" in run.stderr
    assert run.status == 1


def test_clauses_mcshell_does_not_keep_are_unsupported_and_skipped_on_request(mcshell, catalog, sale_detail):
    refused(
        mcshell, catalog, "CREATE TABLE t (a INT) STORED AS ALIORC;",
        "FAILED: ODPS-0130161:[1,24] Parse exception - unsupported clause 'STORED' in CREATE TABLE: mcshell keeps "
        "table schemas as docs/tables.md lists them",
    )  # fmt: skip
    skipped = mcshell(*USER, "--skip-unsupported", "-e", "CREATE TABLE t AS SELECT 1;")
    assert (skipped.stderr, skipped.status) == ("WARNING: skipped unsupported statement 'CREATE TABLE' at [1,1]\n", 0)


def test_create_table_like_copies_the_schema_and_comments_not_the_lifecycle(mcshell, sale_detail):
    assert mcshell(*USER, "-e", "CREATE TABLE sale_copy LIKE sale_detail LIFECYCLE 7;").status == 0
    run = mcshell(*USER, "-e", "SHOW CREATE TABLE sale_copy;")
    expected = SHOW_CREATE_SALE_DETAIL.replace("sale_detail", "sale_copy").replace("LIFECYCLE 30", "LIFECYCLE 7")
    assert (run.stdout, run.stderr, run.status) == (expected, "OK\n", 0)


# -- DROP TABLE -------------------------------------------------------------------------------------
def test_drop_table(mcshell, catalog, sale_detail):
    assert mcshell(*USER, "-e", "ALTER TABLE sale_detail ADD PARTITION (sale_date='1', region='hz');").status == 0
    dropped = mcshell(*USER, "-e", "DROP TABLE sale_detail; DROP TABLE IF EXISTS sale_detail;")
    assert (dropped.stdout, dropped.stderr, dropped.status) == ("", "OK\nOK\n", 0)
    refused(
        mcshell, catalog, "DROP TABLE sale_detail;",
        "FAILED: ODPS-0130131:[1,12] Table not found - table my_project.sale_detail cannot be resolved",
    )  # fmt: skip
    again = mcshell(*USER, "-e", SALE_DETAIL + " SHOW PARTITIONS sale_detail;")  # created again: no partitions
    assert (again.stdout, again.stderr, again.status) == ("", "OK\nOK\n", 0)


def test_desc_of_a_missing_table_suggests_a_close_name(mcshell, catalog, sale_detail):
    refused(
        mcshell, catalog, "DESC sale_detai;",
        "FAILED: ODPS-0130131:[1,6] Table not found - table my_project.sale_detai cannot be resolved; did you mean "
        "sale_detail?",
    )  # fmt: skip


# -- SHOW TABLES, SHOW CREATE TABLE -----------------------------------------------------------------
def test_show_tables_prints_owner_and_name_lines(mcshell, sale_detail):
    assert mcshell("--user", "ALIYUN$alice@example.com", "-e", "CREATE TABLE scores (id BIGINT);").status == 0
    run = mcshell(*USER, "-e", "SHOW TABLES; SHOW TABLES LIKE 'sc%'; SHOW TABLES LIKE 'nothing%';")
    owner = "ALIYUN$alice@example.com"
    assert run.stdout == f"{owner}:sale_detail\n{owner}:scores\n{owner}:scores\n"
    assert (run.stderr, run.status) == ("OK\nOK\nOK\n", 0)


def test_show_create_table_reads_back_to_the_same_table(mcshell, catalog, sale_detail):
    shown = mcshell(*USER, "-e", "SHOW CREATE TABLE sale_detail;")
    assert (shown.stdout, shown.stderr, shown.status) == (SHOW_CREATE_SALE_DETAIL, "OK\n", 0)
    recreated = mcshell(*USER, "-e", "DROP TABLE sale_detail; " + shown.stdout + " SHOW CREATE TABLE sale_detail;")
    assert recreated.stdout == SHOW_CREATE_SALE_DETAIL and recreated.status == 0


def test_show_create_table_quotes_names_that_need_it(mcshell):
    sql = "CREATE TABLE `order` (`desc` STRING COMMENT 'it\\'s', `列` ARRAY<MAP<STRING,BIGINT>>);"
    run = mcshell(*USER, "-e", sql + " SHOW CREATE TABLE `order`;")
    assert run.stdout == (
        "CREATE TABLE `order` (\n    `desc` string COMMENT 'it\\'s',\n    列 array<map<string,bigint>>\n);\n"
    )
    again = mcshell(*USER, "-e", "DROP TABLE `order`; " + run.stdout + " SHOW CREATE TABLE `order`;")
    assert again.stdout == run.stdout


# -- ALTER TABLE ------------------------------------------------------------------------------------
def test_add_columns_goes_last_and_refuses_a_name_the_table_has(mcshell, catalog, sale_detail):
    added = mcshell(*USER, "-e", "ALTER TABLE sale_detail ADD COLUMNS (visits BIGINT COMMENT 'visits');")
    assert (added.stderr, added.status) == ("OK\n", 0)
    shown = mcshell(*USER, "-e", "SHOW CREATE TABLE sale_detail;")
    assert "    total_price double,\n    visits bigint COMMENT 'visits'\n)" in shown.stdout
    refused(
        mcshell, catalog, "ALTER TABLE sale_detail ADD COLUMNS (region STRING);",
        "FAILED: ODPS-0130071:[1,38] Semantic analysis exception - column 'region' already exists in "
        "my_project.sale_detail",
    )  # fmt: skip
    kept = mcshell(*USER, "-e", "ALTER TABLE sale_detail ADD COLUMNS IF NOT EXISTS (visits STRING, spend DOUBLE);")
    assert kept.status == 0
    assert (
        "    visits bigint COMMENT 'visits',\n    spend double\n)"
        in mcshell(*USER, "-e", "SHOW CREATE TABLE sale_detail").stdout
    )


def test_add_show_and_drop_partitions(mcshell, catalog, sale_detail):
    add = (
        "ALTER TABLE sale_detail ADD PARTITION (sale_date='201312', region='hangzhou') "
        "PARTITION (region='bj', sale_date=201401);"
    )
    assert mcshell(*USER, "-e", add).status == 0
    run = mcshell(*USER, "-e", "SHOW PARTITIONS sale_detail;")
    assert (run.stdout, run.stderr, run.status) == (
        "sale_date=201312/region=hangzhou\nsale_date=201401/region=bj\n", "OK\n", 0,
    )  # fmt: skip
    refused(
        mcshell, catalog, add,
        "FAILED: ODPS-0110061: Failed to run ddltask - AlreadyExistsException(message:Partition already exists, "
        "existed values: sale_date=201312/region=hangzhou)",
    )  # fmt: skip
    assert mcshell(*USER, "-e", add.replace("ADD", "ADD IF NOT EXISTS")).status == 0
    dropped = mcshell(*USER, "-e", "ALTER TABLE sale_detail DROP PARTITION (sale_date='201312', region='hangzhou');")
    assert dropped.status == 0
    refused(
        mcshell, catalog, "ALTER TABLE sale_detail DROP PARTITION (sale_date='201312', region='hangzhou');",
        "FAILED: ODPS-0130271:[1,30] Partition does not exist - partition sale_date=201312/region=hangzhou does not "
        "exist in my_project.sale_detail",
    )  # fmt: skip
    same = mcshell(*USER, "-e", "ALTER TABLE sale_detail DROP IF EXISTS PARTITION (sale_date='201312', region='x');")
    assert (same.stderr, same.status) == ("OK\n", 0)
    assert mcshell(*USER, "-e", "SHOW PARTITIONS sale_detail;").stdout == "sale_date=201401/region=bj\n"


@pytest.mark.parametrize(
    "spec, line",
    [
        ("(sale_date='201312')", "FAILED: ODPS-0130191:[1,29] Invalid column or partition key - the partition spec "
         "names no value for region: every level of sale_detail is needed"),
        ("(sale_date='201312', nope='x')", "FAILED: ODPS-0130191:[1,60] Invalid column or partition key - 'nope' is "
         "not a partition key of sale_detail"),
        ("(sale_date='1', sale_date='2')", "FAILED: ODPS-0130191:[1,55] Invalid column or partition key - 'sale_date' "
         "is given twice"),
        ("(sale_date='2013/12', region='x')", "FAILED: ODPS-0130071:[1,50] Semantic analysis exception - partition "
         "value '2013/12' of sale_date: letters, digits, spaces and : _ $ # . ! @ - + are allowed"),
    ],
)  # fmt: skip
def test_partition_spec_rules(mcshell, catalog, sale_detail, spec, line):
    refused(mcshell, catalog, f"ALTER TABLE sale_detail ADD PARTITION {spec};", line)


def test_an_integer_partition_key_takes_integers_only(mcshell, catalog):
    assert mcshell(*USER, "-e", "CREATE TABLE t (a INT) PARTITIONED BY (h TINYINT);").status == 0
    assert mcshell(*USER, "-e", "ALTER TABLE t ADD PARTITION (h=127);").status == 0
    refused(
        mcshell, catalog, "ALTER TABLE t ADD PARTITION (h=128);",
        "FAILED: ODPS-0130071:[1,32] Semantic analysis exception - partition value '128' of h is not a tinyint",
    )  # fmt: skip


def test_partitions_of_a_table_without_partition_keys(mcshell, catalog):
    assert mcshell(*USER, "-e", "CREATE TABLE t (a INT);").status == 0
    refused(
        mcshell, catalog, "SHOW PARTITIONS t;",
        "FAILED: ODPS-0130191:[1,17] Invalid column or partition key - table my_project.t is not partitioned",
    )  # fmt: skip


# -- privileges, SELECT, dump -----------------------------------------------------------------------
def test_a_member_needs_create_table_and_cannot_touch_anothers_table(mcshell, catalog, sale_detail):
    bob = "ALIYUN$bob@example.com"
    assert mcshell(*USER, "-e", f"ADD USER {bob};").status == 0
    denied = mcshell("--user", bob, "-e", "CREATE TABLE mine (a INT);")
    assert denied.stderr.startswith("FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019]")
    assert "CreateTable" in denied.stderr and denied.status == 1
    assert mcshell(*USER, "-e", f"GRANT CreateTable ON PROJECT my_project TO USER {bob};").status == 0
    assert mcshell("--user", bob, "-e", "CREATE TABLE mine (a INT); DESC mine; DROP TABLE mine;").status == 0
    other = mcshell("--user", bob, "-e", "DROP TABLE sale_detail;")
    assert "projects/my_project/tables/sale_detail" in other.stderr and other.status == 1
    stranger = mcshell("--user", "ALIYUN$eve@example.com", "-e", "DESC sale_detail;")
    assert stranger.stderr == "FAILED: ODPS-0420095: Access Denied - You don't exist in project my_project.\n"


def test_a_select_over_a_known_table_is_not_table_not_found(mcshell, sale_detail):
    run = mcshell(*USER, "-e", "SELECT shop_name FROM sale_detail;")
    empty = "+-----------+\n| shop_name |\n+-----------+\n+-----------+\n"
    assert (run.stdout, run.stderr, run.status) == (empty, "OK\n", 0)
    skipped = mcshell(*USER, "--skip-unsupported", "-e", "SELECT md5(shop_name) FROM sale_detail;")
    assert (skipped.stderr, skipped.status) == ("WARNING: skipped unsupported statement 'SELECT' at [1,1]\n", 0)


def test_check_runs_the_table_statements_on_a_copy(mcshell, catalog, sale_detail):
    before = catalog_rows(catalog)
    run = mcshell(*USER, "--check", stdin="CREATE TABLE t (a INT);\nDESC t;\nDROP TABLE t;\nDROP TABLE t;\n")
    assert run.stderr.splitlines()[-1] == (
        "<stdin>: 4 statements checked: 3 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)"
    )
    assert catalog_rows(catalog) == before


def test_dump_recreates_tables_and_partitions(mcshell, catalog, tmp_path, sale_detail):
    assert mcshell(*USER, "-e", "ALTER TABLE sale_detail ADD PARTITION (sale_date='201312', region='hz');").status == 0
    dumped = mcshell(*USER, "dump")
    assert dumped.status == 0
    assert (
        SHOW_CREATE_SALE_DETAIL + "ALTER TABLE sale_detail ADD PARTITION (sale_date = '201312', region = 'hz');\n"
        in (dumped.stdout)
    )
    restored = tmp_path / "restored.db"
    assert mcshell(*USER, "-f", "-", stdin=dumped.stdout, catalog_path=restored).status == 0
    again = mcshell(*USER, "-e", "SHOW CREATE TABLE sale_detail; SHOW PARTITIONS sale_detail;", catalog_path=restored)
    assert again.stdout == SHOW_CREATE_SALE_DETAIL + "sale_date=201312/region=hz\n"


def test_desc_extended_adds_the_table_id_and_the_extended_info(mcshell, sale_detail):
    import re

    run = mcshell(*USER, "-e", "DESC EXTENDED sale_detail;")
    lines = mask_times(run.stdout).splitlines()
    assert re.fullmatch(r"\| TableID: [0-9a-f]{32} {41} \|", lines[2])
    assert lines[:2] + lines[3:-6] == DESC_SALE_DETAIL.splitlines()
    assert lines[-6:] == [
        "| Extended Info:                                                                     |",
        "+------------------------------------------------------------------------------------+",
        "| IsArchived:               false                                                    |",
        "| PhysicalSize:             0                                                        |",
        "| FileNum:                  0                                                        |",
        "+------------------------------------------------------------------------------------+",
    ]
    assert (run.stderr, run.status) == ("OK\n", 0)


def test_table_privileges_are_granted_revoked_shown_and_dumped(mcshell, catalog, sale_detail):
    bob = "ALIYUN$bob@example.com"
    setup = (
        f"ADD USER {bob}; CREATE ROLE analyst; GRANT Describe ON TABLE sale_detail TO ROLE analyst; "
        f"GRANT analyst TO {bob}; GRANT Select, Drop ON TABLE sale_detail TO {bob};"
    )
    assert mcshell(*USER, "-e", setup).status == 0
    assert mcshell("--user", bob, "-e", "DESC sale_detail;").status == 0  # Describe, through the role
    shown = mcshell("--user", bob, "-e", "SHOW GRANTS;")
    assert shown.stdout == (
        "[roles]\nanalyst\nAuthorization Type: ACL\n[role/analyst]\n"
        "A projects/my_project/tables/sale_detail: Describe\n"
        f"[user/{bob}]\nA projects/my_project/tables/sale_detail: Select | Drop\n"
    )
    denied = mcshell("--user", bob, "-e", "ALTER TABLE sale_detail ADD PARTITION (sale_date='1', region='x');")
    assert "You have NO privilege 'odps:Alter' on {acs:odps:*:projects/my_project/tables/sale_detail}" in denied.stderr
    refused(
        mcshell, catalog, f"GRANT Nope ON TABLE sale_detail TO {bob};",
        "FAILED: ODPS-0130071:[1,7] Semantic analysis exception - 'Nope' is not a privilege on a table; use Describe, "
        "Select, Alter, Update, Drop or All",
    )  # fmt: skip
    grantor = mcshell("--user", bob, "-e", f"GRANT Alter ON TABLE sale_detail TO {bob};")
    assert grantor.stderr.startswith(
        f"FAILED: ODPS-0130013: Authorization exception - {bob} cannot grant privileges on table "
        "my_project.sale_detail: only the table's creator, the project owner or a Super_Administrator or Admin can"
    )
    dumped = mcshell(*USER, "dump").stdout
    assert "GRANT Describe ON TABLE sale_detail TO ROLE analyst;\n" in dumped
    assert f"GRANT Select, Drop ON TABLE sale_detail TO {bob};\n" in dumped
    assert mcshell(*USER, "-e", f"REVOKE Drop ON TABLE sale_detail FROM {bob};").status == 0
    assert mcshell("--user", bob, "-e", "DROP TABLE sale_detail;").status == 1
    assert mcshell(*USER, "-e", f"GRANT Drop ON TABLE sale_detail TO {bob};").status == 0
    assert mcshell("--user", bob, "-e", "DROP TABLE sale_detail;").status == 0
    assert mcshell(*USER, "-e", SALE_DETAIL).status == 0  # created again: the old grants are gone
    assert mcshell("--user", bob, "-e", "DROP TABLE sale_detail;").status == 1
