"""Every rule of spec section 3, both ways: what MaxCompute accepts runs, what it refuses fails.

Each refusal names the offending token's `[line,col]`; the tables give the offending text and
the test finds its column, so each row reads as the statement and the message a user sees.
"""

from __future__ import annotations

import pytest
from conftest import catalog_rows

IMPORT_OPTIONS = {
    "MODEL_SOURCE_TYPE": "IMPORT",
    "MODEL_TYPE": "BOOSTED_TREE_CLASSIFIER",
    "LOCATION": "oss://oss-cn-shanghai-internal.aliyuncs.com/model-bucket-test/v1/",
    "ROLEARN": "acs:ram::1126123000000000:role/aliyunodpsdefaultrole",
}
REMOTE_OPTIONS = {
    "MODEL_SOURCE_TYPE": "REMOTE",
    "MODEL_TYPE": "LLM",
    "TASKS": "chat",
    "PAI_EAS_MODEL_NAME": "Qwen2.5-Omni-3B",
    "PAI_EAS_SERVICE_NAME": "test_remote_model",
    "ENDPOINT": "http://1126123000000000.cn-shanghai.pai-eas.aliyuncs.com",
    "APIKEY": "f094dc7ec96b4e1a9c3d0b2a7e6f5d4c3b2a1908",
    "PAI_EAS_SYNC_MODE": "true",
}
DROP = object()  # an option value meaning "leave this option out"


def create(model="m", version="v1", inputs="f1 BIGINT", comment=None, base=IMPORT_OPTIONS, **changes) -> str:
    """One line of CREATE MODEL for an IMPORT (or, with base=REMOTE_OPTIONS, REMOTE) model."""
    options = {**base, **changes}
    body = ", ".join(f"{k} = '{v}'" for k, v in options.items() if v is not DROP)
    sql = f"CREATE MODEL {model} WITH VERSION {version}"
    if inputs is not None:
        sql += f" INPUT({inputs})"
    sql += f" OPTIONS({body})"
    if comment is not None:
        sql += f" COMMENT '{comment}'"
    return sql + ";"


def remote(**changes) -> str:
    return create(base=REMOTE_OPTIONS, **changes)


ACCEPTED = [
    ("model name with digits and _", create(model="model_2")),
    ("model name of 128 bytes", create(model="m" * 128)),
    ("version name starting with a digit", create(version="1st")),
    ("version name of 256 bytes", create(version="v" * 256)),
    ("Chinese column name", create(inputs="特征一 BIGINT, f_2 DOUBLE")),
    ("column name of 128 bytes", create(inputs="c" * 128 + " INT")),
    (
        "every simple type",
        create(
            inputs=", ".join(
                f"c{i} {t}"
                for i, t in enumerate(
                    "TINYINT SMALLINT INT BIGINT FLOAT DOUBLE STRING BINARY DATE DATETIME TIMESTAMP "
                    "TIMESTAMP_NTZ BOOLEAN JSON".split()
                )
            )
        ),
    ),  # fmt: skip
    ("decimal bounds", create(inputs="a DECIMAL(38,38), b DECIMAL(1,0), c DECIMAL, d DECIMAL(10)")),
    ("varchar and char bounds", create(inputs="a VARCHAR(1), b VARCHAR(65535), c CHAR(1), d CHAR(255)")),
    ("nested types", create(inputs="a ARRAY<MAP<STRING,STRUCT<x:INT,y:ARRAY<DECIMAL(10,2)>>>>")),
    ("comment of 1024 bytes", create(comment="c" * 1024)),
    ("option keys in any case", create().replace("LOCATION", "location").replace("ROLEARN", "RoleArn")),
    ("MODEL_SOURCE_TYPE in lower case", create(MODEL_SOURCE_TYPE="import")),
    ("BOOSTED_TREE_REGRESSOR", create(MODEL_TYPE="BOOSTED_TREE_REGRESSOR")),
    ("ROLEARN masked by the docs", create(ROLEARN="acs:ram::139******728:role/aliyunodpsdefaultrole")),
    ("LOCATION without a path", create(LOCATION="oss://oss-cn-shanghai-internal.aliyuncs.com/bucket-1")),
    ("bucket of 3 characters", create(LOCATION="oss://oss-cn-shanghai-internal.aliyuncs.com/b-1/x/")),
    ("bucket of 63 characters", create(LOCATION=f"oss://oss-cn-shanghai-internal.aliyuncs.com/{'b' * 63}/x/")),
    ("bucket of digits", create(LOCATION="oss://oss-cn-shanghai-internal.aliyuncs.com/2021/x/")),
    ("endpoint with a port", remote(ENDPOINT="http://eas.example:65535/")),
    # Every URL --public-endpoint takes (mcshell.urls, the one rule): the scheme in any case, IPv6, a user.
    ("endpoint scheme in upper case", remote(ENDPOINT="HTTPS://eas.example.com/api")),
    ("endpoint of an IPv6 address", remote(ENDPOINT="http://[::1]:8080/api")),
    ("endpoint with a user", remote(ENDPOINT="http://user@eas.example.com/api")),
    ("REMOTE without INPUT", remote(inputs=None)),
    ("MLLM", remote(MODEL_TYPE="MLLM")),
    ("each task", remote(TASKS="sentence-embedding")),
    ("text-generation", remote(TASKS="text-generation")),
    ("grouped service name", remote(PAI_EAS_SERVICE_NAME="group.service_name")),
    ("https endpoint masked by the docs", remote(ENDPOINT="https://1*************70.cn-shanghai.pai-eas.aliyuncs.com")),
    ("timeout lower bound", remote(PAI_EAS_SYNC_REQUEST_TIMEOUT="5000")),
    ("timeout upper bound", remote(PAI_EAS_SYNC_REQUEST_TIMEOUT="1800000")),
]


@pytest.mark.parametrize("sql", [sql for _, sql in ACCEPTED], ids=[name for name, _ in ACCEPTED])
def test_accepted(shell, sql):
    run = shell("-e", sql)
    assert (run.stdout, run.stderr, run.status) == ("", "OK\n", 0)


SEMANTIC = "FAILED: ODPS-0130071:[1,{col}] Semantic analysis exception - {message}"

REFUSED = [
    # (what, statement, offending text, message)
    (
        "model name starting with a digit",
        create(model="`1m`"),
        "`1m`",
        "model name '1m' must start with a letter and contain only letters, digits and underscores",
    ),
    (
        "model name with '-'",
        create(model="`a-b`"),
        "`a-b`",
        "model name 'a-b' must start with a letter and contain only letters, digits and underscores",
    ),
    (
        "model name of 129 bytes",
        create(model="m" * 129),
        "m" * 129,
        f"model name '{'m' * 32}...' is 129 bytes; at most 128 bytes are allowed",
    ),
    (
        "version name with '-'",
        create(version="`v-2`"),
        "`v-2`",
        "version name 'v-2' may contain only letters, digits and underscores",
    ),
    (
        "version name of 257 bytes",
        create(version="v" * 257),
        "v" * 257,
        f"version name '{'v' * 32}...' is 257 bytes; at most 256 bytes are allowed",
    ),
    (
        "version name default_version",
        create(version="Default_Version"),
        "Default_Version",
        "version name 'default_version' is reserved",
    ),
    (
        "column name with a space",
        create(inputs="`a b` INT"),
        "`a b`",
        "column name 'a b' may contain only letters, digits, underscores and Chinese characters",
    ),
    (
        "column name of 129 bytes",
        create(inputs="特" * 43 + " INT"),
        "特" * 43,
        f"column name '{'特' * 32}...' is 129 bytes; at most 128 bytes are allowed",
    ),
    ("column given twice", create(inputs="a INT, A STRING"), "A STRING", "column 'a' is given twice in INPUT"),
    (
        "unknown type",
        create(inputs="a STRIN"),
        "STRIN",
        "unknown type 'strin'; allowed: tinyint, smallint, int, bigint, float, double, string, binary, date, "
        "datetime, timestamp, timestamp_ntz, boolean, json, decimal, varchar, char, array, map, struct",
    ),
    ("decimal precision 39", create(inputs="a DECIMAL(39,0)"), "DECIMAL", "decimal precision 39 is out of range 1..38"),
    (
        "decimal scale above precision",
        create(inputs="a DECIMAL(10,11)"),
        "DECIMAL",
        "decimal scale 11 is out of range 0..10",
    ),
    ("varchar without length", create(inputs="a VARCHAR"), "VARCHAR", "type 'varchar' is written varchar(n)"),
    ("varchar 65536", create(inputs="a VARCHAR(65536)"), "VARCHAR", "varchar length 65536 is out of range 1..65535"),
    ("char 256", create(inputs="a CHAR(256)"), "CHAR", "char length 256 is out of range 1..255"),
    ("char 0", create(inputs="a CHAR(0)"), "CHAR", "char length 0 is out of range 1..255"),
    ("parameters on int", create(inputs="a INT(3)"), "INT", "type 'int' takes no parameters"),
    ("array of two", create(inputs="a ARRAY<INT,INT>"), "ARRAY", "type 'array' is written array<T>"),
    ("map of one", create(inputs="a MAP<STRING>"), "MAP", "type 'map' is written map<K,V>"),
    ("struct field twice", create(inputs="a STRUCT<x:INT,X:INT>"), "X:INT", "struct field 'x' is given twice"),
    (
        "comment of 1025 bytes",
        create(comment="é" * 512 + "c"),
        "'éé",
        "comment is 1025 bytes; at most 1024 bytes are allowed",
    ),
    (
        "unknown option",
        create(FOO="x"),
        "FOO",
        "unknown option 'FOO'; allowed: MODEL_SOURCE_TYPE, MODEL_TYPE, LOCATION, ROLEARN, TASKS, PAI_EAS_MODEL_NAME, "
        "PAI_EAS_SERVICE_NAME, ENDPOINT, APIKEY, PAI_EAS_SYNC_MODE, PAI_EAS_SYNC_REQUEST_TIMEOUT",
    ),
    (
        "option given twice",
        create().replace("OPTIONS(", "OPTIONS(location = 'x', "),
        "LOCATION",
        "option 'LOCATION' is given twice",
    ),
    ("empty option value", create(ROLEARN=""), "''", "option 'ROLEARN' must not be empty"),
    ("MODEL_SOURCE_TYPE missing", create(MODEL_SOURCE_TYPE=DROP), "OPTIONS", "option 'MODEL_SOURCE_TYPE' is required"),
    ("MODEL_TYPE missing", create(MODEL_TYPE=DROP), "OPTIONS", "option 'MODEL_TYPE' is required"),
    (
        "unknown source type",
        create(MODEL_SOURCE_TYPE="LOCAL"),
        "'LOCAL'",
        "MODEL_SOURCE_TYPE 'LOCAL' is not allowed; allowed: IMPORT, REMOTE",
    ),
    (
        "INTERNAL_TRAIN, which only MaxFrame creates",
        create(MODEL_SOURCE_TYPE="internal_train"),
        "'internal_train'",
        "MODEL_SOURCE_TYPE 'INTERNAL_TRAIN' cannot be created by SQL: internally trained models are created only "
        "by to_odps_model in MaxFrame",
    ),
    (
        "remote model type on IMPORT",
        create(MODEL_TYPE="LLM"),
        "'LLM'",
        "MODEL_TYPE 'LLM' is not allowed for IMPORT models; allowed: BOOSTED_TREE_REGRESSOR, BOOSTED_TREE_CLASSIFIER",
    ),
    (
        "import model type on REMOTE",
        remote(MODEL_TYPE="BOOSTED_TREE_REGRESSOR"),
        "'BOOSTED_TREE_REGRESSOR'",
        "MODEL_TYPE 'BOOSTED_TREE_REGRESSOR' is not allowed for REMOTE models; allowed: LLM, MLLM",
    ),
    ("IMPORT without INPUT", create(inputs=None), "CREATE", "INPUT is required for IMPORT models"),
    ("IMPORT without LOCATION", create(LOCATION=DROP), "OPTIONS", "option 'LOCATION' is required"),
    ("IMPORT without ROLEARN", create(ROLEARN=DROP), "OPTIONS", "option 'ROLEARN' is required"),
    ("IMPORT with TASKS", create(TASKS="chat"), "TASKS", "option 'TASKS' is not allowed for IMPORT models"),
    ("IMPORT with APIKEY", create(APIKEY="k"), "APIKEY", "option 'APIKEY' is not allowed for IMPORT models"),
    (
        "LOCATION not on OSS",
        create(LOCATION="http://bucket/x"),
        "'http://bucket/x'",
        "LOCATION 'http://bucket/x' is not an OSS path; expected oss://<endpoint>/<bucket>/<path>",
    ),
    *(
        (
            f"bucket {name}",
            create(LOCATION=f"oss://oss-cn-shanghai-internal.aliyuncs.com/{bucket}/x/"),
            "'oss://",
            f"LOCATION 'oss://oss-cn-shanghai-internal.aliyuncs.com/{bucket}/x/': {rule}",
        )
        for name, bucket, rule in [
            ("too short", "ab", "bucket 'ab' is 2 characters long; an OSS bucket name has 3 to 63"),
            ("too long", "b" * 64, f"bucket '{'b' * 64}' is 64 characters long; an OSS bucket name has 3 to 63"),
            (
                "with upper case",
                "Model-Bucket",
                "bucket 'Model-Bucket' holds 'M'; an OSS bucket name has only lowercase letters, digits and "
                "hyphens (-)",
            ),
            (
                "with an underscore",
                "model_bucket",
                "bucket 'model_bucket' holds '_'; an OSS bucket name has only lowercase letters, digits and "
                "hyphens (-)",
            ),
            (
                "ending with a hyphen",
                "model-bucket-",
                "bucket 'model-bucket-' ends with '-'; an OSS bucket name begins and ends with a lowercase "
                "letter or a digit",
            ),
            (
                "starting with a hyphen",
                "-bucket",
                "bucket '-bucket' begins with '-'; an OSS bucket name begins and ends with a lowercase letter "
                "or a digit",
            ),
        ]
    ),
    (
        "LOCATION without a bucket",
        create(LOCATION="oss://oss-cn-shanghai-internal.aliyuncs.com"),
        "'oss://",
        "LOCATION 'oss://oss-cn-shanghai-internal.aliyuncs.com' is not an OSS path; "
        "expected oss://<endpoint>/<bucket>/<path>",
    ),
    (
        "ROLEARN of another shape",
        create(ROLEARN="arn:aws:iam::1:role/r"),
        "'arn:aws",
        "ROLEARN 'arn:aws:iam::1:role/r' is not a RAM role ARN; expected acs:ram::<account>:role/<role>",
    ),
    (
        "REMOTE with LOCATION",
        remote(LOCATION="oss://e/bkt/"),
        "LOCATION",
        "option 'LOCATION' is not allowed for REMOTE models",
    ),
    (
        "REMOTE with ROLEARN",
        remote(ROLEARN="acs:ram::1:role/r"),
        "ROLEARN",
        "option 'ROLEARN' is not allowed for REMOTE models",
    ),
    (
        "unknown task",
        remote(TASKS="summarize"),
        "'summarize'",
        "TASKS 'summarize' is not allowed; allowed: text-generation, chat, sentence-embedding",
    ),
    (
        "service name of three parts",
        remote(PAI_EAS_SERVICE_NAME="a.b.c"),
        "'a.b.c'",
        "PAI_EAS_SERVICE_NAME 'a.b.c' is not a service name; expected <service> or <group>.<service>",
    ),
    (
        "endpoint not http",
        remote(ENDPOINT="ftp://host"),
        "'ftp://host'",
        "ENDPOINT 'ftp://host' is not an http:// or https:// URL",
    ),
    (
        "endpoint without a scheme",
        remote(ENDPOINT="1234.cn-shanghai.pai-eas.aliyuncs.com"),
        "'1234.cn",
        "ENDPOINT '1234.cn-shanghai.pai-eas.aliyuncs.com' is not an http:// or https:// URL",
    ),
    (
        "endpoint port out of range",
        remote(ENDPOINT="http://eas.example:99999"),
        "'http://eas.example:99999'",
        "ENDPOINT 'http://eas.example:99999': port 99999 is out of range (1-65535)",
    ),
    (
        "endpoint port 0",
        remote(ENDPOINT="http://eas.example:0/"),
        "'http://eas.example:0/'",
        "ENDPOINT 'http://eas.example:0/': port 0 is out of range (1-65535)",
    ),
    (
        "sync mode false",
        remote(PAI_EAS_SYNC_MODE="false"),
        "'false'",
        # Written after APIKEY, as the docs write it: a string after the key is masked in the error.
        "PAI_EAS_SYNC_MODE '********' is not allowed; allowed: true",
    ),
    (
        "timeout too small",
        remote(PAI_EAS_SYNC_REQUEST_TIMEOUT="4999"),
        "'4999'",
        "PAI_EAS_SYNC_REQUEST_TIMEOUT '********' must be a whole number of milliseconds "
        "from 5000 to 1800000 (default 5000)",
    ),
    (
        "timeout too large",
        remote(PAI_EAS_SYNC_REQUEST_TIMEOUT="1800001"),
        "'1800001'",
        "PAI_EAS_SYNC_REQUEST_TIMEOUT '********' must be a whole number of milliseconds "
        "from 5000 to 1800000 (default 5000)",
    ),
    (
        "timeout not a number",
        remote(PAI_EAS_SYNC_REQUEST_TIMEOUT="5s"),
        "'5s'",
        "PAI_EAS_SYNC_REQUEST_TIMEOUT '5s' must be a whole number of milliseconds from 5000 to 1800000 (default 5000)",
    ),
]

for _name in ("TASKS", "PAI_EAS_MODEL_NAME", "PAI_EAS_SERVICE_NAME", "ENDPOINT", "APIKEY", "PAI_EAS_SYNC_MODE"):
    REFUSED.append((f"REMOTE without {_name}", remote(**{_name: DROP}), "OPTIONS", f"option '{_name}' is required"))


@pytest.mark.parametrize("sql, offending, message", [row[1:] for row in REFUSED], ids=[row[0] for row in REFUSED])
def test_refused(shell, catalog, sql, offending, message):
    shell("-e", "WHOAMI")
    run = shell("-e", sql)
    col = sql.index(offending) + 1
    assert (run.stdout, run.stderr, run.status) == ("", SEMANTIC.format(col=col, message=message) + "\n", 1)
    assert shell("-e", "SHOW MODELS").stdout.count("\n") == 4  # still no model


@pytest.mark.parametrize(
    "sql, warning",
    [
        (create(LOCATION="oss://oss-cn-shanghai.aliyuncs.com/bkt/x/"),
         "WARNING: LOCATION endpoint 'oss-cn-shanghai.aliyuncs.com' is not an internal OSS endpoint "
         "(...-internal.aliyuncs.com); MaxCompute supports only internal endpoints"),
        (remote(ENDPOINT="http://1126.vpc.cn-shanghai.pai-eas.aliyuncs.com"),
         "WARNING: ENDPOINT host '1126.vpc.cn-shanghai.pai-eas.aliyuncs.com' looks like a VPC or internal EAS "
         "endpoint; MaxCompute supports only public EAS endpoints"),
        (remote(ENDPOINT="HTTP://user@EAS-VPC.example.com:8080/api"),
         "WARNING: ENDPOINT host 'eas-vpc.example.com' looks like a VPC or internal EAS "
         "endpoint; MaxCompute supports only public EAS endpoints"),
    ],
)  # fmt: skip
def test_accepted_with_a_warning(shell, sql, warning):
    run = shell("-e", sql)
    assert (run.stdout, run.stderr, run.status) == ("", f"{warning}\nOK\n", 0)


def test_add_version_may_repeat_the_models_source_and_model_type(shell):
    shell("-e", create())
    sql = (
        create()
        .replace("CREATE MODEL m WITH VERSION v1", "ALTER MODEL m ADD VERSION v2")
        .replace("OPTIONS(", "WITH OPTIONS(")
    )
    run = shell("-e", sql.replace("'IMPORT'", "'import'"))
    assert (run.stderr, run.status) == ("OK\n", 0)


def test_add_version_with_another_model_type_is_refused(shell):
    shell("-e", create())
    sql = create(MODEL_TYPE="BOOSTED_TREE_REGRESSOR").replace(
        "CREATE MODEL m WITH VERSION v1", "ALTER MODEL m ADD VERSION v2"
    )
    run = shell("-e", sql)
    col = sql.index("'BOOSTED_TREE_REGRESSOR'") + 1
    assert (
        run.stderr
        == SEMANTIC.format(
            col=col,
            message="MODEL_TYPE 'BOOSTED_TREE_REGRESSOR' does not match "
            "the model's MODEL_TYPE 'BOOSTED_TREE_CLASSIFIER'",
        )
        + "\n"
    )


def test_add_version_to_a_remote_model_checks_the_remote_rules(shell):
    shell("-e", remote())
    sql = "ALTER MODEL m ADD VERSION v2 WITH OPTIONS(TASKS = 'chat');"
    run = shell("-e", sql)
    assert (
        run.stderr
        == SEMANTIC.format(col=sql.index("WITH") + 1, message="option 'PAI_EAS_MODEL_NAME' is required") + "\n"
    )


def test_types_are_shown_in_lower_case(shell):
    shell("-e", create(inputs="a ARRAY<MAP<STRING,STRUCT<X:INT,y:DECIMAL(10,2)>>>, B VARCHAR(20)"))
    lines = shell("-e", "DESC MODEL m").stdout.splitlines()
    assert "| a               | array<map<string,struct<x:int,y:decimal(10,2)>>> | " + " " * 51 + " |" in lines
    assert "| b               | varchar(20) | " + " " * 51 + " |" in lines


def test_add_version_refuses_internal_train_with_the_documented_reason(shell, catalog):
    shell("-e", create())
    before = catalog_rows(catalog)
    sql = create(MODEL_SOURCE_TYPE="INTERNAL_TRAIN").replace(
        "CREATE MODEL m WITH VERSION v1", "ALTER MODEL m ADD VERSION v2"
    )
    run = shell("-e", sql)
    message = (
        "MODEL_SOURCE_TYPE 'INTERNAL_TRAIN' cannot be created by SQL: internally trained models are created only "
        "by to_odps_model in MaxFrame"
    )
    assert (run.stderr, run.status) == (
        SEMANTIC.format(col=sql.index("'INTERNAL_TRAIN'") + 1, message=message) + "\n",
        1,
    )
    assert catalog_rows(catalog) == before
