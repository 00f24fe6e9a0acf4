"""The archive for researchers who script: typed records, and no need to reach into
the storage modules.

    import vnarchive
    with vnarchive.open_archive("data/archive.db") as archive:
        for article in archive.articles(site="tuyengiao.vn"):
            ...
        for hit in archive.search("ha noi", limit=50):
            ...

Every method returns an iterator of frozen dataclasses: `Article` (the extractor's own
item, `crawler.extract.article`), `SearchHit`, `Version` and `Capture`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from crawler.extract.article import Article
from pipelines.archive import CAPTURE_COLUMNS, Archive
from pipelines.search import Filters, search


@dataclass(frozen=True, slots=True)
class SearchHit:
    site: str
    article_id: int
    title: str
    url: str
    published_at: str | None
    category: str | None
    # "exact": the words as typed, accents included; "folded": only without accents.
    match: str
    # True when the words stand together, as a phrase (such hits rank first).
    phrase: bool
    score: float


@dataclass(frozen=True, slots=True)
class Version:
    """A superseded version of an article, and why it was replaced."""

    article: Article
    content_hash: str
    first_seen_at: str
    last_seen_at: str
    superseded_at: str
    changed_fields: tuple[str, ...]
    cause: str
    crawl_id: int | None


@dataclass(frozen=True, slots=True)
class Capture:
    """One WARC record the crawl wrote: where it is, and what it holds."""

    id: int
    url: str
    fetched_at: str
    status: int
    content_type: str | None
    payload_digest: str
    record_type: str
    warc_file: str
    offset: int
    length: int
    site: str | None
    article_id: int | None
    crawl_id: int | None


class ArchiveReader:
    """An archive opened for reading (`open_archive`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no archive at {self.path}")
        self._archive = Archive(self.path)

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    def articles(self, site: str | None = None) -> Iterator[Article]:
        """Every archived article (the latest version), by site and id."""
        return self._archive.iter_articles(site)

    def article(self, site: str, article_id: int) -> Article | None:
        return self._archive.get_article(site, article_id)

    def search(
        self,
        query: str,
        *,
        since: date | None = None,
        until: date | None = None,
        category: str | None = None,
        limit: int = 20,
        site: str | None = None,
    ) -> Iterator[SearchHit]:
        """Full-text search, with or without diacritics (`ha noi` finds `Hà Nội`), best
        first; the same hits as `vnarchive search` (`site`: one site's articles only)."""
        filters = Filters(since=since, until=until, category=category, site=site)
        for hit in search(self._archive.db, query, filters=filters, limit=limit):
            yield SearchHit(**hit)

    def versions(self, site: str, article_id: int) -> Iterator[Version]:
        """Earlier versions of one article, oldest first."""
        for row in self._archive.versions(site, article_id):
            yield Version(
                article=Article.from_record(row["record"]),
                content_hash=row["content_hash"],
                first_seen_at=row["first_seen_at"],
                last_seen_at=row["last_seen_at"],
                superseded_at=row["superseded_at"],
                changed_fields=tuple(row["changed_fields"]),
                cause=row["cause"],
                crawl_id=row["crawl_id"],
            )

    def captures(self, site: str | None = None, article_id: int | None = None) -> Iterator[Capture]:
        """WARC records, in the order they were written; of one site or one article."""
        conditions: list[str] = []
        params: list[Any] = []
        if site is not None:
            conditions.append("site = ?")
            params.append(site)
        if article_id is not None:
            conditions.append("article_id = ?")
            params.append(article_id)
        where = " AND ".join(conditions) or "1"
        columns = ", ".join(("id", *CAPTURE_COLUMNS))
        for row in self._archive.db.query(
            f"SELECT {columns} FROM captures WHERE {where} ORDER BY id", params
        ):
            yield Capture(**row)


def open_archive(path: str | Path) -> ArchiveReader:
    """Open an archive that a crawl wrote (FileNotFoundError if there is none)."""
    return ArchiveReader(path)
