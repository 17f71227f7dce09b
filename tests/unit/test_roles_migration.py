"""A catalog of schema version 2 (members and grants, no roles) opens, gains roles, and loses nothing."""

from __future__ import annotations

import sqlite3

from old_catalogs import NOW, OWNER, SCHEMA_2, add_model, old_catalog
from old_catalogs import run_as as run

from mcshell.catalog.schema import SCHEMA_VERSION
from mcshell.catalog.store import Catalog

ALICE = "ALIYUN$alice@example.com"
BOB = "RAM$1234:bob"


def write_version_2_catalog(path) -> None:
    """demo is OWNER's, with model m (made by OWNER) and a (made by ALICE); ALICE and BOB are
    members; ALICE holds CreateModel and List on demo, BOB holds Describe and Alter on m."""
    db = old_catalog(path, SCHEMA_2, 2)
    add_model(db, 1, "m", OWNER, comment="kept")
    add_model(db, 2, "a", ALICE, comment="kept")
    for member in (ALICE, BOB):
        db.execute("INSERT INTO members VALUES ('demo', ?, '2023-02-01 00:00:00')", (member,))
    db.executemany("INSERT INTO project_grants VALUES ('demo', ?, ?)", [(ALICE, "CreateModel"), (ALICE, "List")])
    db.executemany("INSERT INTO model_grants VALUES (1, ?, ?)", [(BOB, "Describe"), (BOB, "Alter")])
    db.commit()
    db.close()


def rows(path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_a_version_2_catalog_keeps_its_members_and_grants(tmp_path):
    path = tmp_path / "v2.db"
    write_version_2_catalog(path)
    models_before = rows(path, "SELECT * FROM models ORDER BY id")
    versions_before = rows(path, "SELECT * FROM versions ORDER BY id")

    Catalog.open(str(path), NOW).close()

    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT * FROM models ORDER BY id") == models_before
    assert rows(path, "SELECT * FROM versions ORDER BY id") == versions_before
    assert rows(path, "SELECT * FROM members ORDER BY name") == [
        ("demo", ALICE, "2023-02-01 00:00:00"),
        ("demo", BOB, "2023-02-01 00:00:00"),
    ]
    assert rows(path, "SELECT * FROM project_grants ORDER BY privilege") == [
        ("demo", "user", ALICE, "CreateModel"),
        ("demo", "user", ALICE, "List"),
    ]
    assert rows(path, "SELECT * FROM model_grants ORDER BY privilege") == [
        (1, "user", BOB, "Alter"),
        (1, "user", BOB, "Describe"),
    ]
    assert rows(path, "SELECT * FROM roles") == rows(path, "SELECT * FROM role_members") == []


def test_after_the_migration_every_member_can_do_what_they_could_and_roles_work(tmp_path):
    path = tmp_path / "v2.db"
    write_version_2_catalog(path)

    assert run(path, ALICE, "SHOW MODELS;\nDESC MODEL a;")[1] == ["OK", "OK"]
    assert run(path, BOB, "DESC MODEL m;\nALTER MODEL m SET DEFAULT_VERSION v1;")[1] == ["OK", "OK"]
    assert run(path, BOB, "SHOW MODELS;")[1][0].startswith("FAILED: ODPS-0130013:Authorization exception")
    assert run(path, OWNER, f"SHOW GRANTS FOR {BOB};")[0] == (
        "Authorization Type: ACL\nA projects/demo/models/m: Describe | Alter\n"
    )

    # The catalog now holds roles: a privilege reaches Bob through one, and goes with it.
    assert (
        run(path, OWNER, f"CREATE ROLE lister;\nGRANT List ON PROJECT demo TO ROLE lister;\nGRANT lister TO {BOB};")[1]
        == ["OK"] * 3
    )
    assert run(path, BOB, "SHOW MODELS;")[1] == ["OK"]
    assert run(path, OWNER, f"REVOKE lister FROM {BOB};")[1] == ["OK"]
    assert run(path, BOB, "SHOW MODELS;")[1][0].startswith("FAILED: ODPS-0130013:Authorization exception")


def test_a_migrated_grant_is_kept_when_its_user_is_removed(tmp_path):
    """Schema 2 tied a project grant to its member (a foreign key): schema 3 lets it outlive them."""
    path = tmp_path / "v2.db"
    write_version_2_catalog(path)
    assert run(path, OWNER, f"REMOVE USER {ALICE};")[1] == ["OK"]
    assert run(path, ALICE, "SHOW MODELS;")[1] == [
        "FAILED: ODPS-0420095: Access Denied - You don't exist in project demo."
    ]
    assert run(path, OWNER, f"ADD USER {ALICE};")[1] == ["OK"]
    assert run(path, ALICE, "SHOW MODELS;")[1] == ["OK"]
