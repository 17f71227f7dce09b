"""A one-shot run imports what its statements need and nothing more (issue 6: instant one-shot runs).

Asserts which modules were loaded, never how long anything took.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "prompt_toolkit",
    "tabulate",
    "mcshell.repl.loop",
    "mcshell.rules.validate",
    "mcshell.rules.helptext",
    "odps",
    "mcshell.remote",
    "duckdb",
    "mcshell.rows",
)
PUBLIC_MODEL = "bigdata_public_modelset.default.`qwen3-max`"


def loaded_after(catalog, statements: str) -> list[str]:
    code = (
        "import json, sys\n"
        "from mcshell.cli import main\n"
        f"sys.argv = ['mcshell', '--catalog', {str(catalog)!r}, '-e', {statements!r}]\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
        f"print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_reads_load_neither_the_repl_nor_tabulate_nor_the_rules(catalog):
    assert (
        loaded_after(catalog, f"DESC MODEL {PUBLIC_MODEL}; SHOW MODELS; SHOW VERSIONS FOR MODEL {PUBLIC_MODEL};") == []
    )


def test_a_write_loads_the_rules_it_applies_and_nothing_for_the_terminal(catalog):
    assert loaded_after(catalog, "USE team_a;") == ["mcshell.rules.validate"]


def test_table_ddl_loads_no_row_engine(catalog):
    """DDL commits in the catalog alone (docs/development.md, "Where rows live"): DuckDB stays unloaded."""
    assert loaded_after(catalog, "CREATE TABLE t (a INT) PARTITIONED BY (dt STRING); "
                        "ALTER TABLE t ADD PARTITION (dt='1'); ALTER TABLE t DROP PARTITION (dt='1'); "
                        "DROP TABLE t;") == ["mcshell.rules.validate"]  # fmt: skip
