"""mcshell/runtime's borders: it imports neither sqlglot, sqlite3 nor prompt_toolkit, loads xgboost and
numpy only when a model runs, and a one-shot run of a MODEL statement does not import it at all."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "mcshell" / "runtime"
FORBIDDEN = {"sqlglot", "sqlglotc", "sqlite3", "prompt_toolkit"}
ON_DEMAND = {"xgboost", "numpy"}


def imports(tree: ast.AST, top_level_only: bool) -> set[str]:
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", sorted(RUNTIME.glob("*.py")), ids=lambda path: path.name)
def test_a_runtime_module_imports_nothing_above_its_border(module):
    tree = ast.parse(module.read_text())
    assert imports(tree, top_level_only=False) & FORBIDDEN == set()
    assert imports(tree, top_level_only=True) & ON_DEMAND == set()


def loaded(code: str) -> list[str]:
    watched = sorted(FORBIDDEN | ON_DEMAND)
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {watched!r}"
        " or m.startswith('mcshell.runtime'))))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.splitlines()[-1])


def test_the_interface_and_the_remote_calls_load_neither_xgboost_nor_numpy():
    names = loaded(
        "from mcshell.runtime.calls import Runtime, RuntimeSettings\n"
        "import mcshell.runtime.remote\n"
        "Runtime(RuntimeSettings()).check_location('oss://ep/b/p/', ())"
    )
    assert not set(names) & (FORBIDDEN | ON_DEMAND)


def test_a_one_shot_model_statement_does_not_import_the_runtime(catalog):
    code = (
        "import sys\nfrom mcshell.cli import main\n"
        f"sys.argv = ['mcshell', '--catalog', {str(catalog)!r}, '-e', 'SHOW MODELS;']\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert done.code == 0, done.code\n"
    )
    names = loaded(code)
    assert [n for n in names if n.startswith("mcshell.runtime") or n in ON_DEMAND] == []
