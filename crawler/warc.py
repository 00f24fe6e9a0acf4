"""Raw captures: every response the crawler fetches, handed over for WARC.

Scrapy writes no WARC. This extension turns each response (from the
`response_received` signal and, for 3xx answers the redirect middleware consumes
before that signal, from `RedirectWatchMiddleware`) into an `Exchange`: plain data
that the pipeline holding the archive's writer writes as WARC records and indexes in
`captures` (`pipelines.warc_files`; in the writer's child process by default). The
pipeline says where exchanges go with the `captures_delegated` signal; the crawl
itself never opens a WARC file or the archive.

A record holds the payload as the server sent it: `RawBodyMiddleware` keeps the
body and headers from before Scrapy's decompression, so `Content-Encoding` stays and
WARC readers (warcio, pywb) decode it on read. Only what a crawl accepted is captured:
a body the decompression refused (a bomb) never reaches `response_received`.

Settings: WARC_ENABLED, WARC_IMAGES (image responses are skipped unless set).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.extract.urls import article_id_from_url
from crawler.protocol.exchange import Exchange
from crawler.protocol.signals import captures_delegated, response_redirected

logger = logging.getLogger(__name__)


# request.meta key of the body and headers as they arrived (RawBodyMiddleware).
RAW = "vnarchive_raw"


def exchange(response: Response, request: Request, spider: Any) -> Exchange:
    """What a capture of this response keeps, as plain data: the body as sent."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    uri = response.url
    portal = getattr(spider, "portal", None)
    headers, body = request.meta.pop(RAW, None) or (response.headers, response.body)
    return Exchange(
        uri=uri,
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        headers=_header_list(headers),
        body=body,
        method=request.method,
        request_url=request.url,
        request_headers=_header_list(request.headers),
        fetched=datetime.now(UTC).replace(microsecond=0),
        content_type=content_type,
        site=getattr(portal, "site", None) or urlsplit(uri).hostname,
        article_id=article_id_from_url(uri),
    )


class WarcCaptureExtension:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured  # quietly: no "Disabled" warning when merely off
        self.crawler = crawler
        self.images = settings.getbool("WARC_IMAGES")
        self.delegate: Any = None
        self.unsent = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.response_redirected, signal=response_redirected)
        crawler.signals.connect(extension.captures_delegated, signal=captures_delegated)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- signals ------------------------------------------------------------

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        self.capture(response, request, spider)

    def response_redirected(self, response: Response, request: Request, spider: Any) -> None:
        self.capture(response, request, spider)

    def captures_delegated(self, send: Any) -> None:
        self.delegate = send

    def spider_closed(self, spider: Any) -> None:
        if self.unsent:
            # WARC_ENABLED with no pipeline that writes captures (ITEM_PIPELINES
            # emptied): said once, not per page.
            logger.warning("WARC: %d responses not captured: no pipeline writes them", self.unsent)

    # -- capture ------------------------------------------------------------

    def capture(self, response: Response, request: Request, spider: Any) -> None:
        content_type = response.headers.get(b"Content-Type") or b""
        if content_type.startswith(b"image/") and not self.images:
            return
        if self.delegate is None:
            self.unsent += 1
            return
        self.delegate(exchange(response, request, spider))


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


class RawBodyMiddleware:
    """Downloader middleware between BodyGuardMiddleware (595) and Scrapy's
    HttpCompressionMiddleware (590): keeps a compressed response's body and headers as
    they arrived, for its WARC record.

    It also asks servers only for the encodings a WARC reader can undo
    (`WARC_ACCEPT_ENCODINGS`, of those Scrapy can decode: Scrapy would also offer zstd).
    """

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("WARC_ENABLED"):
            raise NotConfigured
        from scrapy.downloadermiddlewares.httpcompression import ACCEPTED_ENCODINGS

        readable = {e.encode() for e in crawler.settings.getlist("WARC_ACCEPT_ENCODINGS")}
        self.accept = b", ".join(e for e in ACCEPTED_ENCODINGS if e in readable)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RawBodyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if request.headers.get(b"Accept-Encoding") != self.accept:
            request.headers[b"Accept-Encoding"] = self.accept

    def process_response(self, request: Request, response: Response) -> Response:
        if b"Content-Encoding" in response.headers:
            request.meta[RAW] = (response.headers.copy(), response.body)
        else:
            # A retry copies its request's meta: never keep an earlier answer's body.
            request.meta.pop(RAW, None)
        return response
