"""`vnarchive gaps`: what the listings advertised that the archive does not hold.

Every listing page a crawl reads is remembered in `listing_entries` (article id,
category, the day the listing showed). Two views come out of it:

1. days x categories where the archive holds fewer of the listed articles than the
   listings advertised;
2. per category, runs of missing article ids: missing articles that sit next to
   each other in the category's listing (no archived article of the category between
   them), with the frontier's word on why (pending, failed: last error, gone).

An archive of several sites is reported site by site (`--site` picks one). Each gap
ends with the command that fetches it: `vnarchive crawl --backfill --until`
the gap's oldest day (a backfill walks the listings back to that day and queues what
is missing; failed articles are retried up to FRONTIER_MAX_ATTEMPTS).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from crawler.portals import portal_by_name
from vnarchive.archive_path import BadArchive, fail
from vnarchive.status import open_readonly


@dataclass(frozen=True, slots=True)
class DayGap:
    site: str
    category: str
    day: str | None
    advertised: int
    archived: int


@dataclass(frozen=True, slots=True)
class IdRun:
    site: str
    category: str
    first_id: int
    last_id: int
    missing: int
    first_day: str | None
    last_day: str | None
    states: str  # e.g. "2 pending, 1 failed (http_500: HTTP 500)"


def listing_count(conn: sqlite3.Connection) -> int | None:
    """How many listing entries the archive holds (None: its schema has no such table)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'listing_entries'"
    ).fetchone()
    if not exists:
        return None
    return int(conn.execute("SELECT count(*) FROM listing_entries").fetchone()[0])


def listed_sites(conn: sqlite3.Connection) -> list[str]:
    """The sites whose listings were recorded."""
    return [
        row[0] for row in conn.execute("SELECT DISTINCT site FROM listing_entries ORDER BY site")
    ]


def listed_categories(
    conn: sqlite3.Connection, category: str | None = None, site: str | None = None
) -> list[str]:
    """The categories whose listings were recorded (only `category`, of `site`, when given)."""
    rows = conn.execute(
        "SELECT DISTINCT category FROM listing_entries WHERE (? IS NULL OR category = ?) "
        "AND (? IS NULL OR site = ?) ORDER BY category",
        (category, category, site, site),
    )
    return [row[0] for row in rows]


def day_gaps(
    conn: sqlite3.Connection, category: str | None = None, site: str | None = None
) -> list[DayGap]:
    rows = conn.execute(
        "SELECT le.site, le.category, le.listed_on, count(*), count(a.article_id) "
        "FROM listing_entries le LEFT JOIN articles a "
        "ON a.site = le.site AND a.article_id = le.article_id "
        "WHERE (? IS NULL OR le.category = ?) AND (? IS NULL OR le.site = ?) "
        "GROUP BY le.site, le.category, le.listed_on HAVING count(a.article_id) < count(*) "
        "ORDER BY le.site, le.category, le.listed_on DESC",
        (category, category, site, site),
    )
    return [DayGap(*row) for row in rows]


def id_runs(
    conn: sqlite3.Connection, category: str | None = None, site: str | None = None
) -> list[IdRun]:
    rows = conn.execute(
        "SELECT le.site, le.category, le.article_id, le.listed_on, "
        "a.article_id IS NOT NULL, f.state, f.last_error FROM listing_entries le "
        "LEFT JOIN articles a ON a.site = le.site AND a.article_id = le.article_id "
        "LEFT JOIN frontier f ON f.site = le.site AND f.article_id = le.article_id "
        "WHERE (? IS NULL OR le.category = ?) AND (? IS NULL OR le.site = ?) "
        "ORDER BY le.site, le.category, le.article_id DESC",
        (category, category, site, site),
    )
    runs: list[IdRun] = []
    current: list[tuple[Any, ...]] = []

    def close() -> None:
        if current:
            runs.append(_run(current))
            current.clear()

    previous: tuple[str, str] | None = None
    for row in rows:
        if (row[0], row[1]) != previous:
            close()
            previous = (row[0], row[1])
        if row[4]:  # archived: ends a run
            close()
        else:
            current.append(row)
    close()
    return runs


def _run(rows: list[tuple[Any, ...]]) -> IdRun:
    days = [r[3] for r in rows if r[3]]
    states: dict[str, int] = {}
    errors: dict[str, str] = {}
    for r in rows:
        state = r[5] or "never queued"
        states[state] = states.get(state, 0) + 1
        if r[6]:
            errors.setdefault(state, r[6].split(":", 1)[0])
    described = ", ".join(
        f"{n} {state}" + (f" ({errors[state]})" if state in errors else "")
        for state, n in sorted(states.items())
    )
    return IdRun(
        rows[0][0],
        rows[0][1],
        min(r[2] for r in rows),
        max(r[2] for r in rows),
        len(rows),
        min(days) if days else None,
        max(days) if days else None,
        described,
    )


def run_gaps(*, db: str, category: str | None = None, site: str | None = None) -> int:
    try:
        conn = open_readonly(db)
    except BadArchive as error:
        return fail("gaps", error)
    with closing(conn):
        try:
            listed = listing_count(conn)
            sites = listed_sites(conn) if listed else []
            if listed and site is not None and site not in sites:
                return fail("gaps", f"no listing of site {site!r}; listed: {', '.join(sites)}")
            if listed and category and not listed_categories(conn, category, site):
                known = ", ".join(listed_categories(conn, site=site)) or "none"
                return fail("gaps", f"no listing of category {category!r}; listed: {known}")
            days, runs = ([], []) if not listed else (day_gaps(conn, category, site),
                                                      id_runs(conn, category, site))  # fmt: skip
        except sqlite3.Error as error:
            # Any other error is the archive's, and says so: never "no listings".
            return fail("gaps", f"{db}: {error}")
    if listed is None:
        message = "predates listing records (schema version 5): a crawl migrates it"
        return fail("gaps", f"{db} {message}")
    if not listed:
        print("no listing records yet: a crawl records what each listing page shows")
        return 0
    if not days and not runs:
        print("no gaps: the archive holds every article the listings advertised")
        return 0
    # An archive of several sites is reported site by site, each with its own command.
    several = site is not None or len(sites) > 1
    for name in sorted({g.site for g in days} | {r.site for r in runs}):
        if several:
            print(f"site {name}:")
        _report(db, name, [g for g in days if g.site == name],
                [r for r in runs if r.site == name], named=several)  # fmt: skip
    return 0


def _report(db: str, site: str, days: list[DayGap], runs: list[IdRun], *, named: bool) -> None:
    print("days x categories where the archive holds fewer articles than listed:")
    print(f"  {'category':40} {'day':10} {'listed':>6} {'archived':>8}")
    for gap in days:
        print(f"  {gap.category:40} {gap.day or '?':10} {gap.advertised:>6} {gap.archived:>8}")
    print("runs of missing article ids (by category, newest first):")
    for run in runs:
        span = f"{run.first_day or '?'}..{run.last_day or '?'}"
        ids = f"{run.first_id}" if run.first_id == run.last_id else f"{run.first_id}-{run.last_id}"
        print(f"  {run.category:40} ids {ids:15} {run.missing:>4} missing  {span}  {run.states}")
    oldest = min((d.day for d in days if d.day), default=None)
    command = f"vnarchive crawl --backfill{_which(site) if named else ''} --db {db}" + (
        f" --until {oldest}" if oldest else ""
    )
    print(f"to fetch them: {command}")


def _which(site: str) -> str:
    """The crawl option that names `site`: its portal, or its home page."""
    try:
        return f" --portal {portal_by_name(site).name}"
    except KeyError:
        return f" --start-url https://{site}/"
