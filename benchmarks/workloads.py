"""The statements the benchmark feeds mcshell, and their equivalents for the anchors.

Scripts are generated one statement a line, so the anchors can take the very same statements
(without their `;`) that mcshell reads from standard input. They are generated line by line
(iterators): the bench process stays small, and a child's peak RSS is the child's own (Linux
counts the memory a child shared with its parent before exec).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

MODEL = "bench_model"
PROJECT = "bench_project"
USER = "ALIYUN$bench@example.com"
ROLEARN = "acs:ram::1126123000000000:role/aliyunodpsdefaultrole"
ENDPOINT = "oss-cn-shanghai-internal.aliyuncs.com"


def create_model() -> str:
    return (
        f"CREATE MODEL {MODEL} WITH VERSION v0 INPUT(f1 BIGINT, f2 BIGINT, f3 DOUBLE, f4 STRING) "
        f"OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', "
        f"LOCATION = 'oss://{ENDPOINT}/bench-bucket/models/v0/', ROLEARN = '{ROLEARN}') "
        f"COMMENT 'the bench model';\n"
    )


def add_version(number: int) -> str:
    """An ALTER MODEL ... ADD VERSION of about 40 tokens, as a script would hold thousands of."""
    return (
        f"ALTER MODEL {MODEL} ADD VERSION v{number} "
        f"INPUT(f1 BIGINT, f2 BIGINT, f3 DOUBLE, f4 STRING, f5 DECIMAL(10,2)) "
        f"OPTIONS(LOCATION = 'oss://{ENDPOINT}/bench-bucket/models/v{number}/', ROLEARN = '{ROLEARN}') "
        f"COMMENT 'version {number} of the bench model';\n"
    )


def add_version_script(count: int) -> Iterator[str]:
    """CREATE MODEL, then `count` ADD VERSION statements: the workload of section (b)."""
    yield create_model()
    for number in range(1, count + 1):
        yield add_version(number)


_VERSION_COLUMNS = (
    "model_id, name, owner, location, tasks, options, inputs, comment, key_case, create_time, last_modified_time"
)
SQLITE_SCHEMA = (
    "CREATE TABLE versions (id INTEGER PRIMARY KEY, model_id INTEGER NOT NULL, name TEXT NOT NULL, "
    "owner TEXT NOT NULL, location TEXT NOT NULL, tasks TEXT NOT NULL, options TEXT NOT NULL, "
    "inputs TEXT NOT NULL, comment TEXT NOT NULL, key_case TEXT NOT NULL, create_time TEXT NOT NULL, "
    "last_modified_time TEXT NOT NULL, UNIQUE (model_id, name));\n"
)


def insert_version(number: int) -> str:
    """The INSERT that stores what add_version(number) says: the anchors' equivalent statement."""
    options = f'{{"ROLEARN": "{ROLEARN}"}}'
    inputs = '[["f1", "bigint"], ["f2", "bigint"], ["f3", "double"], ["f4", "string"], ["f5", "decimal(10,2)"]]'
    values = (
        f"1, 'v{number}', '{USER}', 'oss://{ENDPOINT}/bench-bucket/models/v{number}/', '', "
        f"'{options}', '{inputs}', 'version {number} of the bench model', 'lower', "
        f"'2026-01-01 00:00:00', '2026-01-01 00:00:00'"
    )
    return f"INSERT INTO versions ({_VERSION_COLUMNS}) VALUES ({values});\n"


def insert_script(count: int) -> Iterator[str]:
    """What the sqlite3 command-line tool runs: its settings as mcshell's, then one INSERT per line."""
    yield "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n"
    yield SQLITE_SCHEMA
    for number in range(1, count + 1):
        yield insert_version(number)


INSERT_HEADER_LINES = 3  # the two settings and the table


def statements_of(lines: Iterable[str], skip: int = 0) -> list[str]:
    """The statements of a generated script (one a line), without their `;`."""
    return [line.rstrip().rstrip(";") for number, line in enumerate(lines) if number >= skip and line.strip()]


def desc_script(names: list[str], count: int) -> Iterator[str]:
    return (f"DESC MODEL {names[i % len(names)]};\n" for i in range(count))


def show_versions_script(names: list[str], count: int) -> Iterator[str]:
    return (f"SHOW VERSIONS FOR MODEL {names[i % len(names)]};\n" for i in range(count))


def model_name(number: int) -> str:
    return f"m{number:05d}"
