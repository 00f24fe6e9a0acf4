"""An article's pictures served from the archive's own captures (issue 17.9).

The crawl fetches each picture of an article into the WARC files (crawler/spiders/
images.py); this finds each picture's capture and serves its bytes, so the article page
shows its pictures once the site (or the replica) is gone:

- `attach_captures`: for each stored image, its capture, looked up by the URL the crawl
  fetched it from (`crawler.extract.image_urls.image_fetch_url`: the stored, canonical
  URL rebased onto the host of the article's own fetched URL when that host stood in
  for the portal, the same rule the spider follows).
- `/-/capture/<database>/<id>` (`capture_image`): the payload of one capture, read with
  warcio from the WARC file its `captures` row names. The file must lie inside the
  archive's folder (`pipelines.pathguard.inside`: a row can come from anyone's
  archive); a revisit record is served from the response record it refers to (same
  payload digest); the content type is the record's own, and only raster image types
  are served (SVG can carry script; anything else is not a picture). The plugin's
  wrapper adds the Content-Security-Policy and `nosniff` to every response.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from datasette.utils.asgi import Forbidden, NotFound, Response
from w3lib.url import safe_url_string

from crawler.extract.errors import PathEscape
from crawler.extract.image_urls import image_fetch_url
from crawler.portals import portal_by_name
from pipelines.pathguard import inside

# Served as pictures: raster types a browser shows and never runs.
SERVED_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/bmp"}
)
# A crawl keeps at most IMAGE_MAXSIZE (5 MB) of one picture; an archive from elsewhere
# may hold more, and one request should not read a whole WARC file into memory.
MAX_PAYLOAD = 32 * 1024 * 1024


def capture_path(datasette: Any, database: str, capture_id: int) -> str:
    return str(datasette.urls.path(f"/-/capture/{database}/{int(capture_id)}"))


def _portal_hosts(site: str, canonical_url: str | None) -> tuple[str, ...]:
    try:
        return portal_by_name(site).all_image_hosts
    except KeyError:
        # A portal vnarchive no longer declares: its pages' canonical host is its own.
        host = urlsplit(canonical_url or "").hostname
        return (host,) if host else ()


def image_capture(
    conn: sqlite3.Connection, url: str, article_url: str, hosts: tuple[str, ...]
) -> int | None:
    """The newest capture of an image fetched for this article, or None."""
    fetched = image_fetch_url(url, article_url, hosts)
    # Scrapy asks for (and records) a URL with unsafe characters escaped.
    candidates = list(dict.fromkeys((fetched, safe_url_string(fetched))))
    marks = ", ".join("?" for _ in candidates)
    rows = conn.execute(
        f"SELECT id, content_type FROM captures WHERE url IN ({marks}) AND status = 200 "
        "ORDER BY id DESC",
        candidates,
    )
    for capture_id, content_type in rows:
        # Only a capture the route serves: an SVG or an error page would be a broken
        # picture; the original URL is then shown instead, marked not archived.
        if media_type(content_type) in SERVED_TYPES:
            return int(capture_id)
    return None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def attach_captures(
    conn: sqlite3.Connection, article: dict[str, Any], images: list[dict[str, Any]]
) -> None:
    """Give each image dict its `capture_id` (None: not archived)."""
    hosts = _portal_hosts(article["site"], article.get("canonical_url"))
    for image in images:
        url = image.get("url")
        image["capture_id"] = (
            image_capture(conn, url, article["url"] or "", hosts) if isinstance(url, str) else None
        )


def _payload_location(conn: sqlite3.Connection, capture_id: int) -> tuple[str, int]:
    """The WARC file and offset of the record holding this capture's payload."""
    row = conn.execute(
        "SELECT warc_file, offset, record_type, payload_digest, status FROM captures WHERE id = ?",
        (capture_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no capture {capture_id}")
    warc_file, offset, record_type, digest, status = row
    if record_type == "revisit" and status == 200:
        # The same bytes were stored once, earlier: the revisit only refers to them.
        original = conn.execute(
            "SELECT warc_file, offset FROM captures WHERE payload_digest = ? "
            "AND record_type = 'response' ORDER BY id LIMIT 1",
            (digest,),
        ).fetchone()
        if original is None:
            raise NotFound(f"capture {capture_id}: the record it revisits is not in the archive")
        warc_file, offset = original
    elif record_type != "response":
        raise NotFound(f"capture {capture_id}: a {record_type} record holds no picture")
    return str(warc_file), int(offset)


def read_picture(base: Path, warc_file: str, offset: int) -> tuple[str, bytes]:
    """The content type and payload of an image response record (Forbidden otherwise)."""
    # Imported here: the plugin loads on every page, a WARC is read for a picture only.
    from warcio.archiveiterator import ArchiveIterator

    try:
        path = inside(base, warc_file)
    except PathEscape as error:
        raise Forbidden(f"capture not served: {error}") from None
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            headers = record.http_headers
            content_type = (headers.get_header("Content-Type") if headers else None) or ""
            served = media_type(content_type)
            if record.rec_type != "response" or served not in SERVED_TYPES:
                raise Forbidden(f"capture not served: not a picture ({content_type or 'no type'})")
            payload = record.content_stream().read(MAX_PAYLOAD + 1)
    except (OSError, StopIteration, ValueError) as error:
        raise NotFound(f"{warc_file}@{offset}: cannot read: {error}") from None
    if len(payload) > MAX_PAYLOAD:
        raise Forbidden(f"capture not served: larger than {MAX_PAYLOAD // 2**20} MiB")
    return served, bytes(payload)


async def capture_image(request: Any, datasette: Any) -> Response:
    name = request.url_vars["database"]
    capture_id = int(request.url_vars["capture_id"])
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name!r}") from None
    if not db.path or "captures" not in await db.table_names():
        raise NotFound(f"{name!r} is not a vnarchive archive with captures")
    if capture_id > 2**63 - 1:
        raise NotFound(f"no capture {capture_id}")
    warc_file, offset = await db.execute_fn(lambda conn: _payload_location(conn, capture_id))
    base = Path(db.path).parent
    content_type, payload = await asyncio.to_thread(read_picture, base, warc_file, offset)
    # A capture never changes: the browser may keep it.
    return Response(
        payload,
        content_type=content_type,
        headers={"Cache-Control": "private, max-age=86400"},
    )
