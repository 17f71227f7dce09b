"""tunnel upload and tunnel download as a user types them (docs/tables.md, "tunnel"): exact output, the
file that comes back, and a refused file that leaves the rows and the catalog exactly as they were."""

from __future__ import annotations

import pytest
from conftest import catalog_rows

USER = ("--user", "ALIYUN$alice@example.com")
ALL_TYPES = (
    "CREATE TABLE all_types (a TINYINT, b SMALLINT, c INT, d BIGINT, e FLOAT, f DOUBLE, g DECIMAL(10,2), h STRING, "
    "i VARCHAR(10), j VARCHAR(5), k BOOLEAN, l DATE, m DATETIME, n TIMESTAMP);"
)
# NULLs (empty fields; FLOAT and DOUBLE values are not downloaded), quotes, the delimiter and a line break
# inside values, unicode, every scalar type's limits; an empty string is quoted ("") so that it does not read as NULL.
ALL_TYPES_CSV = (
    '-128,-32768,-2147483648,-9223372036854775808,,,-12345678.90,"a,b ""q""",é日本,abc,true,2026-12-07,'
    "2026-12-07 10:11:12,2026-12-07 10:11:12.123456789\n"
    '127,32767,2147483647,9223372036854775807,,,0.00,"line1\nline2",,"",false,1970-01-01,'
    "1970-01-01 00:00:00,1970-01-01 00:00:00\n"
    ",,,,,,,,,,,,,\n"
)


def run(mcshell, tmp_path, script: str):
    return mcshell(*USER, "-e", script, cwd=tmp_path)


def test_a_csv_of_every_scalar_type_comes_back_as_it_went_in(mcshell, tmp_path):
    (tmp_path / "in.csv").write_text(ALL_TYPES_CSV, encoding="utf-8")
    done = run(mcshell, tmp_path, f"{ALL_TYPES} tunnel upload -cf true in.csv all_types; "
               "tunnel download -cf true all_types out.csv; CREATE TABLE copy LIKE all_types; "
               "tunnel download -cf true -h true all_types header.csv; tunnel upload -cf true -h true header.csv copy; "
               "tunnel download -cf true copy copy.csv;")  # fmt: skip
    assert (done.stdout, done.stderr, done.status) == ("", "OK\n" * 7, 0)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == ALL_TYPES_CSV
    assert (tmp_path / "header.csv").read_text(encoding="utf-8").startswith("a,b,c,d,e,f,g,h,i,j,k,l,m,n\n")
    assert (tmp_path / "copy.csv").read_text(encoding="utf-8") == ALL_TYPES_CSV


def test_text_files_with_a_header_a_delimiter_and_a_null_indicator(mcshell, tmp_path):
    (tmp_path / "in.txt").write_text("id|name\r\n1|\\N\r\n2|x,y\r\n", encoding="utf-8")
    done = run(mcshell, tmp_path, "CREATE TABLE t (id BIGINT, name STRING); "
               "tunnel upload -fd '|' -h true -ni '\\N' -cp true in.txt t; "
               "tunnel download -fd \\t -h true t out.txt; tunnel download -limit 1 t first.txt;")  # fmt: skip
    assert (done.stderr, done.status) == ("OK\nOK\nOK\nOK\n", 0)
    assert (tmp_path / "out.txt").read_text() == "id\tname\n1\t\n2\tx,y\n"  # \r\n found in the file on upload
    assert (tmp_path / "first.txt").read_text() == "1,\n"


def test_partitions_need_to_exist_unless_acp_creates_them_and_overwrite_replaces_one(mcshell, tmp_path):
    (tmp_path / "a.csv").write_text("1\n2\n")
    (tmp_path / "b.csv").write_text("3\n")
    setup = "CREATE TABLE t (id BIGINT) PARTITIONED BY (dt STRING, region STRING);"
    refused = run(mcshell, tmp_path, f"{setup} tunnel upload a.csv t/dt=2026,region=hz;")
    assert refused.stderr == (
        "OK\nFAILED: ODPS-0130271:[1,93] Partition does not exist - ErrorCode=NoSuchPartition, ErrorMessage=The "
        "specified partition does not exist: dt=2026/region=hz (-acp true creates it)\n"
    )
    done = run(mcshell, tmp_path, "tunnel upload -acp true a.csv t/dt=2026,region=hz; "
               "tunnel upload -acp true a.csv t/dt=\"2027\",region=hz; "
               "tunnel upload -ow true b.csv t/dt=2026,region=hz; SHOW PARTITIONS t; "
               "tunnel download t/dt=2026,region=hz x.csv; tunnel download t/dt=2027,region=hz y.csv;")  # fmt: skip
    assert (done.stdout, done.status) == ("dt=2026/region=hz\ndt=2027/region=hz\n", 0)
    assert (tmp_path / "x.csv").read_text() == "3\n"
    assert (tmp_path / "y.csv").read_text() == "1\n2\n"
    whole = run(mcshell, tmp_path, "tunnel download t all.csv;")
    assert whole.stderr == (
        "FAILED: ODPS-0130191:[1,17] Invalid column or partition key - table my_project.t is partitioned: "
        "name its partition after a / (dt, region)\n"
    )


def test_ddl_stays_atomic_with_the_rows(mcshell, tmp_path):
    (tmp_path / "a.csv").write_text("1,x\n")
    done = run(mcshell, tmp_path, "CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (dt STRING); "
               "tunnel upload -acp true a.csv t/dt=1; tunnel upload -acp true a.csv t/dt=2; "
               "ALTER TABLE t DROP PARTITION (dt='1'); ALTER TABLE t ADD PARTITION (dt='1'); "
               "tunnel download t/dt=1 one.csv; ALTER TABLE t ADD COLUMNS (visits BIGINT); "
               "tunnel download t/dt=2 two.csv; DROP TABLE t; CREATE TABLE t (id BIGINT, name STRING) "
               "PARTITIONED BY (dt STRING); ALTER TABLE t ADD PARTITION (dt='2'); "
               "tunnel download t/dt=2 again.csv;")  # fmt: skip
    assert done.status == 0, done.stderr
    assert (tmp_path / "one.csv").read_text() == ""  # DROP PARTITION took its rows
    assert (tmp_path / "two.csv").read_text() == "1,x,\n"  # the added column reads as NULL
    assert (tmp_path / "again.csv").read_text() == ""  # a table created again has none of the old rows


GOOD = "1,a,1.50,true,2026-12-07 10:00:00\n"
MISMATCH = "column mismatch -,expected 5 columns, {} columns found, please check data or delimiter"
LINE_2 = "bad.csv, line 2, column "  # the line after GOOD's


@pytest.mark.parametrize(
    "bad, failed",
    [
        ("2,b\n", "bad.csv, line 2: " + MISMATCH.format(2)),
        ("2,b,1,true,,extra\n", "bad.csv, line 2: " + MISMATCH.format(6)),
        ("x,b,1,true,\n", LINE_2 + "1 (id): format error - 'x' is not a valid BIGINT value"),
        ("9223372036854775808,b,1,1,\n", LINE_2 + "1 (id): format error - '9223372036854775808' is not a valid BIGINT "
         "value"),
        ("2,b,123456789.1,1,\n", LINE_2 + "3 (spend): format error - '123456789.1' is not a valid DECIMAL(10,2) value"),
        ("2,b,1,yes,\n", LINE_2 + "4 (ok): format error - 'yes' is not a valid BOOLEAN value"),
        ("2,b,1,1,2026-12-07\n", LINE_2 + "5 (at): format error - '2026-12-07' is not a valid DATETIME value"),
        ("2,toolong,1,1,\n", LINE_2 + "2 (name): format error - 'toolong' is not a valid VARCHAR(4) value"),
        (",b,1,1,\n", LINE_2 + "1 (id): format error - NULL in a NOT NULL column"),
        ('2,"b,1,1,\n', "bad.csv, line 2: a quoted value is not closed"),
    ],
    ids=["fewer", "more", "bigint", "range", "precision", "boolean", "datetime", "varchar", "not-null", "quote"],
)  # fmt: skip
def test_a_bad_row_refuses_the_whole_file_and_changes_nothing(mcshell, tmp_path, catalog, bad, failed):
    (tmp_path / "good.csv").write_text(GOOD)
    (tmp_path / "bad.csv").write_text(GOOD + bad + GOOD)
    setup = run(mcshell, tmp_path, "CREATE TABLE t (id BIGINT NOT NULL, name VARCHAR(4), spend DECIMAL(10,2), "
                "ok BOOLEAN, at DATETIME); tunnel upload good.csv t;")  # fmt: skip
    assert setup.status == 0, setup.stderr
    before = catalog_rows(catalog)
    refused = run(mcshell, tmp_path, "tunnel upload -cf true bad.csv t;")
    assert (refused.stdout, refused.stderr, refused.status) == (
        "",
        f"FAILED: ODPS-0010000: Tunnel error - {failed}\n",
        1,
    )
    assert catalog_rows(catalog) == before
    assert run(mcshell, tmp_path, "tunnel download t out.csv;").status == 0
    assert (tmp_path / "out.csv").read_text() == GOOD


def test_files_and_options_that_cannot_be_used(mcshell, tmp_path):
    (tmp_path / "bytes.csv").write_bytes(b"1,\xff\n")
    (tmp_path / "blob.csv").write_text("x\n")
    done = run(mcshell, tmp_path, "CREATE TABLE t (id BIGINT, name STRING); CREATE TABLE b (x BINARY);")
    assert done.status == 0
    tunnel, semantic = "FAILED: ODPS-0010000: Tunnel error - ", "Semantic analysis exception - "
    cases = {
        "tunnel upload missing.csv t;": tunnel + "missing.csv: cannot be read: No such file or directory",
        "tunnel upload bytes.csv t;": tunnel + "bytes.csv, line 1: the file is not UTF-8",
        "tunnel upload -dbr true bytes.csv t;": f"FAILED: ODPS-0130071:[1,15] {semantic}mcshell does not "
        "run this locally: -dbr true (skipping bad rows); a bad row refuses the whole file",
        "tunnel upload -threads 2 bytes.csv t;": f"FAILED: ODPS-0130071:[1,15] {semantic}mcshell does not "
        "run this locally: tunnel upload option -threads",
        "tunnel upload -xyz 2 bytes.csv t;": f"FAILED: ODPS-0130071:[1,15] {semantic}Unrecognized option: -xyz",
        "tunnel download -limit x t o.csv;": f"FAILED: ODPS-0130071:[1,24] {semantic}-limit takes a number, not 'x'",
        "tunnel upload blob.csv b;": f"FAILED: ODPS-0130071:[1,24] {semantic}mcshell does not run this locally: "
        "tunnel of a binary column (x): odpscmd's text form of the type is not documented",
        "tunnel resume;": "FAILED: ODPS-0130161:[1,1] Parse exception - unsupported statement 'TUNNEL RESUME': "
        "mcshell runs tunnel upload and tunnel download",
    }
    for statement, line in cases.items():
        refused = run(mcshell, tmp_path, statement)
        assert (refused.stderr, refused.status) == (line + "\n", 1), statement
    assert not (tmp_path / "o.csv").exists()


def test_upload_needs_update_and_download_select(mcshell, tmp_path):
    bob = "ALIYUN$bob@example.com"
    (tmp_path / "a.csv").write_text("1\n")
    assert run(mcshell, tmp_path, f"CREATE TABLE t (id BIGINT); ADD USER {bob};").status == 0
    denied = mcshell("--user", bob, "-e", "tunnel upload a.csv t;", cwd=tmp_path)
    assert "You have NO privilege 'odps:Update' on {acs:odps:*:projects/my_project/tables/t}" in denied.stderr
    denied = mcshell("--user", bob, "-e", "tunnel download t b.csv;", cwd=tmp_path)
    assert "You have NO privilege 'odps:Select' on {acs:odps:*:projects/my_project/tables/t}" in denied.stderr
    assert run(mcshell, tmp_path, f"GRANT Update, Select ON TABLE t TO USER {bob};").status == 0
    done = mcshell("--user", bob, "-e", "tunnel upload a.csv t; tunnel download t b.csv;", cwd=tmp_path)
    assert (done.stderr, (tmp_path / "b.csv").read_text()) == ("OK\nOK\n", "1\n")


def test_check_reads_neither_the_file_nor_the_rows(mcshell, tmp_path):
    done = mcshell(*USER, "--check", "-e", "CREATE TABLE t (id BIGINT); tunnel upload missing.csv t;", cwd=tmp_path)
    assert done.status == 0, done.stderr
    assert not any(path.name.endswith(".rows") for path in tmp_path.rglob("*"))


def test_a_missing_or_broken_duckdb_is_one_failed_line(mcshell, tmp_path):
    broken = tmp_path / "site"
    (broken / "duckdb").mkdir(parents=True)
    (broken / "duckdb" / "__init__.py").write_text(
        "raise ImportError('libduckdb.so: cannot open shared object file')\n"
    )
    (tmp_path / "a.csv").write_text("1\n")
    done = mcshell(*USER, "-e", "CREATE TABLE t (id BIGINT); tunnel upload a.csv t;", cwd=tmp_path,
                   env={"PYTHONPATH": str(broken)})  # fmt: skip
    assert (done.stderr, done.status) == (
        "OK\nFAILED: ODPS-0010000: Row engine unavailable - DuckDB failed to import (ImportError: libduckdb.so: "
        "cannot open shared object file): pip install 'mcshell[tables]'\n",
        1,
    )


def test_an_in_memory_catalog_keeps_its_rows_in_memory(mcshell, tmp_path):
    (tmp_path / "a.csv").write_text("1,a\n2,b\n")
    done = mcshell(*USER, "-e", "CREATE TABLE t (id BIGINT, s STRING) PARTITIONED BY (dt BIGINT); "
                   "tunnel upload -acp true a.csv t/dt=02; tunnel download t/dt=02 out.csv;",
                   catalog_path=":memory:", cwd=tmp_path)  # fmt: skip
    assert (done.stderr, done.status) == ("OK\nOK\nOK\n", 0)
    assert (tmp_path / "out.csv").read_text() == "1,a\n2,b\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.csv", "out.csv"]  # no file of rows


def test_another_process_holding_the_rows_is_one_failed_line(mcshell, tmp_path, catalog):
    import subprocess
    import sys

    (tmp_path / "a.csv").write_text("1\n")
    assert run(mcshell, tmp_path, "CREATE TABLE t (id BIGINT); tunnel upload a.csv t;").status == 0
    rows = f"{catalog}.rows"
    hold = f"import duckdb, sys\nc = duckdb.connect({rows!r})\nprint('held', flush=True)\nsys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", hold], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        refused = run(mcshell, tmp_path, "tunnel upload a.csv t;")
    finally:
        holder.communicate("")
    assert (refused.stderr, refused.status) == (
        f"FAILED: ODPS-0010000: Row store error - the row store '{rows}' is in use by another process: DuckDB lets "
        "one process write it (and none read it meanwhile); try again when that one has finished\n",
        1,
    )
    assert run(mcshell, tmp_path, "tunnel download t out.csv;").status == 0
    assert (tmp_path / "out.csv").read_text() == "1\n"  # the refused upload wrote nothing


def test_dates_from_year_0000_to_9999_go_in_and_come_back_as_written(mcshell, tmp_path):
    edges = "0000-01-01,0000-01-01 00:00:00\n9999-12-31,9999-12-31 23:59:59\n"
    (tmp_path / "in.csv").write_text(edges)
    (tmp_path / "bad.csv").write_text("10000-01-01,2026-01-01 00:00:00\n")
    done = run(mcshell, tmp_path, "CREATE TABLE d (d DATE, t DATETIME); tunnel upload in.csv d; "
               "tunnel download d out.csv; tunnel upload bad.csv d;")  # fmt: skip
    assert (done.stderr, done.status) == (
        "OK\nOK\nOK\nFAILED: ODPS-0010000: Tunnel error - bad.csv, line 1, column 1 (d): format error - '10000-01-01' "
        "is not a valid DATE value\n",
        1,
    )
    assert (tmp_path / "out.csv").read_text() == edges


def test_a_blank_line_is_a_record_of_one_empty_field_and_a_bom_is_skipped(mcshell, tmp_path):
    files = {
        "lf.csv": "1,a\n\n2,b\nx,c\n",  # a blank line: a column mismatch at its own line, before the bad 4th
        "crlf.csv": "1,a\r\n\r\n2,b\r\n",
        "quoted.csv": '1,"a\n\nb"\n2,b\n\n',  # -cf true: the blank line inside a value is not a record
        "bad-first.csv": "x,a\n\n2,b\n",  # a bad value before the blank line is the error
        "one.csv": "1\n\n2\n",  # one column: the blank line is a NULL
        "bom-crlf.csv": "\ufeffa,1\r\nb,2\r\n",
        "bom.txt": "\ufeffa|1##b|2##",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    script = (
        "CREATE TABLE t (id BIGINT, s STRING); CREATE TABLE o (id BIGINT); CREATE TABLE b (s STRING, id BIGINT); "
        "tunnel upload lf.csv t; tunnel upload crlf.csv t; tunnel upload -cf true crlf.csv t; "
        "tunnel upload -cf true quoted.csv t; tunnel upload bad-first.csv t; tunnel upload one.csv o; "
        "tunnel upload bom-crlf.csv b; tunnel upload -fd '|' -rd '##' bom.txt b; "
        "tunnel download -cf true t t.csv; tunnel download -ni N o o.csv; tunnel download b b.csv;"
    )
    done = mcshell(*USER, "--continue-on-error", "-e", script, cwd=tmp_path)
    mismatch = "column mismatch -,expected 2 columns, 1 columns found, please check data or delimiter"
    assert [line for line in done.stderr.splitlines() if not line.startswith(" ")] == [
        *["OK"] * 3,
        f"FAILED: ODPS-0010000: Tunnel error - lf.csv, line 2: {mismatch}",
        f"FAILED: ODPS-0010000: Tunnel error - crlf.csv, line 2: {mismatch}",
        f"FAILED: ODPS-0010000: Tunnel error - crlf.csv, line 2: {mismatch}",
        f"FAILED: ODPS-0010000: Tunnel error - quoted.csv, line 3: {mismatch}",
        "FAILED: ODPS-0010000: Tunnel error - bad-first.csv, line 1, column 1 (id): format error - 'x' is not a "
        "valid BIGINT value",
        *["OK"] * 6,
    ]
    assert (tmp_path / "t.csv").read_text() == ""
    assert (tmp_path / "o.csv").read_text() == "1\nN\n2\n"
    assert (tmp_path / "b.csv").read_text() == "a,1\nb,2\na,1\nb,2\n"


def test_a_float_or_double_value_is_not_downloaded_a_null_is(mcshell, tmp_path):
    (tmp_path / "nulls.csv").write_text("1,,\n")
    (tmp_path / "values.csv").write_text("2,1.5,\n3,,1e10\n")
    done = mcshell(*USER, "--continue-on-error", "-e", "CREATE TABLE r (id BIGINT, d DOUBLE, f FLOAT); "
                   "tunnel upload nulls.csv r; tunnel download r nulls.out; tunnel upload values.csv r; "
                   "tunnel download -limit 1 r first.out; tunnel download r all.out;", cwd=tmp_path)  # fmt: skip
    assert [line for line in done.stderr.splitlines() if not line.startswith(" ")] == [
        *["OK"] * 5,
        "FAILED: ODPS-0130071:[1,170] Semantic analysis exception - mcshell does not run this locally: tunnel "
        "download of a double value (column d): odpscmd's text form of one is not documented",
    ]
    assert (tmp_path / "nulls.out").read_text() == (tmp_path / "first.out").read_text() == "1,,\n"
    assert not (tmp_path / "all.out").exists()
