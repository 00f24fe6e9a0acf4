"""Write transactions that take SQLite's write lock when they begin.

Several crawls (one per site) may write one archive at once, each from its own writer
process. SQLite lets one write at a time and makes the others wait (busy_timeout), but
only a transaction that asks for the lock first waits: a deferred one that read before
it writes finds, when another process committed in between, that its snapshot is stale
and fails at once ("database is locked") whatever the timeout. `BEGIN IMMEDIATE` takes
the lock before anything is read, so a second writer waits its turn instead.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Generator

import sqlite_utils

# How long a writer keeps asking for the lock, in all (each ask waits busy_timeout):
# another site's crawl merging a large archive's search indexes holds it for seconds.
BEGIN_PATIENCE_S = 300.0


def begin_immediate(conn: sqlite3.Connection, patience_s: float = BEGIN_PATIENCE_S) -> None:
    """BEGIN IMMEDIATE, asked again while another process holds the write lock."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


class WriterDatabase(sqlite_utils.Database):
    """sqlite_utils' Database whose outermost `atomic()` begins IMMEDIATE (nested ones
    stay savepoints)."""

    @contextlib.contextmanager
    def atomic(self) -> Generator[sqlite_utils.Database, None, None]:
        if self.conn.in_transaction:
            with super().atomic() as db:
                yield db
            return
        begin_immediate(self.conn)
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise
