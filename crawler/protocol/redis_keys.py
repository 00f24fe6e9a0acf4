"""Redis key names of a distributed crawl (documented in `crawler/distributed/__init__.py`),
and how a worker puts a message on the item stream."""

from __future__ import annotations

import json
from typing import Any

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


def changed_key(site: str) -> str:
    """When each article of the site last changed, as a sitemap or feed said (a hash)."""
    return f"{PREFIX}:lastmod:{site}"


def article_fingerprint(article_id: int) -> str:
    """The dupefilter's fingerprint of an article request: its id, whatever URL form."""
    return f"article:{article_id}"


class QueueSender:
    """Puts one message on the item stream: a `kind` and its JSON `data`, with the
    sending worker's id (read by `pipelines.redis_ingest`)."""

    def __init__(self, server: Any, worker: str) -> None:
        self.server = server
        self.worker = worker

    def send(self, kind: str, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False, default=str)
        self.server.xadd(STREAM, {"kind": kind, "worker": self.worker, "data": payload})
