"""The rows of tables, in a DuckDB file beside the catalog (docs/development.md, "Where rows live").

The only package that imports duckdb, and only inside functions: nothing here runs at start-up.
"""
