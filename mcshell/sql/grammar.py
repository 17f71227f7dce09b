"""Every statement mcshell runs, once: its shape, its syntax and summary as HELP prints them, and
examples. Completion (repl/completion.py) walks the shapes, HELP (rules/helptext.py) prints the
syntax, the unsupported-statement error lists the titles, and tests/unit/test_grammar.py holds the
table to the parser (`parser._STATEMENTS`), to docs/statements.md, and parses every example.

Pure data: nothing here imports sqlglot or prompt_toolkit, and a one-shot run imports it only to
word an unsupported statement's error.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcshell.sql.statements import MODEL_FUNCTIONS


# -- the vocabulary of shapes: a shape is a tuple of keywords (str) and these ----------------------
class Opt:
    """Its items, or nothing."""

    def __init__(self, *items: object):
        self.items = items


class Alt:
    """One of its choices, each a tuple of items."""

    def __init__(self, *choices: tuple[object, ...]):
        self.choices = choices


class Many:
    """One or more `item`s separated by `separator`: `Describe, Alter`."""

    def __init__(self, item: object, separator: str):
        self.item = item
        self.separator = separator


@dataclass(frozen=True)
class Slot:
    """A place for a name or a value; `kind` says what completes it."""

    kind: str


@dataclass(frozen=True)
class Group:
    """A parenthesised list: INPUT(...) or OPTIONS(...)."""

    kind: str


MODEL = Slot("model")  # an existing model
NEW_NAME = Slot("new name")  # a name the statement creates
VERSION = Slot("version")  # a version of the model named before it
PROJECT = Slot("project")
STRING = Slot("string")
REST = Slot("rest")  # SET takes the rest of the statement as written
USER = Slot("user")  # a member of the current project
ROLE = Slot("role")  # a role of the current project, the built-in ones included
PRIVILEGE = Slot("privilege")
TABLE = Slot("table")  # a table of the current project (or `p.t`)
NUMBER = Slot("number")

_VERSION_SPEC = (
    NEW_NAME, Opt("INPUT", Group("input")), Opt(Opt("WITH"), "OPTIONS", Group("options")),
    Opt("COMMENT", STRING),
)  # fmt: skip
_PRIVILEGES_ON = (
    Many(PRIVILEGE, ","), "ON", Alt(("MODEL", MODEL), ("TABLE", TABLE), ("PROJECT", PROJECT)),
)  # fmt: skip
_GRANTEE = Alt(("ROLE", ROLE), (Opt("USER"), USER))  # USER is optional (the SDK's OdpsParser.g4)
# More partitions: ADD writes them one after another, DROP separates them with commas.
_MORE_ADDED, _MORE_DROPPED = Opt(), Opt()
_MORE_ADDED.items = ("PARTITION", Group("partition"), _MORE_ADDED)
_MORE_DROPPED.items = (",", "PARTITION", Group("partition"), _MORE_DROPPED)
_TOPICS = Alt()  # HELP's topics: every statement's, filled in below the table


# -- the statements ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatementSyntax:
    topic: str  # its name for HELP (`HELP CREATE MODEL;`) and completion after HELP
    shape: tuple[object, ...]
    syntax: str  # what `HELP <topic>;` prints
    summary: str | None  # its line in `HELP;`'s list; None when another statement's line tells it
    examples: tuple[str, ...]  # statements as a user writes them, each ending with `;`
    aliases: tuple[str, ...] = ()  # other names HELP takes for it
    title: str = ""  # how the unsupported-statement error lists it, if not as `topic`
    label: str = ""  # its name in `HELP;`'s list, if not `topic`
    shell: bool = False  # a command of the shell itself: `HELP;` lists it last

    @property
    def name(self) -> str:
        return self.title or self.topic


_REMOTE_OPTIONS = (
    "MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'LLM', TASKS = 'chat', PAI_EAS_MODEL_NAME = 'qwen', "
    "PAI_EAS_SERVICE_NAME = 'grp.qwen', ENDPOINT = 'https://1126.cn-shanghai.pai-eas.aliyuncs.com', "
    "APIKEY = '<your APIKEY>', PAI_EAS_SYNC_MODE = 'true'"
)
_OSS = "oss://oss-cn-shanghai-internal.aliyuncs.com/models/churn"
_ROLEARN = "ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole'"
_ALICE = "ALIYUN$alice@example.com"

STATEMENTS: tuple[StatementSyntax, ...] = (
    StatementSyntax(
        "CREATE MODEL",
        ("CREATE", "MODEL", Opt("IF", "NOT", "EXISTS"), NEW_NAME, "WITH", "VERSION", *_VERSION_SPEC),
        """CREATE MODEL [IF NOT EXISTS] <model> WITH VERSION <version>
[INPUT(<col> <type>, ...)]
[WITH] OPTIONS(<key> = '<value>', ...)
[COMMENT '<comment>'];""",
        "create a model with its first (default) version",
        (
            f"CREATE MODEL churn WITH VERSION v1 INPUT(f1 DOUBLE, f2 BIGINT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
            f"MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = '{_OSS}/v1/', {_ROLEARN}) COMMENT 'churn';",
            f"CREATE MODEL IF NOT EXISTS chat WITH VERSION v1 OPTIONS({_REMOTE_OPTIONS});",
        ),
        aliases=("CREATE",),
    ),
    StatementSyntax(
        "ALTER MODEL",
        (
            "ALTER",
            "MODEL",
            MODEL,
            Alt(
                ("ADD", "VERSION", *_VERSION_SPEC),
                ("SET", "DEFAULT_VERSION", Opt("="), VERSION),
                ("DROP", "VERSION", VERSION),
            ),
        ),  # fmt: skip
        """ALTER MODEL <model> ADD VERSION <version>
[INPUT(<col> <type>, ...)]
[WITH] OPTIONS(<key> = '<value>', ...)
[COMMENT '<comment>'];
ALTER MODEL <model> SET DEFAULT_VERSION [=] <version>;
ALTER MODEL <model> DROP VERSION <version>;""",
        "ADD VERSION, SET DEFAULT_VERSION, DROP VERSION",
        (
            f"ALTER MODEL churn ADD VERSION v2 INPUT(f1 DOUBLE, f2 BIGINT, f3 INT) "
            f"WITH OPTIONS(LOCATION = '{_OSS}/v2/', {_ROLEARN}) COMMENT 'one more feature';",
            "ALTER MODEL churn SET DEFAULT_VERSION = v2;",
            "ALTER MODEL churn DROP VERSION v1;",
        ),
        aliases=("ALTER",),
    ),
    StatementSyntax(
        "DROP MODEL",
        ("DROP", "MODEL", Opt("IF", "EXISTS"), MODEL),
        "DROP MODEL [IF EXISTS] <model>;",
        "drop a model and all its versions",
        ("DROP MODEL churn;", "DROP MODEL IF EXISTS my_project.default.churn;"),
        aliases=("DROP",),
    ),
    StatementSyntax(
        "DESC MODEL",
        (Alt(("DESC",), ("DESCRIBE",)), "MODEL", MODEL, Opt("VERSION", VERSION)),
        "DESC MODEL <model> [VERSION <version>];   (also DESCRIBE)",
        "describe a model and its default (or a given) version",
        ("DESC MODEL churn;", "DESCRIBE MODEL my_project.default.churn VERSION v1;"),
        aliases=("DESCRIBE MODEL", "DESC", "DESCRIBE"),
    ),
    StatementSyntax(
        "SHOW MODELS",
        ("SHOW", "MODELS", Opt("LIKE", STRING)),
        "SHOW MODELS [LIKE '<pattern>'];   (% and _ are wildcards)",
        "list the models of the current project",
        ("SHOW MODELS;", "SHOW MODELS LIKE 'ch%';"),
    ),
    StatementSyntax(
        "SHOW VERSIONS",
        ("SHOW", "VERSIONS", "FOR", "MODEL", MODEL),
        "SHOW VERSIONS FOR MODEL <model>;",
        "list the versions of a model",
        ("SHOW VERSIONS FOR MODEL churn;",),
        title="SHOW VERSIONS FOR MODEL",
    ),
    StatementSyntax(
        "SHOW CREATE MODEL",
        ("SHOW", "CREATE", "MODEL", MODEL),
        "SHOW CREATE MODEL <model>;   (the statements that recreate it; APIKEY masked)",
        "SHOW CREATE MODEL: the statements that recreate a model",
        ("SHOW CREATE MODEL churn;",),
        aliases=("SHOW CREATE",),
        label="SHOW CREATE",
    ),
    StatementSyntax(
        "USE",
        ("USE", PROJECT),
        "USE <project>;   (a new project is created in the local catalog)",
        "switch to another project",
        ("USE team_a;",),
    ),
    StatementSyntax("WHOAMI", ("WHOAMI",), "WHOAMI;", "show the current user and project", ("WHOAMI;",)),
    StatementSyntax(
        "SET",
        ("SET", REST),
        "SET <key>=<value>;   (kept for the session)",
        "set a session property",
        ("SET odps.sql.type.system.odps2=true;",),
    ),
    StatementSyntax(
        "HELP",
        ("HELP", Opt(_TOPICS)),
        "HELP; | HELP <statement>;",
        "this list",
        ("HELP;", "HELP ALTER MODEL;"),
        shell=True,
    ),
    StatementSyntax(
        "QUIT",
        (Alt(("QUIT",), ("EXIT",)),),
        "QUIT; | EXIT;",
        "leave (also EXIT)",
        ("QUIT;", "EXIT;"),
        aliases=("EXIT",),
        shell=True,
    ),
    StatementSyntax(
        "ADD USER",
        ("ADD", "USER", NEW_NAME),
        "ADD USER <user>;   (an administrator adds a member, e.g. ALIYUN$alice@example.com)",
        "add a member to the current project (REMOVE USER removes one)",
        (f"ADD USER {_ALICE};", "ADD USER RAM$1126123000000000:role/admin;"),
        aliases=("ADD",),
    ),
    StatementSyntax(
        "REMOVE USER",
        ("REMOVE", "USER", USER),
        "REMOVE USER <user>;   (the member's grants are kept, and count again after ADD USER)",
        None,
        (f"REMOVE USER {_ALICE};",),
        aliases=("REMOVE",),
    ),
    StatementSyntax(
        "LIST USERS",
        ("LIST", "USERS"),
        "LIST USERS;   (the owner and members of the current project)",
        "list the owner and members of the current project",
        ("LIST USERS;",),
        aliases=("LIST",),
    ),
    StatementSyntax(
        "GRANT",
        ("GRANT", Alt((*_PRIVILEGES_ON, "TO", _GRANTEE), (Many(ROLE, ","), "TO", Opt("USER"), USER))),
        """GRANT <privilege>[, <privilege> ...] ON MODEL <model> TO [USER] <user> | ROLE <role>;
GRANT <privilege>[, <privilege> ...] ON TABLE <table> TO [USER] <user> | ROLE <role>;
GRANT <privilege>[, <privilege> ...] ON PROJECT <project> TO [USER] <user> | ROLE <role>;
GRANT <role>[, <role> ...] TO [USER] <user>;
  on a model: Describe, Alter, Drop, All; on a table: Describe, Select, Alter, Update, Drop, All;
  on a project: Read, Write, CreateTable, CreateResource, CreateInstance, CreateFunction, CreateModel,
  List, All""",
        "grant privileges on a model or a project, or a role (REVOKE takes them back)",
        (
            f"GRANT Describe, Alter ON MODEL churn TO USER {_ALICE};",
            f"GRANT CreateModel ON PROJECT my_project TO {_ALICE};",
            "GRANT Describe ON MODEL churn TO ROLE analyst;",
            f"GRANT Describe, Select ON TABLE customers TO USER {_ALICE};",
            f"GRANT analyst, Admin TO {_ALICE};",
        ),
    ),
    StatementSyntax(
        "REVOKE",
        ("REVOKE", Alt((*_PRIVILEGES_ON, "FROM", _GRANTEE), (Many(ROLE, ","), "FROM", Opt("USER"), USER))),
        """REVOKE <privilege>[, <privilege> ...] ON MODEL <model> FROM [USER] <user> | ROLE <role>;
REVOKE <privilege>[, <privilege> ...] ON TABLE <table> FROM [USER] <user> | ROLE <role>;
REVOKE <privilege>[, <privilege> ...] ON PROJECT <project> FROM [USER] <user> | ROLE <role>;
REVOKE <role>[, <role> ...] FROM [USER] <user>;""",
        None,
        (
            f"REVOKE Alter ON MODEL churn FROM USER {_ALICE};",
            "REVOKE All ON PROJECT my_project FROM ROLE analyst;",
            f"REVOKE analyst FROM {_ALICE};",
        ),
    ),
    StatementSyntax(
        "SHOW GRANTS",
        ("SHOW", "GRANTS", Opt("FOR", _GRANTEE)),
        "SHOW GRANTS [FOR [USER] <user> | FOR ROLE <role>];   (FOR: administrators only)",
        "a user's or a role's privileges in the current project",
        ("SHOW GRANTS;", f"SHOW GRANTS FOR {_ALICE};", "SHOW GRANTS FOR ROLE analyst;"),
    ),
    StatementSyntax(
        "SHOW ACL",
        ("SHOW", "ACL", "FOR", MODEL, Opt("ON", "TYPE", "MODEL")),
        "SHOW ACL FOR <model> [ON TYPE MODEL];   (who holds what on the model)",
        "who holds what on a model",
        ("SHOW ACL FOR churn;", "SHOW ACL FOR my_project.churn ON TYPE MODEL;"),
    ),
    StatementSyntax(
        "CREATE ROLE",
        ("CREATE", "ROLE", NEW_NAME),
        "CREATE ROLE <role>;",
        "create a role (DROP ROLE drops one, LIST ROLES lists them)",
        ("CREATE ROLE analyst;",),
    ),
    StatementSyntax(
        "DROP ROLE",
        ("DROP", "ROLE", ROLE),
        "DROP ROLE <role>;   (once no user holds it; its grants go with it)",
        None,
        ("DROP ROLE analyst;",),
    ),
    StatementSyntax(
        "LIST ROLES",
        ("LIST", "ROLES"),
        "LIST ROLES;   (Super_Administrator, Admin, then the project's own)",
        None,
        ("LIST ROLES;",),
    ),
    StatementSyntax(
        "DESCRIBE ROLE",
        (Alt(("DESC",), ("DESCRIBE",)), "ROLE", ROLE),
        "DESCRIBE ROLE <role>;   (also DESC ROLE: its users, then its grants)",
        "the users holding a role and its privileges",
        ("DESCRIBE ROLE analyst;", "DESC ROLE Admin;"),
        aliases=("DESC ROLE",),
    ),
    StatementSyntax(
        "CREATE TABLE",
        (
            "CREATE",
            "TABLE",
            Opt("IF", "NOT", "EXISTS"),
            NEW_NAME,
            Alt(
                ("LIKE", TABLE, Opt("LIFECYCLE", NUMBER)),
                (
                    Group("columns"),
                    Opt("COMMENT", STRING),
                    Opt("PARTITIONED", "BY", Group("columns")),
                    Opt("LIFECYCLE", NUMBER),
                ),
            ),
        ),  # fmt: skip
        """CREATE TABLE [IF NOT EXISTS] <table>
(<col> <type> [NOT NULL] [COMMENT '<comment>'], ...)
[COMMENT '<comment>']
[PARTITIONED BY (<col> <type> [COMMENT '<comment>'], ...)]
[LIFECYCLE <days>];
CREATE TABLE [IF NOT EXISTS] <table> LIKE <other table> [LIFECYCLE <days>];""",
        "create a table: its schema, in the catalog (SHOW CREATE TABLE prints the statement of one)",
        (
            "CREATE TABLE customers (id BIGINT NOT NULL, age INT, spend DOUBLE COMMENT 'last 30 days') "
            "COMMENT 'churn features' PARTITIONED BY (dt STRING) LIFECYCLE 30;",
            "CREATE TABLE IF NOT EXISTS sample LIKE customers;",
        ),
    ),
    StatementSyntax(
        "DROP TABLE",
        ("DROP", "TABLE", Opt("IF", "EXISTS"), TABLE),
        "DROP TABLE [IF EXISTS] <table>;",
        "drop a table",
        ("DROP TABLE sample;", "DROP TABLE IF EXISTS my_project.sample;"),
    ),
    StatementSyntax(
        "DESC TABLE",
        (Alt(("DESC",), ("DESCRIBE",)), Opt("EXTENDED"), TABLE),
        "DESC [EXTENDED] <table>;   (also DESCRIBE)",
        "describe a table: owner, times, columns, partition keys",
        ("DESC customers;", "DESCRIBE EXTENDED my_project.customers;"),
        aliases=("DESCRIBE TABLE", "DESC EXTENDED"),
    ),
    StatementSyntax(
        "SHOW TABLES",
        ("SHOW", "TABLES", Opt("LIKE", STRING)),
        "SHOW TABLES [LIKE '<pattern>'];   (<owner>:<table> lines; % and _ are wildcards)",
        "list the tables of the current project",
        ("SHOW TABLES;", "SHOW TABLES LIKE 'cust%';"),
    ),
    StatementSyntax(
        "SHOW CREATE TABLE",
        ("SHOW", "CREATE", "TABLE", TABLE),
        "SHOW CREATE TABLE <table>;   (the CREATE TABLE statement that recreates it)",
        None,
        ("SHOW CREATE TABLE customers;",),
    ),
    StatementSyntax(
        "ALTER TABLE",
        (
            "ALTER",
            "TABLE",
            TABLE,
            Alt(
                ("ADD", "COLUMNS", Opt("IF", "NOT", "EXISTS"), Group("columns")),
                ("ADD", Opt("IF", "NOT", "EXISTS"), "PARTITION", Group("partition"), _MORE_ADDED),
                ("DROP", Opt("IF", "EXISTS"), "PARTITION", Group("partition"), _MORE_DROPPED),
            ),
        ),  # fmt: skip
        """ALTER TABLE <table> ADD COLUMNS [IF NOT EXISTS] (<col> <type> [COMMENT '<comment>'], ...);
ALTER TABLE <table> ADD [IF NOT EXISTS] PARTITION (<key> = '<value>', ...) [PARTITION (...) ...];
ALTER TABLE <table> DROP [IF EXISTS] PARTITION (<key> = '<value>', ...)[, PARTITION (...) ...];""",
        "ADD COLUMNS, ADD PARTITION, DROP PARTITION",
        (
            "ALTER TABLE customers ADD COLUMNS (visits BIGINT COMMENT 'visits in 30 days');",
            "ALTER TABLE customers ADD IF NOT EXISTS PARTITION (dt = '20261201') PARTITION (dt = '20261202');",
            "ALTER TABLE customers DROP IF EXISTS PARTITION (dt = '20261201');",
        ),
    ),
    StatementSyntax(
        "SHOW PARTITIONS",
        ("SHOW", "PARTITIONS", TABLE),
        "SHOW PARTITIONS <table>;   (one <key>=<value>[/<key>=<value> ...] line each)",
        "list the partitions of a table",
        ("SHOW PARTITIONS customers;",),
    ),
    StatementSyntax(
        "INSERT",
        (
            "INSERT",
            Alt(("INTO", Opt("TABLE")), ("OVERWRITE", "TABLE")),
            TABLE,
            Opt("PARTITION", Group("partition")),
            Opt(Group("columns")),
            Alt(("VALUES", REST), ("SELECT", REST), ("WITH", REST)),
        ),  # fmt: skip
        """INSERT INTO [TABLE] <table> [PARTITION (<key> = <value>, ...)] [(<col>, ...)] VALUES (<v>, ...), ...;
INSERT INTO [TABLE] | OVERWRITE TABLE <table> [PARTITION (<key> = <value>, ...)] [(<col>, ...)] SELECT ...;
  (OVERWRITE takes no column list; every value is checked against its column's type)""",
        "write rows into a table (or its partition): VALUES or a SELECT's result",
        (
            "INSERT INTO customers PARTITION (dt = '20261201') VALUES (1, 34, 12.5), (2, NULL, 0.0);",
            "INSERT INTO TABLE customers PARTITION (dt = '20261201') (id, age) VALUES (3, 41);",
            "INSERT OVERWRITE TABLE scores SELECT id, ML_PREDICT(churn, DEFAULT_VERSION, age, spend) FROM customers;",
        ),
    ),
    StatementSyntax(
        "SELECT",
        (Alt(("SELECT",), ("WITH",)), REST),  # sqlglot parses it (sql/select.py); completion: repl/completion.py
        """SELECT <expr> [AS <alias>], ... [FROM VALUES (<v>, ...), ... t(<col>, ...)] [WHERE ...] ...;
  calls of the model functions are checked against the catalog (also in --check); a SELECT with no FROM
  or over a VALUES list runs here (ML_PREDICT with --oss-root, the AI_* functions with --invoke);
  HELP <function>; for each: """
        + ", ".join(MODEL_FUNCTIONS),
        "run the model functions (HELP SELECT; HELP ML_PREDICT; ...)",
        (
            "SELECT 1 + 2 AS a, 'x', NULL;",
            "SELECT f1, ML_PREDICT(churn, DEFAULT_VERSION, f1, f2) AS p FROM VALUES (1.5, 2), (0.5, 7) t(f1, f2);",
            "SELECT AI_CLASSIFY(bigdata_public_modelset.default.`qwen3-max`, DEFAULT_VERSION, 'text', "
            "ARRAY('a', 'b'));",
            "WITH c AS (SELECT 1 AS a) SELECT a FROM c;",
        ),
        aliases=("WITH",),
    ),
    StatementSyntax(
        "TUNNEL",
        ("TUNNEL", Alt(("UPLOAD", REST), ("DOWNLOAD", REST))),
        """TUNNEL UPLOAD [<option> <value> ...] <path> <[project.]table>[/<key>=<value>[,<key>=<value> ...]];
TUNNEL DOWNLOAD [<option> <value> ...] <[project.]table>[/<key>=<value>,...] <path>;
  odpscmd's commands, as its console takes them; the path is relative to the current directory;
  options: -fd <field delimiter> (default ,), -rd <record delimiter> (upload: \r\n or \n as the file has
  it), -h true|false (a header line), -ni <null indicator> (default empty), -cf true|false (CSV quoting),
  -cp (accepted, no effect); upload: -ow true (overwrite), -acp true (create the partition),
  -dbr false; download: -limit <rows>""",
        "move a table's rows between it and a local file (odpscmd's tunnel upload and download)",
        (
            "tunnel upload data.csv customers;",
            "tunnel upload -fd '|' -h true d.csv customers/dt=2026;",
            "tunnel download customers out.csv;",
        ),
        aliases=("TUNNEL UPLOAD", "TUNNEL DOWNLOAD"),
    ),
)
# HELP's topics: the statements, and the model functions (`HELP ML_PREDICT;`, rules/helptext.py).
_TOPICS.choices = (
    *(tuple(statement.topic.split()) for statement in STATEMENTS),
    *((name,) for name in MODEL_FUNCTIONS),
)

# The statements as the error for any other SQL lists them.
SUPPORTED = ", ".join(statement.name for statement in STATEMENTS)
