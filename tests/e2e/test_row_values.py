"""Values the write path refuses rather than store wrong (docs/tables.md, "INSERT" and "tunnel"): a string
longer than its VARCHAR(n)/CHAR(n), an Infinity; each refusal writes nothing."""

from __future__ import annotations


def test_an_insert_select_that_overfills_a_varchar_writes_nothing(shell):
    script = (
        "CREATE TABLE src (s STRING, b BIGINT); INSERT INTO src VALUES ('abcdef', 123456), ('abc', 12);"
        "CREATE TABLE dst (v VARCHAR(3), w VARCHAR(2)); INSERT INTO dst (v) SELECT s FROM src;"
        "INSERT INTO dst (w) SELECT b FROM src; INSERT INTO dst (v) SELECT s FROM src WHERE b = 12;"
        "SELECT v, w FROM dst;"
    )
    run = shell("--continue-on-error", "-e", script)
    assert (run.stdout, run.verdicts, run.status) == (
        "+-----+------+\n| v   | w    |\n+-----+------+\n| abc | NULL |\n+-----+------+\n",
        ["OK"] * 3
        + [
            "FAILED: ODPS-0130071:[1,142] Semantic analysis exception - mcshell does not run this locally: the query "
            "gives column v (varchar(3)) a value longer than 3 characters",
            "FAILED: ODPS-0130071:[1,180] Semantic analysis exception - mcshell does not run this locally: the query "
            "gives column w (varchar(2)) a value longer than 2 characters",
        ]
        + ["OK"] * 2,
        1,
    )


def test_a_value_beyond_double_or_float_is_refused_by_insert_and_by_tunnel_upload(shell, tmp_path):
    (tmp_path / "double.csv").write_text("1,1\n1e400,1\n")
    (tmp_path / "float.csv").write_text("1,-1e39\n")
    script = (
        "CREATE TABLE dd (d DOUBLE, f FLOAT); INSERT INTO dd VALUES (1e400, 1); INSERT INTO dd VALUES (-1e400, 1);"
        f"tunnel upload {tmp_path}/double.csv dd; tunnel upload {tmp_path}/float.csv dd; SELECT COUNT(*) FROM dd;"
    )
    run = shell("--continue-on-error", "-e", script)
    assert (run.stdout, run.status) == ("+-----+\n| _c0 |\n+-----+\n| 0   |\n+-----+\n", 1)
    assert run.verdicts == [
        "OK",
        "FAILED: ODPS-0130071:[1,61] Semantic analysis exception - mcshell does not run this locally: the value "
        "overflows double (column d): MaxCompute 2.0 reports an error",
        "FAILED: ODPS-0130071:[1,95] Semantic analysis exception - mcshell does not run this locally: the value "
        "overflows double (column d): MaxCompute 2.0 reports an error",
        f"FAILED: ODPS-0010000: Tunnel error - {tmp_path}/double.csv, line 2, column 1 (d): format error - '1e400' "
        "is not a valid DOUBLE value",
        f"FAILED: ODPS-0010000: Tunnel error - {tmp_path}/float.csv, line 1, column 2 (f): format error - '-1e39' "
        "is not a valid FLOAT value",
        "OK",
    ]


def test_a_char_column_is_not_written_by_insert_nor_by_tunnel(shell, tmp_path):
    (tmp_path / "c.csv").write_text("ab\n")
    script = (
        "CREATE TABLE c (c CHAR(3)); CREATE TABLE s (s STRING); INSERT INTO s VALUES ('ab');"
        f"INSERT INTO c VALUES ('ab'); INSERT INTO c SELECT s FROM s; tunnel upload {tmp_path}/c.csv c;"
    )
    run = shell("--continue-on-error", "-e", script)
    why = (
        "a CHAR(n) value is padded with spaces that comparisons ignore (the data types page, "
        "https://www.alibabacloud.com/help/en/maxcompute/latest/maxcompute-v2-0-data-type-edition); mcshell does "
        "not store one"
    )
    assert (run.verdicts, run.status) == (
        ["OK"] * 3
        + [
            "FAILED: ODPS-0130071:[1,84] Semantic analysis exception - mcshell does not run this locally: an INSERT "
            f"of a char(3) column (c): {why}",
            "FAILED: ODPS-0130071:[1,113] Semantic analysis exception - mcshell does not run this locally: an INSERT "
            f"of a char(3) column (c): {why}",
            f"FAILED: ODPS-0130071:[1,{script.rindex(' c;') + 2}] Semantic analysis exception - mcshell does not "
            "run this locally: tunnel "
            f"of a char(3) column (c): {why}",
        ],
        1,
    )
