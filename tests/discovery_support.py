"""A portal spider built as a crawl builds it, for the discovery tests that feed its
callbacks by hand (tests/test_discovery_spider.py, tests/test_discovery_listings.py)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.protocol.signals import page_failed
from crawler.spiders.portal import PortalSpider
from tests.scrapy_support import project_crawler

MIRROR = "http://127.0.0.1:41234"


def make_spider(
    portal: str = "vnexpress", settings: dict | None = None, **kwargs
) -> tuple[PortalSpider, Crawler, list]:
    """A spider of `portal` on the mirror, its crawler (with these settings) and the
    list its `page_failed` signals go to."""
    crawler = project_crawler(PortalSpider, **(settings or {}))
    spider = PortalSpider.from_crawler(crawler, start_url=MIRROR + "/", portal=portal, **kwargs)
    crawler.spider = spider
    failed: list[dict] = []
    crawler.signals.connect(lambda **kw: failed.append(kw), signal=page_failed, weak=False)
    return spider, crawler, failed


def urls(requests) -> list[str]:
    return [r.url for r in requests]
