"""A spider for one portal: it discovers pages and routes them, nothing more.

What a page says is `parse_article`'s business; where links are is the portal's
declared selectors; what is left to fetch is the frontier in the archive
(`pipelines.frontier_store`). The spider decides what to fetch next:

- first, what a killed run left pending, and conditional revisits of the articles
  published in the last REVISIT_DAYS days;
- then each category's listing. A category never walked to its end (a first crawl,
  a killed one, a `--backfill`) is walked page by page, its progress kept in the
  archive; one walked before is read from its newest page until the incremental stop
  rule (`crawler.frontier.follow_head`) says the rest is archived;
- with them, the portal's declared sources and the sitemaps its robots.txt names
  (`crawler/spiders/discovery.py`): section listings in their paging style, sitemaps
  and feeds, whose dates say which archived articles changed.

An article (one numeric id) is fetched at most once per run, whatever URL form it is
linked under, and never again once archived (unless revisited).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler.extract.article import Article
from crawler.extract.dates import VN_TZ
from crawler.extract.errors import ExtractionError
from crawler.extract.parsing import ParsedPage, article_from_page, read_page
from crawler.extract.parsing.dom import Element
from crawler.extract.urls import normalize_url
from crawler.frontier import MODES, MemoryFrontier
from crawler.limits import CrawlBounds
from crawler.loopback import apply_politeness
from crawler.portals import (
    TUYENGIAO,
    Portal,
    portal_by_name,
    portal_for_url,
    undeclared_portal,
)
from crawler.protocol.frontier import Frontier, Listed
from crawler.protocol.signals import frontier_opened, page_failed
from crawler.safety import failure_kind
from crawler.spiders.discovery import DiscoveryMixin, DiscoveryOptions
from crawler.spiders.feeds import FeedMixin
from crawler.spiders.images import ArticleImagesMixin
from crawler.spiders.links import Links, page_tree
from crawler.spiders.listings import ListingWalkMixin
from crawler.spiders.replicas import ReplicaMixin, header
from crawler.spiders.sitemaps import SitemapMixin


def _default_settings() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings")
    return settings


class PortalSpider(
    ReplicaMixin,
    ListingWalkMixin,
    DiscoveryMixin,
    SitemapMixin,
    FeedMixin,
    ArticleImagesMixin,
    scrapy.Spider,
):
    """Any declared portal: `scrapy crawl portal -a portal=vnexpress [-a start_url=...]`.

    Which portal reads a page is the page's host (issue 15): a page of the portal's
    own hosts is its; a page of another host (a replica, a mirror) is read as the
    portal only when the crawl was told so (`portal=NAME`, `vnarchive crawl --portal`)
    or a loopback replica says it imitates that portal (the X-Replica-Of header).
    Any other page is read as its own host's: never stored under this portal's name.
    """

    name = "portal"
    portal: Portal
    # Whether Scrapy's URL filter also sees article requests (see _article_requests).
    filter_article_urls = False

    def __init__(
        self,
        start_url: str | None = None,
        mode: str = "incremental",
        until: str | None = None,
        portal: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        # Told which portal this is: its layouts read the start URL's host too.
        self.told = portal is not None
        if portal is not None:
            self.portal = portal_by_name(portal)
        elif not hasattr(self, "portal"):
            found = portal_for_url(start_url) if start_url else None
            self.portal = found or (undeclared_portal(start_url) if start_url else TUYENGIAO)
        self.mode = mode
        self.until = date.fromisoformat(until).isoformat() if until else None
        self.start_url = normalize_url(start_url or self.portal.default_start_url)
        start_host = urlsplit(self.start_url).hostname or ""
        self.hosts = {start_host, *self.portal.hosts}
        # Scrapy's offsite filter reads this; hosts without ports.
        self.allowed_domains = sorted(self.hosts)
        self.seen_ids: set[int] = set()
        self.entered: set[str] = set()  # categories whose reading this run has begun
        self.current_category = ""  # for the progress line
        self.frontier: Frontier | None = None
        self.resuming = False  # unfinished listing walks were found at start
        self.overlap_pages = 1
        self.revisit_days = 2.0
        self.links = Links(self.hosts, self.portal.article_id)
        # The crawl bounds (crawler/limits.py); from_crawler reads them from the settings.
        self.bounds = CrawlBounds(_default_settings(), self.portal.known_categories)
        self.bounds_recorded: set[str] = set()
        self.listing_selectors = tuple(
            dict.fromkeys(s for layout in self.portal.layouts for s in layout.listing_links)
        )
        # Discovery beyond the home page (crawler/spiders/discovery.py).
        self.discovery = DiscoveryOptions.from_settings(_default_settings())
        self.pagings = tuple(dict.fromkeys(s.paging for s in self.portal.sources if s.paging))
        # Known before any page is read: a walk a killed run left at a page its declared
        # style made may be resumed from a menu link, before the sections are entered.
        self.section_paging = self.declared_paging()
        self.sitemaps_requested: set[str] = set()
        self.sections_entered = False
        self.robots_by_signal = False
        self.children_requested = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Before Scrapy freezes the settings: the same for `scrapy crawl` and the CLI.
        apply_politeness(crawler.settings, spider.start_url)
        spider.overlap_pages = crawler.settings.getint("INCREMENTAL_OVERLAP_PAGES")
        spider.revisit_days = crawler.settings.getfloat("REVISIT_DAYS")
        # The instance's portal: a PortalSpider told `portal=NAME` has no class portal.
        spider.bounds = CrawlBounds(crawler.settings, spider.portal.known_categories)
        spider.discovery = DiscoveryOptions.from_settings(crawler.settings)
        if crawler.settings.getbool("ROBOTSTXT_OBEY"):
            # Scrapy's robots middleware fetches robots.txt: its Sitemap lines come with it.
            spider.robots_by_signal = True
            crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.frontier_opened, signal=frontier_opened)
        return spider

    def frontier_opened(self, frontier: Frontier) -> None:
        self.frontier = frontier

    @property
    def store(self) -> Frontier:
        if self.frontier is None:
            # No archive pipeline (e.g. `scrapy crawl` with ITEM_PIPELINES emptied): a
            # throwaway in-memory frontier keeps the spider working, without resume.
            self.frontier = MemoryFrontier()
        return self.frontier

    async def start(self) -> AsyncIterator[scrapy.Request]:
        try:
            async for request in self._start():
                yield request
        except sqlite3.Error as error:
            # The frontier could not be read or written (a full disk, a locked file):
            # recorded, and on a full disk the archive pipeline stops the crawl.
            self._fail(self.start_url, "storage", f"frontier: {error}")

    async def _start(self) -> AsyncIterator[scrapy.Request]:
        store = self.store
        self.resuming = store.unfinished_walks() > 0
        leftovers = [p for p in store.pending() if p.article_id not in self.seen_ids]
        if leftovers:
            self.logger.info("resuming: %d articles left pending by an earlier run", len(leftovers))
        for request in self._article_requests((p.article_id, self._here(p.url)) for p in leftovers):
            yield request
        if self.revisit_days > 0:
            since = datetime.now(VN_TZ) - timedelta(days=self.revisit_days)
            for revisit in store.revisits(since):
                if revisit.article_id in self.seen_ids:
                    continue
                self.seen_ids.add(revisit.article_id)
                yield self._revisit_request(self._here(revisit.url), revisit.article_id, revisit)
        position = self.position(self.start_url)
        if position and position[0]:
            for request in self._enter(position[0], self.start_url):
                yield request
            for request in self.section_requests():
                yield request
        else:
            # The declared sections follow the start page's answer (`section_requests`):
            # its menu links most of them, and a host that answers 429 to the first
            # request is asked nothing more until Retry-After has passed.
            yield scrapy.Request(
                self.start_url, callback=self.parse_listing, errback=self.start_failed,
                meta={"start_page": True},
            )  # fmt: skip
        for request in self.discovery_requests():
            yield request

    # -- articles -------------------------------------------------------------

    def parse_article_page(self, response: Response) -> Iterator[Any]:
        self.refuse_other_replica(response)
        article_id = response.meta.get("article_id") or self.portal.article_id(response.url)
        if response.status == 304:
            # A revisit the server answered "not modified": unchanged, at no cost.
            self._count("revisits/not_modified")
            self._count("articles_unchanged")
            return
        self._count("pages/article")
        if article_id is not None:
            self.store.set_validators(
                article_id, response.url, header(response, b"ETag"),
                header(response, b"Last-Modified"),
            )  # fmt: skip
        fetched_at = datetime.now(VN_TZ).replace(microsecond=0)
        article, requests = self._read_article_page(response, fetched_at)
        if article is not None and article_id is not None and article.article_id != article_id:
            # Asked for one article, answered with another (a redirect to it): that one
            # is archived; the one asked for ends failed, not in progress for ever.
            redirects = response.meta.get("redirect_urls")
            self._fail(
                redirects[0] if redirects else response.url, "other_article",
                f"answered with article {article.article_id} ({response.url})",
            )  # fmt: skip
        if article is not None:
            # Counted for the run summary: many of either means the layout drifted.
            self._count("articles_parsed")
            if article.extraction_method != "selectors" and self._has_layouts(response):
                # Only a page that a declared layout should have read: a site read by
                # the generic reader by design (undeclared, discovery-only) never drifts.
                self._count("fallback")
            if article.published_at is None:
                self._count("no_date")
            yield article
            yield from self.image_requests(article)
        yield from requests

    def _read_article_page(
        self, response: Response, fetched_at: datetime
    ) -> tuple[Article | None, list[scrapy.Request]]:
        """The page's article and the requests for the articles it links to.

        The page is parsed once, for both (issue 9: a second parse cost about 0.3 ms a
        page). Its tree, ten times the page's size, ends with this call: the callback
        is suspended at its `yield` until the archive's writer has the article."""
        parsed: ParsedPage | None = None
        try:
            parsed = read_page(response.body, response.url)
        except ExtractionError as error:
            self._fail(response.url, error.kind, str(error))
        requests: list[scrapy.Request] = []
        if isinstance(response, TextResponse):
            # Related-article boxes lead to articles the listings may no longer show.
            # Read before extraction, which removes the page's furniture from the tree.
            root = parsed.root if parsed is not None else page_tree(response)
            requests = self._guarded(
                response.url, "links", lambda: self._discover_articles(response, root)
            )
        if parsed is None:
            return None, requests
        try:
            portal = self._reading_portal(response)
            article = article_from_page(parsed, response.url, fetched_at, portal=portal)
        except ExtractionError as error:
            self._fail(response.url, error.kind, str(error))
            return None, requests
        return article, requests

    def _discover_articles(self, response: TextResponse, root: Element) -> Iterator[scrapy.Request]:
        found: dict[int, Listed] = {}
        for url, article_id in self.links.all_links(response, root, self.seen_ids):
            if article_id is not None and article_id not in self.seen_ids:
                found.setdefault(article_id, Listed(article_id, url))
        queue = self._unqueued(list(found.values()))
        self.store.add(queue)
        yield from self._article_requests((e.article_id, e.url) for e in queue)

    def _unqueued(self, entries: list[Listed]) -> list[Listed]:
        """Entries not yet requested in this run and not known to the archive."""
        fresh = [e for e in entries if e.article_id not in self.seen_ids]
        known = self.store.known(e.article_id for e in fresh)
        return [e for e in fresh if e.article_id not in known]

    def _article_requests(self, entries: Iterable[tuple[int, str]]) -> Iterator[scrapy.Request]:
        batch = [(a, u) for a, u in entries if a not in self.seen_ids]
        if not batch:
            return
        self.seen_ids.update(a for a, _ in batch)
        self.store.started(a for a, _ in batch)
        for article_id, url in batch:
            # Not filtered: articles are deduplicated by id above. Scrapy's URL filter
            # would only drop, without a word, a redirect to a page already fetched (or
            # an article whose URL another one's redirect fetched first), leaving its
            # frontier entry in progress for ever (issue 16). (Distributed workers
            # share one filter in Redis: it is how they split the articles.)
            yield scrapy.Request(
                url,
                callback=self.parse_article_page,
                errback=self.failed,
                meta={"article_id": article_id},
                dont_filter=not self.filter_article_urls,
            )

    def _revisit_request(self, url: str, article_id: int, revisit: Any) -> scrapy.Request:
        headers = {}
        if revisit.etag:
            headers["If-None-Match"] = revisit.etag
        if revisit.last_modified:
            headers["If-Modified-Since"] = revisit.last_modified
        self._count("revisits/requested")
        return scrapy.Request(
            url,
            callback=self.parse_article_page,
            errback=self.failed,
            headers=headers,
            meta={"article_id": article_id, "handle_httpstatus_list": [304], "revisit": True},
        )

    # -- links ----------------------------------------------------------------

    def _here(self, url: str) -> str:
        """A stored URL, moved onto the start URL's origin when it was stored from a site
        that is not the portal (a replica that ran on another port): same path, asked
        of the site being crawled."""
        parts, start = urlsplit(url), urlsplit(self.start_url)
        if parts.netloc == start.netloc or parts.hostname in self.portal.hosts:
            return url
        return urlunsplit((start.scheme, start.netloc, parts.path, parts.query, ""))

    # -- failures -------------------------------------------------------------

    def failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        # Filed under the URL the crawl asked for, whose frontier entry waits for an
        # answer: a redirect loop A -> B -> A fails at B, which nobody listed.
        redirects = request.meta.get("redirect_urls") if request is not None else None
        asked = redirects[0] if redirects else url
        kind, message = failure_kind(failure)
        if asked != url:
            message = f"{message} (after redirects to {url})"
        self._fail(asked, kind, message)

    def _fail(self, url: str, kind: str, message: str) -> None:
        self.logger.warning("%s: %s (%s)", url, message, kind)
        self._count(f"errors/{kind}")
        self.crawler.signals.send_catch_log(page_failed, url=url, kind=kind, message=message)

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"vnarchive/{key}")
