"""The hand-curated articles: 20 real records of November 2020 and the seed page.

They live in replica/data (package data), never in ../shared: the product ships them.
The format is documented in replica/data/README.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from functools import cache
from importlib import resources
from typing import Any

from replica.dates import VN_TZ
from replica.model import ArticleImage, ReplicaArticle, parse_markup

RECORDS_FILE = "articles-2020-11.jsonl"
SEED_FILE = "seed-article-127364.json"


def record_time(article_id: int) -> time:
    """A deterministic time of day for a record whose source only gave the date.

    The hash of the id (not Python's salted hash()) picks a minute in 06:00-22:59.
    """
    digest = hashlib.sha256(f"record-time:{article_id}".encode()).digest()
    minute = int.from_bytes(digest[:4], "big") % (17 * 60)
    return time(6 + minute // 60, minute % 60)


def _published(raw: dict[str, Any]) -> datetime:
    if "published" in raw:
        return datetime.fromisoformat(raw["published"]).astimezone(VN_TZ)
    day = date.fromisoformat(raw["published_date"])
    return datetime.combine(day, record_time(raw["article_id"]), tzinfo=VN_TZ)


def article_from_curated(raw: dict[str, Any], origin: str) -> ReplicaArticle:
    images = tuple(
        ArticleImage(
            path=i["src"],
            caption=i["caption"],
            credit=i["credit"],
            credit_style=i.get("credit_style", "paren"),
            position=i["position"],
        )
        for i in raw["images"]
    )
    return ReplicaArticle(
        article_id=int(raw["article_id"]),
        category=raw["category"],
        slug=raw["slug"],
        title=raw["title"],
        lead_lines=tuple(raw["lead"]),
        tg_mark=raw["tg_mark"],
        paragraphs=tuple(parse_markup(p) for p in raw["paragraphs"]),
        images=images,
        byline_lines=tuple(raw["byline"]),
        authors=tuple(raw["authors"]),
        source=raw["source"],
        published=_published(raw),
        marker=raw["marker"],
        tags=tuple(raw.get("tags", ())),
        layout="old",  # the Site decides the layout it serves
        origin=origin,
    )


def _data_text(name: str) -> str:
    return resources.files("replica").joinpath("data", name).read_text(encoding="utf-8")


@cache
def curated_articles() -> tuple[ReplicaArticle, ...]:
    """The records then the seed article (read once per process: they never change)."""
    records = [
        article_from_curated(json.loads(line), "record")
        for line in _data_text(RECORDS_FILE).splitlines()
        if line.strip()
    ]
    seed = article_from_curated(json.loads(_data_text(SEED_FILE)), "seed")
    return (*records, seed)
