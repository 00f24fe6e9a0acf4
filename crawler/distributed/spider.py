"""A portal spider as a worker: Redis frontier, leases released when work is done.

`worker_spider(TuyengiaoSpider)` is the same spider (same name, same callbacks, so
requests serialised by one worker are understood by every other) with three changes:

- its store is a `RedisFrontier` (the archive is not on this machine);
- each category is read by one worker per crawl (the claim is in Redis: without it
  every worker reading a menu would walk every category again);
- a popped request's lease is released only when its callback has finished, each
  item it yielded has left the pipelines (`item_scraped`/`item_dropped`) and each
  request it yielded is queued (`holds.py` takes those holds), or when its errback has
  recorded the failure. An item that failed in a pipeline (Redis down) keeps its
  lease: the request is fetched again, never lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_redis.connection import get_redis_from_settings
from twisted.python.failure import Failure

from crawler.distributed.frontier import RedisFrontier
from crawler.distributed.scheduler import LEASE, Leases
from crawler.protocol.redis_keys import QueueSender
from crawler.spiders.portal import PortalSpider


class WorkerMixin(PortalSpider):
    leases: Leases | None = None
    redis_frontier: RedisFrontier
    # The workers' shared URL filter in Redis is how they split the articles.
    filter_article_urls = True

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerMixin:
        spider = cast(WorkerMixin, super().from_crawler(crawler, *args, **kwargs))
        settings = crawler.settings
        server = get_redis_from_settings(settings)
        sender = QueueSender(server, settings.get("REDIS_WORKER_ID"))
        spider.redis_frontier = RedisFrontier(server, spider.name, spider.portal.site, sender.send)
        spider.frontier = spider.redis_frontier
        crawler.signals.connect(spider._item_done, signal=signals.item_scraped)
        crawler.signals.connect(spider._item_done, signal=signals.item_dropped)
        return spider

    # -- one worker per category -------------------------------------------

    def _enter(self, category: str, url: str) -> Iterator[Request]:
        if category in self.entered or self.portal.article_id(url) is not None:
            return
        if not self.redis_frontier.claim(category):
            self.entered.add(category)  # another worker reads it
            return
        yield from super()._enter(category, url)

    # -- leases --------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Any]:
        return self._leased(response, super().parse_listing(response))

    def parse_article_page(self, response: Response) -> Iterator[Any]:
        return self._leased(response, super().parse_article_page(response))

    # Discovery's callbacks (crawler/spiders/discovery.py) hold leases like the others.

    def parse_robots(self, response: Response) -> Iterator[Any]:
        return self._leased(response, super().parse_robots(response))

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        return self._leased(response, super().parse_sitemap(response))

    def parse_feed(self, response: Response) -> Iterator[Any]:
        return self._leased(response, super().parse_feed(response))

    def source_failed(self, failure: Failure) -> None:
        try:
            super().source_failed(failure)
        finally:
            self._release_failed(failure)

    def robots_failed(self, failure: Failure) -> None:
        try:
            super().robots_failed(failure)
        finally:
            self._release_failed(failure)

    def _release_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None:
            self._release(request.meta.get(LEASE))

    def failed(self, failure: Failure) -> None:
        try:
            super().failed(failure)
        finally:
            request = getattr(failure, "request", None)
            if self.leases is not None and request is not None:
                self.leases.release(request.meta.get(LEASE))

    def image_fetched(self, response: Response) -> None:
        # A picture yields nothing: its lease ends with its callback.
        try:
            super().image_fetched(response)
        finally:
            self._release(response.meta.get(LEASE))

    def image_failed(self, failure: Failure) -> None:
        try:
            super().image_failed(failure)
        finally:
            request = getattr(failure, "request", None)
            if request is not None:
                self._release(request.meta.get(LEASE))

    def _leased(self, response: Response, output: Iterator[Any]) -> Iterator[Any]:
        lease = response.meta.get(LEASE)
        try:
            yield from output  # each value takes its own hold on the way (holds.py)
        except GeneratorExit:
            raise  # abandoned (shutdown): keep the lease, the request is fetched again
        except Exception:
            self._release(lease)
            raise
        self._release(lease)

    def _item_done(self, item: Any, response: Response | None = None, **_: Any) -> None:
        if response is not None:
            self._release(response.meta.get(LEASE))

    def _release(self, lease: int | None) -> None:
        if self.leases is not None:
            self.leases.release(lease)


def worker_spider(base: type[PortalSpider]) -> type[PortalSpider]:
    """The worker version of a portal spider (same name: same Redis keys)."""
    return type(f"Worker{base.__name__}", (WorkerMixin, base), {"name": base.name})
