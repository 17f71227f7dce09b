"""A catalog written before privileges existed (schema version 1) is migrated and keeps its models."""

from __future__ import annotations

import sqlite3

from old_catalogs import NOW, OWNER, SCHEMA_1, add_model, add_version, old_catalog, run_as

from mcshell.catalog.schema import SCHEMA_VERSION
from mcshell.catalog.store import Catalog

CAROL = "ALIYUN$carol@example.com"
DAVE = "ALIYUN$dave@example.com"


def write_version_1_catalog(path) -> None:
    """demo is OWNER's; in it OWNER made m1 (and DAVE added a version to it), CAROL made m2."""
    db = old_catalog(path, SCHEMA_1, 1)
    add_model(db, 1, "m1", OWNER)
    add_model(db, 2, "m2", CAROL)
    add_version(db, 1, "v2", DAVE, "lower")
    db.commit()
    db.close()


def run(path, user: str, sql: str) -> list[str]:
    return run_as(path, user, sql)[1]


def test_a_version_1_catalog_is_migrated_and_keeps_its_models(tmp_path):
    path = tmp_path / "old.db"
    write_version_1_catalog(path)

    catalog = Catalog.open(str(path), NOW)
    try:
        with catalog.transaction(write=False):
            assert [m.name for m in catalog.iter_models("demo")] == ["m1", "m2"]
            assert catalog.get_model("demo", "m2").owner == CAROL
            assert [v.name for v in catalog.iter_versions(catalog.get_model("demo", "m1").id)] == ["v1", "v2"]
            assert catalog.get_project("demo").owner == OWNER
            # Users who had made models or versions in someone else's project are its members now.
            members = list(catalog.grants.iter_members("demo"))
            assert members == [(CAROL, "2023-01-01 00:00:00"), (DAVE, "2023-01-01 00:00:00")]
    finally:
        catalog.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_after_the_migration_owners_keep_every_privilege_on_what_they_own(tmp_path):
    path = tmp_path / "old.db"
    write_version_1_catalog(path)

    assert run(path, OWNER, "SHOW MODELS;\nDESC MODEL m2;\nALTER MODEL m1 SET DEFAULT_VERSION v2;") == ["OK"] * 3
    assert run(path, CAROL, "DESC MODEL m2;\nALTER MODEL m2 SET DEFAULT_VERSION v1;") == ["OK", "OK"]
    denied = "FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege "
    assert run(path, CAROL, "DESC MODEL m1;\nSHOW MODELS;\nDROP MODEL m2;") == [
        denied + f"'odps:Describe' on {{acs:odps:*:projects/demo/models/m1}}. --->Tips: CurrentProject:demo; "
        f"Principal:{CAROL};",
        denied + f"'odps:List' on {{acs:odps:*:projects/demo}}. --->Tips: CurrentProject:demo; Principal:{CAROL};",
        "OK",
    ]
    assert run(path, DAVE, "DESC MODEL m1;") == [
        denied + f"'odps:Describe' on {{acs:odps:*:projects/demo/models/m1}}. --->Tips: CurrentProject:demo; "
        f"Principal:{DAVE};"
    ]


def test_a_new_catalog_and_a_migrated_one_have_the_same_schema(tmp_path):
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    write_version_1_catalog(old)
    for path in (old, new):
        Catalog.open(str(path), NOW).close()

    def schema(path) -> dict[str, list[tuple]]:
        """Each table's and index's columns: the SQL text of the frozen version-1 tables is laid out differently."""
        with sqlite3.connect(path) as db:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master ORDER BY name")]
            return {
                name: db.execute(f"PRAGMA table_xinfo('{name}')").fetchall()
                + db.execute(f"PRAGMA index_xinfo('{name}')").fetchall()
                + db.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()
                for name in names
            }

    assert schema(old) == schema(new)
