"""The names of privileges, principals and roles, as MaxCompute writes them.

Who holds what is worked out in `access.py`; this module only reads and orders names.
"""

from __future__ import annotations

import re

from mcshell.errors import SemanticError
from mcshell.sql import statements as st

CREATE_MODEL = "CreateModel"
LIST = "List"
DESCRIBE = "Describe"
ALTER = "Alter"
DROP = "Drop"
ALL = "All"

CREATE_TABLE = "CreateTable"
SELECT = "Select"
UPDATE = "Update"

PROJECT = "project"
MODEL = "model"
TABLE = "table"
# Each object type's actions, in the order SHOW GRANTS prints them. The project actions are the
# documented ones (the ACL GRANT template, plus CreateModel from the model pages); mcshell records
# them all, and only CreateModel and List gate a statement it runs.
PRIVILEGES = {
    PROJECT: ("Read", "Write", CREATE_TABLE, "CreateResource", "CreateInstance", "CreateFunction", CREATE_MODEL, LIST),
    MODEL: (DESCRIBE, ALTER, DROP),
    TABLE: (DESCRIBE, SELECT, ALTER, UPDATE, DROP),
}

# The built-in administrative roles of every project (S19: "Super_Administrator", "Admin"), by key.
SUPER_ADMINISTRATOR = "super_administrator"
ADMIN = "admin"
BUILTIN_ROLES = {SUPER_ADMINISTRATOR: "Super_Administrator", ADMIN: "Admin"}
_ROLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}\Z")


# -- names ------------------------------------------------------------------------------------
def user_name(written: st.Text) -> str:
    """A user as written (`ALIYUN$alice@example.com`, `RAM$1234:bob`): compared exactly, case included."""
    name = written.value
    if not name or any(c.isspace() for c in name):
        raise SemanticError(f"'{name}' is not a user name: a user name is not empty and has no spaces", written.offset)
    return name


def role_key(written: st.Ident) -> str:
    """Role names are case-insensitive; a role keeps the spelling it was created with."""
    name = written.text
    if not _ROLE_NAME.match(name):
        raise SemanticError(
            f"'{name}' is not a role name: letters, digits and '_', starting with a letter, at most 128 characters",
            written.offset,
        )
    return written.key


# -- privilege names --------------------------------------------------------------------------
def privilege_names(words: tuple[st.Ident, ...], object_type: str) -> tuple[str, ...]:
    """The privileges named in GRANT or REVOKE, case-insensitive, `All` expanded, in canonical order."""
    known = PRIVILEGES[object_type]
    by_key = {name.lower(): name for name in known}
    named: set[str] = set()
    for word in words:
        if word.key == ALL.lower():
            named.update(known)
        elif word.key in by_key:
            named.add(by_key[word.key])
        else:
            raise SemanticError(
                f"'{word.text}' is not a privilege on a {object_type}; use {', '.join(known)} or {ALL}",
                word.offset,
            )
    return tuple(name for name in known if name in named)


def ordered(privileges: set[str], object_type: str) -> tuple[str, ...]:
    """Privileges in the order SHOW GRANTS prints them."""
    return tuple(name for name in PRIVILEGES[object_type] if name in privileges)


def resource(project: str, model: str | None = None, kind: str = "models") -> str:
    """What a privilege is held on, as MaxCompute's errors and ACLs name it (`kind`: models or tables)."""
    return f"projects/{project}" if model is None else f"projects/{project}/{kind}/{model}"
