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

if TYPE_CHECKING:
    from pipelines.archive import Archive
    from pipelines.search import Filters

USAGE = 2


def _open(db: str, command: str) -> Archive | None:
    from crawler.errors import StorageError
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
    from crawler.errors import StorageError
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
) -> int:
    from crawler.errors import PathEscape
    from crawler.pathguard import check_output
    from pipelines.search import Filters

    if fmt in FOLDER_FORMATS and output in (None, "-"):
        print(
            f"vnarchive export: error: --format {fmt} writes a folder: give it with -o DIR",
            file=sys.stderr,
        )
        return USAGE
    if output not in (None, "-"):
        try:
            check_output(output, db)  # `-o archive.db` would truncate the archive
        except PathEscape as error:
            print(f"vnarchive export: error: {error}", file=sys.stderr)
            return USAGE
    if fmt in FOLDER_FORMATS and not _new_or_empty_folder(Path(str(output))):
        print(
            f"vnarchive export: error: {output} exists and is not an empty folder",
            file=sys.stderr,
        )
        return USAGE
    archive = _open(db, "export")
    if archive is None:
        return USAGE
    progress = Progress(sys.stderr, "export", every=10_000)
    filters = Filters(since, until, category)
    with archive:
        if fmt in FOLDER_FORMATS:
            counts = _export_folder(archive, fmt, Path(str(output)), filters, progress)
            count = counts["articles"]
            detail = ", ".join(f"{n} {name}" for name, n in counts.items())
            summary = f"{count} articles ({fmt}: {detail} -> {output})"
        else:
            count = _export_stream(archive, fmt, output, filters, progress)
            summary = f"{count} articles ({fmt})"
    progress.done(count)
    print(f"vnarchive export: {summary}", file=sys.stderr)
    return 0


def _new_or_empty_folder(path: Path) -> bool:
    # Never write Parquet files over an earlier export (or anything else) in place.
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _export_stream(
    archive: Archive, fmt: str, output: str | None, filters: Filters, progress: Progress
) -> int:
    from pipelines.export import export_lines

    count = 0

    def counted(n: int) -> None:
        nonlocal count
        count = n
        progress(n)

    lines = export_lines(archive, fmt, filters, progress=counted)
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
