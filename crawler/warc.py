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

Settings: WARC_ENABLED (True), WARC_DIR (default: `warc/` next to ARCHIVE_PATH),
WARC_MAX_SIZE (bytes, default 1 GB), WARC_IMAGES (False: image responses are skipped).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import sqlite3
from datetime import UTC, datetime
from http.client import responses as REASONS
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.dates import VN_TZ
from crawler.signals import page_failed
from crawler.urls import article_id_from_url

logger = logging.getLogger(__name__)

# Sent with: capture (dict: the `captures` columns but crawl_id).
page_captured = object()
# Sent by RedirectWatchMiddleware with: request, response (a 3xx with a Location).
response_redirected = object()

DEFAULT_MAX_SIZE = 1024**3
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
# Hop-by-hop or already undone by Scrapy (see `_http_headers`).
_DROPPED_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RotatingWarcWriter:
    """Appends records to `<dir>/<prefix>-<start>-<serial>.warc.gz`, rotating by size."""

    def __init__(self, directory: Path, *, max_size: int, prefix: str = "vnarchive") -> None:
        self.directory = directory
        self.max_size = max_size
        self.prefix = prefix
        self.serial = 0
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.path: Path | None = None
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    def _open(self) -> WARCWriter:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        name = f"{self.prefix}-{self.started}-{os.getpid()}-{self.serial:05d}.warc.gz"
        self.path = self.directory / name
        self._file = open(self.path, "ab")  # noqa: SIM115 - kept open across records
        self._writer = WARCWriter(self._file, gzip=True)
        info = self._writer.create_warcinfo_record(
            name, {"software": "vnarchive (warcio)", "format": "WARC File Format 1.0"}
        )
        self._writer.write_record(info)
        return self._writer

    def write(self, records: list[Any]) -> tuple[Path, int, int]:
        """Write records together; return (file, offset, length) of the last one."""
        writer = self._writer
        if writer is None or self._file is None or self._file.tell() >= self.max_size:
            writer = self._open()
        assert self._file is not None and self.path is not None
        for record in records[:-1]:
            writer.write_record(record)
        offset = self._file.tell()
        writer.write_record(records[-1])
        self._file.flush()
        return self.path, offset, self._file.tell() - offset

    def write_exchange(
        self,
        uri: str,
        body: bytes,
        http_headers: StatusAndHeaders,
        request_headers: StatusAndHeaders,
        fetched: datetime,
        *,
        earlier: tuple[str, str] | None = None,
        not_modified: bool = False,
    ) -> tuple[str, Path, int, int]:
        """A request and its response (or a revisit of `earlier` = (uri, WARC-Date)).

        `not_modified`: a 304 answer to a conditional GET, stored as a revisit with the
        server-not-modified profile (referring to `earlier`, the URL's last 200, if known).
        Returns the record type, and the file, offset and length of the response record.
        """
        writer = self._writer or self._open()
        date = warc_date(fetched)
        if not_modified:
            main = writer.create_warc_record(
                uri, "revisit", http_headers=http_headers, warc_headers_dict={"WARC-Date": date}
            )
            main.rec_headers.add_header("WARC-Profile", NOT_MODIFIED_PROFILE)
            if earlier is not None:
                main.rec_headers.add_header("WARC-Refers-To-Target-URI", earlier[0])
                main.rec_headers.add_header("WARC-Refers-To-Date", earlier[1])
        elif earlier is None:
            main = writer.create_warc_record(
                uri,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date},
            )
        else:
            main = writer.create_revisit_record(
                uri, payload_digest(body), earlier[0], earlier[1], http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date},
            )  # fmt: skip
        request = writer.create_warc_record(
            uri,
            "request",
            http_headers=request_headers,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": main.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        path, offset, length = self.write([request, main])
        return main.rec_type, path, offset, length

    def close(self) -> None:
        try:
            if self._file is not None:
                self._file.close()
        except OSError as error:  # a full disk: the records written before are intact
            logger.error("WARC file %s: cannot close: %s", self.path, error)
        self._file = self._writer = None


class WarcCaptureExtension:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured  # quietly: no "Disabled" warning when merely off
        self.crawler = crawler
        self.archive_path = Path(settings.get("ARCHIVE_PATH") or "data/archive.db")
        self.directory = Path(settings.get("WARC_DIR") or self.archive_path.parent / "warc")
        self.images = settings.getbool("WARC_IMAGES", False)
        self.warc = RotatingWarcWriter(
            self.directory, max_size=settings.getint("WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        )
        # Payloads stored in this run: digest -> (url, WARC-Date).
        self.seen: dict[str, tuple[str, str]] = {}
        self._reader: sqlite3.Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.response_redirected, signal=response_redirected)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- signals ------------------------------------------------------------

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        self.capture(response, request, spider)

    def response_redirected(self, response: Response, request: Request, spider: Any) -> None:
        self.capture(response, request, spider)

    def spider_closed(self, spider: Any) -> None:
        self.warc.close()
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # -- capture ------------------------------------------------------------

    def capture(self, response: Response, request: Request, spider: Any) -> None:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if content_type.startswith("image/") and not self.images:
            return
        fetched = datetime.now(UTC).replace(microsecond=0)
        body = response.body
        digest = payload_digest(body)
        http_headers = _http_headers(response, len(body))
        uri = response.url
        not_modified = response.status == 304
        if not_modified:
            earlier = self._stored(uri, by="url")
        else:
            earlier = self.seen.get(digest) or self._stored(digest)
        try:
            record_type, path, offset, length = self.warc.write_exchange(
                uri, body, http_headers, _request_headers(request), fetched,
                earlier=earlier, not_modified=not_modified,
            )  # fmt: skip
        except OSError as error:
            # A capture that was not kept is a failure of the run, never silence; on a
            # full disk the archive pipeline stops the crawl.
            logger.error("WARC write failed for %s: %s", uri, error)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("vnarchive/errors/warc")
            self.crawler.signals.send_catch_log(
                page_failed, url=uri, kind="warc_write", message=f"WARC write failed: {error}"
            )
            return
        if earlier is None and not not_modified:
            self.seen[digest] = (uri, warc_date(fetched))
        article_id = article_id_from_url(uri)
        portal = getattr(spider, "portal", None)
        capture = {
            "url": uri,
            "fetched_at": fetched.astimezone(VN_TZ).isoformat(),
            "status": response.status,
            "content_type": content_type or None,
            "payload_digest": digest,
            "record_type": record_type,
            "warc_file": _relative(path, self.archive_path.parent),
            "offset": offset,
            "length": length,
            "site": getattr(portal, "site", None) or urlsplit(uri).hostname,
            "article_id": article_id,
        }
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"vnarchive/warc/{record_type}")
        self.crawler.signals.send_catch_log(page_captured, capture=capture)

    def _stored(self, key: str, by: str = "digest") -> tuple[str, str] | None:
        """An earlier capture, read from the archive: the first with this payload
        digest, or (by="url") the last 200 of this URL."""
        if not self.archive_path.exists():
            return None
        try:
            if self._reader is None:
                uri = f"file:{self.archive_path.resolve()}?mode=ro"
                self._reader = sqlite3.connect(uri, uri=True)
            sql = (
                "SELECT url, fetched_at FROM captures WHERE url = ? AND status = 200 "
                "ORDER BY id DESC LIMIT 1"
                if by == "url"
                else "SELECT url, fetched_at FROM captures WHERE payload_digest = ? "
                "AND record_type = 'response' ORDER BY id LIMIT 1"
            )
            row = self._reader.execute(sql, (key,)).fetchone()
        except sqlite3.Error:
            return None  # no captures table yet: nothing stored before
        if row is None:
            return None
        return row[0], warc_date(datetime.fromisoformat(row[1]))


def _http_headers(response: Response, length: int) -> StatusAndHeaders:
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    ]
    return response_headers(response.status, headers, length, response.protocol or "HTTP/1.1")


def response_headers(
    status: int, headers: list[tuple[str, str]], length: int, protocol: str = "HTTP/1.1"
) -> StatusAndHeaders:
    """The HTTP head a response record stores for a body of `length` bytes."""
    # Scrapy hands us the body decompressed (HttpCompressionMiddleware), and the
    # record stores it so: Content-Encoding and Transfer-Encoding are dropped and
    # Content-Length is the stored body's, so the record is self-consistent and any
    # WARC reader gets back exactly the bytes the parser saw.
    kept = [(k, v) for k, v in headers if k.lower().encode("latin-1") not in _DROPPED_HEADERS]
    kept.append(("Content-Length", str(length)))
    reason = REASONS.get(status, "")
    return StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=protocol)


def _request_headers(request: Request) -> StatusAndHeaders:
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in request.headers.items()
        for value in values
    ]
    return request_headers(request.method, request.url, headers)


def request_headers(method: str, url: str, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    """The HTTP head a request record stores (Host first, as on the wire)."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(
        f"{method} {target} HTTP/1.1", [("Host", parts.netloc), *headers], is_http_request=True
    )


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


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
