"""WARC captures written in the crawl's own process.

The capture extension (`crawler.warc`) hands every exchange to whoever takes the
`captures_delegated` signal. The archive's writer process does by default
(`pipelines.writer_client`); a distributed worker (`pipelines.redis_queue`) and the
in-process `pipelines.store.ArchivePipeline` register this sink instead: it writes
the records into the run's WARC files and passes each `captures` row on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from crawler.protocol.exchange import Exchange
from crawler.protocol.signals import captures_delegated, page_failed
from pipelines.warc_files import WarcRecorder, read_only, warc_directory

logger = logging.getLogger(__name__)


class CaptureSink:
    def __init__(self, crawler: Crawler, on_capture: Callable[[dict[str, Any]], None]) -> None:
        settings = crawler.settings
        archive_path = Path(settings.get("ARCHIVE_PATH"))
        self.crawler = crawler
        self.on_capture = on_capture
        self.recorder = WarcRecorder(
            warc_directory(settings), archive_path,
            max_size=settings.getint("WARC_MAX_SIZE"), connect=read_only(archive_path),
        )  # fmt: skip

    @classmethod
    def register(
        cls, crawler: Crawler, on_capture: Callable[[dict[str, Any]], None]
    ) -> CaptureSink | None:
        """A sink, if the capture extension is on and takes it; None when it is off."""
        sink = cls(crawler, on_capture)
        if crawler.signals.send_catch_log(captures_delegated, send=sink):
            return sink
        sink.close()
        return None

    def __call__(self, ex: Exchange) -> None:
        try:
            capture = self.recorder.record(ex)
        except OSError as error:
            self.failed(ex.uri, error)
            return
        self._count(f"vnarchive/warc/{capture['record_type']}")
        self.on_capture(capture)

    def failed(self, uri: str, error: OSError) -> None:
        # A capture that was not kept is a failure of the run, never silence; on a
        # full disk the archive pipeline stops the crawl.
        logger.error("WARC write failed for %s: %s", uri, error)
        self._count("vnarchive/errors/warc")
        self.crawler.signals.send_catch_log(
            page_failed, url=uri, kind="warc_write", message=f"WARC write failed: {error}"
        )

    def close(self) -> None:
        self.recorder.close()

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
