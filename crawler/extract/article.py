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
    # Where the publish date was read: "selector" (the layout's date element), "meta"
    # (article:published_time), "json-ld" (datePublished), "text" (a date line found
    # outside the body when the layout drifted) or "url". None when there is no date.
    published_source: str | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    layout: str = ""
    # How headline and body were found: "selectors" (the portal's layout), "metadata"
    # (JSON-LD articleBody) or "generic" (a generic content extractor). Anything but
    # "selectors" means the portal's layout drifted; crawls count it.
    extraction_method: str = "selectors"
    # What a researcher must know before citing the record, sorted: "date:<reason>" for a
    # refused or relative date, "encoding:<what>" for a repaired or lossy decoding.
    flags: tuple[str, ...] = ()
    # The portal's own mark taken off the lead ("(Dân trí) -", "(TG) -"), as printed.
    lead_prefix: str | None = None
    # Which evidence each field came from, for a researcher to filter on: field name ->
    # "selector" (the portal's layout), "h1", "sapo", "json-ld", "meta", "og", "text"
    # (the visible date line), "byline", "signature", "figure", "container", "breadcrumb",
    # "url"... Only fields that have a value are listed. Sorted pairs: the item is frozen.
    sources: tuple[tuple[str, str], ...] = ()
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
            "published_source": self.published_source,
            "updated_at": _iso(self.updated_at),
            "tags": list(self.tags),
            "layout": self.layout,
            "extraction_method": self.extraction_method,
            "flags": list(self.flags),
            "lead_prefix": self.lead_prefix,
            "sources": dict(self.sources),
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
            published_source=record.get("published_source"),
            updated_at=_parse_iso(record.get("updated_at")),
            tags=tuple(record.get("tags") or ()),
            layout=record.get("layout") or "",
            extraction_method=record.get("extraction_method") or "selectors",
            flags=tuple(record.get("flags") or ()),
            lead_prefix=record.get("lead_prefix"),
            sources=tuple(sorted((record.get("sources") or {}).items())),
        )

    def replace(self, **changes: Any) -> Article:
        return replace(self, **changes)


RECORD_FIELDS = frozenset(f.name for f in fields(Article)) - {"fetched_at"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
