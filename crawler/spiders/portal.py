"""A spider for one portal: it discovers pages and routes them, nothing more.

What a page says is `parse_article`'s business; where links are is the portal's
declared selectors. The spider only decides what to fetch next, and fetches each
article (one numeric id) once per run, whatever URL form it is linked under.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.dates import VN_TZ
from crawler.errors import ExtractionError
from crawler.parsing import parse_article
from crawler.portals import Portal
from crawler.signals import page_failed
from crawler.urls import article_id_from_url, normalize_url


class PortalSpider(scrapy.Spider):
    portal: Portal

    def __init__(self, start_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = normalize_url(start_url or self.portal.default_start_url)
        start_host = urlsplit(self.start_url).hostname or ""
        self.hosts = {start_host, *self.portal.hosts}
        # Scrapy's offsite filter reads this; hosts without ports.
        self.allowed_domains = sorted(self.hosts)
        self.seen_ids: set[int] = set()
        self.listing_selectors = tuple(
            dict.fromkeys(s for layout in self.portal.layouts for s in layout.listing_links)
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, callback=self.parse_listing, errback=self.failed)

    # -- routing ------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self._fail(response.url, "not_html", f"listing is not HTML ({_content_type(response)})")
            return
        self._count("pages/listing")
        yield from self._article_requests(response)
        for url in self._links(response, self.listing_selectors):
            if article_id_from_url(url) is None:
                yield scrapy.Request(url, callback=self.parse_listing, errback=self.failed)

    def parse_article_page(self, response: Response) -> Iterator[Any]:
        self._count("pages/article")
        fetched_at = datetime.now(VN_TZ).replace(microsecond=0)
        try:
            article = parse_article(response.body, response.url, fetched_at, portal=self.portal)
        except ExtractionError as error:
            self._fail(response.url, error.kind, str(error))
        else:
            # Counted for the run summary: many of either means the layout drifted.
            self._count("articles_parsed")
            if article.extraction_method != "selectors":
                self._count("fallback")
            if article.published_at is None:
                self._count("no_date")
            yield article
        if isinstance(response, TextResponse):
            # Related-article boxes lead to articles the listings may no longer show.
            yield from self._article_requests(response)

    def _article_requests(self, response: TextResponse) -> Iterator[scrapy.Request]:
        for url in self._links(response, ("a",)):
            article_id = article_id_from_url(url)
            if article_id is None or article_id in self.seen_ids:
                continue
            self.seen_ids.add(article_id)
            yield scrapy.Request(url, callback=self.parse_article_page, errback=self.failed)

    def _links(self, response: TextResponse, selectors: tuple[str, ...]) -> Iterator[str]:
        for selector in selectors:
            for href in response.css(f"{selector}::attr(href)").getall():
                href = href.strip()
                if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                    continue
                url = normalize_url(response.urljoin(href))
                if (
                    urlsplit(url).scheme in ("http", "https")
                    and urlsplit(url).hostname in self.hosts
                ):
                    yield url

    # -- failures -----------------------------------------------------------

    def failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        response = getattr(failure.value, "response", None)
        if response is not None:
            kind, message = f"http_{response.status}", f"HTTP {response.status}"
        else:
            error_name = failure.type.__name__ if failure.type else "error"
            kind, message = "download", f"{error_name}: {failure.getErrorMessage()}"
        self._fail(url, kind, message)

    def _fail(self, url: str, kind: str, message: str) -> None:
        self.logger.warning("%s: %s (%s)", url, message, kind)
        self._count(f"errors/{kind}")
        self.crawler.signals.send_catch_log(page_failed, url=url, kind=kind, message=message)

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"vnarchive/{key}")


def _content_type(response: Response) -> str:
    value = response.headers.get(b"Content-Type") or b"?"
    return value.decode("latin-1")
