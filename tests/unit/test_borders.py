"""The borders of mcshell's packages, read from the source with `ast`: which package alone may
import a library, what a package may import of mcshell, and no import cycle between modules.

Every import counts: at the top, inside `if TYPE_CHECKING:`, inside a function. A new package
(serve/, runtime/ ...) adds its row to BORDERS.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Border:
    owns: tuple[str, ...] = ()  # libraries no other package of mcshell may import
    imports: tuple[str, ...] | None = None  # all it may import of mcshell besides itself; None: anything


# package               the only importer of             all it may import of mcshell (None: no limit)
BORDERS = {
    "mcshell.sql":     Border(owns=("sqlglot",)),
    "mcshell.catalog": Border(owns=("sqlite3",),        imports=("mcshell.errors", "mcshell.value")),
    "mcshell.repl":    Border(owns=("prompt_toolkit",)),
    "mcshell.runtime": Border(owns=("xgboost", "numpy"),
                              imports=("mcshell", "mcshell.errors", "mcshell.output.masking", "mcshell.urls")),
    "mcshell.serve":   Border(owns=("http.server",)),
    "mcshell.remote":  Border(owns=("odps", "requests")),
    "mcshell.rows":    Border(owns=("duckdb",)),
}  # fmt: skip


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. mcshell.rules.handlers
    name: str  # what it imports: a module, a package, or a library
    where: str  # path:line


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def modules_of(root: Path) -> dict[str, Path]:
    """Module name -> file, for every .py file under `root` (the package directory)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path, known: set[str], shown: str) -> list[Import]:
    """Every import in the file, wherever it stands; `from package import module` names the module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        found += [Import(module, name, f"{shown}:{node.lineno}") for name in dict.fromkeys(names)]
    return found


def border_problems(imports: list[Import]) -> list[str]:
    problems = []
    for imp in imports:
        for package, border in BORDERS.items():
            if not _within(imp.module, package):
                for library in border.owns:
                    if _within(imp.name, library):
                        problems.append(f"{imp.where}: {imp.module} imports {imp.name}: only {package} may")
            elif border.imports is not None and _within(imp.name, "mcshell") and not _within(imp.name, package):
                if not any(_within(imp.name, allowed) for allowed in border.imports):
                    allowed = ", ".join(border.imports)
                    problems.append(
                        f"{imp.where}: {imp.module} imports {imp.name}: {package} imports only itself and {allowed}"
                    )
    return problems


def cycles(imports: list[Import], known: set[str]) -> list[list[str]]:
    """The import cycles between modules (Tarjan's strongly connected components), each sorted."""
    edges: dict[str, set[str]] = {module: set() for module in known}
    for imp in imports:
        if imp.name in known and imp.name != imp.module:
            edges[imp.module].add(imp.name)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(edges[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(found)


def check(root: Path) -> list[str]:
    """Everything wrong with the package at `root`, one line each; [] when its borders hold."""
    modules = modules_of(root)
    known = set(modules)
    imports = []
    for module, path in modules.items():
        imports += imports_of(module, path, known, path.relative_to(root.parent).as_posix())
    problems = border_problems(imports)
    problems += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(imports, known)]
    return problems


# -- the package ------------------------------------------------------------------------------
def test_mcshell_keeps_its_borders_and_has_no_import_cycle():
    problems = check(ROOT / "mcshell")
    assert problems == [], "\n".join(problems)


# -- the checker, on small trees made for it ----------------------------------------------------
def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"__init__.py": "", **files}.items():
        path = tmp_path / "mcshell" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    return tmp_path / "mcshell"


def test_a_library_imported_outside_its_package_is_found(tmp_path):
    root = tree(
        tmp_path,
        {
            "catalog/store.py": "import sqlite3\n",
            "rules/handlers.py": "from mcshell.catalog import store\n\n\ndef f():\n    import sqlite3.dbapi2\n",
            "output/render.py": "from sqlglot.tokens import Tokenizer\n",
        },
    )
    assert check(root) == [
        "mcshell/output/render.py:1: mcshell.output.render imports sqlglot.tokens: only mcshell.sql may",
        "mcshell/rules/handlers.py:5: mcshell.rules.handlers imports sqlite3.dbapi2: only mcshell.catalog may",
    ]


def test_the_catalog_importing_anything_above_it_is_found(tmp_path):
    root = tree(
        tmp_path,
        {
            "errors.py": "",
            "output/results.py": "",
            "catalog/store.py": "from mcshell import errors\nfrom mcshell.catalog import records\n"
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mcshell.output.results import Rows\n",
            "catalog/records.py": "from mcshell.errors import McError\n",
        },
    )
    assert check(root) == [
        "mcshell/catalog/store.py:5: mcshell.catalog.store imports mcshell.output.results: "
        "mcshell.catalog imports only itself and mcshell.errors, mcshell.value"
    ]


def test_an_import_cycle_is_found_through_type_checking_and_function_level_imports(tmp_path):
    root = tree(
        tmp_path,
        {
            "rules/handlers.py": "from mcshell.rules import privileges\n",
            "rules/privileges.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import context\n",
            "rules/context.py": "def resolve():\n    from mcshell.rules.handlers import handle\n",
            "rules/validate.py": "from mcshell.rules import context\n",
        },
    )
    assert check(root) == ["import cycle: mcshell.rules.context -> mcshell.rules.handlers -> mcshell.rules.privileges"]
