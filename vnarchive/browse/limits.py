"""What one anonymous request may cost a served archive (issue 16.2).

Datasette's `sql_time_limit_ms` stops a query between steps of SQLite's machine, but
one function call (`randomblob(300000000)`, `zeroblob`, `printf('%.*c', 1e9, 'x')`,
`replace` or `group_concat` growth) is a single step: it ran 75 s and took 2 GB. So
every connection Datasette opens gets three bounds:

- `MAX_VALUE_BYTES`: SQLite's SQLITE_LIMIT_LENGTH, the size of any one string or
  blob. A larger value fails at once with "string or blob too big".
- `MAX_RESULT_BYTES`: the text and blobs one statement may hand to Python, summed over
  its rows (Datasette reads up to `max_returned_rows` rows into memory before it
  answers, so this bounds a response). Past it the statement fails with
  `ResultTooLarge`, which Datasette shows as an error page, not a 500.
- `SQLITE_HEAP_LIMIT`: SQLite's hard heap limit (process-wide), for one row of many
  large values: a result row is built whole inside SQLite before Python sees it.

`printf`/`format` with a width of 10^9 stays under the length limit's memory but
still writes 10^9 characters (seconds of CPU in one step): on these connections they
refuse a width or precision past MAX_VALUE_BYTES, then run SQLite's own on a private
in-memory connection. The plugin's own `vnarchive_fold` refuses a text past
MAX_FOLD_CHARS for the same reason.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from typing import Any

# The largest value the archive legitimately holds is the text of one page: its body,
# or the JSON record of a version (`article_versions.record`), which holds that text
# and little else. A page is at most the crawl's DOWNLOAD_MAXSIZE (10 MiB) as fetched,
# and decoding a legacy single-byte encoding to UTF-8 can triple it. Real articles
# are under 40 KB (the portal's records of 2020-11).
MAX_VALUE_BYTES = 32 * 1024 * 1024
# Two of the largest values, or 1,000 rows of articles a thousand times larger than
# a real one: no legitimate page of Datasette comes near it.
MAX_RESULT_BYTES = 2 * MAX_VALUE_BYTES
# SQLite's own memory in the serving process: page caches (2 MB a connection), FTS
# doclists and sorts need tens of MB; a row of many values at MAX_VALUE_BYTES each
# stops here instead of taking the machine.
SQLITE_HEAP_LIMIT = 8 * MAX_VALUE_BYTES


# `vnarchive_fold(text)` (the plugin's SQL function) works in Python, at ~0.5 s and
# ~40 bytes a character for Vietnamese text: a crafted 10-million-character value took
# 4.7 s and 300 MB. Real bodies are under 40,000 characters; this is 25 times that.
MAX_FOLD_CHARS = 1_000_000


def bounded_fold(fold: Any) -> Any:
    """`fold` as a SQL function that refuses a text over MAX_FOLD_CHARS."""

    def sql_fold(text: Any) -> Any:
        if not text:
            return text
        if isinstance(text, str | bytes) and len(text) > MAX_FOLD_CHARS:
            # Reported by Python's sqlite3 as SQLite's own "string or blob too big".
            raise OverflowError(len(text))
        return fold(text)

    return sql_fold


class ResultTooLarge(sqlite3.OperationalError):
    """One statement's values passed MAX_RESULT_BYTES."""


class _ResultBudget:
    """A row factory (Datasette's sqlite3.Row) that counts the bytes of each statement.

    A statement is recognised by its cursor: Datasette runs each one on a fresh cursor.
    The last cursor is held, so its id cannot be reused by the next one.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.cursor: Any = None
        self.used = 0

    def __call__(self, cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> sqlite3.Row:
        if cursor is not self.cursor:
            self.cursor, self.used = cursor, 0
        for value in row:
            if isinstance(value, str | bytes):
                self.used += len(value)
        if self.used > self.limit:
            self.used = 0
            raise ResultTooLarge(
                f"result too large: this query returns more than {self.limit // 2**20} MiB "
                "of text and blobs; select fewer rows or columns"
            )
        return sqlite3.Row(cursor, row)


# A width or precision: digits, or `*` (taken from the arguments).
_WIDTHS = re.compile(r"%[-+ 0#,!]*(\d+|\*)?(?:\.(\d+|\*))?")
_private = threading.local()


def _sqlite_printf(fmt: Any, *args: Any) -> Any:
    # OverflowError: Python's sqlite3 reports it as SQLite's own "string or blob too big".
    if isinstance(fmt, str):
        star = False
        for width, precision in _WIDTHS.findall(fmt):
            for number in (width, precision):
                star = star or number == "*"
                if number.isdigit() and int(number) > MAX_VALUE_BYTES:
                    raise OverflowError(number)
        if star and any(isinstance(a, int | float) and abs(a) > MAX_VALUE_BYTES for a in args):
            raise OverflowError("width")
    conn = getattr(_private, "conn", None)
    if conn is None:
        conn = _private.conn = sqlite3.connect(":memory:")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    marks = ", ".join("?" for _ in (fmt, *args))
    return conn.execute(f"SELECT printf({marks})", (fmt, *args)).fetchone()[0]


def limit_connection(conn: sqlite3.Connection) -> None:
    """Bound what one query may build and return on this connection."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, _sqlite_printf, deterministic=True)
    # Lowers the limit, never raises it (SQLite ignores a larger N once one is set).
    conn.execute(f"PRAGMA hard_heap_limit = {SQLITE_HEAP_LIMIT}")
    if conn.row_factory is sqlite3.Row:
        conn.row_factory = _ResultBudget(MAX_RESULT_BYTES)
