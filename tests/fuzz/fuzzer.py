"""Fuzzing mcshell: inputs made from the documented statements, run in-process, judged by one oracle.

Shared by the hypothesis tests beside this file and by `scripts/fuzz`, which runs this module:

    python tests/fuzz/fuzzer.py --inputs 100000 --seed 1

Every input must end as OK or a FAILED line: never a traceback, never an internal error
(ODPS-0010000 "System internal error" on a healthy catalog is an mcshell bug caught by the
session's last-resort handler; with debug on, that handler prints the traceback we count).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from mcshell.output.console import Console  # noqa: E402
from mcshell.session import Session, SessionOptions  # noqa: E402
from mcshell.sql.source import decode_lines  # noqa: E402
from mcshell.sql.splitter import split_statements  # noqa: E402

USER = "ALIYUN$fuzz@example.com"
PROJECT = "fuzz_project"

# -- the seeds: every statement of the transcripts and of the ALTER MODEL page --------------------
_STATEMENT_START = re.compile(r"(CREATE|ALTER|DESC|DESCRIBE|DROP|SHOW|USE|SET|HELP|WHOAMI)\b")


def _script_statements(folder: str) -> list[str]:
    """The statements of every .sql file in tests/data/<folder>, cut as mcshell cuts them."""
    statements = []
    for path in sorted((ROOT / "tests" / "data" / folder).glob("*.sql")):
        lines = path.read_text().splitlines(keepends=True)
        statements += [chunk.text.strip() + ";" for chunk in split_statements(lines)]
    return statements


def _doc_statements() -> list[str]:
    """The statements of docs/modify-model-version.ja.txt: from a statement word to the `;`."""
    statements, current = [], None
    for line in (ROOT / "docs" / "modify-model-version.ja.txt").read_text().splitlines():
        if current is None and _STATEMENT_START.match(line):
            current = []
        if current is not None:
            current.append(line)
            if line.rstrip().endswith(";"):
                statements.append("\n".join(current))
                current = None
    return statements


# Statements that reach every handler, so mutations land past the parser too.
_EXTRA = [
    "SHOW MODELS LIKE 'pai%';",
    "SHOW VERSIONS FOR MODEL test_xgboost_classifier;",
    "DESC MODEL test_xgboost_classifier VERSION v1;",
    "DESC MODEL bigdata_public_modelset.default.`qwen3-max`;",
    "DROP MODEL IF EXISTS fuzz_dropped;",
    "USE fuzz_other; USE fuzz_project;",
    "WHOAMI;",
    "HELP; HELP CREATE MODEL;",
    "SET odps.sql.using.public.model=true;",
    "ALTER MODEL test_xgboost_classifier SET DEFAULT_VERSION = v1;",
    "CREATE MODEL IF NOT EXISTS nested WITH VERSION v1 "
    "INPUT(a ARRAY<MAP<STRING,STRUCT<x:INT,y:DECIMAL(10,2)>>>, b VARCHAR(10), c CHAR(3), 列 STRING) "
    "OPTIONS(MODEL_SOURCE_TYPE='IMPORT', MODEL_TYPE='BOOSTED_TREE_REGRESSOR', "
    "LOCATION='oss://oss-cn-beijing-internal.aliyuncs.com/bkt/p/', ROLEARN='acs:ram::1:role/r') COMMENT 'x';",
    "CREATE MODEL IF NOT EXISTS remote2 WITH VERSION v1 INPUT(q STRING) OPTIONS(MODEL_SOURCE_TYPE='REMOTE', "
    "MODEL_TYPE='LLM', TASKS='text-generation', PAI_EAS_MODEL_NAME='m', PAI_EAS_SERVICE_NAME='s', "
    "ENDPOINT='http://e.cn-shanghai.pai-eas.aliyuncs.com', APIKEY='<apikey>', PAI_EAS_SYNC_MODE='true', "
    "PAI_EAS_SYNC_REQUEST_TIMEOUT='5000');",
    "ALTER MODEL PAI_EAS_Qwen25_Omni_3B ADD VERSION v9 WITH OPTIONS(TASKS='chat', "
    "PAI_EAS_MODEL_NAME='m', PAI_EAS_SERVICE_NAME='g.s', ENDPOINT='https://x.vpc.example.com:8080/p', "
    "APIKEY='sk-0123456789abcdef', PAI_EAS_SYNC_MODE='TRUE', PAI_EAS_SYNC_REQUEST_TIMEOUT='6000');",
    "ADD USER `ALIYUN$bob@example.com`; LIST USERS;",
    "GRANT Describe, Alter ON MODEL test_xgboost_classifier TO USER 'ALIYUN$bob@example.com';",
    "GRANT All ON PROJECT fuzz_project TO USER ALIYUN$bob@example.com;",
    'REVOKE CreateModel ON PROJECT fuzz_project FROM USER "ALIYUN$bob@example.com";',
    "SHOW GRANTS; SHOW GRANTS FOR 'ALIYUN$bob@example.com';",
    "REMOVE USER ALIYUN$bob@example.com;",
    "SHOW CREATE MODEL PAI_EAS_Qwen25_Omni_3B;",
    "-- a comment\n/* a block\ncomment */ SHOW MODELS",
    "QUIT;",
]

SEEDS: tuple[str, ...] = tuple(
    _script_statements("transcripts") + _script_statements("docs_examples") + _doc_statements() + _EXTRA
)

# The script that gives the fuzz catalog something to find (the documented models), and a member.
SETUP = "\n".join(_script_statements("transcripts") + ["ADD USER `ALIYUN$bob@example.com`;"])

# -- building blocks ------------------------------------------------------------------------------
_TOKEN = re.compile(r"""\s+|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|\w+|.""", re.S)

KEYWORDS = (
    "CREATE", "ALTER", "DROP", "DESC", "DESCRIBE", "SHOW", "USE", "WHOAMI", "SET", "HELP", "QUIT",
    "EXIT", "MODEL", "MODELS", "VERSION", "VERSIONS", "FOR", "ADD", "DEFAULT_VERSION", "INPUT",
    "OPTIONS", "WITH", "COMMENT", "IF", "NOT", "EXISTS", "LIKE", "SELECT", "TABLE", "default",
    "MODEL_SOURCE_TYPE", "MODEL_TYPE", "LOCATION", "ROLEARN", "TASKS", "PAI_EAS_MODEL_NAME",
    "PAI_EAS_SERVICE_NAME", "ENDPOINT", "APIKEY", "PAI_EAS_SYNC_MODE", "PAI_EAS_SYNC_REQUEST_TIMEOUT",
    "IMPORT", "REMOTE", "LLM", "MLLM", "BOOSTED_TREE_REGRESSOR", "INT", "BIGINT", "STRING", "BINARY",
    "DECIMAL", "VARCHAR", "CHAR", "ARRAY", "MAP", "STRUCT", "TIMESTAMP_NTZ", "JSON",
)  # fmt: skip

TYPE_NAMES = frozenset(("INT", "BIGINT", "STRING", "BINARY", "DECIMAL", "VARCHAR", "CHAR", "ARRAY", "MAP", "STRUCT"))

# What mutations insert: broken quoting and nesting, odd bytes, sizes past every limit.
PIECES = (
    "'", '"', "`", "(", ")", "<", ">", ",", ":", ";", "=", ".", "\\", "--", "/*", "*/", "\x00",
    "\n", "\r", "\t", "\x0b", "\x0c", "\u2028", "\ufeff", " ", "$", "@", "#", "{", "}", "[", "]",
    "?", "%", "&", "|", "^", "~", "*", "+", "-", "/", "!",
    "0", "1", "-1", "1.5", "1e999", "0x1F", "1_000", "²", "٣", "１２", "1²",
    "9" * 30, "9" * 5000, "a" * 129, "a" * 257, "b" * 5000, "中" * 50, "é", "🙂", "\U0010ffff",
    "'" + "x" * 1100 + "'", "'oss://oss-cn-shanghai-internal.aliyuncs.com/b-kt/p/'", "'true'",
    "'acs:ram::*:role/r'", "'http://a.vpc.b'", "'sk-0123456789abcdef'", "''", "``", "`a b`",
    "`qwen3-max`", "bigdata_public_modelset", "default_version", "v1", "V2", "2", "m", "x.y.z",
    "e'x'", "x'ff'", "b'1'", "N'x'", "r'x'", "$$x$$", "{{a}}", "\\'", "'\\", "'\\'",
)  # fmt: skip
# Text can also carry undecodable bytes as lone surrogates (Python's surrogateescape).
SURROGATES = ("\udcff", "\ud800", "\udc80")
BAD_BYTES = (b"\xff", b"\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xef\xbb\xbf", b"\x00")

# What goes into a number's place or between a string's quotes: past every range and limit.
ODD_VALUES = (
    "", " ", "0", "-1", "4999", "5000", "1800001", "0" * 30 + "5000", "9" * 19, "9" * 5000, "²", "1²",
    "5000²", "٣", "１２", "1e3", "0x10", "\x00", "\0", "a\x00b", "x" * 2000, "中" * 600, "\\",
    "TRUE", "oss://", "http://", "acs:ram::1:role/", "text-generation ", "a.b.c", "%", "_",
)  # fmt: skip

MUTATIONS = (
    "delete", "duplicate", "swap", "insert", "replace", "cut", "repeat", "nest", "number", "value",
)  # fmt: skip


def tokens_of(text: str) -> list[str]:
    return _TOKEN.findall(text)


def apply_mutation(tokens: list[str], kind: str, i: int, j: int, piece: str) -> None:
    """One edit of a token list, in place; indices wrap, so any integers are valid."""
    if not tokens:
        tokens.append(piece)
        return
    i %= len(tokens)
    if kind == "delete":
        del tokens[i]
    elif kind == "duplicate":
        tokens.insert(i, tokens[i])
    elif kind == "swap":
        j %= len(tokens)
        tokens[i], tokens[j] = tokens[j], tokens[i]
    elif kind == "insert":
        tokens.insert(i, piece)
    elif kind == "replace":
        tokens[i] = piece
    elif kind == "cut":  # half a token: a quote or a backquote left open, a word split
        tokens[i] = tokens[i][: max(1, len(tokens[i]) // 2)]
    elif kind == "repeat":  # a very long name, number or string
        tokens[i] = tokens[i] * (2, 3, 10, 300)[j % 4]
    elif kind == "nest":  # a type nested deep, ARRAY<ARRAY<...>>, past Python's recursion limit too
        at = _nth(tokens, lambda t: t.upper() in TYPE_NAMES, i)
        depth = (1, 2, 63, 64, 65, 500, 1500)[j % 7]  # around the limit, and past the stack
        at = at if at is not None else i
        tokens[at] = "ARRAY<" * depth + tokens[at] + ">" * depth
    elif kind == "number":  # an odd value where a number stands
        at = _nth(tokens, str.isdigit, i)
        tokens[at if at is not None else i] = ODD_VALUES[j % len(ODD_VALUES)] or "0"
    elif kind == "value":  # an odd value between a string's quotes
        at = _nth(tokens, lambda t: t[:1] in "'\"" and len(t) > 1, i)
        if at is not None:
            quote = tokens[at][0]
            tokens[at] = quote + ODD_VALUES[j % len(ODD_VALUES)] + quote
    else:
        raise ValueError(kind)


def _nth(tokens: list[str], wanted, n: int) -> int | None:
    """Index of the n-th (wrapping) token that is `wanted`, or None when there is none."""
    found = [k for k, token in enumerate(tokens) if wanted(token)]
    return found[n % len(found)] if found else None


# -- random inputs (scripts/fuzz) ----------------------------------------------------------------
MAX_INPUT = 50_000  # characters: long enough to pass every limit, short enough to run fast


def mutant(seed: str, mutations) -> str:
    """`seed` with each (kind, i, j, piece) edit applied; an edit that would make the input longer
    than MAX_INPUT is skipped (repeats of repeats grow without bound)."""
    tokens = tokens_of(seed)
    for mutation in mutations:
        edited = list(tokens)
        apply_mutation(edited, *mutation)
        if sum(map(len, edited)) <= MAX_INPUT:
            tokens = edited
    return "".join(tokens)


def random_mutant(rng: random.Random) -> str:
    mutations = [
        (rng.choice(MUTATIONS), rng.randrange(10**6), rng.randrange(10**6), _piece(rng))
        for _ in range(rng.randint(1, 5))
    ]
    return mutant(rng.choice(SEEDS), mutations)


def random_tokens(rng: random.Random) -> str:
    words = [rng.choice(KEYWORDS) if rng.random() < 0.5 else _piece(rng) for _ in range(rng.randint(1, 25))]
    return "".join(word + rng.choice(("", " ", " ", "\n")) for word in words)


def random_bytes(rng: random.Random) -> bytes:
    data = bytearray((random_mutant(rng) if rng.random() < 0.7 else rng.choice(SEEDS)).encode("utf-8", "surrogatepass"))
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(data))
        data[at:at] = rng.choice(BAD_BYTES)
    return bytes(data)


def _piece(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(SURROGATES)
    if roll < 0.25:
        return rng.choice(KEYWORDS)
    return rng.choice(PIECES)


def random_input(rng: random.Random) -> str | bytes:
    roll = rng.random()
    if roll < 0.70:
        return random_mutant(rng)
    if roll < 0.90:
        return random_tokens(rng)
    return random_bytes(rng)


# -- running and judging --------------------------------------------------------------------------
# What stderr may hold: OK, FAILED and WARNING lines, and the source excerpt after a FAILED line
# (`   3 | <source line>`, then `     |     ^`).
_STDERR_LINE = re.compile(r"OK\Z|FAILED: ODPS-\d{7}[:\[]|WARNING: | *\d* \| ")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True)
class Outcome:
    stdout: str
    stderr: str
    status: int | None
    escaped: str | None = None  # an exception that left Session.run_script: a real traceback

    @property
    def problems(self) -> list[str]:
        """What is wrong with this outcome; empty when the input ended as OK or FAILED lines."""
        found = []
        if self.escaped is not None:
            found.append(f"exception escaped: {self.escaped}")
        if "Traceback (most recent call last)" in self.stdout + self.stderr:
            found.append("traceback")
        if "System internal error" in self.stderr:
            found.append("internal error")
        lines = self.stderr.split("\n")[:-1]  # only "\n" ends a line on a terminal
        stray = [line for line in lines if not _STDERR_LINE.match(line)]
        if stray:
            found.append(f"a line on stderr that is no verdict, warning or excerpt: {stray[0][:100]!r}")
        if any(_CONTROL.search(line) for line in lines if line.startswith(("FAILED:", "WARNING:"))):
            found.append("a control character in a FAILED or WARNING line")
        failed = any(line.startswith("FAILED: ODPS-") for line in self.stderr.splitlines())
        if self.status == 1 and not failed:
            found.append("exit status 1 without a FAILED line")
        if self.status == 0 and failed:
            found.append("exit status 0 after a FAILED line")
        if self.status not in (0, 1, None):
            found.append(f"exit status {self.status}")
        return found

    @property
    def kind(self) -> str:
        """ok, failed, traceback (an exception escaped or reached the last-resort handler) or
        malformed (another break of the contract: a stray stderr line, a wrong exit status)."""
        problems = self.problems
        if any(p.startswith(("exception escaped", "traceback", "internal error")) for p in problems):
            return "traceback"
        if problems:
            return "malformed"
        return "failed" if self.status == 1 else "ok"


class Runner:
    """Runs inputs in-process through one Session over StringIO, as every front end does."""

    def __init__(self, catalog_path: str, user: str = USER, continue_on_error: bool = True):
        self.path = catalog_path
        self.options = SessionOptions(catalog_path, user, PROJECT, continue_on_error=continue_on_error, debug=True)
        self.session = Session(self.options, Console(io.StringIO(), io.StringIO()))

    def run(self, data: str | bytes) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        self.session.console = Console(out, err)
        try:
            if isinstance(data, bytes):
                status = self.session.run_script(decode_lines(io.BytesIO(data)))
            else:
                status = self.session.run_script(data.splitlines(keepends=True))
        except BaseException as error:  # noqa: B036 - the fuzzer must see everything, even exits
            return Outcome(out.getvalue(), err.getvalue(), None, f"{type(error).__name__}: {error}")
        return Outcome(out.getvalue(), err.getvalue(), int(status))

    def setup(self) -> None:
        """The documented models, so mutated statements find something to change."""
        self.run(SETUP)

    def close(self) -> None:
        self.session.close()


def catalog_problems(path: str) -> list[str]:
    """The catalog's invariants, read with sqlite3 itself: not damaged, no model without its
    default version, no version without its model."""
    db = sqlite3.connect(path)
    try:
        problems = []
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:5]}")
        orphans = db.execute("SELECT count(*) FROM versions WHERE model_id NOT IN (SELECT id FROM models)")
        if orphans.fetchone()[0]:
            problems.append("versions without a model")
        no_default = db.execute(
            "SELECT project, name FROM models m WHERE NOT EXISTS "
            "(SELECT 1 FROM versions v WHERE v.model_id = m.id AND v.name = m.default_version)"
        ).fetchall()
        if no_default:
            problems.append(f"models without their default version: {no_default[:5]}")
        return problems
    finally:
        db.close()


# -- scripts/fuzz -----------------------------------------------------------------------------------
# Who runs the inputs, in turn: the project's owner, a member, a stranger (privilege checks fail).
USERS = (USER, "ALIYUN$bob@example.com", "ALIYUN$stranger@example.com")
SESSION_INPUTS = 2000  # then a fresh session: project, settings and user start over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="how many inputs to try (default 100000)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    parser.add_argument("--catalog", help="catalog file to fuzz (default: a new one in a temporary directory)")
    parser.add_argument("--show", type=int, default=5, help="how many breaking inputs to print (default 5)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else time.time_ns() % 2**32
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="mcshell-fuzz-") as tmp:
        path = args.catalog or str(Path(tmp) / "fuzz.db")
        print(f"scripts/fuzz: {args.inputs} inputs, seed {seed}, catalog {path}", flush=True)
        counts: Counter[str] = Counter()
        broken: list[tuple[str | bytes, Outcome]] = []
        started = time.monotonic()
        runner = None
        for n in range(args.inputs):
            if n % SESSION_INPUTS == 0:
                if runner is not None:
                    runner.close()
                runner = Runner(path, user=USERS[n // SESSION_INPUTS % len(USERS)])
                runner.setup()
            data = random_input(rng)
            outcome = runner.run(data)
            counts[outcome.kind] += 1
            if outcome.kind in ("traceback", "malformed"):
                broken.append((data, outcome))
            if (n + 1) % 10_000 == 0:
                print(f"  {n + 1} inputs, {len(broken)} broken, {time.monotonic() - started:.0f} s", flush=True)
        if runner is not None:
            runner.close()
        problems = catalog_problems(path)
    for data, outcome in broken[: args.show]:
        print(f"BROKEN {outcome.problems}: {data[:300]!r}\n{outcome.stderr[-1500:]}")
    print(f"tried:      {sum(counts.values())}")
    print(f"OK:         {counts['ok']}")
    print(f"FAILED:     {counts['failed']}")
    print(f"tracebacks: {counts['traceback']}")
    print(f"malformed:  {counts['malformed']} (stray stderr lines, control characters, wrong exit status)")
    healthy = "integrity_check ok, no model without its default version, no orphan version"
    print(f"catalog:    {problems or healthy}")
    return 1 if broken or problems else 0


if __name__ == "__main__":
    sys.exit(main())
