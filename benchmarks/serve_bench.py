"""`mcshell serve`'s benchmark: every figure a ratio to an anchor measured side by side, in the same run.

    python benchmarks/serve_bench.py --python .venv/bin/python [--quick]

(a) one ADD VERSION through pyodps (`execute_sql`) against `mcshell serve`, against the same call
    against a do-nothing endpoint that answers pyodps's requests at once (the client's own floor);
    rounds of the two are interleaved and their medians compared
(b) throughput: statements per second with 1, 4 and 8 pyodps clients (one process each), as a
    ratio to the same clients against the do-nothing endpoint
(c) memory: the server's RSS after 100k statements (10 ADD VERSION a job, sent without pyodps)
    against its RSS after 1k

The measured python needs mcshell and pyodps installed (`pip install -e '.[test]'`). Exit status
1 means a run did not do its work (an error, a missing version); a missed target prints MISS.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_LATENCY = 1.3
TARGET_RSS = 1.5
READY = re.compile(r"(http://127\.0\.0\.1:(\d+)/api)")

# The do-nothing endpoint: pyodps's four requests of one execute_sql, answered at once.
STUB = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import socket

STATUS = b'<?xml version="1.0"?><Instance><Status>Terminated</Status></Instance>'
TASKS = (b'<?xml version="1.0"?><Instance><Status>Terminated</Status><Tasks><Task Type="SQL">'
         b'<Name>AnonymousSQLTask</Name><Status>Success</Status></Task></Tasks></Instance>')

class Stub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def log_message(self, *args):
        pass
    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path.startswith("/api/tenants"):
            return self.answer(200, b'{"Tenant": {"Name": "t", "Parameters": {}}}')
        return self.answer(200, TASKS if "taskstatus" in self.path else STATUS)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        port = self.server.server_address[1]
        self.answer(201, headers=[("Location", f"http://127.0.0.1:{port}/api/projects/my_project/instances/i1")])

server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
server.daemon_threads = True
print(f"stub http://127.0.0.1:{server.server_address[1]}/api", file=sys.stderr, flush=True)
server.serve_forever()
"""

# One pyodps client: `count` ADD VERSION statements; prints the seconds they took.
CLIENT = r"""
import sys, time
from odps import ODPS
url, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
o = ODPS("id", "secret", "my_project", endpoint=url, logview_host=url[:-4], overwrite_global=False)
o.execute_sql("WHOAMI;")  # the client's first-use side calls, outside the timing
started = time.perf_counter()
for n in range(count):
    o.execute_sql(
        f"ALTER MODEL m ADD VERSION {prefix}_{n} INPUT(f1 INT) WITH OPTIONS("
        "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
        "ROLEARN = 'acs:ram::1126123000000000:role/r');"
    )
print(time.perf_counter() - started)
"""

MODEL = (
    "CREATE MODEL m WITH VERSION v0 INPUT(f1 INT) OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', "
    "MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER', LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
    "ROLEARN = 'acs:ram::1126123000000000:role/r');"
)


class BenchError(Exception):
    """A measured run did not do its work: the figures would mean nothing."""


class Endpoint:
    """A server process (mcshell serve, or the stub) and the URL it printed when ready."""

    def __init__(self, argv: list[str]):
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)  # fmt: skip
        line = self.process.stderr.readline()
        found = READY.search(line)
        if found is None:
            self.process.kill()
            raise BenchError(f"{argv[0]} did not start: {line}{self.process.stderr.read()}")
        self.url, self.port = found.group(1), int(found.group(2))

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise BenchError("no VmRSS in /proc")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def serve(python: str, catalog: Path) -> Endpoint:
    mcshell = str(Path(python).with_name("mcshell"))
    endpoint = Endpoint([mcshell, "--catalog", str(catalog), "serve", "--port", "0", "--quiet"])
    run_clients(python, endpoint.url, "setup", 0, 1, first=MODEL)
    return endpoint


def run_clients(python: str, url: str, prefix: str, count: int, clients: int, first: str | None = None) -> float:
    """`clients` processes at once, `count` statements each: the wall time of the slowest."""
    code = CLIENT if first is None else CLIENT.replace('"WHOAMI;"', repr(first))
    processes = [
        subprocess.Popen([python, "-c", code, url, f"{prefix}_{c}", str(count)], stdout=subprocess.PIPE, text=True)
        for c in range(clients)
    ]
    times = []
    for process in processes:
        out, _ = process.communicate(timeout=3600)
        if process.returncode != 0:
            raise BenchError(f"a pyodps client failed against {url}")
        times.append(float(out.strip().splitlines()[-1]))
    return max(times)


def latency(python: str, folder: Path, rounds: int, count: int) -> tuple[float, float]:
    """Median seconds per ADD VERSION: against mcshell serve, against the stub."""
    served, stub = serve(python, folder / "latency.db"), Endpoint([python, "-c", STUB])
    ours, floor = [], []
    try:
        for number in range(rounds):
            ours.append(run_clients(python, served.url, f"l{number}", count, 1) / count)
            floor.append(run_clients(python, stub.url, f"l{number}", count, 1) / count)
    finally:
        served.stop()
        stub.stop()
    return statistics.median(ours), statistics.median(floor)


def throughput(python: str, folder: Path, clients: int, count: int) -> tuple[float, float]:
    served, stub = serve(python, folder / f"throughput{clients}.db"), Endpoint([python, "-c", STUB])
    try:
        ours = clients * count / run_clients(python, served.url, "t", count, clients)
        floor = clients * count / run_clients(python, stub.url, "t", count, clients)
    finally:
        served.stop()
        stub.stop()
    return ours, floor


def job(statements: list[str]) -> bytes:
    query = "\n".join(statements)
    return (
        '<?xml version="1.0" encoding="utf-8"?><Instance><Job><Priority>9</Priority><Tasks><SQL>'
        f"<Name>AnonymousSQLTask</Name><Query><![CDATA[{query}]]></Query></SQL></Tasks></Job></Instance>"
    ).encode()


def post_jobs(endpoint: Endpoint, first: int, jobs: int, per_job: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=120)
    for number in range(first, first + jobs):
        statements = [
            f"ALTER MODEL m ADD VERSION r{number}_{k} INPUT(f1 INT) WITH OPTIONS("
            "LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/bkt/x/', "
            "ROLEARN = 'acs:ram::1126123000000000:role/r');"
            for k in range(per_job)
        ]
        connection.request("POST", "/api/projects/my_project/instances", body=job(statements))
        response = connection.getresponse()
        response.read()
        if response.status != 201:
            raise BenchError(f"a job was answered {response.status}")
    connection.close()


def memory(python: str, folder: Path, statements: int) -> tuple[float, float]:
    """The server's RSS after 1k statements, then after `statements`."""
    served = serve(python, folder / "memory.db")
    per_job = 10
    try:
        post_jobs(served, 0, 1_000 // per_job, per_job)
        small = served.rss_mb()
        post_jobs(served, 1_000 // per_job, (statements - 1_000) // per_job, per_job)
        big = served.rss_mb()
    finally:
        served.stop()
    return small, big


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose mcshell and pyodps to measure")
    parser.add_argument("--quick", action="store_true", help="small sizes, one round: indicative figures only")
    args = parser.parse_args()
    rounds, count, clients_count, statements = (1, 20, 20, 10_000) if args.quick else (5, 100, 100, 100_000)
    print(f"mcshell serve benchmark ({'quick' if args.quick else 'full'}), {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp)
            ours, floor = latency(args.python, folder, rounds, count)
            ratio = ours / floor
            verdict = "met" if ratio <= TARGET_LATENCY else "MISS"
            print(f"  (a) one ADD VERSION via pyodps: {ours * 1000:.1f} ms, the client's floor {floor * 1000:.1f} ms: "
                  f"{ratio:.2f}x (target <= {TARGET_LATENCY}x) {verdict}")  # fmt: skip
            for clients in (1, 4, 8):
                ours, floor = throughput(args.python, folder, clients, clients_count)
                print(f"  (b) {clients} client(s): {ours:.0f} statements/s, against the floor's {floor:.0f}/s: "
                      f"{ours / floor:.2f}x")  # fmt: skip
            small, big = memory(args.python, folder, statements)
            verdict = "met" if big / small <= TARGET_RSS else "MISS"
            print(f"  (c) server RSS after 1k statements {small:.1f} MB, after {statements // 1000}k {big:.1f} MB: "
                  f"{big / small:.2f}x (target <= {TARGET_RSS}x) {verdict}")  # fmt: skip
    except BenchError as error:
        print(f"serve_bench: {error}", file=sys.stderr)
        return 1
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
