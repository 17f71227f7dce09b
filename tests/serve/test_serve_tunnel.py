"""`mcshell serve` runs others' statements: a tunnel command, which reads and writes files of the
machine it runs on, is refused there (mcshell's decision, docs/tables.md "tunnel")."""

from __future__ import annotations

from serve.serve_support import new_project, run_sql


def test_tunnel_commands_are_refused_by_serve(served, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("1\n")
    o = served.client(new_project())
    assert run_sql(o, "CREATE TABLE t (id BIGINT);")[1] == "OK"
    refusal = (
        "FAILED: ODPS-0130071:[1,1] Semantic analysis exception - mcshell does not run this locally: tunnel commands "
        "read and write files of the machine they run on, which only the mcshell command does (not mcshell serve)"
    )
    assert run_sql(o, f"tunnel upload {secret} t;") == ("", refusal)
    assert run_sql(o, f"tunnel download t {tmp_path / 'out.csv'};") == ("", refusal)
    assert not (tmp_path / "out.csv").exists()
