"""Raw captures: every response the crawler fetches, written to WARC files with warcio.

Scrapy writes no WARC, so this extension does, from the `response_received` signal
(and, for 3xx answers the redirect middleware consumes before that signal, from
`RedirectWatchMiddleware`). Each response is a gzip member of its own, preceded by
its request record; a payload identical to one already stored becomes a `revisit`
record. Files rotate at `WARC_MAX_SIZE` bytes.

The extension never writes to the archive database: only the pipeline holds the
SQLite writer. Each record's index row goes out with the `page_captured` signal,
which `pipelines.store.ArchivePipeline` stores in `captures`. To find earlier
payloads the extension only *reads* the archive (WAL: readers never block the writer).
When the archive's writer runs in a process of its own (`pipelines.writer_client`),
it writes the WARC records too: the extension hands each `Exchange` over, and the
writer stores the record and its index row (`WarcRecorder`, the same code).

Settings: WARC_ENABLED (True), WARC_DIR (default: `warc/` next to ARCHIVE_PATH),
WARC_MAX_SIZE (bytes, default 1 GB), WARC_IMAGES (False: image responses are skipped).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.extract.urls import article_id_from_url
from crawler.signals import page_failed
from crawler.warc_records import (
    DEFAULT_MAX_SIZE,
    NOT_MODIFIED_PROFILE,
    Exchange,
    RotatingWarcWriter,
    WarcRecorder,
    payload_digest,
    request_headers,
    response_headers,
    warc_date,
)

__all__ = [
    "DEFAULT_MAX_SIZE",
    "NOT_MODIFIED_PROFILE",
    "Exchange",
    "RotatingWarcWriter",
    "WarcRecorder",
    "payload_digest",
    "request_headers",
    "response_headers",
    "warc_date",
]

logger = logging.getLogger(__name__)

# Sent with: capture (dict: the `captures` columns but crawl_id).
page_captured = object()
# Sent by RedirectWatchMiddleware with: request, response (a 3xx with a Location).
response_redirected = object()


def exchange(response: Response, request: Request, spider: Any) -> Exchange:
    """What a capture of this response keeps, as plain data."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    uri = response.url
    portal = getattr(spider, "portal", None)
    return Exchange(
        uri=uri,
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        headers=_header_list(response.headers),
        body=response.body,
        method=request.method,
        request_url=request.url,
        request_headers=_header_list(request.headers),
        fetched=datetime.now(UTC).replace(microsecond=0),
        content_type=content_type,
        site=getattr(portal, "site", None) or urlsplit(uri).hostname,
        article_id=article_id_from_url(uri),
    )


# Sent by a pipeline that writes the captures itself (pipelines.writer_client), with:
# send (a callable taking an Exchange). The extension then only hands exchanges over.
captures_delegated = object()


class WarcCaptureExtension:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured  # quietly: no "Disabled" warning when merely off
        self.crawler = crawler
        self.archive_path = Path(settings.get("ARCHIVE_PATH") or "data/archive.db")
        self.directory = warc_directory(settings)
        self.images = settings.getbool("WARC_IMAGES", False)
        self.recorder = WarcRecorder(
            self.directory, self.archive_path,
            max_size=settings.getint("WARC_MAX_SIZE", DEFAULT_MAX_SIZE), connect=self._reader,
        )  # fmt: skip
        self.delegate: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.response_redirected, signal=response_redirected)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.captures_delegated, signal=captures_delegated)
        return extension

    # -- signals ------------------------------------------------------------

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        self.capture(response, request, spider)

    def response_redirected(self, response: Response, request: Request, spider: Any) -> None:
        self.capture(response, request, spider)

    def captures_delegated(self, send: Any) -> None:
        self.delegate = send

    def spider_closed(self, spider: Any) -> None:
        self.recorder.close()

    # -- capture ------------------------------------------------------------

    def capture(self, response: Response, request: Request, spider: Any) -> None:
        content_type = response.headers.get(b"Content-Type") or b""
        if content_type.startswith(b"image/") and not self.images:
            return
        ex = exchange(response, request, spider)
        if self.delegate is not None:
            self.delegate(ex)
            return
        try:
            capture = self.recorder.record(ex)
        except OSError as error:
            self.failed(ex.uri, error)
            return
        self.captured(capture["record_type"])
        self.crawler.signals.send_catch_log(page_captured, capture=capture)

    def captured(self, record_type: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"vnarchive/warc/{record_type}")

    def failed(self, uri: str, error: OSError | str) -> None:
        # A capture that was not kept is a failure of the run, never silence; on a
        # full disk the archive pipeline stops the crawl.
        logger.error("WARC write failed for %s: %s", uri, error)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("vnarchive/errors/warc")
        self.crawler.signals.send_catch_log(
            page_failed, url=uri, kind="warc_write", message=f"WARC write failed: {error}"
        )

    def _reader(self) -> sqlite3.Connection | None:
        # Only ever a reader: the pipeline holds the archive's writer (WAL: readers
        # never block it).
        if not self.archive_path.exists():
            return None
        uri = f"file:{self.archive_path.resolve()}?mode=ro"
        return sqlite3.connect(uri, uri=True)


def warc_directory(settings: Any) -> Path:
    archive_path = Path(settings.get("ARCHIVE_PATH") or "data/archive.db")
    return Path(settings.get("WARC_DIR") or archive_path.parent / "warc")


def _header_list(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class RedirectWatchMiddleware:
    """Downloader middleware placed before RedirectMiddleware (priority > 600).

    3xx answers never reach `response_received` (the redirect middleware turns them
    into new requests), yet an article that now redirects away is news for the
    archive: this forwards each 3xx with a Location as `response_redirected`.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectWatchMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if 300 <= response.status < 400 and b"Location" in response.headers:
            self.crawler.signals.send_catch_log(
                response_redirected, request=request, response=response,
                spider=self.crawler.spider,
            )  # fmt: skip
        return response
