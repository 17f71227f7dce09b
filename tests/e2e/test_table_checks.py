"""Model function calls over a table, checked against its columns in every mode, --check included
(issue 21, item 2; docs/tables.md, "Model calls over a table"): the tables a SELECT reads, its
columns, their types against the version's INPUT or the function's parameters, and Select."""

from __future__ import annotations

from conftest import DATA

from mcshell.catalog.records import PullRecord
from mcshell.catalog.store import Catalog

# customers (id, age, photo BINARY; dt), and churn: v1 takes the BINARY photo, v2 a STRING.
CHURN = (DATA / "tables" / "churn.sql").read_text()
SCORE = """-- score the customers with the default version of churn
SET odps.sql.type.system.odps2=true;
SELECT id,
       ML_PREDICT(churn, DEFAULT_VERSION, photo, age)
FROM customers;
"""
ORDERS = """CREATE TABLE orders (id BIGINT, customer_id BIGINT, amount DECIMAL(10,2), tags ARRAY<STRING>, note STRING);
CREATE MODEL qwen WITH VERSION v1 OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'LLM', TASKS = 'chat',
    ENDPOINT = 'http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com', APIKEY = 'abc',
    PAI_EAS_MODEL_NAME = 'Qwen', PAI_EAS_SERVICE_NAME = 's', PAI_EAS_SYNC_MODE = 'true');
"""
BOB = "ALIYUN$bob@example.com"


def semantic(source: str, line: int, col: int, message: str, text: str) -> str:
    return (
        f"{source}:{line}:{col}: FAILED: ODPS-0130071: Semantic analysis exception - {message}\n"
        f"{line:>4} | {text}\n"
        f"     | {' ' * (col - 1)}^\n"
    )


# -- the BINARY story of the ALTER MODEL page -----------------------------------------------------
def test_after_set_default_version_a_scoring_script_fails_at_the_binary_column(mcshell, tmp_path):
    (tmp_path / "score.sql").write_text(SCORE)
    assert mcshell("-e", CHURN).status == 0
    before = mcshell("--check", "-f", "score.sql", cwd=tmp_path)
    assert (before.raw_stderr, before.status) == (
        "score.sql: 2 statements checked: 2 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n",
        0,
    )
    assert mcshell("-e", "ALTER MODEL churn SET DEFAULT_VERSION v2;").status == 0
    after = mcshell("--check", "-f", "score.sql", cwd=tmp_path)
    assert after.stdout == ""
    assert after.raw_stderr == (
        semantic(
            "score.sql", 4, 43, "ML_PREDICT: INPUT column photo of version v2 is string, found BINARY",
            "       ML_PREDICT(churn, DEFAULT_VERSION, photo, age)",
        )
        + "score.sql: 2 statements checked: 1 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )  # fmt: skip
    assert after.status == 1


def test_plan_queries_shows_the_scoring_script_the_change_breaks(mcshell, catalog, tmp_path):
    assert mcshell("--user", "ALIYUN$alice@example.com", "-e", CHURN).status == 0
    _record_a_pull(catalog)
    (tmp_path / "score.sql").write_text(SCORE)
    run = mcshell(
        "--user", "ALIYUN$alice@example.com", "plan", "--offline", "-e", "ALTER MODEL churn SET DEFAULT_VERSION v2;",
        "--queries", "score.sql", cwd=tmp_path,
    )  # fmt: skip
    assert run.stdout == "~ model churn: default version v1 -> v2\nPlan: 0 to add, 1 to change, 0 to remove.\n"
    assert run.raw_stderr == (
        "<-e>: 1 statement checked: 1 ok, 0 failed, 0 skipped (dry run: the catalog was not changed)\n"
        + semantic(
            "score.sql", 4, 43, "ML_PREDICT: INPUT column photo of version v2 is string, found BINARY",
            "       ML_PREDICT(churn, DEFAULT_VERSION, photo, age)",
        )
        + "score.sql: 2 statements checked: 1 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )  # fmt: skip
    assert run.status == 1


def _record_a_pull(path) -> None:
    """The record `mcshell pull` leaves, so that the catalog built with the CLI reads as pulled."""
    catalog = Catalog.open(str(path), "2026-12-07 10:00:00")
    try:
        with catalog.transaction(write=True):
            project = catalog.get_project("my_project")
            catalog.replace_project_row(
                project, PullRecord("http://service.example/api", "ALIYUN$alice@example.com", "2026-12-07 10:00:00")
            )
    finally:
        catalog.close()


# -- tables, columns and types ----------------------------------------------------------------------
QUERIES = [
    # a join, a qualified table name, aliases, a partition column: all resolve
    "SELECT c.id, o.amount, ML_PREDICT(churn, v1, c.photo, c.age) FROM my_project.customers c "
    "JOIN orders o ON c.id = o.customer_id WHERE c.dt = '20261201';",
    "SELECT ML_PREDICT(churn, v1, photo, agee) FROM customers;",
    "SELECT id FROM customers c JOIN orders o ON c.id = o.customer_id;",
    "SELECT x.id FROM customers c;",
    "SELECT id FROM customer;",
    # a subquery in FROM: its result columns, typed as it selects them
    "SELECT s.a, ML_PREDICT(churn, v1, s.p, s.a) FROM (SELECT photo AS p, age AS a FROM customers) s;",
    "SELECT ML_PREDICT(churn, v1, s.p, s.a) FROM (SELECT photo AS p, id AS a FROM customers) s;",
    "SELECT ML_PREDICT(churn, v1, photo, tags) FROM customers JOIN orders ON customers.id = orders.id;",
    "SELECT AI_GENERATE(qwen, v1, note), AI_GENERATE(qwen, v1, amount) FROM orders;",
    "SELECT AI_SUMMARIZE(qwen, v1, note, id) FROM orders;",
    # a subquery in WHERE: the tables are found, the columns left to MaxCompute
    "SELECT ML_PREDICT(churn, v1, photo, age) FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE x > 1);",
    "SELECT id FROM customers WHERE id IN (SELECT customer_id FROM order_lines);",
]


def test_each_table_and_column_is_found_and_typed(shell):
    assert shell("-e", CHURN + ORDERS).status == 0
    run = shell("--check", "-f", "-", stdin="\n".join(QUERIES) + "\n")
    assert run.raw_stderr == (
        semantic("<stdin>", 2, 37, "column agee cannot be resolved", QUERIES[1])
        + semantic("<stdin>", 3, 8, "column reference id is ambiguous: qualify it with its table", QUERIES[2])
        + semantic("<stdin>", 4, 8, "column x.id cannot be resolved", QUERIES[3])
        + "<stdin>:5:16: FAILED: ODPS-0130131: Table not found - table my_project.customer cannot be resolved; "
        "did you mean customers?\n"
        f"   5 | {QUERIES[4]}\n"
        "     |                ^\n"
        + semantic("<stdin>", 7, 35, "ML_PREDICT: INPUT column age of version v1 is int, found BIGINT", QUERIES[6])
        + semantic(
            "<stdin>", 8, 37, "ML_PREDICT: INPUT column age of version v1 is int, found ARRAY<STRING>", QUERIES[7]
        )
        + semantic("<stdin>", 9, 59, "AI_GENERATE: prompt must be STRING, found DECIMAL", QUERIES[8])
        + "<stdin>:12:63: FAILED: ODPS-0130131: Table not found - table my_project.order_lines cannot be resolved\n"
        f"  12 | {QUERIES[11]}\n"
        f"     | {' ' * 62}^\n"
        "<stdin>: 12 statements checked: 4 ok, 8 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert run.status == 1


def test_a_run_checks_the_columns_as_check_does(shell):
    assert shell("-e", CHURN).status == 0
    run = shell("-e", "SELECT ML_PREDICT(churn, v1, photo, agee) FROM customers;")
    assert run.verdicts == ["FAILED: ODPS-0130071:[1,37] Semantic analysis exception - column agee cannot be resolved"]
    assert run.status == 1


# -- Select on the table ----------------------------------------------------------------------------
def test_a_select_needs_select_on_each_table_it_reads(shell):
    grants = f"ADD USER {BOB}; GRANT Describe ON MODEL churn TO USER {BOB};"
    assert shell("-e", CHURN + grants).status == 0
    sql = "SELECT ML_PREDICT(churn, v1, photo, age) FROM customers;"
    refused = shell("--user", BOB, "--check", "-e", sql)
    assert refused.raw_stderr == (
        "<-e>:1:1: FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege "
        "'odps:Select' on {acs:odps:*:projects/my_project/tables/customers}. --->Tips: CurrentProject:my_project; "
        f"Principal:{BOB};\n"
        f"   1 | {sql}\n"
        "     | ^\n"
        "<-e>: 1 statement checked: 0 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert refused.status == 1
    assert shell("-e", f"GRANT Select ON TABLE customers TO USER {BOB};").status == 0
    assert shell("--user", BOB, "--check", "-e", sql).status == 0


# -- INSERT -----------------------------------------------------------------------------------------
TARGETS = """CREATE TABLE scores (id BIGINT NOT NULL, score STRING);
CREATE TABLE daily (id BIGINT, v DOUBLE, d DECIMAL(10,2), s VARCHAR(3), b BOOLEAN, ti TINYINT)
PARTITIONED BY (dt STRING, region STRING);
"""
INSERTS = [
    "INSERT INTO scores VALUES (1, 'a'), (2, NULL);",
    "INSERT INTO TABLE daily PARTITION (dt = '20261201', region = 'hz') VALUES (1, 2, 1.5, 'ab', true, 127);",
    "INSERT INTO scores (score, id) SELECT 'x', id FROM customers;",
    "INSERT OVERWRITE TABLE scores SELECT id, ML_PREDICT(churn, v1, photo, age) FROM customers;",
    "INSERT INTO nothing VALUES (1);",
    "INSERT INTO scores VALUES (1, 'a', 3);",
    "INSERT INTO scores VALUES (NULL, 'a');",
    "INSERT INTO scores VALUES ('x', 'a');",
    "INSERT INTO scores (score) VALUES ('a');",
    "INSERT INTO scores (id, nothing) VALUES (1, 'a');",
    "INSERT OVERWRITE TABLE scores (id) VALUES (1);",
    "INSERT INTO daily VALUES (1, 2.5, 1, 'ab', true, 1);",
    "INSERT INTO daily PARTITION (dt = '1', region = 'x') VALUES (1, 2.5, 1, 'ab', true, 1000);",
    "INSERT INTO daily PARTITION (dt = '1', nothing = 'x') VALUES (1, 2.5, 1, 'ab', true, 1);",
    "INSERT INTO daily PARTITION (dt = '1', region) SELECT 1, 2.5, 1, 'ab', true, 1, 'r';",
    "INSERT INTO daily PARTITION (dt = some_column, region = '1') VALUES (1, 2.5, 1, 'ab', true, 1);",
    "INSERT OVERWRITE TABLE scores SELECT id, ML_PREDICT(churn, v2, photo, age) FROM customers;",
    "INSERT OVERWRITE TABLE scores SELECT id FROM customers;",
    "INSERT OVERWRITE TABLE scores SELECT photo, id FROM customers;",
    # a SELECT with no FROM, or over VALUES: its constants' and its VALUES columns' types
    "INSERT INTO scores SELECT 1, 'a';",
    "INSERT INTO scores SELECT 1;",
    "INSERT INTO scores SELECT y, x FROM VALUES (1, 'a') t(x, y);",
]
DIFFERENT = "Cannot insert into target table because column number/types are different"


def _failed(line: int, col: int, code: str, message: str) -> str:
    return (
        f"<stdin>:{line}:{col}: FAILED: {code}: {message}\n{line:>4} | {INSERTS[line - 1]}\n     | {' ' * (col - 1)}^\n"
    )


def test_insert_is_checked_against_its_target_table(shell):
    assert shell("-e", CHURN + TARGETS).status == 0
    run = shell("--check", "-f", "-", stdin="\n".join(INSERTS) + "\n")
    semantic_ = "ODPS-0130071", "Semantic analysis exception - "
    expected = [
        (5, 13, "ODPS-0130131", "Table not found - table my_project.nothing cannot be resolved"),
        (6, 28, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: the table takes 2 columns (id bigint, score string), "
                                "the row gives 3"),
        (7, 28, *semantic_[:1], f"{semantic_[1]}column id is NOT NULL: the value is NULL"),
        (8, 28, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: column id is bigint, found STRING"),
        (9, 28, *semantic_[:1], f"{semantic_[1]}column id is NOT NULL: the column list leaves it out"),
        (10, 25, *semantic_[:1], f"{semantic_[1]}column nothing cannot be resolved"),
        (11, 31, "ODPS-0130161", "Parse exception - INSERT OVERWRITE takes no column list (INSERT INTO does)"),
        (12, 13, *semantic_[:1], f"{semantic_[1]}the number of input partition columns (0) doesn't equal to "
                                 "table's partition columns (2)"),
        (13, 85, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: column ti is tinyint, found INT"),
        (14, 40, "ODPS-0130191", "Invalid column or partition key - 'nothing' is not a partition key of daily"),
        (15, 40, *semantic_[:1], f"{semantic_[1]}mcshell does not run an INSERT into a dynamic partition (region "
                                 "without a value) locally: give every partition key a constant"),
        (16, 35, "ODPS-0130161", "Parse exception - expected a partition value (a quoted string or a number), "
                                 "found 'some_column'"),
        (17, 64, *semantic_[:1], f"{semantic_[1]}ML_PREDICT: INPUT column photo of version v2 is string, found BINARY"),
        (18, 31, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: the table takes 2 columns (id bigint, score string), "
                                 "the SELECT gives 1"),
        (19, 38, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: column id is bigint, found BINARY"),
        (21, 20, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: the table takes 2 columns (id bigint, score string), "
                                 "the SELECT gives 1"),
        (22, 27, *semantic_[:1], f"{semantic_[1]}{DIFFERENT}: column id is bigint, found STRING"),
    ]  # fmt: skip
    assert run.raw_stderr == "".join(_failed(*case) for case in expected) + (
        "<stdin>: 22 statements checked: 5 ok, 17 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )
    assert run.status == 1


def test_insert_needs_update_on_its_target_and_select_on_what_it_reads(shell):
    grants = f"ADD USER {BOB}; GRANT Describe ON MODEL churn TO USER {BOB};"
    assert shell("-e", CHURN + TARGETS + grants).status == 0
    sql = "INSERT OVERWRITE TABLE scores SELECT id, ML_PREDICT(churn, v1, photo, age) FROM customers;"
    denied = "FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege"
    tips = f"--->Tips: CurrentProject:my_project; Principal:{BOB};"
    assert shell("--user", BOB, "-e", sql).verdicts == [
        f"{denied} 'odps:Update' on {{acs:odps:*:projects/my_project/tables/scores}}. {tips}"
    ]
    assert shell("-e", f"GRANT Update ON TABLE scores TO USER {BOB};").status == 0
    assert shell("--user", BOB, "-e", sql).verdicts == [
        f"{denied} 'odps:Select' on {{acs:odps:*:projects/my_project/tables/customers}}. {tips}"
    ]
    assert shell("-e", f"GRANT Select ON TABLE customers TO USER {BOB};").status == 0
    assert shell("--user", BOB, "--check", "-e", sql).status == 0


def test_an_insert_writes_its_rows_and_a_select_reads_them(shell):
    """VALUES into a table and into a partition it creates, then OVERWRITE from a query of the table."""
    assert shell("-e", TARGETS).status == 0
    script = (
        INSERTS[0] + INSERTS[1] + "SELECT id, v, b, ti, dt, region FROM daily;"
        "INSERT OVERWRITE TABLE scores SELECT id + 10, score FROM scores;"
        "SELECT id, score FROM scores ORDER BY id LIMIT 10; SHOW PARTITIONS daily;"
    )
    run = shell("-e", script)
    assert (run.stdout, run.verdicts, run.status) == (
        "+----+-----+------+-----+----------+--------+\n"
        "| id | v   | b    | ti  | dt       | region |\n"
        "+----+-----+------+-----+----------+--------+\n"
        "| 1  | 2.0 | true | 127 | 20261201 | hz     |\n"
        "+----+-----+------+-----+----------+--------+\n"
        "+----+-------+\n| id | score |\n+----+-------+\n| 11 | a     |\n| 12 | NULL  |\n+----+-------+\n"
        "dt=20261201/region=hz\n",
        ["OK"] * 6,
        0,
    )


def test_insert_writes_and_select_reads():
    from mcshell.sql.parser import parse
    from mcshell.sql.splitter import Chunk
    from mcshell.sql.statements import writes

    statement = parse(Chunk(INSERTS[0], 1, 1))
    assert writes(statement)
    assert not writes(parse(Chunk("SELECT id FROM scores", 1, 1)))


def test_an_insert_select_that_gives_a_not_null_column_a_null_writes_nothing(shell):
    assert shell("-e", TARGETS + "CREATE TABLE src (id BIGINT, score STRING);").status == 0
    fill = "INSERT INTO src VALUES (1, 'a'), (NULL, 'b');"
    run = shell("-e", fill + "INSERT INTO scores SELECT id, score FROM src; SELECT COUNT(*) FROM scores;")
    assert run.verdicts == [
        "OK",
        "FAILED: ODPS-0130071:[1,46] Semantic analysis exception - column id is NOT NULL: the query gives it a NULL",
    ]
    counted = shell("-e", "SELECT COUNT(*) FROM scores;")
    assert counted.stdout == "+-----+\n| _c0 |\n+-----+\n| 0   |\n+-----+\n"


def test_check_reads_each_statement_against_the_state_the_script_left(mcshell, tmp_path):
    # --check keeps nothing from one statement to the next: a column added or a default moved by the
    # script is seen by the statements after it
    assert mcshell("-e", CHURN).status == 0
    (tmp_path / "change.sql").write_text(
        "SELECT ML_PREDICT(churn, DEFAULT_VERSION, photo, age) FROM customers;\n"
        "ALTER MODEL churn SET DEFAULT_VERSION v2;\n"
        "SELECT ML_PREDICT(churn, DEFAULT_VERSION, photo, age) FROM customers;\n"
        "ALTER TABLE customers ADD COLUMNS (score DOUBLE);\n"
        "SELECT id, score FROM customers;\n"
    )
    result = mcshell("--check", "-f", "change.sql", cwd=tmp_path)
    assert result.raw_stderr == (
        semantic(
            "change.sql", 3, 43, "ML_PREDICT: INPUT column photo of version v2 is string, found BINARY",
            "SELECT ML_PREDICT(churn, DEFAULT_VERSION, photo, age) FROM customers;",
        )
        + "change.sql: 5 statements checked: 4 ok, 1 failed, 0 skipped (dry run: the catalog was not changed)\n"
    )  # fmt: skip
    assert result.status == 1
