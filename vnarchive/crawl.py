"""`vnarchive crawl`: one Scrapy run of a portal's spider into the archive.

Incremental by default (see crawler/spiders/portal.py), `--backfill [--until DATE]`
walks every category to its end or to the date bound. One run per site of an archive at
a time (vnarchive/lock.py): a second crawl of the same site exits with
EXIT_ALREADY_RUNNING (75); crawls of other sites into the same archive run alongside.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.loopback import LOOPBACK_SETTINGS, is_loopback
from crawler.portals import TUYENGIAO, portal_by_name, portal_for_url, undeclared_portal
from crawler.report import SUMMARY_STAT, describe_run, exit_code
from crawler.spiders.portal import PortalSpider
from crawler.spiders.tuyengiao import TuyengiaoSpider
from vnarchive.archive_path import BadArchive, check_archive, check_writable, fail
from vnarchive.lock import EXIT_ALREADY_RUNNING, AlreadyRunning, CrawlLock

# Where they lived before; kept for their importers (bench/, the demo, the worker).
__all__ = ["LOOPBACK_SETTINGS", "build_settings", "crawl_once", "describe_run", "is_loopback",
           "run_crawl"]  # fmt: skip

SPIDERS: dict[str, type[PortalSpider]] = {"tuyengiao": TuyengiaoSpider}


class UsageError(ValueError):
    pass


def build_settings(
    *,
    db: str,
    start_url: str | None,
    polite: str = "auto",
    overrides: Sequence[str] = (),
    log_level: str = "INFO",
    contact: str | None = None,
    max_duration: float | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_PATH", db, priority="cmdline")
    if contact:
        # Who to write to about this crawl: a webmaster reads it in their access log.
        settings.set("VNARCHIVE_CONTACT", contact, priority="cmdline")
        settings.set("USER_AGENT", user_agent(contact), priority="cmdline")
    settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    # The spider applies it (crawler/loopback.py), as it does under `scrapy crawl`.
    settings.set("CRAWL_POLITE", polite, priority="cmdline")
    if max_duration is not None:
        settings.set("CRAWL_MAX_DURATION", max_duration, priority="cmdline")
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


def with_portal(
    spider_cls: type[PortalSpider], portal: str | None, start_url: str | None
) -> type[PortalSpider]:
    """The spider class with its portal bound as a class attribute, which Scrapy's
    `from_crawler` reads before any instance exists (the generic `PortalSpider` has
    none: without this, a crawl of any portal but tuyengiao's failed at start)."""
    if getattr(spider_cls, "portal", None) is not None:
        return spider_cls
    if portal is not None:
        bound = portal_by_name(portal)
    else:
        found = portal_for_url(start_url) if start_url else None
        bound = found or (undeclared_portal(start_url) if start_url else TUYENGIAO)
    return type(spider_cls.__name__, (spider_cls,), {"portal": bound})


def crawl_site(spider_cls: type[PortalSpider], portal: str | None, start_url: str | None) -> str:
    """The site a crawl writes its frontier and ledger row under: the one its spider
    settles on (asked of the spider itself, so the two never disagree)."""
    told = {"portal": portal} if portal is not None else {}
    return spider_cls(start_url=start_url, **told).portal.site


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
    max_duration: float | None = None,
) -> int:
    try:
        spider_cls = with_portal(spider_for(portal, start_url), portal, start_url)
        if portal is not None:
            portal = portal_by_name(portal).name
        settings = build_settings(
            db=db, start_url=start_url, polite=polite, overrides=overrides, log_level=log_level,
            contact=contact, max_duration=max_duration,
        )  # fmt: skip
    except (KeyError, UsageError) as error:
        return fail("crawl", error.args[0])
    if until and mode != "backfill":
        return fail("crawl", "--until goes with --backfill")
    if start_url and urlsplit(start_url).scheme not in ("http", "https"):
        return fail("crawl", f"--start-url must be http(s): {start_url!r}")
    try:
        site = crawl_site(spider_cls, portal, start_url)
    except ValueError as error:
        return fail("crawl", f"--start-url {start_url!r}: {error}")
    try:
        # Before anything is written: a wrong --db is left exactly as it was.
        check_archive(db, must_exist=False)
        check_writable(db)
    except BadArchive as error:
        return fail("crawl", error)
    if redis:
        # A worker of a distributed crawl (issue 7): no archive, no archive lock.
        from vnarchive.worker import run_worker

        return run_worker(
            spider_cls, settings, redis_url=redis, worker_id=worker_id, start_url=start_url,
            mode=mode, until=until, portal=portal,
        )  # fmt: skip
    # One crawl per site at a time; other sites' crawls into the same archive run
    # alongside (vnarchive/lock.py).
    lock = CrawlLock(db, site)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        return fail("crawl", error, EXIT_ALREADY_RUNNING)
    except OSError as error:
        return fail("crawl", f"cannot take the lock {lock.path}: {error.strerror}")
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
    if SUMMARY_STAT not in stats:
        # crawler.report.RunReportExtension prints it when the engine stops: this run
        # never started one (a bootstrap failure), and still ends with its line.
        print(describe_run(stats, db), file=sys.stderr)
    return exit_code(stats)


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
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    told = {"portal": portal} if portal is not None else {}
    process.crawl(crawler, start_url=start_url, mode=mode, until=until, **told)
    process.start()
    return dict(crawler.stats.get_stats()) if crawler.stats else {}
