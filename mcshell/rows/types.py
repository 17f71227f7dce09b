"""The row store's column types: MaxCompute's types as DuckDB types, and back (sql/duckdb_types.py, where the
translator reads them too)."""

from mcshell.sql.duckdb_types import duckdb_type, mc_type, quote_name, split_top

__all__ = ["duckdb_type", "mc_type", "quote_name", "split_top"]
