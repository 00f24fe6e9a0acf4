"""How a portal spider reads listing pages: a category's walk page by page, its newest
pages up to the incremental stop rule, and the bounds a hostile site cannot pass.

A mixin of `crawler.spiders.portal.PortalSpider`, which holds the state it reads (the
frontier, the links, the bounds) and the article requests it hands the listed ids to.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import scrapy
from lxml.html import HtmlElement
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract.dates import VN_TZ
from crawler.extract.errors import StorageError
from crawler.extract.parsing.dom import Element
from crawler.frontier import follow_head, page_url
from crawler.limits import CrawlBounds, record_bound
from crawler.portals import Portal
from crawler.protocol.frontier import Frontier, Listed, Walk
from crawler.spiders.links import Links, base_url, card, listed_day, page_tree


class ListingWalkMixin:
    crawler: Crawler
    portal: Portal
    links: Links
    listing_selectors: tuple[str, ...]
    bounds: CrawlBounds
    bounds_recorded: set[str]
    entered: set[str]
    current_category: str
    mode: str
    until: str | None
    resuming: bool
    overlap_pages: int
    section_paging: dict[str, tuple[str, str]]

    if TYPE_CHECKING:  # the spider's own, which this reads

        def position(self, url: str) -> tuple[str, int] | None: ...

        def section_requests(self) -> Iterator[scrapy.Request]: ...

        def _add_count(self, key: str, amount: int) -> None: ...

        @property
        def store(self) -> Frontier: ...

        def failed(self, failure: Failure) -> None: ...

        def _fail(self, url: str, kind: str, message: str) -> None: ...

        def refuse_other_replica(self, response: Response) -> None: ...

        def _count(self, key: str) -> None: ...

        def _here(self, url: str) -> str: ...

        def _unqueued(self, entries: list[Listed]) -> list[Listed]: ...

        def _article_requests(
            self, entries: Iterable[tuple[int, str]]
        ) -> Iterator[scrapy.Request]: ...

        def _discover_articles(
            self, response: TextResponse, root: Element
        ) -> Iterator[scrapy.Request]: ...

    # -- listings -------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self.refuse_other_replica(response)
        chain_meta: dict[str, Any] | None = response.meta.get("chain")
        if response.status == 404 and chain_meta is not None:
            # A page the declared paging style made, past the listing's last page.
            self._listing_ended(chain_meta)
            return
        if not isinstance(response, TextResponse):
            self._fail(response.url, "not_html", f"listing is not HTML ({content_type(response)})")
            return
        self._count("pages/listing")
        chain: dict[str, Any] | None = response.meta.get("chain")
        # The listing selectors' anchors, found once for the cards, the pager and the
        # categories (each selector is a walk of the whole page).
        root = page_tree(response)
        anchors = self.links.anchors(root, self.listing_selectors)
        links = self.links.urls(response, anchors)
        listed = self._listed(response, anchors)
        self._add_count("discovered/listing", len(listed))
        # Each part of the page is read on its own: one that fails (a hostile link, a
        # bug) is recorded and costs only itself, never the page's other requests.
        if chain is not None:
            self.current_category = chain["category"]
            yield from self._guarded(
                response.url, "listing", lambda: self._read_chain_page(chain, listed, links)
            )
        else:
            yield from self._guarded(response.url, "listing", lambda: self._queue_listed(listed))
        # Other article links (boxes, the home page's newest) lead to articles too.
        yield from self._guarded(
            response.url, "links", lambda: self._discover_articles(response, root)
        )
        yield from self._guarded(response.url, "categories", lambda: self._categories(links))
        if response.meta.get("start_page"):
            yield from self._guarded(response.url, "sections", self.section_requests)

    def _listing_ended(self, chain: dict[str, Any]) -> None:
        self._count("listings/ended_404")
        if chain["kind"] == "walk":
            self.store.listing_read(chain["category"], chain["page"], [],
                                    walk_next=(chain["page"], None))  # fmt: skip

    def _queue_listed(self, listed: list[Listed]) -> Iterator[scrapy.Request]:
        queue = self._unqueued(listed)
        self.store.add(queue)
        yield from self._article_requests((e.article_id, e.url) for e in queue)

    def _categories(self, links: list[str]) -> Iterator[scrapy.Request]:
        for url in links:
            position = self.position(url)
            if position and position[0] and position[1] == 1:
                yield from self._enter(position[0], url)

    def _guarded(
        self, url: str, part: str, read: Callable[[], Iterable[scrapy.Request]]
    ) -> list[scrapy.Request]:
        """The requests of one part of a page; on an unexpected error, none, recorded as
        `spider_error`. Storage errors go on up: the archive pipeline stops the crawl on
        a full disk (its spider_error handler), and must see them."""
        try:
            return list(read())
        except (sqlite3.Error, StorageError):
            raise
        except Exception as error:
            self._fail(url, "spider_error", f"{part}: {type(error).__name__}: {error}")
            return []

    def _enter(self, category: str, url: str) -> Iterator[scrapy.Request]:
        """Begin reading a category: resume or start its walk, and/or read its head."""
        if category in self.entered or self.portal.article_id(url) is not None:
            return
        self.entered.add(category)  # entered or refused: decided once a run
        if not self.bounds.enter_category(category):
            self._bound(
                "categories", url,
                f"more than {self.bounds.max_extra_categories} categories outside the "
                f"portal's declared ones: {category!r} not read (CRAWL_MAX_EXTRA_CATEGORIES)",
                once=True,
            )  # fmt: skip
            return
        store = self.store
        walk = store.walk(category)
        if walk is None or self._rewalk(walk):
            walk = store.start_walk(category, url, self.until if self.mode == "backfill" else None)
        if not walk.finished and walk.next_url:
            next_url = self._here(walk.next_url)
            yield self._chain_request(next_url, category, walk.next_page, "walk", walk.until)
        if walk.finished or walk.next_page > 1:
            yield self._chain_request(url, category, 1, "head")

    def _rewalk(self, walk: Walk) -> bool:
        """A backfill walks every category again from its first page, unless walks are
        unfinished: then it is the same backfill, killed, and it resumes them instead
        (finished categories are only read from their head)."""
        return self.mode == "backfill" and walk.finished and not self.resuming

    def _chain_request(
        self, url: str, category: str, page: int, kind: str, until: str | None = None
    ) -> scrapy.Request:
        chain = {"category": category, "page": page, "kind": kind, "quiet": 0, "until": until}
        # A walk's page must be read by the walk, or its progress would stall when the
        # head of the same category asked for that URL first; it is never requested
        # twice by the walk itself.
        meta: dict[str, Any] = {"chain": chain}
        declared = self.section_paging.get(category)
        if declared is not None and page > 1 and url == page_url(*declared, page):
            # A page the declared paging style makes may not exist: its 404 ends the
            # listing. (A 404 of a page the pager links is an error, as before.)
            meta["handle_httpstatus_list"] = [404]
        return scrapy.Request(
            url, callback=self.parse_listing, errback=self.failed, meta=meta,
            dont_filter=kind == "walk",
        )  # fmt: skip

    def _read_chain_page(
        self, chain: dict[str, Any], listed: list[Listed], links: list[str]
    ) -> Iterator[scrapy.Request]:
        store = self.store
        category, page = chain["category"], chain["page"]
        next_url = self._next_page(links, category, page, bool(listed))
        queue = self._unqueued(listed)
        archived = store.archived(e.article_id for e in listed)
        ids = [e.article_id for e in listed]
        empty = self.bounds.empty_pages(ids, chain.get("ids", ()), chain.get("empty", 0))
        stop = self.bounds.listing_stop(page, empty) if next_url is not None else None
        if chain["kind"] == "walk":
            until: str | None = chain.get("until")
            past_bound = (
                until is not None
                and bool(listed)
                and all(e.listed_on is not None and e.listed_on < until for e in listed)
            )
            follow = next_url is not None and not past_bound
            # A walk cut by the depth bound goes on from here in the next run; one cut
            # as empty has nothing more to give.
            keep = follow and stop != "empty_pages"
            store.listing_read(
                category, page, listed, new=queue,
                walk_next=(page + 1, next_url if keep else None),
            )  # fmt: skip
            quiet = 0
        else:
            follow, quiet = follow_head(
                has_known=bool(archived),
                has_new=any(e.article_id not in archived for e in listed),
                quiet=chain["quiet"],
                overlap=self.overlap_pages,
            )
            follow = follow and next_url is not None
            store.listing_read(category, page, listed, new=queue)
        yield from self._article_requests((e.article_id, e.url) for e in queue)
        if follow and next_url is not None and stop is not None:
            self._bound(stop, next_url, self.bounds.message(stop, category, page))
        elif follow and next_url is not None:
            request = self._chain_request(
                next_url, category, page + 1, chain["kind"], chain.get("until")
            )
            request.meta["chain"].update(quiet=quiet, empty=empty, ids=ids)
            yield request

    def _bound(self, name: str, url: str, message: str, *, once: bool = False) -> None:
        """A bound tripped: counted each time; a crawl_errors row (once a run if `once`)."""
        row = not once or name not in self.bounds_recorded
        self.bounds_recorded.add(name)
        record_bound(self.crawler, name, url, message, row=row)

    def _next_page(
        self, links: list[str], category: str, page: int, listed: bool = True
    ) -> str | None:
        """The next page's URL: the page's own pager link to it; else, for a declared
        section that listed articles and shows no pager at all (one drawn by script),
        the URL its declared paging style gives. A pager without a link onward says
        this is the last page."""
        pager = False
        for url in links:
            position = self.position(url)
            if position == (category, page + 1):
                return url
            if position is not None and position[0] == category and position[1] not in (1, page):
                pager = True
        declared = self.section_paging.get(category)
        if declared is not None and listed and not pager:
            return page_url(declared[0], declared[1], page + 1)
        return None

    def _listed(self, response: TextResponse, anchors: list[HtmlElement]) -> list[Listed]:
        """The articles a listing page lists (its cards, not its boxes), with their day."""
        fetched = datetime.now(VN_TZ)
        listed: dict[int, Listed] = {}
        base = base_url(response)
        for anchor in anchors:
            url = self.links.absolute(base, anchor.get("href", ""))
            article_id = self.portal.article_id(url) if url else None
            if url is None or article_id is None or article_id in listed:
                continue
            listed[article_id] = Listed(article_id, url, listed_day(card(anchor), fetched))
        return list(listed.values())


def content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"?").decode("latin-1")
