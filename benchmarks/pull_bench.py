"""`mcshell pull`'s benchmark: a project of 200 models x 5 versions pulled from `mcshell serve`,
as a ratio to the bare pyodps calls the pull needs, made by a plain script in the same run (the
client's floor), against the same server; and the requests each makes.

    python benchmarks/pull_bench.py --python .venv-bench/bin/python [--quick]

The floor makes, with pyodps alone, the reads pull makes (docs/remote.md, "Which call reads
what"): the project, WHOAMI, the catalog API's model listing (every page), one `:listVersions`
per model, one `DESC MODEL m VERSION v` per version through run_sql, the table listing with each
table's own read and partitions (the project has none: one listing), and the security queries
LIST USERS, LIST ROLES, DESC ROLE per role and SHOW GRANTS FOR per member. It parses nothing and
writes nothing: mcshell's extra cost is reading the answers and writing the catalog. Both run as
processes (start-up and pyodps's import included), interleaved, medians compared. The requests
are counted from the server's access log. Exit status 1: a run did not do its work.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 1.5
READY = re.compile(r"(http://127\.0\.0\.1:(\d+)/api)")
ACCESS_ID, SECRET = "bench-id", "bench-secret-0123456789"
USER = "ALIYUN$owner@example.com"

FLOOR = r"""
import sys
from odps import ODPS
url, project = sys.argv[1], sys.argv[2]
o = ODPS(sys.argv[3], sys.argv[4], project, endpoint=url, overwrite_global=False)

project_object = o.get_project(project)

def auth(query):  # a security query answered as text, as mcshell's client asks (remote/client.py)
    request = project_object.AuthQueryRequest(query=query, use_json=False)
    answer = project_object._client.post(project_object.auth_resource(),
                                         headers={"Content-Type": "application/xml"}, data=request.serialize())
    return project_object.AuthQueryResponse.parse(answer).result or ""

def pages(models, path):
    url, params = models.resource(with_schema=True) + path, {}
    while True:
        answer = models._client.get(url, params=params).json()
        yield from answer["models"]
        if not answer.get("nextPageToken"):
            return
        params = {"pageToken": answer["nextPageToken"]}

o.get_project(project).reload()
auth("WHOAMI")
models = o.get_project(project).models
for model in pages(models, ""):
    name = model["modelName"]
    for version in pages(models, f"/{name}:listVersions"):
        instance = o.run_sql(f"DESC MODEL `{name}` VERSION `{version['versionName']}`;")
        instance.wait_for_success(interval=0.1)
        instance.get_task_results()
for table in o.list_tables():
    table.reload()
    if table.table_schema.partitions:
        list(table.partitions)
users = auth("LIST USERS")
roles = auth("LIST ROLES")
for line in roles.splitlines():
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    if len(cells) == 3 and cells[1] == "false":
        auth(f"DESC ROLE {cells[0]}")
for line in users.splitlines():
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    if len(cells) == 3 and cells[1] == "false":
        auth(f"SHOW GRANTS FOR {cells[0]}")
"""


class BenchError(Exception):
    """A measured run did not do its work: the figures would mean nothing."""


def production_script(models: int, versions: int) -> str:
    location = "oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/m{0}/v{1}/"
    lines = ["ADD USER ALIYUN$bob@example.com;", "ADD USER ALIYUN$carol@example.com;", "CREATE ROLE analyst;",
             "GRANT analyst TO ALIYUN$bob@example.com;"]  # fmt: skip
    for m in range(models):
        lines.append(
            f"CREATE MODEL m{m:03d} WITH VERSION v0 INPUT(f1 BIGINT, f2 STRING) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
            f"MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = '{location.format(m, 0)}', "
            "ROLEARN = 'acs:ram::1:role/r') COMMENT 'model';"
        )
        for v in range(1, versions):
            lines.append(
                f"ALTER MODEL m{m:03d} ADD VERSION v{v} INPUT(f1 BIGINT) WITH OPTIONS("
                f"LOCATION = '{location.format(m, v)}', ROLEARN = 'acs:ram::1:role/r');"
            )
        if m % 20 == 0:
            lines.append(f"GRANT Describe ON MODEL m{m:03d} TO USER ALIYUN$carol@example.com;")
    return "\n".join(lines) + "\n"


class Server:
    def __init__(self, mcshell: str, catalog: Path, accounts: Path, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [mcshell, "--catalog", str(catalog), "serve", "--port", "0", "--accounts", str(accounts)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        )  # fmt: skip
        for _ in range(600):
            found = READY.search(log.read_text())
            if found:
                self.url = found.group(1)
                return
            time.sleep(0.05)
        self.process.kill()
        raise BenchError(f"mcshell serve did not start: {log.read_text()}")

    def requests(self) -> int:
        """Access-log lines so far (one per request)."""
        return sum(1 for line in self.log.read_text().splitlines() if line.startswith(("GET ", "POST ", "PUT ")))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"{' '.join(argv[:3])} failed: {done.stderr[-2000:]}")
    if SECRET in done.stdout + done.stderr:
        raise BenchError("the access key reached the output")
    return seconds


def run(python: str, models: int, versions: int, rounds: int, folder: Path) -> int:
    mcshell = str(Path(python).with_name("mcshell"))
    production, accounts = folder / "production.db", folder / "accounts.ini"
    accounts.write_text(f"[{ACCESS_ID}]\nsecret = {SECRET}\nuser = {USER}\n")
    accounts.chmod(0o600)
    script = folder / "production.sql"
    script.write_text(production_script(models, versions))
    subprocess.run([mcshell, "--catalog", str(production), "--user", USER, "--project", "prod", "-f", str(script)],
                   check=True, capture_output=True)  # fmt: skip
    server = Server(mcshell, production, accounts, folder / "serve.log")
    env = {**os.environ, "ODPS_ENDPOINT": server.url, "ODPS_PROJECT_NAME": "prod",
           "ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
           "HOME": str(folder)}  # fmt: skip
    ours, floor, requests = [], [], {}
    try:
        for number in range(rounds):
            before = server.requests()
            floor.append(timed([python, "-c", FLOOR, server.url, "prod", ACCESS_ID, SECRET], env))
            middle = server.requests()
            ours.append(timed([mcshell, "--catalog", str(folder / f"local{number}.db"), "pull"], env))
            requests = {"floor": middle - before, "pull": server.requests() - middle}
    finally:
        server.stop()
    ratio = statistics.median(ours) / statistics.median(floor)
    verdict = "met" if ratio <= TARGET else "MISS"
    print(f"  pull of {models} models x {versions} versions: {statistics.median(ours):.2f} s, the bare pyodps calls "
          f"{statistics.median(floor):.2f} s: {ratio:.2f}x (target <= {TARGET}x) {verdict}")  # fmt: skip
    print(f"  requests: pull {requests['pull']}, the bare calls {requests['floor']} "
          f"({models * versions} versions: one DESC each; one listing per model)")  # fmt: skip
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose mcshell and pyodps to measure")
    parser.add_argument("--quick", action="store_true", help="20 models x 5 versions, one round: indicative only")
    args = parser.parse_args()
    models, rounds = (20, 1) if args.quick else (200, 3)
    print(f"mcshell pull benchmark ({'quick' if args.quick else 'full'}), {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as temp:
            return run(args.python, models, 5, rounds, Path(temp))
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"pull_bench: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
