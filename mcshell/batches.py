"""Group commit, as the session keeps it: the open batch of a script and the OKs waiting for it.

A script's statements that change the catalog and print nothing but OK are committed in batches:
each runs in a savepoint of its own (catalog.batched_statement), so a failed one changes nothing,
and its OK is printed only once the batch is committed, so an OK always means the change is on
disk. The session ends a batch before a statement with anything else to print and before reading
input that is not there yet; the batch ends itself after BATCH_STATEMENTS statements or
BATCH_SECONDS.
"""

from __future__ import annotations

import time

from mcshell.catalog.store import Catalog
from mcshell.errors import CatalogError
from mcshell.output import report
from mcshell.output.console import Console
from mcshell.sql.splitter import Chunk, content_start

BATCH_STATEMENTS = 1000
BATCH_SECONDS = 0.1  # how long other writers may wait for the catalog while a script runs


class Batch:
    """The statements run in the open batch, whose OKs wait for its commit, and the batches of
    the script that were lost (their commit failed: none of their statements was saved)."""

    def __init__(self, console: Console, print_oks: bool):
        self.console = console
        self._print_oks = print_oks  # --check prints no OK
        self.unsaved = 0  # statements run in the open batch
        self.lost = 0  # lost batches of the script, each reported by one FAILED line
        self._started = 0.0
        self._start = (1, 1)  # [line,col] of the batch's first statement

    def ran(self, chunk: Chunk, catalog: Catalog) -> bool:
        """`chunk` ran in the batch: its OK waits for the commit, unless the batch is full now and
        is committed at once. False when that commit lost the batch."""
        if not self.unsaved:
            self._started = time.monotonic()
            self._start = chunk.position(content_start(chunk.text))
        if self.unsaved + 1 < BATCH_STATEMENTS and time.monotonic() - self._started < BATCH_SECONDS:
            self.unsaved += 1
            return True
        if not self.end(catalog, running=chunk):
            return False
        if self._print_oks:
            self.console.ok()
        return True

    def end(self, catalog: Catalog | None, running: Chunk | None = None) -> bool:
        """Commit the open batch, then print the OK of each statement in it. `running` is one more
        statement of the batch, whose OK the caller prints. False when the batch was lost (SQLite
        rolled it back, or the commit failed): one FAILED line says which statements."""
        unsaved, self.unsaved = self.unsaved, 0
        if catalog is None:
            return True
        lost = unsaved + (running is not None)
        try:
            if lost and not catalog.in_batch:
                raise CatalogError(f"catalog '{catalog.path}': the transaction was rolled back")
            catalog.commit_batch()  # also ends a batch left with nothing in it (its statement failed)
        except CatalogError as error:
            if not lost:
                return True
            if running is None:  # else the caller reports its statement FAILED, which counts it
                self.lost += 1
            if running is not None and not unsaved:  # the batch was this statement alone
                start = running.position(content_start(running.text))
            else:
                start = self._start
            self.console.failed(report.lost_batch(error, lost, start))
            return False
        if self._print_oks:
            self.console.oks(unsaved)
        return True
