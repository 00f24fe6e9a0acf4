"""`vnarchive publish`: one self-contained, read-only-ready copy of the archive.

The archive runs in WAL mode: its latest commits may sit in `<archive>-wal`, and a WAL
database needs a writable folder for its readers' `-shm` index. A copy made with `cp`
can miss the first and trips on the second on read-only media. `VACUUM INTO` writes a
consistent snapshot (even while a crawl is writing) into one compact file in rollback-
journal mode, which any SQLite reader opens on read-only media.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from vnarchive.archive_path import (
    BadArchive,
    check_archive,
    check_current,
    connect_readonly,
    fail,
)


def run_publish(*, db: str, output: str, force: bool = False) -> int:
    from crawler.extract.errors import PathEscape
    from pipelines.pathguard import check_output

    target = Path(output)
    try:
        check_archive(db)
        check_output(target, db)  # never over the archive or one of its files
    except (BadArchive, PathEscape) as error:
        return fail("publish", error)
    if target.exists() and not force:
        return fail("publish", f"{output} exists (--force replaces it)")
    if not target.parent.is_dir():
        return fail("publish", f"{target.parent} is not a folder")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(connect_readonly(db)) as source:
            check_current(source, db)
            source.execute("VACUUM INTO ?", (str(partial),))
        with closing(sqlite3.connect(partial)) as copy:
            # Rollback journal: readable where nothing can be written.
            copy.execute("PRAGMA journal_mode=DELETE")
            articles = copy.execute("SELECT count(*) FROM articles").fetchone()[0]
        partial.replace(target)  # whole or nothing under the published name
    except (BadArchive, sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        return fail("publish", error, 1)
    size = target.stat().st_size / 1e6
    print(
        f"vnarchive publish: {articles} articles -> {output} ({size:.1f} MB); serve it with "
        f"`vnarchive serve --db {output} --immutable` (the WARC files are not copied)",
        file=sys.stderr,
    )
    return 0
