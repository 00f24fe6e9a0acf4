"""What a spider asks of its frontier, and the records that cross it.

Three stores implement `Frontier`: the archive's own tables
(`pipelines.frontier_store.FrontierStore`), its client in a crawl whose writer is a
child process (`pipelines.writer_client.FrontierClient`), and a distributed crawl's
Redis (`crawler.distributed.frontier.RedisFrontier`). With no store at all (a bare
`scrapy crawl` with the pipelines emptied) the spider keeps one in memory
(`crawler.frontier.MemoryFrontier`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Pending:
    article_id: int
    url: str
    category: str | None


@dataclass(frozen=True, slots=True)
class Revisit:
    article_id: int
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class Walk:
    category: str
    next_page: int
    next_url: str | None
    until: str | None
    finished: bool


@dataclass(frozen=True, slots=True)
class Listed:
    """An article link on a listing page, with the day the listing gave it (if read);
    or an article a sitemap or feed lists, with when it says the article last changed
    (`changed_at`, ISO 8601 with its offset: a sitemap's lastmod, a feed's date)."""

    article_id: int
    url: str
    listed_on: str | None = None
    changed_at: str | None = None


class Frontier(Protocol):
    """The questions a spider asks, and the progress it reports."""

    def pending(self) -> list[Pending]:
        """Articles an earlier run queued and never finished."""
        ...

    def revisits(self, since: datetime) -> list[Revisit]:
        """Archived articles published since then, with their validators."""
        ...

    def unfinished_walks(self) -> int: ...

    def known(self, ids: Iterable[int]) -> set[int]:
        """Those of the ids the frontier holds in any state."""
        ...

    def archived(self, ids: Iterable[int]) -> set[int]: ...

    def archived_urls(self) -> list[str]:
        """The last fetched URL of every archived article of the site, by id."""
        ...

    def add(self, entries: Sequence[Listed], category: str | None = None) -> None: ...

    def started(self, article_ids: Iterable[int]) -> None: ...

    def set_validators(
        self, article_id: int, url: str, etag: str | None, last_modified: str | None
    ) -> None: ...

    def walk(self, category: str) -> Walk | None: ...

    def start_walk(self, category: str, url: str, until: str | None = None) -> Walk: ...

    def listing_read(
        self,
        category: str,
        page: int,
        entries: Sequence[Listed],
        *,
        new: Sequence[Listed] = (),
        walk_next: tuple[int, str | None] | None = None,
    ) -> None:
        """One listing page read: what it listed, what it queued, and (for a walk)
        where to go next (`(page, None)` ends the walk), as one step: a kill never
        records progress past articles that were not queued."""
        ...

    # -- sitemaps and feeds (crawler/spiders/discovery.py) ---------------------

    def last_changed(self, ids: Iterable[int]) -> dict[int, str]:
        """For each of the ids that is archived: the last change the archive knows of
        (ISO 8601): the latest of the date a sitemap or feed gave when the article was
        last queued and the article's own update and publish times. Ids not archived
        are absent."""
        ...

    def refetch(self, entries: Sequence[Listed]) -> None:
        """Archived articles whose sitemap or feed says they changed: pending again,
        with their new `changed_at`, as one step (a kill leaves them pending)."""
        ...

    def sitemaps_read(self) -> dict[str, str | None]:
        """Each sitemap an earlier run read to its end (by path and query), with the
        lastmod its index gave it then."""
        ...

    def sitemap_read(self, url: str, lastmod: str | None) -> None:
        """A sitemap read to its end, after what it listed was queued."""
        ...
