"""`vnarchive status`: the last runs, the frontier and the archive's totals, per site.

Reads the archive read-only (safe while a crawl runs: WAL readers never block the
writer) and exits with the last run's exit code, so a monitor can call it alone. An
archive of several sites (one scheduled crawl per portal) is shown site by site, each
with its last run, and the exit code is the worst of each site's last run; `--site`
shows one site alone and exits with its last run's code.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from pipelines.frontier_store import rows_as_dicts
from vnarchive.archive_path import BadArchive, check_archive, connect_readonly, fail
from vnarchive.lock import holders


def open_readonly(db: str | Path) -> sqlite3.Connection:
    """The archive, read-only, on any media (BadArchive: not an archive)."""
    check_archive(db)
    return connect_readonly(db)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def last_runs(conn: sqlite3.Connection, runs: int, site: str | None = None) -> list[dict[str, Any]]:
    """The last `runs` runs (of `site` only, when given), newest first (what a person
    looks for is on top)."""
    if site is None or "site" not in _columns(conn, "crawls"):
        # An archive of before schema version 8 (read-only media are never migrated)
        # does not say which site a run crawled: all its runs are shown.
        cursor = conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT ?", (runs,))
    else:
        cursor = conn.execute(
            "SELECT * FROM crawls WHERE site = ? ORDER BY id DESC LIMIT ?", (site, runs)
        )
    return rows_as_dicts(cursor)


def sites(conn: sqlite3.Connection) -> list[str]:
    """Every site the archive knows of: its articles', its frontier's, its runs'."""
    tables = _tables(conn)
    parts = ["SELECT DISTINCT site FROM articles"]
    if "frontier" in tables:
        parts.append("SELECT DISTINCT site FROM frontier")
    if "site" in _columns(conn, "crawls"):
        parts.append("SELECT DISTINCT site FROM crawls WHERE site IS NOT NULL")
    return sorted(row[0] for row in conn.execute(" UNION ".join(parts)) if row[0])


def latest_per_site(conn: sqlite3.Connection) -> dict[str | None, dict[str, Any]]:
    """Each site's newest run (None: runs that name no site: older rows, ingests)."""
    if "site" not in _columns(conn, "crawls"):
        rows = last_runs(conn, 1)
        return {None: rows[0]} if rows else {}
    cursor = conn.execute(
        "SELECT * FROM crawls WHERE id IN (SELECT max(id) FROM crawls GROUP BY site)"
    )
    return {row.get("site"): row for row in rows_as_dicts(cursor)}


def totals(conn: sqlite3.Connection, site: str | None = None) -> dict[str, Any]:
    """The archive's totals (of `site` only, when given)."""
    tables = _tables(conn)
    where, params = ("WHERE site = ?", (site,)) if site is not None else ("", ())

    def one(sql: str) -> Any:
        return conn.execute(sql.format(where=where), params).fetchone()[0]

    out: dict[str, Any] = {
        "articles": int(one("SELECT count(*) FROM articles {where}")),
        "newest_published": one("SELECT max(published_at) FROM articles {where}"),
        "last_new_article_at": one("SELECT max(first_seen_at) FROM articles {where}"),
    }
    if "article_versions" in tables:
        out["earlier_versions"] = int(one("SELECT count(*) FROM article_versions {where}"))
    if "removals" in tables:
        out["removals"] = int(one("SELECT count(*) FROM removals {where}"))
    if "frontier" in tables:
        rows = conn.execute(f"SELECT state, count(*) FROM frontier {where} GROUP BY state", params)
        out["frontier"] = dict(rows)
    if "listing_walks" in tables:
        unfinished = "finished_at IS NULL" + (" AND site = ?" if site is not None else "")
        out["walks_unfinished"] = int(
            conn.execute(f"SELECT count(*) FROM listing_walks WHERE {unfinished}", params)
            .fetchone()[0]
        )  # fmt: skip
    return out


def _frontier_line(summary: dict[str, Any]) -> str:
    states = ", ".join(f"{n} {state}" for state, n in sorted(summary["frontier"].items()))
    return f"frontier: {states or 'empty'}; unfinished listing walks: " + str(
        summary.get("walks_unfinished", 0)
    )


def _run_line(run: dict[str, Any], *, show_site: bool = False) -> str:
    removed = run.get("articles_removed")
    duration = run.get("duration_s")
    statuses = json.loads(run.get("status_counts") or "{}")
    codes = " ".join(f"{k}:{v}" for k, v in statuses.items())
    site = f"{run.get('site') or '?':18} " if show_site else ""
    return (
        f"#{run['id']:<4} {site}{(run.get('started_at') or '')[:19]:19}  "
        f"{run.get('mode') or '-':11} {run.get('status') or '?':12} "
        f"exit {run.get('exit_code') if run.get('exit_code') is not None else '-':<3} "
        f"{run.get('pages_fetched') or 0:>6} pages  {run.get('articles_new') or 0:>5} new "
        f"{run.get('articles_updated') or 0:>4} upd {run.get('articles_unchanged') or 0:>5} same "
        f"{removed or 0:>3} removed {run.get('errors') or 0:>4} errors "
        f"{run.get('fallback_extractions') or 0:>3} fallback "
        f"{f'{duration:.1f} s' if duration is not None else '-':>8}  {codes}"
    )


def _mark_interrupted(
    runs: list[dict[str, Any]],
    latest: dict[str | None, dict[str, Any]],
    alive: dict[str | None, dict[str, Any]],
) -> None:
    """A row still "running" whose crawl holds no lock was killed: say so. Only a site's
    newest run can still be running, and only while its site's lock is held (None: the
    archive's own, held by an ingest or an older vnarchive's crawl)."""
    for run in runs:
        site = run.get("site")
        newest = latest.get(site, {}).get("id") == run["id"]
        if run.get("status") == "running" and not (newest and site in alive):
            run["status"] = "interrupted"
            run["exit_code"] = 1


def _site_line(site: str, summary: dict[str, Any], last: dict[str, Any] | None) -> str:
    run = "no run yet"
    if last is not None:
        code = last.get("exit_code")
        run = (
            f"last run #{last['id']} {(last.get('started_at') or '')[:16]} "
            f"{last.get('status') or '?'}" + (f" (exit {code})" if code is not None else "")
        )
    return (
        f"  {site:24} {summary['articles']:>7} articles, newest published "
        f"{(summary['newest_published'] or '-')[:16]}; {run}"
    )


def exit_status(latest: dict[str | None, dict[str, Any]]) -> int:
    """The exit code of the newest run of each site, the worst first: failed (1), layout
    drift (4), degraded (3); 0 when every site's last run was ok or is running."""
    codes = {int(run.get("exit_code") or 0) for run in latest.values()
             if run.get("status") != "running"}  # fmt: skip
    return next((code for code in (1, 4, 3) if code in codes), max(codes, default=0))


def run_status(*, db: str, runs: int = 10, site: str | None = None) -> int:
    try:
        conn = open_readonly(db)
    except BadArchive as error:
        return fail("status", error)
    with closing(conn):
        try:
            known = sites(conn)
            if site is not None and site not in known:
                return fail("status", f"no site {site!r} in {db}; sites: "
                            f"{', '.join(known) or 'none'}")  # fmt: skip
            history = last_runs(conn, runs, site)
            summary = totals(conn, site)
            latest = latest_per_site(conn)
            per_site = (
                {s: totals(conn, s) for s in known} if site is None and len(known) > 1 else {}
            )
        except sqlite3.Error as error:
            return fail("status", f"{db}: {error}")
    alive = holders(db)
    _mark_interrupted(history, latest, alive)
    _mark_interrupted(list(latest.values()), latest, alive)
    print(f"archive {db}" + (f", site {site}" if site is not None else ""))
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
        print("  " + _frontier_line(summary))
    if per_site:
        print(f"{len(per_site)} sites (status --site NAME shows one):")
        for name, numbers in per_site.items():
            print(_site_line(name, numbers, latest.get(name)))
            if "frontier" in numbers:
                print(f"  {'':24} {_frontier_line(numbers)}")
    if history:
        print("last run:" if len(history) == 1 else f"last {len(history)} runs, newest first:")
    else:
        print("no runs yet")
    for run in history:
        print("  " + _run_line(run, show_site=bool(per_site)))
    if site is not None:
        return exit_status({site: history[0]} if history else {})
    return exit_status(latest)
