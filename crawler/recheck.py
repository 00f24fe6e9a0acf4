"""Re-check archived articles that no page links to any more.

A spider only fetches what pages link to, so an article the portal took down and
unlinked would never be asked for again, and its removal never seen. With
`RECHECK_ARCHIVED = True` this spider middleware adds, after the spider's own start
requests, one request per article already archived for the spider's portal: a 404,
410 or a redirect away then becomes a removal event (see `pipelines.store`).

It asks the spider's frontier (`Frontier.archived_urls`), which the pipeline holding
the archive hands the spider before its start requests run. A stored URL on a host
the spider does not crawl (an earlier replica's port, say) is re-based onto the
start URL's host, so the same path is asked of the site being crawled.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.extract.urls import article_id_from_url

logger = logging.getLogger(__name__)


class RecheckArchivedMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("RECHECK_ARCHIVED"):
            raise NotConfigured  # quietly: no "Disabled" warning when merely off
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecheckArchivedMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            yield item
        spider: Any = self.crawler.spider
        portal = getattr(spider, "portal", None)
        if spider is None or portal is None:
            return
        seen: set[int] = getattr(spider, "seen_ids", set())
        count = 0
        for url in self.archived_urls(spider):
            url = self._rebase(url, spider)
            article_id = article_id_from_url(url)
            if article_id is None or article_id in seen:
                continue
            seen.add(article_id)
            count += 1
            yield scrapy.Request(url, callback=spider.parse_article_page, errback=spider.failed)
        logger.info("re-checking %d archived articles", count)

    @staticmethod
    def archived_urls(spider: Any) -> list[str]:
        try:
            return list(spider.store.archived_urls())
        except sqlite3.Error as error:
            logger.warning("cannot read archived articles to re-check: %s", error)
            return []

    @staticmethod
    def _rebase(url: str, spider: Any) -> str:
        parts = urlsplit(url)
        if parts.hostname in getattr(spider, "hosts", ()):
            return url
        start = urlsplit(spider.start_url)
        return urlunsplit((start.scheme, start.netloc, parts.path, parts.query, ""))
