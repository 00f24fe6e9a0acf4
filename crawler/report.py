"""The run's one summary line and its exit status, for every way a crawl is started.

`RunReportExtension` prints the summary when the engine has stopped (the archive
pipeline has recorded the run's status by then) and keeps the exit status
(`vnarchive/exit_code`: 0 ok, 1 failed, 3 degraded, 4 layout drift) where the
`scrapy crawl` command (crawler/commands/crawl.py) and `vnarchive crawl` read it.
CRAWL_SUMMARY_ENABLED=False silences the line (the demo and distributed workers
print their own).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.protocol.run import run_duration

# Set once the line is printed: a caller prints it only for a run that never got here.
SUMMARY_STAT = "vnarchive/summary"
# What a run that recorded no status (no archive pipeline, a crash) exits with.
EXIT_NO_STATUS = 1


def describe_run(stats: dict[str, Any], db: str) -> str:
    def count(key: str) -> int:
        return int(stats.get(f"vnarchive/{key}", 0))

    bounds = sorted(k.removeprefix("vnarchive/bounds/") for k in stats
                    if k.startswith("vnarchive/bounds/"))  # fmt: skip
    # Pages are what the crawl read; an article's pictures are counted apart.
    pictures = count("images/responses")
    pages = int(stats.get("downloader/response_count", 0)) - pictures
    return (
        f"crawl #{stats.get('vnarchive/crawl_id', '?')} {stats.get('vnarchive/status', 'failed')}: "
        f"{pages} pages{f' (+{pictures} pictures)' if pictures else ''}, "
        f"{count('articles_new')} new, {count('articles_updated')} updated, "
        f"{count('articles_unchanged')} unchanged, {count('errors')} errors "
        f"in {run_duration(stats):.1f} s -> {db}"
        + (
            f"; {count('fallback')} articles read by the fallback, "
            f"{count('no_date')} without a publish date"
            if count("fallback") or count("no_date")
            else ""
        )
        + (f"; stopped by crawl bounds: {', '.join(bounds)}" if bounds else "")
        + _found(count)
    )


# Where articles were found (crawler/spiders/discovery.py), in the summary's order.
SOURCE_KINDS = ("listing", "sitemap", "news_sitemap", "rss")


def _found(count: Callable[[str], int]) -> str:
    """`; found: 40 in listings, 120 in sitemaps ...`: articles each source kind listed
    (one article may be listed by several)."""
    names = {"listing": "listings", "sitemap": "sitemaps", "news_sitemap": "news sitemaps",
             "rss": "feeds"}  # fmt: skip
    parts = [f"{count(f'discovered/{k}')} in {names[k]}" for k in SOURCE_KINDS
             if count(f"discovered/{k}")]  # fmt: skip
    return f"; found: {', '.join(parts)}" if parts else ""


def exit_code(stats: dict[str, Any]) -> int:
    return int(stats.get("vnarchive/exit_code", EXIT_NO_STATUS))


class RunReportExtension:
    def __init__(self, crawler: Crawler, stream: TextIO | None = None) -> None:
        if not crawler.settings.getbool("CRAWL_SUMMARY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.stream = stream
        self.line: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReportExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        self.line = describe_run(stats, self.crawler.settings.get("ARCHIVE_PATH"))
        print(self.line, file=self.stream or sys.stderr, flush=True)
        self.crawler.stats.set_value(SUMMARY_STAT, self.line)
