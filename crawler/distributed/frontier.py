"""The spider's frontier on Redis, for workers that have no archive at hand.

The spider asks its store what is known, archived and walked (`pipelines.frontier_store`
answers from SQLite on one machine); a worker's `RedisFrontier` answers the same
questions from Redis, and sends what the archive must record (listings read, articles
queued) to the writer through the queue:

- known: archived (`archived:<site>`, which the ingest keeps) or already claimed in
  this crawl (the dupefilter holds `article:<id>`);
- listing walks: `S:walks`, so a category's walk resumes in the next crawl; each
  category is read by one worker per crawl (`claim`);
- sitemaps and feeds: when each article last changed as they said (`lastmod:<site>`,
  kept by the workers as they queue), and the sitemaps read with their lastmod
  (`S:sitemaps`); refetches go to the archive's frontier through the queue;
- what a single machine reads back from its frontier (pending leftovers, revisits) is
  not asked of Redis: leftovers are the leases (requeued), revisits a single-machine
  feature for now (README, "Scaling").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from crawler.protocol import redis_keys as keys
from crawler.protocol.frontier import Frontier, Listed, Pending, Revisit, Walk

Send = Callable[[str, dict[str, Any]], None]


class RedisFrontier(Frontier):
    def __init__(self, server: Any, spider: str, site: str, send: Send) -> None:
        self.server = server
        self.site = site
        self.send = send
        self.crawl_id: int | None = None
        self.archived_key = keys.archived_key(site)
        self.dupefilter = keys.spider_key(spider, "dupefilter")
        self.walks = keys.spider_key(spider, "walks")
        self.entered = keys.spider_key(spider, "entered")
        self.sitemaps = keys.spider_key(spider, "sitemaps")
        self.changed_key = keys.changed_key(site)
        # ETag/Last-Modified of articles fetched, until their item carries them away.
        self.validators: dict[int, tuple[str | None, str | None]] = {}

    def claim(self, category: str) -> bool:
        """True for the one worker that reads this category in this crawl."""
        return bool(self.server.sadd(self.entered, category))

    # -- the FrontierStore questions ---------------------------------------

    def pending(self) -> list[Pending]:
        return []

    def revisits(self, since: datetime) -> list[Revisit]:
        return []

    def unfinished_walks(self) -> int:
        return sum(1 for raw in self.server.hvals(self.walks) if not json.loads(raw)["finished"])

    def known(self, ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        archived = self.server.smismember(self.archived_key, wanted)
        claimed = self.server.smismember(
            self.dupefilter, [keys.article_fingerprint(a) for a in wanted]
        )
        return {a for a, x, y in zip(wanted, archived, claimed, strict=True) if x or y}

    def archived(self, ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        flags = self.server.smismember(self.archived_key, wanted)
        return {a for a, flag in zip(wanted, flags, strict=True) if flag}

    def archived_urls(self) -> list[str]:
        # Not in distributed mode (README "Scaling"): the archive is not on this machine.
        return []

    def add(self, entries: Sequence[Listed], category: str | None = None) -> None:
        if entries:
            self._remember_changes(entries)
            self.send("listing", {"site": self.site, "category": category, "page": None,
                                  "entries": [], "new": _rows(entries)})  # fmt: skip

    def started(self, article_ids: Iterable[int]) -> None:
        pass  # the lease is the in-progress mark

    def set_validators(
        self, article_id: int, url: str, etag: str | None, last_modified: str | None
    ) -> None:
        if etag or last_modified:
            self.validators[article_id] = (etag, last_modified)

    def walk(self, category: str) -> Walk | None:
        raw = self.server.hget(self.walks, category)
        if raw is None:
            return None
        w = json.loads(raw)
        return Walk(category, int(w["next_page"]), w["next_url"], w["until"], w["finished"])

    def start_walk(self, category: str, url: str, until: str | None = None) -> Walk:
        walk = Walk(category, 1, url, until, False)
        self._save(walk)
        return walk

    def listing_read(
        self,
        category: str,
        page: int,
        entries: Sequence[Listed],
        *,
        new: Sequence[Listed] = (),
        walk_next: tuple[int, str | None] | None = None,
    ) -> None:
        # The listing goes to the archive before the walk moves on: a kill in between
        # reads the page again, never skips it.
        self.send("listing", {"site": self.site, "category": category, "page": page,
                              "entries": _rows(entries), "new": _rows(new)})  # fmt: skip
        if walk_next is not None:
            walk = self.walk(category)
            next_page, next_url = walk_next
            until = walk.until if walk else None
            self._save(Walk(category, next_page, next_url, until, next_url is None))

    # -- sitemaps and feeds -------------------------------------------------

    def last_changed(self, ids: Iterable[int]) -> dict[int, str]:
        archived = sorted(self.archived(ids))
        if not archived:
            return {}
        values = self.server.hmget(self.changed_key, [str(a) for a in archived])
        return {a: _text(v) for a, v in zip(archived, values, strict=True) if v is not None}

    def refetch(self, entries: Sequence[Listed]) -> None:
        if entries:
            self._remember_changes(entries)
            self.send("refetch", {"site": self.site, "entries": _rows(entries)})

    def sitemaps_read(self) -> dict[str, str | None]:
        return {
            _text(k): (json.loads(v) or None) for k, v in self.server.hgetall(self.sitemaps).items()
        }

    def sitemap_read(self, url: str, lastmod: str | None) -> None:
        self.server.hset(self.sitemaps, url, json.dumps(lastmod))

    def _remember_changes(self, entries: Sequence[Listed]) -> None:
        changes = {str(e.article_id): e.changed_at for e in entries if e.changed_at}
        if changes:
            self.server.hset(self.changed_key, mapping=changes)

    def _save(self, walk: Walk) -> None:
        value = {"next_page": walk.next_page, "next_url": walk.next_url,
                 "until": walk.until, "finished": walk.finished}  # fmt: skip
        self.server.hset(self.walks, walk.category, json.dumps(value))


def _rows(entries: Sequence[Listed]) -> list[list[Any]]:
    return [[e.article_id, e.url, e.listed_on, e.changed_at] for e in entries]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
