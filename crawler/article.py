"""The one typed item: what an article page says, as the archive stores it.

`to_record()` is the single serialisation used by storage, tests, exports and
`vnarchive parse`; `from_record()` is its inverse, so a record read back from the
archive (or from a Redis queue) is the same article again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Image:
    """One picture of the article, in page order, with its caption and photo credit apart."""

    url: str
    caption: str | None = None
    credit: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"url": self.url, "caption": self.caption, "credit": self.credit}


@dataclass(frozen=True, slots=True)
class Article:
    url: str
    canonical_url: str
    site: str
    article_id: int
    category: str | None
    title: str
    lead: str | None
    body: tuple[str, ...]
    images: tuple[Image, ...] = ()
    byline: str | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    published_at: datetime | None = None
    published_text: str | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    layout: str = ""
    # Not part of the record: when the page was fetched is a fact of the capture,
    # not of the article, and the archive keeps it in its own columns.
    fetched_at: datetime | None = field(default=None, compare=False, repr=False)

    def to_record(self) -> dict[str, Any]:
        """The article as plain JSON-able data, with exactly the documented fields."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "site": self.site,
            "article_id": self.article_id,
            "category": self.category,
            "title": self.title,
            "lead": self.lead,
            "body": list(self.body),
            "images": [image.to_record() for image in self.images],
            "byline": self.byline,
            "authors": list(self.authors),
            "source": self.source,
            "published_at": _iso(self.published_at),
            "published_text": self.published_text,
            "updated_at": _iso(self.updated_at),
            "tags": list(self.tags),
            "layout": self.layout,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Article:
        unknown = set(record) - RECORD_FIELDS
        if unknown:
            raise ValueError(f"unknown article fields: {sorted(unknown)}")
        return cls(
            url=record["url"],
            canonical_url=record["canonical_url"],
            site=record["site"],
            article_id=int(record["article_id"]),
            category=record.get("category"),
            title=record["title"],
            lead=record.get("lead"),
            body=tuple(record.get("body") or ()),
            images=tuple(Image(**image) for image in record.get("images") or ()),
            byline=record.get("byline"),
            authors=tuple(record.get("authors") or ()),
            source=record.get("source"),
            published_at=_parse_iso(record.get("published_at")),
            published_text=record.get("published_text"),
            updated_at=_parse_iso(record.get("updated_at")),
            tags=tuple(record.get("tags") or ()),
            layout=record.get("layout") or "",
        )

    def replace(self, **changes: Any) -> Article:
        return replace(self, **changes)


RECORD_FIELDS = frozenset(f.name for f in fields(Article)) - {"fetched_at"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
