"""The floor: a bare Scrapy spider that fetches a list of URLs and does nothing with them.

    python -m bench.bare_spider URLS_FILE

It runs with the settings `vnarchive crawl` uses against a loopback replica
(robots.txt obeyed, 16 concurrent requests, no delays) and the project's tuning of
Scrapy and the process (CONCURRENT_ITEMS, WARN_ON_GENERATOR_RETURN_VALUE, the garbage
collector's GC_GEN0_THRESHOLD), but no pipelines, no WARC and no parsing. It prints Scrapy's final
stats as one JSON line on standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Any) -> None:
        return None


def settings() -> Settings:
    from crawler import settings as project
    from vnarchive.crawl import LOOPBACK_SETTINGS

    values = {
        "USER_AGENT": project.USER_AGENT,
        "ROBOTSTXT_OBEY": project.ROBOTSTXT_OBEY,
        "CONCURRENT_REQUESTS": project.CONCURRENT_REQUESTS,
        "CONCURRENT_ITEMS": project.CONCURRENT_ITEMS,
        "WARN_ON_GENERATOR_RETURN_VALUE": project.WARN_ON_GENERATOR_RETURN_VALUE,
        "EXTENSIONS": {"crawler.gctuning.GcThresholdExtension": 520},
        "GC_GEN0_THRESHOLD": project.GC_GEN0_THRESHOLD,
        "DOWNLOAD_TIMEOUT": project.DOWNLOAD_TIMEOUT,
        "DOWNLOAD_MAXSIZE": project.DOWNLOAD_MAXSIZE,
        "RETRY_ENABLED": project.RETRY_ENABLED,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        **LOOPBACK_SETTINGS,
    }
    result = Settings()
    for name, value in values.items():
        result.set(name, value, priority="cmdline")
    return result


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as handle:
        urls = [line.strip() for line in handle if line.strip()]
    process = CrawlerProcess(settings())
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps(stats, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
