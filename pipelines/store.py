"""The Scrapy pipeline that writes articles into the archive and keeps the run ledger."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.extract.article import Article
from crawler.extract.errors import StorageError, is_disk_full
from crawler.extract.urls import article_id_from_url
from crawler.protocol.signals import (
    frontier_opened,
    is_image_failure,
    page_failed,
    response_redirected,
)
from pipelines.archive import Archive
from pipelines.capture_sink import CaptureSink
from pipelines.frontier_store import FrontierStore
from pipelines.ledger import EXIT_FAILED, crawl_summary, degraded_reasons, run_columns
from pipelines.ops import ArchiveOps

logger = logging.getLogger(__name__)


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.path = crawler.settings.get("ARCHIVE_PATH")
        self.archive: Archive | None = None
        self.ops: ArchiveOps | None = None
        self.crawl_id: int | None = None
        self.frontier: FrontierStore | None = None
        self.site: str | None = None  # the crawled portal's (set when the archive opens)
        self.disk_full = False
        self.captures: CaptureSink | None = None
        crawler.signals.connect(self.page_failed, signal=page_failed)
        crawler.signals.connect(self.response_redirected, signal=response_redirected)
        # The spider writes the frontier too (validators, discovered links): a write of
        # its that fails surfaces here, and a full disk stops the crawl from any writer.
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.open_archive()
        # The WARC records are written here, their index rows go to `captures`.
        self.captures = CaptureSink.register(self.crawler, self.page_captured)
        self.crawler.signals.send_catch_log(frontier_opened, frontier=self.frontier)

    def open_archive(self) -> None:
        """The archive, its ledger row, and the frontier's recovery from a dead run."""
        self.archive = Archive(self.path)
        spider = self.crawler.spider
        start_url = getattr(spider, "start_url", "") if spider else ""
        portal = getattr(spider, "portal", None)
        self.site = getattr(portal, "site", None) or "?"
        self.crawl_id = self.archive.start_crawl(
            spider=spider.name if spider else "?", start_url=start_url, site=self.site
        )
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("vnarchive/crawl_id", self.crawl_id)
        self.crawler.stats.set_value("vnarchive/archive", str(self.archive.path))
        logger.info("archive %s, crawl #%s", self.archive.path, self.crawl_id)
        # The frontier shares this connection: an article and its frontier entry are
        # written in one transaction (see pipelines.ops).
        self.ops = ArchiveOps(
            self.archive, self.crawl_id, self.site,
            max_attempts=self.crawler.settings.getint("FRONTIER_MAX_ATTEMPTS"),
        )  # fmt: skip
        self.frontier = self.ops.frontier()
        requeued = self.frontier.requeue_in_progress()
        if requeued:
            logger.info(
                "frontier: %d entries left in progress by a dead run are pending again", requeued
            )
        self.crawler.stats.set_value("vnarchive/frontier_requeued", requeued)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or self.ops is None:
            return item
        stats = self.crawler.stats
        assert stats is not None
        if self.disk_full:
            # Stopping: the article stays pending in the frontier for the next run.
            stats.inc_value("vnarchive/skipped_disk_full")
            return item
        try:
            outcome = self.ops.article(item)
        except StorageError as error:
            stats.inc_value(f"vnarchive/errors/{error.kind}")
            if is_disk_full(error):
                self._stop_disk_full(error)
                return item
            self.page_failed(url=item.url, kind=error.kind, message=str(error))
            raise DropItem(str(error)) from error
        stats.inc_value(f"vnarchive/articles_{outcome}")
        return item

    def _stop_disk_full(self, error: StorageError) -> None:
        """One clear message, then the crawl stops: every later write would fail too.
        What is archived stays intact (each article is one transaction)."""
        if self.disk_full:
            return
        self.disk_full = True
        assert self.crawler.stats is not None and self.crawler.engine is not None
        self.crawler.stats.set_value("vnarchive/disk_full", True)
        logger.error(
            "archive %s: the disk is full (%s); stopping the crawl. Every article archived "
            "so far is intact; free some space and run again to fetch the rest.",
            self.path, error,
        )  # fmt: skip
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="disk_full"))

    def spider_error(self, failure: Any, response: Any, spider: Any = None) -> None:
        error = failure.value
        if is_disk_full(error):
            self._stop_disk_full(StorageError(str(error)))
            return
        # A callback that raised lost whatever the page held: an error, not silence.
        url = getattr(response, "url", None) or "?"
        self.page_failed(url=url, kind="spider_error", message=f"{type(error).__name__}: {error}")

    def page_failed(self, url: str, kind: str, message: str) -> None:
        assert self.crawler.stats is not None
        if not is_image_failure(kind):  # a picture is no page: counted by the spider
            self.crawler.stats.inc_value("vnarchive/errors")
        if is_disk_full(message):
            self._stop_disk_full(StorageError(message))
            return
        self.write_failure(url, kind, message)

    def write_failure(self, url: str, kind: str, message: str) -> None:
        """The error row, the frontier entry, and a removal for a gone article."""
        if self.ops is None or self.disk_full:
            return
        try:
            removal = self.ops.failure(url, kind, message)
        except sqlite3.Error as error:
            if not is_disk_full(error):
                raise
            self._stop_disk_full(StorageError(str(error)))
            return
        if removal is not None:
            self._count_removal(removal)

    def page_captured(self, capture: dict[str, Any]) -> None:
        if self.ops is None:
            return
        try:
            self.ops.capture(capture)
        except StorageError as error:
            if is_disk_full(error):
                self._stop_disk_full(error)
                return
            self.page_failed(url=capture["url"], kind=error.kind, message=str(error))

    def response_redirected(self, request: Any, response: Any, spider: Any = None) -> None:
        article_id = article_id_from_url(request.url)
        if article_id is None:
            return
        location = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
        hosts = getattr(self.crawler.spider, "hosts", None) or {urlsplit(request.url).hostname}
        # Another URL form of the same article is no removal; another page or host is.
        if article_id_from_url(location) != article_id or urlsplit(location).hostname not in hosts:
            self._removal(request.url, status=response.status, kind="redirect", location=location)

    def _removal(self, url: str, *, status: int, kind: str, location: str | None = None) -> None:
        if self.ops is not None and self.ops.removal(url, status, kind, location) is not None:
            self._count_removal(kind)

    def _count_removal(self, kind: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"vnarchive/removals/{kind}")

    def spider_closed(self, spider: Any, reason: str) -> None:
        # Scrapy closes pipelines before it sends spider_closed, and only this signal
        # carries the finish reason: the ledger row is completed, and the archive
        # closed, here rather than in close_spider.
        if self.captures is not None:
            self.captures.close()
            self.captures = None
        if self.archive is None or self.ops is None:
            return
        summary, fields = self.run_summary(
            spider, reason, days_since_new(self.archive.db, self.site)
        )
        try:
            self.ops.finish(fields)
        except sqlite3.Error as error:
            # A full disk: the run's row stays "running" (status shows it interrupted),
            # and the run cannot call itself a success.
            self.end_not_recorded(summary, error)
        self.set_outcome(summary)
        if self.merges_search(summary):
            self.ops.merge_search(self.max_segments)
        self.archive.close()
        self.archive = self.ops = None

    def run_summary(
        self, spider: Any, reason: str, days_since_new: float | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The run's status and exit code, and every ledger column of its `crawls` row."""
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        settings = self.crawler.settings
        reasons = degraded_reasons(
            stats,
            error_rate=settings.getfloat("DEGRADED_ERROR_RATE"),
            stale_days=settings.getfloat("DEGRADED_STALE_DAYS"),
            days_since_new=days_since_new,
        )
        summary = crawl_summary(stats, reason, reasons=reasons)
        if self.disk_full:
            # Whatever the finish reason, pages went unarchived.
            summary["status"], summary["exit_code"] = "failed", EXIT_FAILED
        return summary, {**summary, **run_columns(stats), "mode": getattr(spider, "mode", None)}

    @property
    def max_segments(self) -> int:
        return self.crawler.settings.getint("FTS_MAX_SEGMENTS")

    def merges_search(self, summary: dict[str, Any]) -> bool:
        """A run that wrote articles ends by merging fragmented search indexes."""
        written = summary["articles_new"] + summary["articles_updated"]
        return bool(written) and not self.disk_full and self.max_segments > 0

    def end_not_recorded(self, summary: dict[str, Any], error: BaseException | str) -> None:
        logger.error("archive %s: cannot record the end of the run: %s", self.path, error)
        summary["status"], summary["exit_code"] = "failed", EXIT_FAILED

    def set_outcome(self, summary: dict[str, Any]) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("vnarchive/status", summary["status"])
        self.crawler.stats.set_value("vnarchive/exit_code", summary["exit_code"])


def days_since_new(db: Any, site: str | None = None) -> float | None:
    """Days since the archive last gained an article of `site` (None: every site's; the
    result None: it holds none). Per site: another portal's new articles in the same
    archive say nothing of whether this one still yields any."""
    row = db.execute(
        "SELECT max(first_seen_at) FROM articles WHERE ? IS NULL OR site = ?", (site, site)
    ).fetchone()
    if not row or not row[0]:
        return None
    newest = datetime.fromisoformat(row[0])
    return (datetime.now(newest.tzinfo) - newest).total_seconds() / 86400
