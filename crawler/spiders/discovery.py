"""Discovery beyond the home page's links (issue 15 §4): what a portal declares and what
its robots.txt names.

A mixin of `crawler.spiders.portal.PortalSpider`. At the start of a run it asks for:

- the sitemaps the start origin's `/robots.txt` names (`Sitemap:` lines). robots.txt
  is fetched once: when the crawl obeys it, Scrapy's robots middleware has fetched and
  parsed it (Protego), and hands the parser over with its `robots_parsed` signal, as
  it does for the Crawl-delay (crawler/politeness.py); otherwise the spider asks for
  it and reads it with Scrapy's `sitemap_urls_from_robots`;
- each declared `Source` of the portal (`crawler/portals/`): sitemaps and news sitemaps
  (`crawler/spiders/sitemaps.py`), RSS/Atom feeds (`crawler/spiders/feeds.py`), and,
  once the start page has answered, section listings, walked in their declared paging
  style. On a mirror or replica
  (a start host none of the portal's) each declared URL is rebased onto the start
  URL's origin, path and query kept.

Sitemaps and feeds give article URLs with a date; `_queue_dated` decides, with the
frontier, what to fetch: an id the frontier does not know is queued; an archived one
whose date is newer than the archive's is refetched; the rest is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.discovery import is_newer, rebase
from crawler.extract.errors import VnarchiveError
from crawler.frontier import listing_position
from crawler.portals import Portal
from crawler.protocol.frontier import Frontier, Listed
from crawler.safety import decompression_refusal

# Articles decided on together: one frontier question each for a batch.
DECISION_BATCH = 500
# The error kind a broken source files in crawl_errors, by source kind.
BAD_KINDS = {"sitemap": "bad_sitemap", "news_sitemap": "bad_sitemap", "rss": "bad_feed"}


@dataclass(frozen=True, slots=True)
class DiscoveryOptions:
    """The DISCOVERY_* and SITEMAP_* / FEED_* settings (crawler/settings.py)."""

    robots: bool
    sitemaps: bool
    feeds: bool
    sections: bool
    sitemap_max_size: int
    sitemap_max_children: int
    sitemap_max_depth: int
    feed_max_size: int

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> DiscoveryOptions:
        return cls(
            robots=settings.getbool("DISCOVERY_ROBOTS_SITEMAPS"),
            sitemaps=settings.getbool("DISCOVERY_SITEMAPS"),
            feeds=settings.getbool("DISCOVERY_FEEDS"),
            sections=settings.getbool("DISCOVERY_SECTIONS"),
            sitemap_max_size=settings.getint("SITEMAP_MAX_SIZE"),
            sitemap_max_children=settings.getint("SITEMAP_MAX_CHILDREN"),
            sitemap_max_depth=settings.getint("SITEMAP_MAX_DEPTH"),
            feed_max_size=settings.getint("FEED_MAX_SIZE"),
        )


class DiscoveryMixin:
    crawler: Crawler
    portal: Portal
    start_url: str
    hosts: set[str]
    seen_ids: set[int]
    discovery: DiscoveryOptions
    # category -> (its declared paging template, its first page's URL here)
    section_paging: dict[str, tuple[str, str]]
    pagings: tuple[str, ...]
    sitemaps_requested: set[str]
    sections_entered: bool
    # True: Scrapy's robots middleware reads robots.txt and hands it over (ROBOTSTXT_OBEY).
    robots_by_signal: bool

    if TYPE_CHECKING:  # the spider's own, which this reads

        @property
        def store(self) -> Frontier: ...

        def _fail(self, url: str, kind: str, message: str) -> None: ...

        def failed(self, failure: Failure) -> None: ...

        def _count(self, key: str) -> None: ...

        def _article_requests(
            self, entries: Iterable[tuple[int, str]]
        ) -> Iterator[scrapy.Request]: ...

        def _enter(self, category: str, url: str) -> Iterator[scrapy.Request]: ...

        def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]: ...

        def parse_feed(self, response: Response) -> Iterator[scrapy.Request]: ...

    # -- what a run asks for first ---------------------------------------------

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        options = self.discovery
        start = urlsplit(self.start_url)
        if options.robots and options.sitemaps and not self.robots_by_signal:
            robots = f"{start.scheme}://{start.netloc}/robots.txt"
            yield scrapy.Request(
                robots, callback=self.parse_robots, errback=self.robots_failed,
                dont_filter=True,
            )  # fmt: skip
        for source in self.portal.sources:
            url = rebase(source.url, self.start_url, self.portal.hosts)
            if urlsplit(url).hostname not in self.hosts:
                continue  # a source on another host (a CDN): not this crawl's
            if source.kind in ("sitemap", "news_sitemap") and options.sitemaps:
                yield from self.sitemap_requests([url], source.kind)
            elif source.kind == "rss" and options.feeds:
                yield self.source_request(url, "rss", self.parse_feed, options.feed_max_size)

    def section_requests(self) -> Iterator[scrapy.Request]:
        """The declared section listings, each walked in its own paging style; asked
        once the start page has answered (or failed: the crawl goes on without it)."""
        if not self.discovery.sections or self.sections_entered:
            return
        self.sections_entered = True
        for source in self.portal.sources:
            url = rebase(source.url, self.start_url, self.portal.hosts)
            if source.kind == "section" and urlsplit(url).hostname in self.hosts:
                yield from self._enter_section(url, source.paging)

    def start_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.failed(failure)
        yield from self.section_requests()

    def _enter_section(self, url: str, paging: str) -> Iterator[scrapy.Request]:
        position = self.position(url)
        if position is None or not position[0]:
            return
        yield from self._enter(position[0], url)

    def declared_paging(self) -> dict[str, tuple[str, str]]:
        """Each declared section's category -> (its paging template, its first page on
        the crawled origin)."""
        paging = {}
        for source in self.portal.sources:
            url = rebase(source.url, self.start_url, self.portal.hosts)
            position = self.position(url)
            if source.kind == "section" and source.paging and position and position[0]:
                paging[position[0]] = (source.paging, url)
        return paging

    def position(self, url: str) -> tuple[str, int] | None:
        """The category and page of a listing URL, in the portal's paging styles."""
        return listing_position(url, self.portal.pager_params, self.pagings)

    def sitemap_requests(
        self,
        urls: Iterable[str],
        kind: str,
        depth: int = 0,
        lastmods: dict[str, str | None] | None = None,
    ) -> Iterator[scrapy.Request]:
        for url in urls:
            if url in self.sitemaps_requested:
                continue  # declared and named by robots.txt too: read once
            self.sitemaps_requested.add(url)
            request = self.source_request(
                url, kind, self.parse_sitemap, self.discovery.sitemap_max_size
            )
            request.meta["sitemap_depth"] = depth
            if lastmods is not None:
                request.meta["sitemap_lastmod"] = lastmods.get(url)
            yield request

    def source_request(
        self, url: str, kind: str, callback: Callable[[Response], Any], max_size: int
    ) -> scrapy.Request:
        meta: dict[str, Any] = {"source_kind": kind}
        if max_size > 0:
            meta["download_maxsize"] = max_size
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.source_failed,
            meta=meta,
        )

    # -- robots.txt ------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._robots_sitemaps(
            sitemap_urls_from_robots(response.body, base_url=response.url)
        )

    def _robots_sitemaps(self, found: Iterable[str]) -> Iterator[scrapy.Request]:
        urls = [rebase(url, self.start_url, self.portal.hosts) for url in found]
        own = [url for url in urls if urlsplit(url).hostname in self.hosts]
        self._add_count("robots/sitemaps", len(own))
        yield from self.sitemap_requests(own, "sitemap")

    def robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """The robots.txt Scrapy's middleware read (`signals.robots_parsed`): the start
        origin's `Sitemap:` lines are walked, read by Scrapy's own parser (Protego)."""
        start = urlsplit(self.start_url)
        if urlsplit(request.url).netloc != start.netloc:
            return  # another host's (a picture host's)
        if not (self.discovery.robots and self.discovery.sitemaps):
            return
        engine = self.crawler.engine
        assert engine is not None
        protego = getattr(robotparser, "rp", None)
        lines = getattr(protego, "sitemaps", None)
        if lines is None:
            # Another ROBOTSTXT_PARSER keeps no Sitemap lines: fetched and read here.
            engine.crawl(scrapy.Request(
                request.url, callback=self.parse_robots, errback=self.robots_failed,
                dont_filter=True,
            ))  # fmt: skip
            return
        for follow in self._robots_sitemaps(urljoin(request.url, u) for u in lines):
            engine.crawl(follow)

    def robots_failed(self, failure: Failure) -> None:
        # No robots.txt (a 404) is common and says nothing: counted, not an error.
        self._count("robots/missing")

    # -- the decisions -----------------------------------------------------------

    def _queue_dated(self, entries: Iterable[Listed], kind: str) -> Iterator[scrapy.Request]:
        """Articles a sitemap or feed lists, with their dates: the new ones queued, the
        archived ones whose date moved past the archive's refetched, the rest skipped."""
        found: dict[int, Listed] = {}
        for entry in entries:
            found.setdefault(entry.article_id, entry)
        self._add_count(f"discovered/{kind}", len(found))
        listed = list(found.values())
        # A sitemap lists up to 50,000 URLs; the frontier is asked a batch at a time
        # (SQLite takes a bounded number of parameters per statement).
        for start in range(0, len(listed), DECISION_BATCH):
            yield from self._decide(listed[start : start + DECISION_BATCH], kind)

    def _decide(self, found: list[Listed], kind: str) -> Iterator[scrapy.Request]:
        fresh = [e for e in found if e.article_id not in self.seen_ids]
        store = self.store
        known = store.known(e.article_id for e in fresh)
        new = [e for e in fresh if e.article_id not in known]
        held = store.last_changed(e.article_id for e in fresh if e.article_id in known)
        changed = [
            e for e in fresh
            if e.article_id in held and is_newer(e.changed_at, held[e.article_id])
        ]  # fmt: skip
        self._add_count(f"discovered/{kind}/new", len(new))
        self._add_count(f"discovered/{kind}/changed", len(changed))
        self._add_count(f"discovered/{kind}/skipped", len(found) - len(new) - len(changed))
        store.add(new)
        store.refetch(changed)
        yield from self._article_requests((e.article_id, e.url) for e in [*new, *changed])

    def own_url(self, url: str) -> str | None:
        """A URL a sitemap or feed gives, as this crawl asks for it: rebased onto the
        mirror's origin; None for another host's."""
        url = rebase(url.strip(), self.start_url, self.portal.hosts)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in self.hosts:
            return None
        return url

    # -- failures --------------------------------------------------------------

    def source_failed(self, failure: Failure) -> None:
        """A sitemap or feed that could not be fetched: its own error kind
        (`bad_sitemap`, `bad_feed`), counted and recorded; the other sources go on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        kind = BAD_KINDS.get(request.meta.get("source_kind", "") if request else "", "bad_source")
        response = getattr(failure.value, "response", None)
        refusal = decompression_refusal(failure.value) if failure.value is not None else None
        if refusal is not None:
            message = f"too big: {refusal}"
        elif isinstance(failure.value, VnarchiveError):
            # A refusal of crawler/safety.py (too_large, offsite_redirect, ...).
            message = f"{failure.value.kind}: {failure.value}"
        elif response is not None:
            message = f"HTTP {response.status}"
        else:
            name = failure.type.__name__ if failure.type else "error"
            message = f"{name}: {failure.getErrorMessage()}"
        self._fail(url, kind, message)

    def _add_count(self, key: str, amount: int) -> None:
        if amount:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"vnarchive/{key}", amount)
