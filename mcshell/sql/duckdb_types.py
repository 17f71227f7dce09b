"""MaxCompute column types (as DESC prints them) as DuckDB types, and back.

Each MaxCompute type maps to the DuckDB type that holds every one of its values exactly; a type
DuckDB cannot hold faithfully is refused (NotRunLocally) rather than approximated:
- DECIMAL with no precision is DECIMAL(38,18) (the DECIMAL data type page,
  https://www.alibabacloud.com/help/en/maxcompute/decimal-data-type, DECIMAL 2.0 enabled);
- VARCHAR(n) and CHAR(n) are held as DuckDB VARCHAR, which does not check a length: tunnel upload
  checks it (rows/tunnel.py); INSERT's values come converted to the column's type by its caller;
- DATETIME (milliseconds) is TIMESTAMP (microseconds); TIMESTAMP and TIMESTAMP_NTZ (nanoseconds)
  are TIMESTAMP_NS;
- JSON is refused: DuckDB's JSON type is an extension whose value rules are not MaxCompute's.
"""

from __future__ import annotations

from mcshell.errors import NotRunLocally

_SIMPLE = {
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "binary": "BLOB",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "timestamp": "TIMESTAMP_NS",
    "timestamp_ntz": "TIMESTAMP_NS",
    "decimal": "DECIMAL(38,18)",
}
_BACK = {kind: name for name, kind in _SIMPLE.items() if name not in ("timestamp_ntz", "decimal")}


def duckdb_type(mc_type: str) -> str:
    """`bigint` -> BIGINT, `decimal(10,2)` -> DECIMAL(10,2), `map<string,array<int>>` ->
    MAP(VARCHAR, INTEGER[]), `struct<a:int,b:string>` -> STRUCT("a" INTEGER, "b" VARCHAR)."""
    text = mc_type.strip().lower()
    if text in _SIMPLE:
        return _SIMPLE[text]
    name, _, rest = text.partition("(")
    if rest and name in ("decimal", "varchar", "char"):
        return f"DECIMAL({rest.replace(' ', '')}" if name == "decimal" else "VARCHAR"
    name, _, rest = text.partition("<")
    if rest.endswith(">"):
        inner = split_top(rest[:-1])
        if name == "array" and len(inner) == 1:
            return f"{duckdb_type(inner[0])}[]"
        if name == "map" and len(inner) == 2:
            return f"MAP({duckdb_type(inner[0])}, {duckdb_type(inner[1])})"
        if name == "struct" and inner:
            return f"STRUCT({', '.join(_field(f) for f in inner)})"
    raise NotRunLocally(f"mcshell does not run this locally: type {mc_type} has no faithful DuckDB type")


def _field(text: str) -> str:
    name, sep, kind = text.partition(":")
    if not sep:
        raise NotRunLocally(f"mcshell does not run this locally: struct field {text} has no type")
    return f"{quote_name(name.strip())} {duckdb_type(kind)}"


def split_top(text: str) -> list[str]:
    """`int,map<string,int>,decimal(10,2)` -> its three parts: commas outside <> and ()."""
    parts: list[str] = []
    depth, start = 0, 0
    for at, char in enumerate(text):
        if char in "<(":
            depth += 1
        elif char in ">)":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:at].strip())
            start = at + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def quote_name(name: str) -> str:
    """A name as DuckDB SQL writes it: double quotes, a double quote doubled."""
    return '"' + name.replace('"', '""') + '"'


def mc_type(duck_type: str) -> str:
    """The MaxCompute type of a simple DuckDB type (BIGINT -> bigint, DECIMAL(10,2) -> decimal(10,2));
    "" for one with no MaxCompute counterpart."""
    text = duck_type.strip().upper()
    if text in _BACK:
        return _BACK[text]
    if text.startswith("DECIMAL("):
        return text.lower().replace(" ", "")
    return {"INT": "int", "TIMESTAMP_NS": "timestamp", "TEXT": "string"}.get(text, "")
