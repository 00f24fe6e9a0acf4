"""Bounds on a crawl, each one a recorded outcome rather than a silent stop (issue 16).

A hostile or broken site can keep a crawl busy for ever: empty listing pages that link
`?page=N+1`, a new category path on every page, an endless pager that brings a new
article on each page. A scheduled run caught in one holds the archive's lock, and every
later run exits 75 until a person steps in. Each bound here, when it trips, is counted
under `vnarchive/bounds/<name>` in the crawl stats, gets a `crawl_errors` row of kind
`bound_<name>`, and makes the run "degraded" (exit 3, pipelines/ledger.py):

- `CrawlBounds` (used by the spider): pages in a row of a listing walk that list no
  article, or only its previous page's (CRAWL_MAX_EMPTY_PAGES), listing pages read
  per category in one run (CRAWL_MAX_LISTING_DEPTH), categories entered in one run
  beyond the portal's declared ones (CRAWL_MAX_EXTRA_CATEGORIES);
- `MaxDurationExtension`: the run stops after CRAWL_MAX_DURATION seconds (finish
  reason `max_duration`); what it had not fetched stays in the frontier for the next run;
- `UrlLengthGuardMiddleware`: a request over URLLENGTH_LIMIT, which Scrapy's
  UrlLengthMiddleware drops with one log line, gets its row and a final frontier state.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any, cast

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.defer import deferred_from_coro

from crawler.protocol.signals import page_failed

logger = logging.getLogger(__name__)

MAX_DURATION_REASON = "max_duration"


def record_bound(crawler: Crawler, name: str, url: str, message: str, *, row: bool = True) -> None:
    """Count a bound that tripped; `row`: also file it in crawl_errors (via page_failed)."""
    assert crawler.stats is not None
    crawler.stats.inc_value(f"vnarchive/bounds/{name}")
    logger.warning("crawl bound %s: %s (%s)", name, message, url)
    if row:
        crawler.stats.inc_value(f"vnarchive/errors/bound_{name}")
        crawler.signals.send_catch_log(page_failed, url=url, kind=f"bound_{name}", message=message)


class CrawlBounds:
    """The listing bounds of one run. Pure bookkeeping: the spider asks, then records."""

    def __init__(self, settings: BaseSettings, declared: Collection[str]) -> None:
        self.max_empty_pages = settings.getint("CRAWL_MAX_EMPTY_PAGES")
        self.max_depth = settings.getint("CRAWL_MAX_LISTING_DEPTH")
        self.max_extra_categories = settings.getint("CRAWL_MAX_EXTRA_CATEGORIES")
        self.declared = frozenset(declared)
        self.extra_categories = 0

    def enter_category(self, category: str) -> bool:
        """Whether a category may be read: a declared one always, others up to the bound."""
        if category in self.declared:
            return True
        if self.max_extra_categories and self.extra_categories >= self.max_extra_categories:
            return False
        self.extra_categories += 1
        return True

    @staticmethod
    def empty_pages(ids: Collection[int], previous: Collection[int], before: int) -> int:
        """Pages in a row of one walk that list no article its previous page did not
        (none at all, or the same again), this page included. (Per walk: a parent
        category's pages list its subcategories' articles, and are not empty.)"""
        return before + 1 if set(ids) <= set(previous) else 0

    def too_empty(self, empty: int) -> bool:
        return bool(self.max_empty_pages) and empty >= self.max_empty_pages

    def too_deep(self, page: int) -> bool:
        """Whether the page after `page` is past the depth bound."""
        return bool(self.max_depth) and page >= self.max_depth

    def listing_stop(self, page: int, empty: int) -> str | None:
        """The bound that keeps a listing walk from the page after `page`, if any."""
        if self.too_empty(empty):
            return "empty_pages"
        if self.too_deep(page):
            return "listing_depth"
        return None

    def message(self, bound: str, category: str, page: int) -> str:
        if bound == "empty_pages":
            return (
                f"{category}: {self.max_empty_pages} listing pages in a row listed no new "
                f"article; page {page + 1} not read (CRAWL_MAX_EMPTY_PAGES)"
            )
        return (
            f"{category}: {self.max_depth} listing pages read in this run; page "
            f"{page + 1} and later left for the next run (CRAWL_MAX_LISTING_DEPTH)"
        )


class MaxDurationExtension:
    """Stops the run after CRAWL_MAX_DURATION seconds (0: no bound), recorded."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.duration = crawler.settings.getfloat("CRAWL_MAX_DURATION")
        self.timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MaxDurationExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        if self.duration > 0:
            # Imported here: importing it installs a reactor, which Scrapy chooses.
            from twisted.internet import reactor

            self.timer = cast(Any, reactor).callLater(self.duration, self.stop)

    def stop(self) -> None:
        self.timer = None
        spider = self.crawler.spider
        url = getattr(spider, "start_url", None) or "?"
        record_bound(
            self.crawler, MAX_DURATION_REASON, url,
            f"stopped after {self.duration:g} s (CRAWL_MAX_DURATION / --max-duration); "
            "what was not fetched stays queued for the next run",
        )  # fmt: skip
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=MAX_DURATION_REASON))

    def spider_closed(self, spider: Any) -> None:
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None


class UrlLengthGuardMiddleware(BaseSpiderMiddleware):
    """Before Scrapy's UrlLengthMiddleware (800): the same refusal, recorded."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_length = crawler.settings.getint("URLLENGTH_LIMIT")

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if not self.max_length or len(request.url) <= self.max_length:
            return request
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("vnarchive/errors/url_too_long")
        self.crawler.signals.send_catch_log(
            page_failed, url=request.url, kind="url_too_long",
            message=f"URL of {len(request.url)} characters, over URLLENGTH_LIMIT "
            f"({self.max_length}): not fetched",
        )  # fmt: skip
        return None
