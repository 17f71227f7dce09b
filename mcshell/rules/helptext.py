"""HELP; and HELP <statement>; the syntax of every statement mcshell runs."""

from __future__ import annotations

from mcshell.errors import SemanticError
from mcshell.rules.signatures import SIGNATURES
from mcshell.sql import statements as st

SYNTAX = {
    "CREATE MODEL": """CREATE MODEL [IF NOT EXISTS] <model> WITH VERSION <version>
[INPUT(<col> <type>, ...)]
[WITH] OPTIONS(<key> = '<value>', ...)
[COMMENT '<comment>'];""",
    "ALTER MODEL": """ALTER MODEL <model> ADD VERSION <version>
[INPUT(<col> <type>, ...)]
[WITH] OPTIONS(<key> = '<value>', ...)
[COMMENT '<comment>'];
ALTER MODEL <model> SET DEFAULT_VERSION [=] <version>;
ALTER MODEL <model> DROP VERSION <version>;""",
    "DROP MODEL": "DROP MODEL [IF EXISTS] <model>;",
    "DESC MODEL": "DESC MODEL <model> [VERSION <version>];   (also DESCRIBE)",
    "SHOW MODELS": "SHOW MODELS [LIKE '<pattern>'];   (% and _ are wildcards)",
    "SHOW VERSIONS": "SHOW VERSIONS FOR MODEL <model>;",
    "SHOW CREATE MODEL": "SHOW CREATE MODEL <model>;   (the statements that recreate it; APIKEY masked)",
    "USE": "USE <project>;   (a new project is created in the local catalog)",
    "WHOAMI": "WHOAMI;",
    "SET": "SET <key>=<value>;   (kept for the session)",
    "HELP": "HELP; | HELP <statement>;",
    "QUIT": "QUIT; | EXIT;",
    "ADD USER": "ADD USER <user>;   (the project owner adds a member, e.g. ALIYUN$alice@example.com)",
    "REMOVE USER": "REMOVE USER <user>;   (the member's grants in the project go too)",
    "LIST USERS": "LIST USERS;   (the owner and members of the current project)",
    "GRANT": """GRANT <privilege>[, <privilege> ...] ON MODEL <model> TO USER <user>;
GRANT <privilege>[, <privilege> ...] ON PROJECT <project> TO USER <user>;
  on a model: Describe, Alter, Drop, All; on a project: CreateModel, List, All""",
    "REVOKE": """REVOKE <privilege>[, <privilege> ...] ON MODEL <model> FROM USER <user>;
REVOKE <privilege>[, <privilege> ...] ON PROJECT <project> FROM USER <user>;""",
    "SHOW GRANTS": "SHOW GRANTS [FOR <user>];   (in the current project; FOR another user: project owner only)",
    "SELECT": """SELECT <expr> [AS <alias>], ... [FROM VALUES (<v>, ...), ... t(<col>, ...)] [WHERE ...] ...;
  calls of the model functions are checked against the catalog (also in --check); a SELECT with no FROM
  or over a VALUES list runs here (ML_PREDICT with --oss-root, the AI_* functions with --invoke);
  HELP <function>; for each: """
    + ", ".join(st.MODEL_FUNCTIONS),
}
_ALIASES = {
    "DESCRIBE MODEL": "DESC MODEL", "DESC": "DESC MODEL", "DESCRIBE": "DESC MODEL", "EXIT": "QUIT",
    "SHOW VERSIONS FOR MODEL": "SHOW VERSIONS", "SHOW CREATE": "SHOW CREATE MODEL", "CREATE": "CREATE MODEL",
    "ALTER": "ALTER MODEL",
    "DROP": "DROP MODEL",
    "ADD": "ADD USER", "REMOVE": "REMOVE USER", "LIST": "LIST USERS",
}  # fmt: skip

_OVERVIEW = """Statements (HELP <statement>; for the syntax of one):
  CREATE MODEL    create a model with its first (default) version
  ALTER MODEL     ADD VERSION, SET DEFAULT_VERSION, DROP VERSION
  DROP MODEL      drop a model and all its versions
  DESC MODEL      describe a model and its default (or a given) version
  SHOW MODELS     list the models of the current project
  SHOW VERSIONS   list the versions of a model
  SHOW CREATE     SHOW CREATE MODEL: the statements that recreate a model
  USE             switch to another project
  WHOAMI          show the current user and project
  SET             set a session property
  ADD USER        add a member to the current project (REMOVE USER removes one)
  LIST USERS      list the owner and members of the current project
  GRANT           grant privileges on a model or a project (REVOKE takes them back)
  SHOW GRANTS     list a user's privileges in the current project
  SELECT          run the model functions (HELP SELECT; HELP ML_PREDICT; ...)
  HELP            this list
  QUIT            leave (also EXIT)
A model is named <model>, <project>.<model> or <project>.default.<model>."""


def help_text(topic: str | None) -> str:
    if topic is None:
        return _OVERVIEW
    if topic in SIGNATURES:
        return function_help(topic)
    key = _ALIASES.get(topic, topic)
    if key not in SYNTAX:
        raise SemanticError(f"no help for '{topic}'; HELP; lists the statements", 0)
    return SYNTAX[key]


def function_help(name: str) -> str:
    """HELP <function>: its syntax as the function's page writes it, what it returns, a documented call."""
    signature = SIGNATURES[name]
    return (
        f"{signature.syntax}\n  {signature.summary}; returns {signature.returns}\n"
        f"  <model> and <version> unquoted; <version> may be DEFAULT_VERSION\n  e.g. {signature.example}"
    )
