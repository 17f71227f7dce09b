"""`mcshell pull` against `mcshell serve --accounts`, with the real pyodps as the client: a
"production" catalog built with the CLI is served, pulled into an empty local catalog, and the two
compare equal (read_project and dump), secrets aside; a pull that fails writes nothing."""

from __future__ import annotations

import dataclasses
import io
import os

import pytest

from mcshell.catalog.records import PullRecord
from mcshell.catalog.snapshot import ProjectState, read_project, replace_project
from mcshell.catalog.store import Catalog
from mcshell.errors import RemoteLost, UnreadableAnswer
from mcshell.output.console import Console
from mcshell.remote.client import Remote
from mcshell.remote.pull import pull_project
from mcshell.remote.read_models import read_models
from mcshell.remote.read_tables import read_tables
from mcshell.remote.target import Target
from mcshell.serve import serving
from mcshell.serve.auth import load_accounts
from remote.standins import UnknownType

OWNER, ALICE, BOB = "ALIYUN$owner@example.com", "ALIYUN$alice@example.com", "RAM$1234:bob"
OWNER_ID, OWNER_SECRET = "owner-id", "owner-Secret-0a1b2c3d"
ALICE_ID, ALICE_SECRET = "alice-id", "alice-Secret-4e5f6a7b"
APIKEY = "f094dc7ec96b4e1a9c3d0b2a7e6f5d4c"
OSS = "oss://oss-cn-shanghai-internal.aliyuncs.com/bkt"
ROLEARN = "acs:ram::1126123000000000:role/aliyunodpsdefaultrole"
EAS = "http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com"
NOW = "2026-12-07 14:00:00"

# Models of every source and model type; versions CREATE MODEL made (upper-case keys) and ADD VERSION
# made (lower case); a default version moved; a first version dropped; comments with unicode and `|`,
# and none; a REMOTE model with an APIKEY; members, a role, an Admin and grants (read by read_access).
PRODUCTION = f"""
CREATE MODEL churn WITH VERSION v1 INPUT(f1 BIGINT, f2 DOUBLE)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = '{OSS}/churn/v1/',
        ROLEARN = '{ROLEARN}')
COMMENT 'churn | Abwanderung – 流失';
ALTER MODEL churn ADD VERSION v2 INPUT(f1 BIGINT, f2 DOUBLE, f3 STRING)
WITH OPTIONS(LOCATION = '{OSS}/churn/v2/', ROLEARN = '{ROLEARN}') COMMENT 'v2: one more column';
ALTER MODEL churn SET DEFAULT_VERSION v2;
CREATE MODEL price WITH VERSION v1 INPUT(area DOUBLE, rooms INT)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_REGRESSOR', LOCATION = '{OSS}/price/v1/',
        ROLEARN = '{ROLEARN}');
ALTER MODEL price ADD VERSION v2 INPUT(area DOUBLE, rooms INT)
WITH OPTIONS(LOCATION = '{OSS}/price/v2/', ROLEARN = '{ROLEARN}');
ALTER MODEL price ADD VERSION v3 INPUT(area DOUBLE)
WITH OPTIONS(LOCATION = '{OSS}/price/v3/', ROLEARN = '{ROLEARN}');
ALTER MODEL price SET DEFAULT_VERSION v3;
ALTER MODEL price DROP VERSION v1;
CREATE MODEL writer WITH VERSION v1 INPUT(prompt STRING)
OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'LLM', TASKS = 'chat', PAI_EAS_MODEL_NAME = 'Qwen3-8B',
        PAI_EAS_SERVICE_NAME = 'writer_svc', ENDPOINT = '{EAS}', APIKEY = '{APIKEY}', PAI_EAS_SYNC_MODE = 'true')
COMMENT 'writes slogans';
ALTER MODEL writer ADD VERSION v2 INPUT(prompt STRING)
WITH OPTIONS(TASKS = 'text-generation', PAI_EAS_MODEL_NAME = 'Qwen3-8B', PAI_EAS_SERVICE_NAME = 'grp.writer',
             ENDPOINT = '{EAS}', APIKEY = 'short-key', PAI_EAS_SYNC_MODE = 'true',
             PAI_EAS_SYNC_REQUEST_TIMEOUT = '60000');
CREATE MODEL omni WITH VERSION v1 INPUT(data BINARY, prompt STRING)
OPTIONS(MODEL_SOURCE_TYPE = 'REMOTE', MODEL_TYPE = 'MLLM', TASKS = 'text-generation',
        PAI_EAS_MODEL_NAME = 'Qwen2.5-Omni-3B', PAI_EAS_SERVICE_NAME = 'omni', ENDPOINT = '{EAS}',
        APIKEY = '{APIKEY[::-1]}', PAI_EAS_SYNC_MODE = 'true')
COMMENT '';
ADD USER {ALICE};
ADD USER {BOB};
CREATE ROLE Reader;
GRANT Describe ON MODEL churn TO ROLE reader;
GRANT List ON PROJECT sales TO ROLE reader;
GRANT reader TO {BOB};
GRANT Admin TO {BOB};
GRANT CreateModel, List ON PROJECT sales TO USER {ALICE};
GRANT Describe, Alter ON MODEL writer TO USER {ALICE};
CREATE TABLE customers (id BIGINT NOT NULL COMMENT 'customer id', age INT, spend DECIMAL(10,2),
    profile STRUCT<city:STRING, zip:INT>, tags ARRAY<STRING>)
COMMENT 'churn | features – 流失' PARTITIONED BY (dt STRING COMMENT 'snapshot day', region STRING) LIFECYCLE 30;
ALTER TABLE customers ADD PARTITION (dt = '20261201', region = 'hz') PARTITION (dt = '20261202', region = 'sh');
ALTER TABLE customers ADD COLUMNS (visits BIGINT COMMENT 'visits in 30 days');
CREATE TABLE sample (id BIGINT, score DOUBLE);
CREATE TABLE every_type (a TINYINT, b SMALLINT, c FLOAT, d DATE, e DATETIME, f TIMESTAMP, g BOOLEAN, h BINARY,
    i CHAR(3), j VARCHAR(5), k MAP<STRING,ARRAY<INT>>, l DECIMAL, m JSON, n TIMESTAMP_NTZ,
    o STRUCT<x:STRUCT<y:INT>, z:ARRAY<STRING>>, p DECIMAL(38,18)) PARTITIONED BY (q BIGINT, r TINYINT);
ALTER TABLE every_type ADD PARTITION (q = 5, r = 3);
GRANT Describe, Select ON TABLE customers TO USER {ALICE};
GRANT Describe ON TABLE sample TO ROLE reader;
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production catalog, served with --accounts; (endpoint url, catalog path)."""
    from click.testing import CliRunner

    from mcshell.cli import main

    folder = tmp_path_factory.mktemp("production")
    catalog = folder / "production.db"
    made = CliRunner().invoke(main, ["--catalog", str(catalog), "--user", OWNER, "--project", "sales", "-f", "-"],
                              input=PRODUCTION)  # fmt: skip
    assert made.exit_code == 0, made.stderr
    accounts_file = folder / "accounts.ini"
    callers = ((OWNER_ID, OWNER_SECRET, OWNER), (ALICE_ID, ALICE_SECRET, ALICE))
    accounts_file.write_text("".join(f"[{i}]\nsecret = {secret}\nuser = {user}\n\n" for i, secret, user in callers))
    os.chmod(accounts_file, 0o600)
    accounts = load_accounts(str(accounts_file))
    with serving(str(catalog), user=OWNER, project="sales", accounts=accounts,
                 log=Console(io.StringIO(), io.StringIO())) as endpoint:  # fmt: skip
        yield endpoint.url, catalog


def remote_for(url: str) -> Remote:
    return Remote(Target(url, "sales", OWNER_ID, OWNER_SECRET))


def state_of(path) -> ProjectState:
    catalog = Catalog.open_reading(str(path), NOW)
    try:
        with catalog.transaction(write=False):
            state = read_project(catalog, "sales")
    finally:
        catalog.close()
    assert state is not None
    return state


def without_apikeys(state: ProjectState) -> ProjectState:
    """The state with every APIKEY as DESC shows it (production keeps them whole; a pull cannot)."""
    from mcshell.output.masking import mask_secret

    def masked(version):
        options = {key: mask_secret(value) if key == "APIKEY" else value for key, value in version.options.items()}
        return dataclasses.replace(version, options=options)

    models = tuple(dataclasses.replace(m, versions=tuple(masked(v) for v in m.versions)) for m in state.models)
    return dataclasses.replace(state, models=models)


def pull_models(url: str, production_path, local_path) -> ProjectState:
    """The models and tables of a pull, written with production's own members, roles and grants: the
    reads of models and tables, held apart from those of access (test_read_access.py reads those)."""
    remote = remote_for(url)
    owner, created = remote.project_info()
    access = state_of(production_path)
    models = read_models(remote, "sales")
    state = dataclasses.replace(access, models=models, tables=read_tables(remote, "sales"))
    assert (owner, created) == (access.project.owner, access.project.create_time)
    catalog = Catalog.open(str(local_path), NOW)
    try:
        replace_project(catalog, state, PullRecord(url, remote.whoami(), NOW))
    finally:
        catalog.close()
    return state


def test_the_models_pulled_are_the_production_models_secrets_aside(production, tmp_path, mcshell):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    assert state_of(local) == without_apikeys(state_of(production_path))
    dumped = mcshell("dump", catalog_path=local)
    assert dumped == mcshell("dump", catalog_path=production_path)
    assert dumped.status == 0 and "ALTER MODEL churn ADD VERSION v2" in dumped.stdout


def test_no_apikey_or_access_key_is_in_the_pulled_catalog(production, tmp_path):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("local.db*"))
    for secret in (APIKEY, APIKEY[::-1], "short-key", OWNER_SECRET, OWNER_ID):
        assert secret.encode() not in stored


def test_whoami_shows_where_when_and_as_whom_a_project_was_pulled(production, tmp_path, mcshell):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    whoami = mcshell("--user", ALICE, "--project", "sales", "-e", "WHOAMI", catalog_path=local)
    assert whoami.stdout == f"Name: {ALICE}\nProject: sales\nPulled: {url} at {NOW} as {OWNER}\n"
    other = mcshell("--user", ALICE, "--project", "other", "-e", "WHOAMI", catalog_path=local)
    assert other.stdout == f"Name: {ALICE}\nProject: other\n"


def test_a_second_pull_replaces_the_first_whole(production, tmp_path):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    catalog = Catalog.open(str(local), NOW)
    try:
        with catalog.transaction(write=True):
            catalog.db.execute("UPDATE models SET comment = 'changed here' WHERE name = 'churn'")
        pull_models(url, production_path, local)
        assert catalog.pull_record("sales") == PullRecord(url, OWNER, NOW)
    finally:
        catalog.close()
    assert state_of(local) == without_apikeys(state_of(production_path))


def test_invoke_on_a_version_pulled_with_a_masked_apikey_says_the_key_is_not_known(production, tmp_path, mcshell):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    query = "SELECT AI_GENERATE(writer, DEFAULT_VERSION, 'Write a slogan') AS answer"
    run = mcshell("--project", "sales", "--user", OWNER, "--invoke", "-e", query, catalog_path=local)
    assert run.status == 1
    assert run.stderr.startswith("FAILED: ODPS-0123131")
    assert "its APIKEY ********5d4c was pulled (or restored from a dump) masked" in run.stderr
    assert APIKEY not in run.stderr + run.stdout


# -- faults: nothing is written -----------------------------------------------------------------
class Failing(Remote):
    """The real client, with one answer changed: the n-th DESC fails or comes back broken."""

    def __init__(self, target: Target, at: int, change):
        super().__init__(target)
        self.at, self.change, self.count = at, change, 0

    def sql(self, text, hints=None):
        answer = super().sql(text, hints)
        self.count += 1
        return self.change(answer) if self.count == self.at else answer


def lost(answer: str) -> str:
    raise RemoteLost("DESC MODEL: ConnectionError: the server went away")


def snapshot_bytes(tmp_path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(tmp_path.glob("local.db*")))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lost, RemoteLost),
        (lambda answer: answer.replace("| Owner:", "| Owner ", 1), UnreadableAnswer),
        (lambda answer: answer.replace("IMPORT ", "REMOTE ", 1), UnreadableAnswer),
    ],
)
def test_a_read_that_fails_after_some_models_leaves_the_old_snapshot_whole(production, tmp_path, change, error):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    before, state = snapshot_bytes(tmp_path), state_of(local)
    catalog = Catalog.open(str(local), NOW)
    try:
        with pytest.raises(error):
            pull_project(Failing(Target(url, "sales", OWNER_ID, OWNER_SECRET), 2, change), catalog, "later")
    finally:
        catalog.close()
    assert state_of(local) == state
    assert snapshot_bytes(tmp_path) == before


def test_a_malformed_desc_box_names_the_request_and_its_line(production):
    url, _ = production
    remote = Failing(Target(url, "sales", OWNER_ID, OWNER_SECRET), 1, lambda a: a.replace("| Owner:", "| Owner ", 1))
    with pytest.raises(UnreadableAnswer) as raised:
        read_models(remote, "sales")
    assert raised.value.line == (
        "the answer to DESC MODEL churn VERSION v1; could not be read at line 4: "
        f"'| Owner{' ' * 21}{OWNER:<56} |': expected a 'Label: value' row"
    )


def test_an_unknown_model_type_in_the_listing_is_refused(production):
    url, _ = production
    with pytest.raises(UnreadableAnswer, match="unknown modelType 'DEEP_FOREST' for sourceType 'IMPORT'"):
        read_models(UnknownType(Target(url, "sales", OWNER_ID, OWNER_SECRET)), "sales")


class Twice(Remote):
    """A listing that names a model, or a version, twice."""

    def __init__(self, target, listing):
        super().__init__(target)
        self.listing = listing

    def catalog_json(self, path, params=None):
        answer = super().catalog_json(path, params)
        if path == self.listing:
            answer["models"].append(dict(answer["models"][0]))
        return answer


@pytest.mark.parametrize(
    ("listing", "message"),
    [("", "GET models could not be read at line 1: .*'modelName' 'churn' is listed twice"),
     ("churn:listVersions",
      "GET models/churn:listVersions could not be read at line 1: .*'versionName' 'v1' is listed twice")],
)  # fmt: skip
def test_a_name_listed_twice_is_an_answer_not_read(production, listing, message):
    url, _ = production
    with pytest.raises(UnreadableAnswer, match=message):
        read_models(Twice(Target(url, "sales", OWNER_ID, OWNER_SECRET), listing), "sales")


class LeakyListing(Remote):
    """A version listing with an APIKEY whole in it and no versionName: refused, the key masked."""

    def catalog_json(self, path, params=None):
        answer = super().catalog_json(path, params)
        if path.endswith(":listVersions"):
            answer["models"][0] = {"options": {"APIKEY": APIKEY}}
        return answer


def test_a_listing_it_cannot_read_is_quoted_with_its_apikey_masked(production):
    url, _ = production
    with pytest.raises(UnreadableAnswer) as raised:
        read_models(LeakyListing(Target(url, "sales", OWNER_ID, OWNER_SECRET)), "sales")
    assert raised.value.line == (
        "the answer to GET models/churn:listVersions could not be read at line 1: "
        """'{"options": {"APIKEY": "********5d4c"}}': no 'versionName'"""
    )


class Paged(Remote):
    """The listings cut into pages of one item, chained by nextPageToken, as the service pages them."""

    def catalog_json(self, path, params=None):
        answer = super().catalog_json(path)
        items = answer["models"]
        at = int((params or {}).get("pageToken", "0"))
        self.pages = getattr(self, "pages", 0) + 1
        following = str(at + 1) if at + 1 < len(items) else ""
        return {"models": items[at : at + 1], "nextPageToken": following}


def test_every_page_of_every_listing_is_read(production):
    url, production_path = production
    remote = Paged(Target(url, "sales", OWNER_ID, OWNER_SECRET))
    assert read_models(remote, "sales") == without_apikeys(state_of(production_path)).models
    assert remote.pages == 4 + (2 + 2 + 2 + 1)  # the models' pages, then each model's versions' pages


# -- the command ----------------------------------------------------------------------------------
def environment(url: str) -> dict[str, str]:
    return {
        "ODPS_ENDPOINT": url,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": OWNER_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": OWNER_SECRET,
    }


def test_pull_round_trip_through_the_command(production, tmp_path, mcshell):
    """The issue's first test: pull into an empty catalog; dump of both identical, secrets aside."""
    url, production_path = production
    local = tmp_path / "local.db"
    run = mcshell("--project", "sales", "pull", catalog_path=local, env=environment(url))
    assert (run.stdout, run.status) == ("", 0)
    assert run.stderr.startswith(
        f"pulled 4 models, 7 versions, 3 tables, 2 members, 1 role, 9 grants from {url} project sales in "
    )
    assert state_of(local) == without_apikeys(state_of(production_path))
    assert state_of(local).builtin_holders == (("admin", BOB),)
    dumped = mcshell("dump", catalog_path=local)
    assert dumped == mcshell("dump", catalog_path=production_path)
    assert f"GRANT Admin, Reader TO {BOB};" in dumped.stdout
    assert OWNER_SECRET not in run.stderr and APIKEY not in run.stderr


def test_grants_kept_for_a_removed_user_are_not_in_the_pulled_snapshot(production, tmp_path):
    """No security query shows them (docs/remote.md): the remote's state is what the queries
    show, so a pull drops those the local snapshot kept."""
    from click.testing import CliRunner

    from mcshell.cli import main

    url, production_path = production
    local = tmp_path / "local.db"
    gone = "RAM$1234:gone"
    script = f"ADD USER {gone};\nGRANT Write ON PROJECT sales TO {gone};\nREMOVE USER {gone};\n"
    made = CliRunner().invoke(main, ["--catalog", str(local), "--user", OWNER, "--project", "sales", "-f", "-"],
                              input=script)  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert [row.grantee for row in state_of(local).grants] == [gone]
    catalog = Catalog.open(str(local), NOW)
    try:
        pull_project(remote_for(url), catalog, NOW)
    finally:
        catalog.close()
    assert state_of(local) == without_apikeys(state_of(production_path))
    assert gone not in {row.grantee for row in state_of(local).grants}


def test_a_wrong_key_fails_and_writes_nothing(production, tmp_path, mcshell):
    url, _ = production
    local = tmp_path / "local.db"
    wrong = {**environment(url), "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong-Secret-99"}
    run = mcshell("--project", "sales", "pull", catalog_path=local, env=wrong)
    assert run.status == 1 and run.stderr.startswith("FAILED: ") and run.stderr.count("\n") == 1
    assert "wrong-Secret-99" not in run.stderr and OWNER_ID not in run.stderr
    assert list(tmp_path.iterdir()) == []  # a first pull that fails makes no catalog file


def test_a_failed_pull_leaves_an_empty_catalog_file_empty_and_a_catalog_s_bytes_as_they_were(production, tmp_path):
    """A catalog not made yet (an empty file, as `touch` makes one) is made only once every read
    succeeded; one already there is opened first, and left whole."""
    from click.testing import CliRunner

    from mcshell.cli import main

    url, production_path = production
    wrong = {**environment(url), "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong-Secret-99"}
    empty, made = tmp_path / "empty.db", tmp_path / "made.db"
    empty.touch()
    assert CliRunner().invoke(main, ["--catalog", str(made), "-e", "CREATE ROLE r;"]).exit_code == 0
    before = made.read_bytes()
    for path in (empty, made):
        run = CliRunner().invoke(main, ["--catalog", str(path), "--project", "sales", "pull"], env=wrong)
        assert run.exit_code == 1 and run.stderr.startswith("FAILED: ODPS-0010000: Remote error - SignatureNotMatch")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty.db", "made.db"]
    assert (empty.read_bytes(), made.read_bytes()) == (b"", before)


def test_a_user_without_describe_on_a_model_gets_the_service_s_line_and_nothing_is_written(
    production, tmp_path, mcshell
):
    url, _ = production
    local = tmp_path / "local.db"
    alice = {
        **environment(url),
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ALICE_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ALICE_SECRET,
    }
    run = mcshell("--project", "sales", "pull", catalog_path=local, env=alice)
    assert (run.stdout, run.status) == ("", 1)
    assert run.stderr == (
        "FAILED: ODPS-0130013:Authorization exception - Authorization Failed [4019], You have NO privilege "
        "'odps:Describe' on {acs:odps:*:projects/sales/models/churn}. --->Tips: CurrentProject:sales; "
        f"Principal:{ALICE};\n"
    )
    assert state_of_or_none(local) is None


def state_of_or_none(path) -> ProjectState | None:
    if not path.exists():
        return None
    catalog = Catalog.open_reading(str(path), NOW)
    try:
        with catalog.transaction(write=False):
            return read_project(catalog, "sales")
    finally:
        catalog.close()


def test_pull_without_a_target_is_a_usage_error(mcshell):
    run = mcshell("pull", env={"ODPS_ENDPOINT": ""})
    assert run.status == 2


@pytest.mark.parametrize("command", [["pull"], ["plan", "-e", "WHOAMI;"], ["apply", "--yes", "-e", "WHOAMI;"]])
def test_the_public_project_is_not_pulled(mcshell, command):
    run = mcshell("--project", "bigdata_public_modelset", *command, env=environment("http://127.0.0.1:9/api"))
    assert run.status == 2
    assert run.stderr.splitlines()[-1] == (
        "Error: the public project bigdata_public_modelset is not pulled, planned or applied: every catalog holds it"
    )


# -- tables -----------------------------------------------------------------------------------------
class ChangedTable(Remote):
    """The real client, with one table's answer changed."""

    def __init__(self, target: Target, name: str, change):
        super().__init__(target)
        self.name, self.change = name, change

    def table(self, name):
        answer = super().table(name)
        return self.change(answer) if name == self.name else answer


def changed_column(answer, type_text):
    columns = (*answer.columns[:1], dataclasses.replace(answer.columns[1], type=type_text))
    return dataclasses.replace(answer, columns=columns)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda answer: dataclasses.replace(answer, type="VIRTUAL_VIEW"),
         "the answer to GET tables/sample could not be read at line 1: 'Type: VIRTUAL_VIEW': a table type pull "
         "does not read (only MANAGED_TABLE)"),
        (lambda answer: changed_column(answer, "geography"),
         "the answer to GET tables/sample could not be read at line 3: '    score geography': unknown type "
         "'geography'; allowed: tinyint, smallint, int, bigint, float, double, string, binary, date, datetime, "
         "timestamp, timestamp_ntz, boolean, json, decimal, varchar, char, array, map, struct"),
        (lambda answer: changed_column(answer, "decimal(40,2)"),
         "the answer to GET tables/sample could not be read at line 3: '    score decimal(40,2)': decimal precision "
         "40 is out of range 1..38"),
    ],
)  # fmt: skip
def test_a_table_pull_cannot_read_is_refused_naming_its_request_and_nothing_is_written(
    production, tmp_path, change, message
):
    url, production_path = production
    local = tmp_path / "local.db"
    pull_models(url, production_path, local)
    before = snapshot_bytes(tmp_path)
    catalog = Catalog.open(str(local), NOW)
    try:
        with pytest.raises(UnreadableAnswer) as raised:
            pull_project(ChangedTable(Target(url, "sales", OWNER_ID, OWNER_SECRET), "sample", change), catalog, NOW)
    finally:
        catalog.close()
    assert raised.value.line == message
    assert snapshot_bytes(tmp_path) == before


def test_a_pull_replaces_the_project_s_tables_whole(production, tmp_path, mcshell):
    """A table only the local catalog has goes, and a pulled table is the remote's, schema,
    partitions and grants: the local changes to it are gone."""
    url, production_path = production
    local = tmp_path / "local.db"
    script = "CREATE TABLE scratch (id BIGINT); CREATE TABLE customers (id STRING);"
    made = mcshell("--user", OWNER, "--project", "sales", "-e", script, catalog_path=local)
    assert made.status == 0
    catalog = Catalog.open(str(local), NOW)
    try:
        pull_project(remote_for(url), catalog, NOW)
    finally:
        catalog.close()
    assert state_of(local).tables == state_of(production_path).tables
    assert [table.table.name for table in state_of(local).tables] == ["customers", "every_type", "sample"]
    assert state_of(local).table_grants == state_of(production_path).table_grants != ()


def upload_rows(catalog, table: str, csv: str, tmp_path) -> None:
    """Local rows in `table` of the catalog's project sales, through tunnel upload."""
    from click.testing import CliRunner

    from mcshell.cli import main

    data = tmp_path / f"{table}.csv"
    data.write_text(csv)
    made = CliRunner().invoke(main, ["--catalog", str(catalog), "--user", OWNER, "--project", "sales", "-e",
                                     f"tunnel upload {data} {table};"])  # fmt: skip
    assert made.exit_code == 0, made.output


def test_a_pull_that_drops_local_rows_says_which_tables_held_them(production, tmp_path):
    """The summary's second line, when the old snapshot's tables held local rows."""
    from mcshell.cli import _pull
    from mcshell.session import SessionOptions

    url, _ = production
    local = tmp_path / "local.db"
    options = SessionOptions(catalog_path=str(local), user=OWNER, project="sales")
    target = Target(url, "sales", OWNER_ID, OWNER_SECRET)
    assert int(_pull(options, target, lambda: remote_for(url), Console(io.StringIO(), io.StringIO()))) == 0
    upload_rows(local, "sample", "1,0.5\n2,0.25\n", tmp_path)
    err = io.StringIO()
    status = _pull(options, target, lambda: remote_for(url), Console(io.StringIO(), err))
    assert int(status) == 0, err.getvalue()
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("pulled 4 models, 7 versions, 3 tables, 2 members, 1 role, 9 grants from ")
    assert lines[1:] == ["the local rows of 1 table were dropped (sample): a pull brings no rows"]
    err = io.StringIO()
    assert int(_pull(options, target, lambda: remote_for(url), Console(io.StringIO(), err))) == 0
    assert len(err.getvalue().splitlines()) == 1  # the rows went with the first pull
