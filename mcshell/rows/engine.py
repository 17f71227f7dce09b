"""The row engine, DuckDB, imported on first use: a missing or broken one is one FAILED line."""

from __future__ import annotations

from typing import Any

from mcshell.errors import EngineMissing

MINIMUM = (2, 0)  # the `tables` extra's lower bound (pyproject.toml)
INSTALL = "pip install 'mcshell[tables]'"


def duckdb_module() -> Any:
    """The imported duckdb module; EngineMissing when it is absent, fails to import or is too old."""
    try:
        import duckdb
    except ImportError as error:
        if getattr(error, "name", None) == "duckdb":
            raise EngineMissing(f"rows of tables need DuckDB, which is not installed: {INSTALL}") from None
        raise EngineMissing(f"DuckDB failed to import ({type(error).__name__}: {error}): {INSTALL}") from None
    except Exception as error:  # a broken install raises anything at import
        raise EngineMissing(f"DuckDB failed to import ({type(error).__name__}: {error}): {INSTALL}") from None
    found = _version(getattr(duckdb, "__version__", ""))
    if found < MINIMUM:
        shown = getattr(duckdb, "__version__", "unknown")
        raise EngineMissing(
            f"DuckDB {shown} is too old: mcshell needs {'.'.join(map(str, MINIMUM))} or later: {INSTALL}"
        )
    return duckdb


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in str(text).split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts) if parts else (0,)
