"""`vnarchive reparse`, `search`, `optimize` and `export`: reading the archive back, offline.

Each prints one clear line and exits 2 for bad input (an unknown archive, a
malformed query), so scripts can tell usage errors from failures.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import TYPE_CHECKING, TextIO

from vnarchive.archive_path import fail

if TYPE_CHECKING:
    from pipelines.archive import Archive

USAGE = 2


def _open(db: str, command: str, *, write: bool = False) -> Archive | None:
    """The archive, or None after one error line. Commands that only read open an
    archive they cannot write (read-only media) read-only, unmigrated."""
    import sqlite3

    from crawler.extract.errors import StorageError
    from pipelines.archive import Archive
    from vnarchive.archive_path import (
        BadArchive,
        check_archive,
        check_writable,
        fail,
        open_reader,
        writable,
    )

    try:
        check_archive(db)
        if write:
            check_writable(db)
        elif not writable(db):
            return open_reader(db)
        return Archive(db)
    except (BadArchive, StorageError, sqlite3.DatabaseError) as error:
        fail(command, error)
        return None


def unknown_category(archive: Archive, category: str | None) -> str | None:
    """The error for a --category that no archived article has (None: fine). Without it
    a typo exports or finds nothing, silently, with exit 0."""
    from pipelines.search import Filters

    if not category:
        return None
    where, params = Filters(category=category).sql()
    if archive.db.execute(f"SELECT 1 FROM articles a WHERE {where} LIMIT 1", params).fetchone():
        return None
    rows = archive.db.execute(
        "SELECT substr(category, 1, instr(category || '/', '/') - 1) AS top, count(*) "
        "FROM articles WHERE category IS NOT NULL GROUP BY top ORDER BY count(*) DESC, top"
    ).fetchall()
    known = ", ".join(f"{top} ({n})" for top, n in rows) or "none"
    return f"no archived article is in category {category!r}; categories: {known}"


def run_reparse(*, db: str, since: date | None, site: str | None) -> int:
    from pipelines.reparse import reparse

    archive = _open(db, "reparse", write=True)
    if archive is None:
        return USAGE
    if (
        site
        and not archive.db.execute(
            "SELECT 1 FROM articles WHERE site = ? LIMIT 1", (site,)
        ).fetchone()
    ):
        sites = [row[0] for row in archive.db.execute("SELECT DISTINCT site FROM articles")]
        archive.close()
        return fail("reparse", f"no archived article is from site {site!r}; sites: "
                    f"{', '.join(sorted(sites)) or 'none'}")  # fmt: skip
    progress = Progress(sys.stderr, "reparse")
    with archive:
        summary = reparse(archive, since=since, site=site, progress=progress)
    progress.done(summary.articles)
    print(summary.describe(), file=sys.stderr)
    return 0


class Progress:
    """A line every `every` articles (every 100, rewritten in place, on a terminal)."""

    def __init__(self, stream: TextIO, label: str, every: int = 1000) -> None:
        self.stream = stream
        self.label = label
        self.every = every
        self.tty = stream.isatty()
        self.started = time.monotonic()

    def __call__(self, count: int) -> None:
        if count % (100 if self.tty else self.every):
            return
        rate = count / max(time.monotonic() - self.started, 1e-9)
        line = f"{self.label}: {count} articles ({rate:.0f}/s)"
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def done(self, count: int) -> None:
        if self.tty and count >= 100:
            self.stream.write("\n")


def run_search(
    *,
    db: str,
    query: str,
    since: date | None,
    until: date | None,
    category: str | None,
    limit: int,
) -> int:
    from pipelines.search import Filters, SearchQueryError, search

    if since and until and since > until:
        return fail("search", f"--since {since} is after --until {until}: nothing can match")
    archive = _open(db, "search")
    if archive is None:
        return USAGE
    with archive:
        problem = unknown_category(archive, category)
        if problem:
            print(f"vnarchive search: error: {problem}", file=sys.stderr)
            return USAGE
        try:
            hits = search(archive.db, query, filters=Filters(since, until, category), limit=limit)
        except SearchQueryError as error:
            print(f"vnarchive search: error: {error}", file=sys.stderr)
            return USAGE
    for hit in hits:
        day = (hit["published_at"] or "")[:10] or "----------"
        mark = "=" if hit["match"] == "exact" else "~"
        print(f"{mark} {day}  {hit['title']}\n    {hit['url']}")
    print(f"{len(hits)} results (= exact accents, ~ without accents)", file=sys.stderr)
    return 0


def run_optimize(*, db: str) -> int:
    from crawler.extract.errors import StorageError
    from pipelines.fts import FTS_TABLES, segment_count

    archive = _open(db, "optimize", write=True)
    if archive is None:
        return USAGE
    with archive:
        for table in FTS_TABLES:
            print(f"{table}: {segment_count(archive.db, table)} segments", file=sys.stderr)
        print("merging (one transaction per index)...", file=sys.stderr)
        started = time.monotonic()
        try:
            archive.optimize_search()
        except StorageError as error:
            print(f"vnarchive optimize: error: {error}", file=sys.stderr)
            return 1
        after = ", ".join(f"{t}: {segment_count(archive.db, t)}" for t in FTS_TABLES)
    print(f"merged in {time.monotonic() - started:.1f} s; segments now {after}", file=sys.stderr)
    return 0


def run_export(
    *,
    db: str,
    fmt: str,
    since: date | None,
    until: date | None,
    category: str | None,
    output: str | None,
    excel: bool = False,
) -> int:
    from crawler.extract.errors import PathEscape
    from pipelines.export import export_lines
    from pipelines.pathguard import check_output
    from pipelines.search import Filters

    if output not in (None, "-"):
        try:
            check_output(output, db)  # `-o archive.db` would truncate the archive
        except PathEscape as error:
            print(f"vnarchive export: error: {error}", file=sys.stderr)
            return USAGE
    if since and until and since > until:
        return fail("export", f"--since {since} is after --until {until}: nothing can match")
    if excel and fmt != "csv":
        print("vnarchive export: error: --excel goes with --format csv", file=sys.stderr)
        return USAGE
    archive = _open(db, "export")
    if archive is None:
        return USAGE
    problem = unknown_category(archive, category)
    if problem:
        archive.close()
        print(f"vnarchive export: error: {problem}", file=sys.stderr)
        return USAGE  # before -o is created: a typo truncates nothing
    progress = Progress(sys.stderr, "export", every=10_000)
    count = 0

    def counted(n: int) -> None:
        nonlocal count
        count = n
        progress(n)

    with archive:
        lines = export_lines(
            archive, fmt, Filters(since, until, category), progress=counted, excel=excel
        )
        if output in (None, "-"):
            sys.stdout.writelines(lines)
            sys.stdout.flush()
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                out.writelines(lines)
    progress.done(count)
    print(f"vnarchive export: {count} articles ({fmt})", file=sys.stderr)
    return 0
