"""Schema version 8: the run ledger says which site each run crawled (`crawls.site`).

Several portals are crawled into one archive (one scheduled job per portal), so `status`
shows each site's last run and a run's row names its site. A run that reads several
sites (a Redis ingest) keeps NULL.

Rows written before are filled where the archive can tell:
1. the one site whose rows the run wrote (captures, articles, frontier entries,
   listing walks, removals: each keeps the `crawl_id` that wrote it);
2. else the start URL's host: a declared portal's site; a loopback start URL (the
   replica) by the spider's name when it names a portal; any other host as its own
   site (what the generic reader labels it);
3. else NULL (unknown, never guessed).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import sqlite_utils

from crawler.extract.urls import site_host
from crawler.portals import portal_by_name, portal_for_url

# Tables that record which run wrote a row, and the row's site.
_WRITTEN = ("captures", "articles", "frontier", "listing_walks", "removals")


def migrate_v7_to_v8(db: sqlite_utils.Database) -> None:
    if "site" not in {row[1] for row in db.execute("PRAGMA table_info(crawls)")}:
        db.execute("ALTER TABLE crawls ADD COLUMN site TEXT")
    # `status --site` and each site's last run: newest first within a site.
    db.execute("CREATE INDEX IF NOT EXISTS crawls_site ON crawls (site, id)")
    tables = set(db.table_names())
    written: dict[int, set[str]] = {}
    for table in _WRITTEN:
        if table not in tables:
            continue
        rows = db.execute(
            f"SELECT DISTINCT crawl_id, site FROM {table} "
            "WHERE crawl_id IS NOT NULL AND site IS NOT NULL"
        )
        for crawl_id, site in rows:
            written.setdefault(int(crawl_id), set()).add(site)
    runs = db.execute("SELECT id, spider, start_url FROM crawls WHERE site IS NULL").fetchall()
    for run_id, spider, start_url in runs:
        sites = written.get(int(run_id), set())
        site = next(iter(sites)) if len(sites) == 1 else None
        if site is None and not sites:
            site = site_of_start(spider, start_url)
        if site is not None:
            db.execute("UPDATE crawls SET site = ? WHERE id = ?", (site, run_id))


def site_of_start(spider: str | None, start_url: str | None) -> str | None:
    """The site a run that wrote nothing crawled, from its start URL and spider name."""
    if not start_url or urlsplit(start_url).scheme not in ("http", "https"):
        return None
    declared = portal_for_url(start_url)
    if declared is not None:
        return declared.site
    host = urlsplit(start_url).hostname or ""
    if _loopback(host):
        # The replica: crawled as the portal the spider is named after (`tuyengiao`).
        try:
            return portal_by_name((spider or "").split("@", 1)[0]).site
        except KeyError:
            return None
    return site_host(start_url) or None


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
