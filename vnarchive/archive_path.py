"""What `--db` names, checked before a command touches it, and how a reader opens it.

Two operator mistakes are handled here, once for every command:

- A path that is not an archive (a text file, random bytes, a folder, another program's
  SQLite database): each command refuses it in one line, exit 2, after reading at most
  its first 100 bytes, so the file is left exactly as it was. Left to SQLite, a crawl
  would fail deep inside Scrapy, and a migration would write our tables into it.
- An archive on read-only media (a published copy on a read-only mount or disc): a WAL
  database cannot be opened `mode=ro` there, since its readers need the `-shm` index,
  which cannot be created. Readers open it `immutable=1` instead: exact as long as no
  `-wal` file holds writes not yet merged into the database, which is the case for an
  archive closed cleanly and for a copy made by `vnarchive publish`.

Every command's errors share one form: `vnarchive COMMAND: error: MESSAGE` (argparse's).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from pipelines.archive import Archive

USAGE = 2
SQLITE_HEADER = b"SQLite format 3\x00"


class BadArchive(ValueError):
    """`--db` cannot be used by this command; the message is one line for the operator."""


def fail(command: str, message: object, code: int = USAGE) -> int:
    """Print the one error line every command uses; return the exit status."""
    print(f"vnarchive {command}: error: {message}", file=sys.stderr)
    return code


def writable(path: str | Path) -> bool:
    """Whether the archive (and the files SQLite and a crawl put beside it) can be written.

    `os.access` answers from the mount too: on a read-only file system it says no even
    to root, for whom a folder's mode bits mean nothing.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def check_archive(db: str | Path, *, must_exist: bool = True) -> None:
    """Raise BadArchive unless `db` is an archive (or, with must_exist=False, a place
    where a new one can be created: a path that does not exist yet, or an empty file)."""
    path = Path(db)
    if not path.exists():
        if path.parent.exists() and not path.parent.is_dir():
            raise BadArchive(f"{path.parent} is not a folder")
        if must_exist:
            raise BadArchive(f"no archive at {db}")
        return
    if path.is_dir():
        raise BadArchive(f"{db} is a folder, not an archive")
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as error:
        raise BadArchive(f"cannot read {db}: {error.strerror}") from None
    if not head:
        if must_exist:
            raise BadArchive(f"{db} is an empty file, not an archive")
        return  # SQLite makes a new database of an empty file: nothing in it to lose
    if not head.startswith(SQLITE_HEADER):
        raise BadArchive(f"{db} is not an archive (not an SQLite database)")
    # user_version as of the last checkpoint (header bytes 60-63): a newer archive is
    # refused before any connection, which would leave -shm and -wal files beside it.
    _refuse_newer(db, int.from_bytes(head[60:64], "big"))
    try:
        with closing(connect_readonly(path)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            version = schema_version(conn)
    except sqlite3.DatabaseError as error:
        raise BadArchive(f"{db} is not a readable archive ({error})") from None
    if tables and "articles" not in tables:
        raise BadArchive(f"{db} is an SQLite database, but not an archive (no articles table)")
    _refuse_newer(db, version)  # a migration still in the -wal
    if not tables and must_exist:
        raise BadArchive(f"{db} holds no archive yet (an empty SQLite database)")


def _refuse_newer(db: str | Path, version: int) -> None:
    from pipelines.schema import SCHEMA_VERSION

    if version > SCHEMA_VERSION:
        # Never misread, never "migrated": the archive stays as it is.
        raise BadArchive(
            f"{db} has schema version {version}, newer than this vnarchive knows "
            f"({SCHEMA_VERSION}): upgrade vnarchive to use it"
        )


def check_writable(db: str | Path) -> None:
    """Raise BadArchive when a command that writes (a crawl, a migration) cannot."""
    if not writable(db):
        raise BadArchive(
            f"{db} is on read-only media or in a folder this user cannot write "
            "(read-only commands work there: status, gaps, search, export, serve)"
        )


def connect_readonly(db: str | Path) -> sqlite3.Connection:
    """A read-only connection: `mode=ro`, or `immutable=1` on read-only media.

    `mode=ro` sees a crawl's commits as they land; `immutable=1` promises SQLite that
    nobody writes the file, which holds on read-only media. A `-wal` file with content
    there holds writes that `immutable=1` would not see: that copy is refused.
    """
    path = Path(db).resolve()
    uri = f"file:{quote(str(path))}"
    if writable(path):
        return sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        # SQLite reads a read-only WAL database when its -wal and -shm both exist.
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            raise BadArchive(
                f"{wal} holds writes that cannot be read on read-only media; make the "
                "copy with `vnarchive publish` (one self-contained file)"
            ) from None
    return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_current(conn: sqlite3.Connection, db: str | Path) -> None:
    """A reader cannot migrate: an archive of another schema version is refused."""
    from pipelines.schema import SCHEMA_VERSION

    version = schema_version(conn)
    if version != SCHEMA_VERSION:
        raise BadArchive(
            f"{db} has schema version {version}, not {SCHEMA_VERSION}, and is read-only here: "
            "open it once where it can be written (any command migrates it) or publish a "
            "current copy with `vnarchive publish`"
        )


def open_reader(db: str | Path) -> Archive:
    """The archive for a command that only reads it, whatever media it sits on."""
    from pipelines.archive import Archive

    conn = connect_readonly(db)
    try:
        check_current(conn, db)
    except BaseException:
        conn.close()
        raise
    return Archive.reader(conn, db)
