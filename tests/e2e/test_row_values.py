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
