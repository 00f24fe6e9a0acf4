"""`vnarchive status`: the last runs, the frontier and the archive's totals.

Reads the archive read-only (safe while a crawl runs: WAL readers never block the
writer) and exits with the last run's exit code, so a monitor can call it alone.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from pipelines.frontier_store import rows_as_dicts
from vnarchive.archive_path import BadArchive, check_archive, connect_readonly, fail
from vnarchive.lock import holder


def open_readonly(db: str | Path) -> sqlite3.Connection:
    """The archive, read-only, on any media (BadArchive: not an archive)."""
    check_archive(db)
    return connect_readonly(db)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def last_runs(conn: sqlite3.Connection, runs: int) -> list[dict[str, Any]]:
    """The last `runs` runs, newest first (what a person looks for is on top)."""
    cursor = conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT ?", (runs,))
    return rows_as_dicts(cursor)


def totals(conn: sqlite3.Connection) -> dict[str, Any]:
    tables = _tables(conn)

    def count(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    out: dict[str, Any] = {
        "articles": count("SELECT count(*) FROM articles"),
        "newest_published": conn.execute("SELECT max(published_at) FROM articles").fetchone()[0],
        "last_new_article_at": conn.execute("SELECT max(first_seen_at) FROM articles").fetchone()[
            0
        ],
    }
    if "article_versions" in tables:
        out["earlier_versions"] = count("SELECT count(*) FROM article_versions")
    if "removals" in tables:
        out["removals"] = count("SELECT count(*) FROM removals")
    if "frontier" in tables:
        out["frontier"] = dict(conn.execute("SELECT state, count(*) FROM frontier GROUP BY state"))
    if "listing_walks" in tables:
        out["walks_unfinished"] = count(
            "SELECT count(*) FROM listing_walks WHERE finished_at IS NULL"
        )
    return out


def _run_line(run: dict[str, Any]) -> str:
    removed = run.get("articles_removed")
    duration = run.get("duration_s")
    statuses = json.loads(run.get("status_counts") or "{}")
    codes = " ".join(f"{k}:{v}" for k, v in statuses.items())
    return (
        f"#{run['id']:<4} {(run.get('started_at') or '')[:19]:19}  "
        f"{run.get('mode') or '-':11} {run.get('status') or '?':12} "
        f"exit {run.get('exit_code') if run.get('exit_code') is not None else '-':<3} "
        f"{run.get('pages_fetched') or 0:>6} pages  {run.get('articles_new') or 0:>5} new "
        f"{run.get('articles_updated') or 0:>4} upd {run.get('articles_unchanged') or 0:>5} same "
        f"{removed or 0:>3} removed {run.get('errors') or 0:>4} errors "
        f"{run.get('fallback_extractions') or 0:>3} fallback "
        f"{f'{duration:.1f} s' if duration is not None else '-':>8}  {codes}"
    )


def run_status(*, db: str, runs: int = 10) -> int:
    try:
        conn = open_readonly(db)
    except BadArchive as error:
        return fail("status", error)
    with closing(conn):
        try:
            history = last_runs(conn, runs)
            summary = totals(conn)
        except sqlite3.Error as error:
            return fail("status", f"{db}: {error}")
    print(f"archive {db}")
    print(
        f"  {summary['articles']} articles, newest published {summary['newest_published']}, "
        f"last new article archived {summary['last_new_article_at']}"
    )
    extras = [
        f"{summary[k]} {label}"
        for k, label in (("earlier_versions", "earlier versions"), ("removals", "removals"))
        if k in summary
    ]
    if extras:
        print("  " + ", ".join(extras))
    if "frontier" in summary:
        states = ", ".join(f"{n} {state}" for state, n in sorted(summary["frontier"].items()))
        print(f"  frontier: {states or 'empty'}; unfinished listing walks: "
              f"{summary.get('walks_unfinished', 0)}")  # fmt: skip
    # A row still "running" whose crawl holds no lock was killed: say so.
    alive = holder(db) is not None
    for run in history:
        if run.get("status") == "running" and not (alive and run is history[0]):
            run["status"] = "interrupted"
            run["exit_code"] = 1
    if history:
        print("last run:" if len(history) == 1 else f"last {len(history)} runs, newest first:")
    else:
        print("no runs yet")
    for run in history:
        print("  " + _run_line(run))
    if not history:
        return 0
    last = history[0]
    if last.get("status") == "running":
        return 0
    return int(last.get("exit_code") or 0)
