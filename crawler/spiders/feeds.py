"""RSS and Atom feeds, read with feedparser (a maintained parser of every RSS and Atom
version, lenient with the broken feeds portals serve, and it reads the dates: RSS
`pubDate` in RFC 822, Atom `published`/`updated` in RFC 3339).

A mixin of `crawler.spiders.portal.PortalSpider` (with `DiscoveryMixin`): each entry's
link and date go to `_queue_dated`, which queues the new articles and refetches the
archived ones whose feed date moved. A broken feed (bad XML, a wrong charset, not a
feed, too big) is a `bad_feed` error row; whatever entries it still gave are read.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import feedparser
import scrapy
from scrapy.http import Response

from crawler.discovery import iso
from crawler.extract.dates import VN_TZ
from crawler.protocol.frontier import Listed

if TYPE_CHECKING:
    from crawler.portals import Portal
    from crawler.spiders.discovery import DiscoveryOptions


def entry_dates(entry: Any) -> tuple[datetime | None, datetime | None]:
    """(published, last changed) of a feed entry, aware; feedparser gives them as UTC
    `struct_time`s (`published_parsed`, `updated_parsed`)."""
    # Read as stored: feedparser's own `get` maps a missing `updated_parsed` to the
    # published date, with a DeprecationWarning.
    published = _when(dict.get(entry, "published_parsed"))
    updated = _when(dict.get(entry, "updated_parsed"))
    changed = max((d for d in (published, updated) if d is not None), default=None)
    return published or updated, changed


def _when(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def read_feed(body: bytes, url: str, content_type: str) -> tuple[list[Any], str | None]:
    """The entries of a feed, and what is wrong with it (None: nothing)."""
    parsed = feedparser.parse(
        body, response_headers={"content-type": content_type, "content-location": url}
    )
    entries = list(parsed.entries)
    problem = None
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        problem = f"{type(error).__name__}: {error}" if error else "malformed feed"
    if not parsed.get("version") and not entries:
        problem = problem or "not an RSS or Atom feed"
    return entries, problem


class FeedMixin:
    portal: Portal
    discovery: DiscoveryOptions

    if TYPE_CHECKING:  # the spider's own, which this reads

        def _fail(self, url: str, kind: str, message: str) -> None: ...

        def _count(self, key: str) -> None: ...

        def _queue_dated(
            self, entries: Iterable[Listed], kind: str
        ) -> Iterator[scrapy.Request]: ...

        def own_url(self, url: str) -> str | None: ...

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        self._count("pages/feed")
        limit = self.discovery.feed_max_size
        if limit and len(response.body) > limit:
            self._fail(response.url, "bad_feed", f"too big: {len(response.body)} bytes "
                       f"(FEED_MAX_SIZE {limit})")  # fmt: skip
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        entries, problem = read_feed(response.body, response.url, content_type)
        if problem is not None:
            self._fail(response.url, "bad_feed", problem)
        listed: list[Listed] = []
        for entry in entries:
            url = self.own_url(entry.get("link") or "")
            article_id = self.portal.article_id(url) if url else None
            if url is None or article_id is None:
                continue
            published, changed = entry_dates(entry)
            day = published.astimezone(VN_TZ).date().isoformat() if published else None
            listed.append(Listed(article_id, url, day, iso(changed)))
        yield from self._queue_dated(listed, "rss")
