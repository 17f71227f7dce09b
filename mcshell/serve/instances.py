"""Finished instances, kept in memory for their status and result polls, up to a cap: the
oldest go first, so the server's memory stays flat however long it runs."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from mcshell.serve.wire import TaskReport

MAX_INSTANCES = 1_000  # a client polls its instance at once: the recent ones are what it asks for
MAX_BYTES = 16 * 1024 * 1024  # results and job sources together


@dataclass(frozen=True)
class Instance:
    id: str
    project: str
    owner: str
    source: str  # the submitted <Job> element, for ?source
    task: TaskReport
    start: str  # RFC 1123, for the x-odps-start-time / end-time headers
    end: str

    @property
    def size(self) -> int:
        return len(self.source) + len(self.task.result) + 200


def new_instance_id() -> str:
    """MaxCompute's shape: the UTC start time to the millisecond, then random letters and digits."""
    now = time.time()
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now)) + f"{int(now * 1000) % 1000:03d}"
    return stamp + "g" + os.urandom(6).hex()


class InstanceStore:
    def __init__(self, max_instances: int = MAX_INSTANCES, max_bytes: int = MAX_BYTES):
        self.max_instances = max_instances
        self.max_bytes = max_bytes
        self._instances: OrderedDict[tuple[str, str], Instance] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def add(self, instance: Instance) -> None:
        with self._lock:
            self._instances[(instance.project, instance.id)] = instance
            self._bytes += instance.size
            while len(self._instances) > self.max_instances or (
                self._bytes > self.max_bytes and len(self._instances) > 1
            ):
                _, oldest = self._instances.popitem(last=False)
                self._bytes -= oldest.size

    def get(self, project: str, instance_id: str) -> Instance | None:
        with self._lock:
            return self._instances.get((project, instance_id))

    def __len__(self) -> int:
        return len(self._instances)
