"""WARC files: the rotating writer, the recorder that turns one HTTP exchange into
records (a revisit for a payload stored before) and its `captures` row, and the sink
a crawl's pipeline registers with the capture extension (`crawler.warc`), which only
hands exchanges over. The archive's writer process (`pipelines.writer`) uses the
recorder too, and never imports Scrapy.
"""

from __future__ import annotations

import base64
import contextlib
import errno
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

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.extract.dates import VN_TZ
from crawler.protocol.exchange import Exchange

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 1024**3
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
# Undone before the record is written (see `response_headers`).
_DROPPED_HEADERS = {b"transfer-encoding", b"content-length"}


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RotatingWarcWriter:
    """Appends records to `<dir>/<prefix>-<start>-<serial>.warc.gz`, rotating by size.

    Each `write` reaches the file whole or not at all: the records are made in memory,
    appended in one unbuffered write, and a write that fails (a full disk) is cut back
    off the file. A file written in part would end in a broken gzip member, which WARC
    readers stop at, and every record appended after it would be out of their reach.
    """

    def __init__(self, directory: Path, *, max_size: int, prefix: str = "vnarchive") -> None:
        self.directory = directory
        self.max_size = max_size
        self.prefix = prefix
        self.serial = 0
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.path: Path | None = None
        self._file: IO[bytes] | None = None
        self._size = 0
        self._buffer = BytesIO()
        self._records = WARCWriter(self._buffer, gzip=True)  # makes the records `_append` writes

    def _open(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        name = f"{self.prefix}-{self.started}-{os.getpid()}-{self.serial:05d}.warc.gz"
        self.path = self.directory / name
        self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115 - kept open across records
        self._size = os.fstat(self._file.fileno()).st_size
        info = self._records.create_warcinfo_record(
            name, {"software": "vnarchive (warcio)", "format": "WARC File Format 1.0"}
        )
        try:
            self._append([info])
        except OSError:
            # No file without its warcinfo record: the next write opens another.
            path, empty = self.path, self._size == 0
            self.close()
            if empty:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise

    def write(self, records: list[Any]) -> tuple[Path, int, int]:
        """Write records together; return (file, offset, length) of the last one."""
        if self._file is None or self._size >= self.max_size:
            self._open()
        assert self.path is not None
        offset, end = self._append(records)
        return self.path, offset, end - offset

    def _append(self, records: list[Any]) -> tuple[int, int]:
        """Append `records`; return the file offsets of the last one and of the end."""
        assert self._file is not None
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        last = 0
        for record in records:
            last = buffer.tell()
            self._records.write_record(record)
        payload = buffer.getvalue()
        start, rest = self._size, memoryview(payload)
        try:
            while rest:
                written = self._file.write(rest)
                if not written:
                    raise OSError(errno.EIO, f"{self.path}: the write wrote nothing")
                rest = rest[written:]
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self._file.fileno(), start)
            raise
        self._size = start + len(payload)
        return start + last, self._size

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
        writer = self._records
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
        except OSError as error:
            logger.error("WARC file %s: cannot close: %s", self.path, error)
        self._file = None


class WarcRecorder:
    """Writes exchanges as WARC records and returns their `captures` rows (crawl_id
    aside). A payload stored before (in this run, or in the archive, which
    `connect` opens) becomes a revisit record."""

    def __init__(self, directory: Path, archive_path: Path, *, max_size: int, connect: Any) -> None:
        self.archive_path = archive_path
        self.warc = RotatingWarcWriter(directory, max_size=max_size)
        self.connect = connect
        self._conn: sqlite3.Connection | None = None
        # Payloads stored in this run: digest -> (url, WARC-Date).
        self.seen: dict[str, tuple[str, str]] = {}

    def record(self, ex: Exchange) -> dict[str, Any]:
        """Write one exchange (OSError when the file cannot be written)."""
        body = ex.body
        digest = payload_digest(body)
        not_modified = ex.status == 304
        if not_modified:
            earlier = self._stored(ex.uri, by="url")
        else:
            earlier = self.seen.get(digest) or self._stored(digest)
        record_type, path, offset, length = self.warc.write_exchange(
            ex.uri, body, response_headers(ex.status, ex.headers, len(body), ex.protocol),
            request_headers(ex.method, ex.request_url, ex.request_headers), ex.fetched,
            earlier=earlier, not_modified=not_modified,
        )  # fmt: skip
        if earlier is None and not not_modified:
            self.seen[digest] = (ex.uri, warc_date(ex.fetched))
        return {
            "url": ex.uri,
            "fetched_at": ex.fetched.astimezone(VN_TZ).isoformat(),
            "status": ex.status,
            "content_type": ex.content_type or None,
            "payload_digest": digest,
            "record_type": record_type,
            "warc_file": _relative(path, self.archive_path.parent),
            "offset": offset,
            "length": length,
            "site": ex.site,
            "article_id": ex.article_id,
        }

    def _stored(self, key: str, by: str = "digest") -> tuple[str, str] | None:
        """An earlier capture, read from the archive: the first with this payload
        digest, or (by="url") the last 200 of this URL."""
        try:
            if self._conn is None:
                self._conn = self.connect()
                if self._conn is None:
                    return None
            sql = (
                "SELECT url, fetched_at FROM captures WHERE url = ? AND status = 200 "
                "ORDER BY id DESC LIMIT 1"
                if by == "url"
                else "SELECT url, fetched_at FROM captures WHERE payload_digest = ? "
                "AND record_type = 'response' ORDER BY id LIMIT 1"
            )
            row = self._conn.execute(sql, (key,)).fetchone()
        except sqlite3.Error:
            return None  # no captures table yet: nothing stored before
        if row is None:
            return None
        return row[0], warc_date(datetime.fromisoformat(row[1]))

    def close(self, *, connection: bool = True) -> None:
        self.warc.close()
        if self._conn is not None and connection:
            self._conn.close()
        self._conn = None


def response_headers(
    status: int, headers: list[tuple[str, str]], length: int, protocol: str = "HTTP/1.1"
) -> StatusAndHeaders:
    """The HTTP head a response record stores for a body of `length` bytes."""
    # The body is the payload as the server sent it, Content-Encoding included (a WARC
    # reader decodes it on read), but de-chunked by Twisted: Transfer-Encoding is
    # dropped and Content-Length is the stored body's, so the record is
    # self-consistent.
    kept = [(k, v) for k, v in headers if k.lower().encode("latin-1") not in _DROPPED_HEADERS]
    kept.append(("Content-Length", str(length)))
    reason = REASONS.get(status, "")
    return StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=protocol)


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


def warc_directory(settings: Any) -> Path:
    """WARC_DIR, or `warc/` next to ARCHIVE_PATH."""
    archive_path = Path(settings.get("ARCHIVE_PATH"))
    return Path(settings.get("WARC_DIR") or archive_path.parent / "warc")


def read_only(archive_path: Path) -> Any:
    """A connection factory for the recorder: only ever a reader of the archive (WAL:
    readers never block its writer); None while there is no archive yet."""

    def connect() -> sqlite3.Connection | None:
        if not archive_path.exists():
            return None
        return sqlite3.connect(f"file:{archive_path.resolve()}?mode=ro", uri=True)

    return connect
