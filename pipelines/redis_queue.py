"""The worker's side of the item queue: what a worker would write, sent to the writer.

One Redis stream (`vnarchive:items`) carries every message, each a `kind` and a JSON
`data`: `article` (the record, its fetch time and validators), `error` (a failed
page), `capture` (a WARC record's index row: the WARC file itself stays with the
worker, see README "Scaling"), `listing` (what a listing showed and queued) and `run`
(the worker's final stats, for the run ledger). `vnarchive ingest` reads them with a
consumer group and acknowledges each only after its SQLite commit
(`pipelines/redis_ingest.py`). The stream is never trimmed by workers: unacknowledged
messages are the items not yet archived.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy_redis.connection import get_redis_from_settings

from crawler.extract.article import Article
from crawler.extract.dates import VN_TZ
from crawler.protocol.redis_keys import QueueSender
from crawler.protocol.signals import is_image_failure, page_failed
from pipelines.capture_sink import CaptureSink
from pipelines.ledger import EXIT_OK, crawl_summary

logger = logging.getLogger(__name__)


class RedisQueuePipeline:
    """ITEM_PIPELINES entry of a worker, in place of pipelines.store.ArchivePipeline."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        worker = crawler.settings.get("REDIS_WORKER_ID")
        self.sender = QueueSender(get_redis_from_settings(crawler.settings), worker)
        self.started_at = datetime.now(VN_TZ).replace(microsecond=0)
        crawler.signals.connect(self.page_failed, signal=page_failed)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.captures: CaptureSink | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisQueuePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        # The worker writes its own WARC files and sends only their index rows.
        self.captures = CaptureSink.register(self.crawler, self.page_captured)

    @property
    def site(self) -> str:
        return getattr(getattr(self.crawler.spider, "portal", None), "site", None) or "?"

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        frontier = getattr(self.crawler.spider, "frontier", None)
        validators = getattr(frontier, "validators", {}).pop(item.article_id, (None, None))
        fetched = item.fetched_at or datetime.now(VN_TZ).replace(microsecond=0)
        # A Redis error propagates: the item fails, its request's lease is kept and the
        # request is fetched again (at least once; the writer's upsert is idempotent).
        self.sender.send("article", {
            "record": item.to_record(), "fetched_at": fetched.isoformat(),
            "etag": validators[0], "last_modified": validators[1],
        })  # fmt: skip
        self._count("redis/articles_sent")
        return item

    def page_failed(self, url: str, kind: str, message: str) -> None:
        if not is_image_failure(kind):  # a picture is no page: counted by the spider
            self._count("errors")
        self.sender.send("error", {"site": self.site, "url": url, "kind": kind,
                                   "message": message})  # fmt: skip

    def page_captured(self, capture: dict[str, Any]) -> None:
        self.sender.send("capture", capture)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.captures is not None:
            self.captures.close()
            self.captures = None
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        summary = crawl_summary(stats, reason)
        if reason == "finished" and not stats.get("downloader/response_count"):
            # A worker that joined a crawl with nothing left to do did not fail.
            summary.update(status="ok", exit_code=EXIT_OK)
        self.crawler.stats.set_value("vnarchive/status", summary["status"])
        self.crawler.stats.set_value("vnarchive/exit_code", summary["exit_code"])
        self.sender.send("run", {
            "spider": getattr(spider, "name", "?"), "start_url": getattr(spider, "start_url", ""),
            "site": self.site,
            "started_at": self.started_at.isoformat(), "reason": reason,
            "mode": getattr(spider, "mode", None), "stats": stats,
            "status": summary["status"], "exit_code": summary["exit_code"],
        })  # fmt: skip

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"vnarchive/{key}")
