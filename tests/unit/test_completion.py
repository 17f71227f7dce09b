"""Completion: what the REPL offers at the cursor, from the dialect's tokens and the live catalog."""

from __future__ import annotations

import io

import pytest

from mcshell.output.console import Console
from mcshell.repl.completion import NAME_LIMIT, SessionNames, suggest
from mcshell.session import Session, SessionOptions

REMOTE = (
    "MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE='LLM', TASKS='chat', PAI_EAS_MODEL_NAME='q', "
    "PAI_EAS_SERVICE_NAME='svc', ENDPOINT='https://eas.example.com', APIKEY='k', PAI_EAS_SYNC_MODE='true'"
)
IMPORT = (
    "MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_CLASSIFIER', "
    "LOCATION='oss://oss-cn-beijing-internal.aliyuncs.com/bucket/m', ROLEARN='acs:ram::1:role/r'"
)
SCRIPT = f"""
CREATE MODEL chat_bot WITH VERSION v1 OPTIONS({REMOTE});
ALTER MODEL chat_bot ADD VERSION v2 WITH OPTIONS({REMOTE});
ALTER MODEL chat_bot ADD VERSION 2024a WITH OPTIONS({REMOTE});
CREATE MODEL churn WITH VERSION base INPUT(f double) OPTIONS({IMPORT});
ADD USER ALIYUN$alice@example.com;
ADD USER RAM$1234:role/admin;
USE other_project;
CREATE MODEL elsewhere WITH VERSION e1 OPTIONS({REMOTE});
USE my_project;
"""


def _session(catalog_path: str) -> Session:
    options = SessionOptions(catalog_path=catalog_path, user="ALIYUN$tester", project="my_project")
    return Session(options, Console(io.StringIO(), io.StringIO()))


@pytest.fixture(scope="module")
def names(tmp_path_factory):
    session = _session(str(tmp_path_factory.mktemp("catalog") / "catalog.db"))
    assert session.run_script(SCRIPT.splitlines(keepends=True)) == 0, session.console.err.getvalue()
    yield SessionNames(session)
    session.close()


def offered(text: str, names, requested: bool = True) -> list[str]:
    return [s.text for s in suggest(text, names, requested)]


# -- keywords --------------------------------------------------------------------------------
def test_an_empty_statement_offers_every_statement(names):
    assert offered("", names) == [
        "CREATE", "ALTER", "DROP", "DESC", "DESCRIBE", "SHOW", "USE", "WHOAMI", "SET", "HELP", "QUIT", "EXIT",
        "ADD", "REMOVE", "LIST", "GRANT", "REVOKE", "INSERT", "SELECT", "WITH", "TUNNEL",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text, keywords",
    [
        ("SHOW ", ["MODELS", "VERSIONS", "CREATE", "GRANTS", "ACL", "TABLES", "PARTITIONS"]),  # the table's order
        ("GRANT Describe, Alter ", ["ON", "TO"]),  # TO: the words may be roles
        ("REVOKE All ON ", ["MODEL", "TABLE", "PROJECT"]),
        ("GRANT Drop ON MODEL churn ", ["TO"]),
        ("ALTER MODEL churn ", ["ADD", "SET", "DROP"]),
        ("CREATE MODEL m WITH VERSION v ", ["INPUT", "WITH", "OPTIONS", "COMMENT"]),
        ("CREATE MODEL m WITH VERSION v INPUT(a int) WITH ", ["OPTIONS"]),
        ("DESC MODEL churn ", ["VERSION"]),
        ("DROP MODEL ", ["IF"]),  # and the models, below
        ("HELP ALTER ", ["MODEL", "TABLE"]),
        ("WHOAMI; DESC M", ["MODEL"]),
    ],
)
def test_keywords_valid_at_the_cursor(text, keywords, names):
    offered_keywords = [s.text for s in suggest(text, names) if s.kind == "keyword"]
    assert offered_keywords == keywords


def test_a_keyword_started_in_lower_case_completes_in_lower_case(names):
    assert offered("cre", names) == ["create"]
    assert offered("CRE", names) == ["CREATE"]


# -- names from the catalog ----------------------------------------------------------------------
def test_model_names_of_the_current_project(names):
    assert offered("DESC MODEL ", names) == ["chat_bot", "churn"]
    assert offered("DESC MODEL chu", names) == ["churn"]
    assert offered("SHOW CREATE MODEL ch", names) == ["chat_bot", "churn"]
    assert offered("drop model if exists C", names) == ["chat_bot", "churn"]


def test_model_names_of_a_named_project_and_the_public_one_backquoted(names):
    assert offered("DESC MODEL other_project.", names) == ["elsewhere"]
    assert offered("DESC MODEL bigdata_public_modelset.default.qwen3-", names) == []
    assert offered("DESC MODEL bigdata_public_modelset.default.qwen3", names) == [
        "`qwen3-0.6b-gguf`", "`qwen3-1.7b-gguf`", "`qwen3-4b-gguf`", "`qwen3-8b-gguf`",
        "`qwen3-embedding-0.6b-q8_0`", "`qwen3-max`", "`qwen3-vl-8b-instruct`", "`qwen3-vl-embedding`", "`qwen3.7-max`",
    ]  # fmt: skip


def test_a_started_model_name_may_also_be_a_project(names):
    assert offered("DESC MODEL big", names) == ["bigdata_public_modelset"]


def test_a_completion_replaces_the_word_typed_so_far(names):
    (found,) = suggest("DESC MODEL other_project.els", names)
    assert (found.text, found.replace, found.kind) == ("elsewhere", 3, "model")


def test_version_names_of_the_model_being_described_or_altered(names):
    assert offered("DESC MODEL chat_bot VERSION ", names) == ["2024a", "v1", "v2"]
    assert offered("ALTER MODEL chat_bot SET DEFAULT_VERSION = v", names) == ["v1", "v2"]
    assert offered("ALTER MODEL CHAT_BOT DROP VERSION 20", names) == ["2024a"]
    assert offered("ALTER MODEL other_project.elsewhere DROP VERSION ", names) == ["e1"]
    assert offered("ALTER MODEL nope DROP VERSION ", names) == []


def test_privileges_and_members_of_the_current_project(names):
    assert offered("GRANT d", names) == ["Describe", "Drop"]
    assert offered("GRANT Describe, ", names) == [
        "Describe", "Alter", "Drop", "Read", "Write", "CreateTable", "CreateResource", "CreateInstance",
        "CreateFunction", "CreateModel", "List", "All", "Super_Administrator", "Admin",
    ]  # fmt: skip
    assert offered("GRANT All ON MODEL ch", names) == ["chat_bot", "churn"]
    assert offered("GRANT Alter ON MODEL churn TO USER ", names) == [
        "ALIYUN$alice@example.com", "RAM$1234:role/admin",
    ]  # fmt: skip
    assert offered("SHOW GRANTS FOR aliyun$al", names) == ["ALIYUN$alice@example.com"]
    (found,) = suggest("REMOVE USER RAM$1234:ro", names)
    assert (found.text, found.replace, found.kind) == ("RAM$1234:role/admin", 11, "user")
    assert offered("ADD USER ", names) == []  # a new member: nothing to offer


def test_use_offers_projects(names):
    assert offered("USE o", names) == ["other_project"]


def test_names_come_live_from_the_catalog(tmp_path):
    session = _session(str(tmp_path / "catalog.db"))
    live = SessionNames(session)
    assert offered("DESC MODEL ", live) == []

    session.run_script([f"CREATE MODEL fresh WITH VERSION v1 OPTIONS({REMOTE});"])

    assert offered("DESC MODEL ", live) == ["fresh"]
    session.close()


def test_a_catalog_that_cannot_be_read_offers_keywords_only(tmp_path):
    not_a_catalog = tmp_path / "notes.txt"
    not_a_catalog.write_text("not an SQLite file")
    names = SessionNames(_session(str(not_a_catalog)))

    assert offered("DESC MODEL ", names) == []
    assert offered("DESC MODEL x ", names) == ["VERSION"]


def test_at_most_name_limit_names_are_offered_in_order(tmp_path):
    session = _session(str(tmp_path / "catalog.db"))
    script = [f"CREATE MODEL m{i:04d} WITH VERSION v1 OPTIONS({REMOTE});\n" for i in range(NAME_LIMIT + 5)]
    assert session.run_script(script) == 0

    found = suggest("DESC MODEL m", SessionNames(session))

    assert [s.text for s in found if s.kind == "model"] == [f"m{i:04d}" for i in range(NAME_LIMIT)]
    assert [s.text for s in found if s.kind == "project"] == ["my_project"]
    session.close()


# -- inside OPTIONS(...) and INPUT(...) --------------------------------------------------------
def test_option_keys_valid_for_the_source_type_of_the_model_being_altered(names):
    assert offered("ALTER MODEL churn ADD VERSION v2 INPUT(f double) WITH OPTIONS(", names) == [
        "MODEL_SOURCE_TYPE", "MODEL_TYPE", "LOCATION", "ROLEARN",
    ]  # fmt: skip
    assert offered("ALTER MODEL chat_bot ADD VERSION v3 WITH OPTIONS(TASKS='chat', PAI_EAS_", names) == [
        "PAI_EAS_MODEL_NAME", "PAI_EAS_SERVICE_NAME", "PAI_EAS_SYNC_MODE", "PAI_EAS_SYNC_REQUEST_TIMEOUT",
    ]  # fmt: skip


def test_option_keys_follow_the_source_type_given_and_skip_keys_already_given(names):
    start = "CREATE MODEL m WITH VERSION v OPTIONS("
    assert len(offered(start, names)) == 11  # no source type yet: every key
    assert offered(start + "MODEL_SOURCE_TYPE='IMPORT', ", names) == [
        "MODEL_TYPE",
        "LOCATION",
        "ROLEARN",
    ]
    assert offered(start + "model_source_type='remote',\n  model_type='LLM', a", names) == ["apikey"]


@pytest.mark.parametrize(
    "text, values",
    [
        ("CREATE MODEL m WITH VERSION v OPTIONS(MODEL_SOURCE_TYPE=", ["'IMPORT'", "'REMOTE'"]),
        (
            "CREATE MODEL m WITH VERSION v OPTIONS(MODEL_SOURCE_TYPE='REMOTE', MODEL_TYPE=",
            ["'LLM'", "'MLLM'"],
        ),
        (
            "CREATE MODEL m WITH VERSION v OPTIONS(MODEL_TYPE = 'BOOSTED",
            ["'BOOSTED_TREE_REGRESSOR'", "'BOOSTED_TREE_CLASSIFIER'"],
        ),
        (
            "CREATE MODEL m WITH VERSION v OPTIONS(TASKS='",
            ["'text-generation'", "'chat'", "'sentence-embedding'"],
        ),
        ('CREATE MODEL m WITH VERSION v OPTIONS(TASKS="se', ["'sentence-embedding'"]),
        ("CREATE MODEL m WITH VERSION v OPTIONS(PAI_EAS_SYNC_MODE=", ["'true'"]),
        (
            "ALTER MODEL churn ADD VERSION v2 WITH OPTIONS(MODEL_TYPE=",
            ["'BOOSTED_TREE_CLASSIFIER'"],
        ),
        ("CREATE MODEL m WITH VERSION v OPTIONS(ENDPOINT=", []),
    ],
)
def test_enumerated_option_values(text, values, names):
    assert offered(text, names) == values


def test_a_value_replaces_the_quote_and_what_was_typed_in_it(names):
    (found,) = suggest("ALTER MODEL chat_bot ADD VERSION v3 WITH OPTIONS(TASKS = 'ch", names)
    assert (found.text, found.replace) == ("'chat'", 3)


def test_column_types_inside_input(names):
    start = "CREATE MODEL m WITH VERSION v INPUT("
    assert offered(start, names) == []  # a new column's name
    assert offered(start + "f1 bi", names) == ["bigint", "binary"]
    assert offered(start + "f1 DOUBLE, f2 ARRAY<ST", names) == ["STRING", "STRUCT"]
    assert offered(start + "f1 DECIMAL(", names) == []


# -- where nothing is offered --------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["DESC MODEL c -- a comment", "DESC MODEL /* c", "SET odps.sql.", "WHOAMI ", "DESC MODEL 'chu"],
)
def test_nothing_is_offered_in_comments_strings_or_after_a_complete_statement(text, names):
    assert offered(text, names) == []


def test_while_typing_only_a_started_word_is_completed(names):
    assert offered("DESC MODEL ", names, requested=False) == []
    assert offered("DESC MODEL c", names, requested=False) == ["chat_bot", "churn"]


def test_roles_and_the_new_statements_are_offered(tmp_path):
    session = _session(str(tmp_path / "catalog.db"))
    assert session.run_script(["CREATE ROLE Worker;\n", "CREATE ROLE analyst;\n"]) == 0
    live = SessionNames(session)
    assert offered("CREATE ", live) == ["MODEL", "ROLE", "TABLE"]
    assert offered("DROP ", live) == ["MODEL", "ROLE", "TABLE"]
    assert offered("DROP ROLE ", live) == ["Super_Administrator", "Admin", "analyst", "Worker"]
    assert offered("GRANT wo", live) == ["Worker"]
    assert offered("GRANT Describe ON MODEL m TO ", live) == ["ROLE", "USER"]
    assert offered("REVOKE List ON PROJECT p FROM ROLE a", live) == ["Admin", "analyst"]
    assert offered("SHOW GRANTS FOR ", live) == ["ROLE", "USER"]
    assert offered("SHOW ", live) == ["MODELS", "VERSIONS", "CREATE", "GRANTS", "ACL", "TABLES", "PARTITIONS"]
    assert offered("SHOW ACL FOR m ", live) == ["ON"]
    assert offered("LIST ", live) == ["USERS", "ROLES"]
    assert offered("DESCRIBE ROLE s", live) == ["Super_Administrator"]
    session.close()
