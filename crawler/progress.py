"""A long run is never silent: pages, articles, rate and the current category.

On a terminal (stderr is a tty) one live line is redrawn every second; otherwise (a
timer's journal, cron's mail) a plain log line is written every PROGRESS_LOG_INTERVAL
seconds. Settings: PROGRESS_ENABLED, PROGRESS_LOG_INTERVAL.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


def progress_text(stats: dict[str, Any], elapsed: float, category: str) -> str:
    pages = int(stats.get("downloader/response_count", 0))
    articles = sum(
        int(stats.get(f"vnarchive/articles_{kind}", 0)) for kind in ("new", "updated", "unchanged")
    )
    new = int(stats.get("vnarchive/articles_new", 0))
    errors = int(stats.get("vnarchive/errors", 0))
    rate = pages / elapsed * 60 if elapsed > 0 else 0.0
    where = f", in {category}" if category else ""
    return (
        f"{pages} pages, {articles} articles ({new} new), {errors} errors, "
        f"{rate:.0f} pages/min{where}"
    )


class ProgressExtension:
    def __init__(self, crawler: Crawler, stream: TextIO | None = None) -> None:
        if not crawler.settings.getbool("PROGRESS_ENABLED"):
            raise NotConfigured("PROGRESS_ENABLED is off")
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.interval = 1.0 if self.live else crawler.settings.getfloat("PROGRESS_LOG_INTERVAL")
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        category = getattr(self.crawler.spider, "current_category", "") or ""
        text = progress_text(stats, time.monotonic() - self.started, category)
        if self.live:
            self.stream.write(f"\r\x1b[2K{text}")
            self.stream.flush()
        else:
            logger.info("progress: %s", text)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
