"""Redis key names of a distributed crawl (documented in `crawler/distributed/__init__.py`)."""

from __future__ import annotations

PREFIX = "vnarchive"
STREAM = f"{PREFIX}:items"
GROUP = "writer"
WRITER_LOCK = f"{PREFIX}:writer"


def spider_key(spider: str, name: str) -> str:
    return f"{PREFIX}:{spider}:{name}"


def inflight_key(spider: str, worker: str) -> str:
    return spider_key(spider, f"inflight:{worker}")


def alive_key(spider: str, worker: str) -> str:
    return spider_key(spider, f"alive:{worker}")


def archived_key(site: str) -> str:
    return f"{PREFIX}:archived:{site}"


def article_fingerprint(article_id: int) -> str:
    """The dupefilter's fingerprint of an article request: its id, whatever URL form."""
    return f"article:{article_id}"
