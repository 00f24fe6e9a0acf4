"""`vnarchive crawl`: one Scrapy run of a portal's spider into the archive.

Incremental by default (see crawler/spiders/portal.py), `--backfill [--until DATE]`
walks every category to its end or to the date bound. One run per archive at a time
(vnarchive/lock.py): a second one exits with EXIT_ALREADY_RUNNING (75).
"""

from __future__ import annotations

import ipaddress
import sys
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.portals import portal_by_name, portal_for_url
from crawler.spiders.portal import PortalSpider
from crawler.spiders.tuyengiao import TuyengiaoSpider
from pipelines.ledger import EXIT_FAILED
from vnarchive.lock import EXIT_ALREADY_RUNNING, AlreadyRunning, CrawlLock

SPIDERS: dict[str, type[PortalSpider]] = {"tuyengiao": TuyengiaoSpider}

# For a replica on this machine only: no delays, enough concurrency to be quick.
LOOPBACK_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}
POLITE_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": True,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
}


class UsageError(ValueError):
    pass


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_settings(
    *,
    db: str,
    start_url: str | None,
    polite: str = "auto",
    overrides: Sequence[str] = (),
    log_level: str = "INFO",
    contact: str | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_PATH", db, priority="cmdline")
    if contact:
        # Who to write to about this crawl: a webmaster reads it in their access log.
        settings.set("VNARCHIVE_CONTACT", contact, priority="cmdline")
        settings.set("USER_AGENT", user_agent(contact), priority="cmdline")
    settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    relaxed = polite == "off" or (polite == "auto" and start_url and is_loopback(start_url))
    for name, value in (LOOPBACK_SETTINGS if relaxed else POLITE_SETTINGS).items():
        settings.set(name, value, priority="cmdline")
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set takes NAME=VALUE, got {item!r}")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def user_agent(contact: str) -> str:
    return f"vnarchive/0.1 (+{contact}; archival crawler for research)"


def spider_for(portal: str | None, start_url: str | None) -> type[PortalSpider]:
    """The spider class of a crawl; `portal` (told) wins, else the start URL's host.

    Without --portal, a start URL on no declared host is crawled as an unknown site
    (its pages read as their own host's), except a loopback one: the project's
    replica, crawled with tuyengiao's discovery, whose pages are read as tuyengiao's
    only because each response says so (X-Replica-Of)."""
    if portal is not None:
        return SPIDERS.get(portal_by_name(portal).name, PortalSpider)
    found = portal_for_url(start_url) if start_url else portal_by_name("tuyengiao")
    if found is not None:
        return SPIDERS.get(found.name, PortalSpider)
    return TuyengiaoSpider if start_url and is_loopback(start_url) else PortalSpider


def run_crawl(
    *,
    portal: str | None,
    start_url: str | None,
    db: str,
    polite: str = "auto",
    overrides: Sequence[str] = (),
    log_level: str = "INFO",
    mode: str = "incremental",
    until: str | None = None,
    contact: str | None = None,
    redis: str | None = None,
    worker_id: str | None = None,
) -> int:
    try:
        spider_cls = spider_for(portal, start_url)
        if portal is not None:
            portal = portal_by_name(portal).name
        settings = build_settings(
            db=db, start_url=start_url, polite=polite, overrides=overrides, log_level=log_level,
            contact=contact,
        )  # fmt: skip
    except (KeyError, UsageError) as error:
        print(f"vnarchive crawl: error: {error.args[0]}", file=sys.stderr)
        return 2
    if until and mode != "backfill":
        print("vnarchive crawl: error: --until goes with --backfill", file=sys.stderr)
        return 2
    if start_url and urlsplit(start_url).scheme not in ("http", "https"):
        print(
            f"vnarchive crawl: error: --start-url must be http(s): {start_url!r}", file=sys.stderr
        )
        return 2
    if redis:
        # A worker of a distributed crawl (issue 7): no archive, no archive lock.
        from vnarchive.worker import run_worker

        return run_worker(
            spider_cls, settings, redis_url=redis, worker_id=worker_id, start_url=start_url,
            mode=mode, until=until, portal=portal,
        )  # fmt: skip
    lock = CrawlLock(db)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        print(f"vnarchive crawl: {error}", file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    try:
        if lock.taken_over:
            print(
                f"vnarchive crawl: taking over the lock of a dead crawl "
                f"(pid {lock.taken_over.get('pid')}, started "
                f"{lock.taken_over.get('started_at')}); resuming its work",
                file=sys.stderr,
            )
        stats = crawl_once(
            spider_cls, settings, start_url=start_url, mode=mode, until=until, portal=portal
        )
    finally:
        lock.release()
    print(describe_run(stats, db), file=sys.stderr)
    return int(stats.get("vnarchive/exit_code", EXIT_FAILED))


def crawl_once(
    spider_cls: type[PortalSpider],
    settings: Settings,
    *,
    start_url: str | None,
    mode: str = "incremental",
    until: str | None = None,
    portal: str | None = None,
) -> dict[str, Any]:
    """Run one crawl to its end in this process; return its final stats.

    `portal`: the crawl was told which portal the start URL's host is (a mirror)."""
    started = time.monotonic()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    told = {"portal": portal} if portal is not None else {}
    process.crawl(crawler, start_url=start_url, mode=mode, until=until, **told)
    process.start()
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    stats["vnarchive/elapsed_s"] = time.monotonic() - started
    return stats


def describe_run(stats: dict[str, Any], db: str) -> str:
    def count(key: str) -> int:
        return int(stats.get(f"vnarchive/{key}", 0))

    return (
        f"crawl #{stats.get('vnarchive/crawl_id', '?')} {stats.get('vnarchive/status', 'failed')}: "
        f"{int(stats.get('downloader/response_count', 0))} pages, "
        f"{count('articles_new')} new, {count('articles_updated')} updated, "
        f"{count('articles_unchanged')} unchanged, {count('errors')} errors "
        f"in {stats.get('vnarchive/elapsed_s', 0):.1f} s -> {db}"
        + (
            f"; {count('fallback')} articles read by the fallback, "
            f"{count('no_date')} without a publish date"
            if count("fallback") or count("no_date")
            else ""
        )
    )
