"""`scrapy crawl`, exiting with the run's status as `vnarchive crawl` does.

Scrapy's own command exits 0 whatever the run did; the status is the archive
pipeline's (crawler/report.py: 0 ok, 1 failed, 3 degraded, 4 layout drift).
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler

from crawler.report import exit_code


class Command(ScrapyCrawl):
    crawler: Crawler | None = None

    def _create_crawler(self, spname: Any) -> Crawler:
        self.crawler = super()._create_crawler(spname)
        return self.crawler

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if self.exitcode == 0 and self.crawler is not None and self.crawler.stats is not None:
            self.exitcode = exit_code(self.crawler.stats.get_stats())
