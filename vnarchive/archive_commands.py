"""`vnarchive reparse`, `search`, `optimize` and `export`: reading the archive back, offline.

Each prints one clear line and exits 2 for bad input (an unknown archive, a
malformed query), so scripts can tell usage errors from failures.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pipelines.archive import Archive

USAGE = 2


def _open(db: str, command: str) -> Archive | None:
    from crawler.extract.errors import StorageError
    from pipelines.archive import Archive

    if not Path(db).exists():
        print(f"vnarchive {command}: error: no archive at {db}", file=sys.stderr)
        return None
    try:
        return Archive(db)
    except StorageError as error:
        print(f"vnarchive {command}: error: {error}", file=sys.stderr)
        return None


def run_reparse(*, db: str, since: date | None, site: str | None) -> int:
    from pipelines.reparse import reparse

    archive = _open(db, "reparse")
    if archive is None:
        return USAGE
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

    archive = _open(db, "search")
    if archive is None:
        return USAGE
    with archive:
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

    archive = _open(db, "optimize")
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
) -> int:
    if fmt == "wacz":  # a zip of WARC files, not lines (vnarchive/wacz_command.py)
        from vnarchive.wacz_command import run_wacz_export

        return run_wacz_export(db=db, since=since, until=until, category=category, output=output)
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
    archive = _open(db, "export")
    if archive is None:
        return USAGE
    progress = Progress(sys.stderr, "export", every=10_000)
    count = 0

    def counted(n: int) -> None:
        nonlocal count
        count = n
        progress(n)

    with archive:
        lines = export_lines(archive, fmt, Filters(since, until, category), progress=counted)
        if output in (None, "-"):
            sys.stdout.writelines(lines)
            sys.stdout.flush()
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                out.writelines(lines)
    progress.done(count)
    print(f"vnarchive export: {count} articles ({fmt})", file=sys.stderr)
    return 0
