"""`vnarchive reparse`, `search`, `optimize` and `export`: reading the archive back, offline.

Each prints one clear line and exits 2 for bad input (an unknown archive, a
malformed query), so scripts can tell usage errors from failures.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vnarchive.archive_path import fail

if TYPE_CHECKING:
    from pipelines.archive import Archive
    from pipelines.search import Filters

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


def unknown_site(archive: Archive, site: str | None) -> str | None:
    """The error for a --site that no archived article has (None: fine)."""
    if not site:
        return None
    if archive.db.execute("SELECT 1 FROM articles WHERE site = ? LIMIT 1", (site,)).fetchone():
        return None
    rows = archive.db.execute(
        "SELECT site, count(*) FROM articles GROUP BY site ORDER BY count(*) DESC, site"
    ).fetchall()
    known = ", ".join(f"{name} ({n})" for name, n in rows) or "none"
    return f"no archived article is from site {site!r}; sites: {known}"


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
    site: str | None = None,
) -> int:
    from pipelines.search import Filters, SearchQueryError, search

    if since and until and since > until:
        return fail("search", f"--since {since} is after --until {until}: nothing can match")
    archive = _open(db, "search")
    if archive is None:
        return USAGE
    with archive:
        problem = unknown_site(archive, site) or unknown_category(archive, category)
        if problem:
            print(f"vnarchive search: error: {problem}", file=sys.stderr)
            return USAGE
        filters = Filters(since, until, category, site)
        try:
            hits = search(archive.db, query, filters=filters, limit=limit)
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


# Formats written as a folder of files rather than one stream.
FOLDER_FORMATS = ("parquet", "hf")


def run_export(
    *,
    db: str,
    fmt: str,
    since: date | None,
    until: date | None,
    category: str | None,
    output: str | None,
    excel: bool = False,
    site: str | None = None,
) -> int:
    if fmt == "wacz":  # a zip of WARC files, not lines (vnarchive/wacz_command.py)
        from vnarchive.wacz_command import run_wacz_export

        return run_wacz_export(
            db=db, since=since, until=until, category=category, output=output, site=site
        )
    from crawler.extract.errors import PathEscape
    from pipelines.pathguard import check_output
    from pipelines.search import Filters

    if fmt in FOLDER_FORMATS and output in (None, "-"):
        return fail("export", f"--format {fmt} writes a folder: give it with -o DIR")
    if output not in (None, "-"):
        try:
            check_output(output, db)  # `-o archive.db` would truncate the archive
        except PathEscape as error:
            return fail("export", error)
    if fmt in FOLDER_FORMATS and not _new_or_empty_folder(Path(str(output))):
        return fail("export", f"{output} exists and is not an empty folder")
    if since and until and since > until:
        return fail("export", f"--since {since} is after --until {until}: nothing can match")
    if excel and fmt != "csv":
        return fail("export", "--excel goes with --format csv")
    archive = _open(db, "export")
    if archive is None:
        return USAGE
    problem = unknown_site(archive, site) or unknown_category(archive, category)
    if problem:
        archive.close()
        return fail("export", problem)  # before -o is created: a typo truncates nothing
    progress = Progress(sys.stderr, "export", every=10_000)
    filters = Filters(since, until, category, site)
    with archive:
        if fmt in FOLDER_FORMATS:
            counts = _export_folder(archive, fmt, Path(str(output)), filters, progress)
            count = counts["articles"]
            detail = ", ".join(f"{n} {name}" for name, n in counts.items())
            summary = f"{count} articles ({fmt}: {detail} -> {output})"
        else:
            count = _export_stream(archive, fmt, output, filters, progress, excel=excel)
            summary = f"{count} articles ({fmt})"
    progress.done(count)
    print(f"vnarchive export: {summary}", file=sys.stderr)
    return 0


def _new_or_empty_folder(path: Path) -> bool:
    # Never write Parquet files over an earlier export (or anything else) in place.
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _export_stream(
    archive: Archive,
    fmt: str,
    output: str | None,
    filters: Filters,
    progress: Progress,
    *,
    excel: bool,
) -> int:
    from pipelines.export import export_lines

    count = 0

    def counted(n: int) -> None:
        nonlocal count
        count = n
        progress(n)

    lines = export_lines(archive, fmt, filters, progress=counted, excel=excel)
    if output in (None, "-"):
        sys.stdout.writelines(lines)
        sys.stdout.flush()
    else:
        with open(str(output), "w", encoding="utf-8", newline="") as out:
            out.writelines(lines)
    return count


def _export_folder(
    archive: Archive, fmt: str, folder: Path, filters: Filters, progress: Progress
) -> dict[str, int]:
    # pyarrow is imported only for these formats: the others need none of it.
    from pipelines.dataset_card import write_dataset
    from pipelines.parquet_export import write_parquet

    write = write_parquet if fmt == "parquet" else write_dataset
    # Written beside it, then renamed: an interrupted export leaves no half folder
    # that looks complete (the rename replaces an empty folder atomically).
    partial = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    try:
        counts = write(archive, partial, filters, progress)
        os.replace(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return counts
