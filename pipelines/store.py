"""The Scrapy pipeline that writes articles into the archive and keeps the run ledger."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.article import Article
from crawler.errors import StorageError
from crawler.signals import page_failed
from pipelines.archive import Archive
from pipelines.ledger import crawl_summary

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("ARCHIVE_PATH")
        self.archive: Archive | None = None
        self.crawl_id: int | None = None
        crawler.signals.connect(self.page_failed, signal=page_failed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.archive = Archive(self.path)
        spider = self.crawler.spider
        start_url = getattr(spider, "start_url", "") if spider else ""
        self.crawl_id = self.archive.start_crawl(
            spider=spider.name if spider else "?", start_url=start_url
        )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("vnarchive/crawl_id", self.crawl_id)
        self.crawler.stats.set_value("vnarchive/archive", str(self.archive.path))
        logger.info("archive %s, crawl #%s", self.archive.path, self.crawl_id)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or self.archive is None:
            return item
        stats = self.crawler.stats
        assert stats is not None
        try:
            outcome = self.archive.upsert_article(item, crawl_id=self.crawl_id)
        except StorageError as error:
            stats.inc_value(f"vnarchive/errors/{error.kind}")
            self.page_failed(url=item.url, kind=error.kind, message=str(error))
            raise DropItem(str(error)) from error
        stats.inc_value(f"vnarchive/articles_{outcome}")
        return item

    def page_failed(self, url: str, kind: str, message: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("vnarchive/errors")
        if self.archive is not None:
            self.archive.record_error(self.crawl_id, url=url, kind=kind, message=message)

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Scrapy closes pipelines before it sends spider_closed, and only this signal
        # carries the finish reason: the ledger row is completed, and the archive
        # closed, here rather than in close_spider.
        if self.archive is None or self.crawl_id is None:
            return
        assert self.crawler.stats is not None
        summary = crawl_summary(self.crawler.stats.get_stats(), reason)
        self.archive.finish_crawl(self.crawl_id, **summary)
        self.crawler.stats.set_value("vnarchive/status", summary["status"])
        self.crawler.stats.set_value("vnarchive/exit_code", summary["exit_code"])
        self.archive.close()
        self.archive = None
