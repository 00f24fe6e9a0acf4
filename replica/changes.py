"""A replica that changes between crawls: new articles, edits, removals.

A scheduled crawl is only tested against a site that moves. `SiteChanges` mutates a
`Site` in place: `publish(k)` adds k generated articles newer than everything listed
(ids keep growing with time), `edit(id)` revises an article (a new first paragraph,
so its page, ETag and truth change), `remove(id)` makes it a 404 and drops it from
every listing. The server's control endpoints call these (POST /__replica__/publish?n=K,
/__replica__/edit?id=ID, /__replica__/remove?id=ID).

Also the modification time of each article, for `Last-Modified` and conditional GETs.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence, Set
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from replica.categories import ancestors
from replica.dates import VN_TZ
from replica.generator import Stub, _draw_header, _rng
from replica.model import ReplicaArticle, plain
from replica.paths import slugify
from replica.site import Entry, Site

# Published articles are dated this long before the moment they are published.
PUBLISH_STEP = timedelta(minutes=1)


class Changes(Protocol):
    """What the control endpoints change: tuyengiao's `SiteChanges`, a real portal's
    `replica.press.site.PressSite`."""

    def publish(self, count: int, now: datetime | None = None) -> list[int]: ...
    def edit(self, article_id: int, now: datetime | None = None) -> int: ...
    def remove(self, article_id: int) -> None: ...
    def last_modified(self, article_id: int) -> datetime | None: ...


class SiteChanges:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.lock = threading.Lock()
        self.revisions: dict[int, int] = {}
        self.removed: set[int] = set()
        self.modified: dict[int, datetime] = {}
        self.published: dict[int, datetime] = {}  # id -> publish time of added articles
        self._next_index = site.generated
        build = site._build_uncached

        def build_changed(article_id: int) -> ReplicaArticle:
            return self.apply(build(article_id))

        site._build_uncached = build_changed  # type: ignore[method-assign]
        site._build = lru_cache(maxsize=512)(build_changed)

    # -- what a page shows ------------------------------------------------------

    def apply(self, article: ReplicaArticle) -> ReplicaArticle:
        moment = self.published.get(article.article_id)
        if moment is not None:
            article = replace(article, published=moment)
        revision = self.revisions.get(article.article_id, 0)
        if revision:
            note = plain(f"Bài viết được cập nhật lần thứ {revision} theo thông tin mới nhất.")
            article = replace(article, paragraphs=(note, *article.paragraphs))
        return article

    def last_modified(self, article_id: int) -> datetime | None:
        if article_id in self.modified:
            return self.modified[article_id]
        entry = self.site.entry(article_id)
        return entry.published if entry is not None else None

    # -- changes ----------------------------------------------------------------

    def publish(self, count: int, now: datetime | None = None) -> list[int]:
        """Add `count` articles published after everything listed; return their ids."""
        site = self.site
        with self.lock:
            newest = site._newest[0] if site._newest else None
            # A minute before now (a crawler's "published in the last D days" is measured
            # on the real clock, and a date after the fetch is refused), and not before the
            # newest listed article; articles of the same minute are listed by id.
            latest = (now or datetime.now(VN_TZ)).replace(second=0, microsecond=0)
            moment = latest - PUBLISH_STEP
            if newest is not None and newest.published > moment:
                moment = newest.published
            next_id = max(site._by_id, default=0) + 1
            added: list[Entry] = []
            for _ in range(count):
                index = self._next_index
                self._next_index += 1
                drawn = _stub(index, site.seed)
                stub = Stub(index, moment, drawn.category, drawn.title)
                added.append(
                    Entry(next_id, stub.category, slugify(stub.title), stub.title, moment, stub)
                )
                self.published[next_id] = moment
                next_id += 1
            self._relist(added=added)
            return [e.article_id for e in added]

    def edit(self, article_id: int, now: datetime | None = None) -> int:
        """Revise an article; returns its revision number. KeyError if unknown."""
        with self.lock:
            if self.site.entry(article_id) is None or article_id in self.removed:
                raise KeyError(article_id)
            self.revisions[article_id] = self.revisions.get(article_id, 0) + 1
            self.modified[article_id] = (now or datetime.now(VN_TZ)).replace(microsecond=0)
            self.site._build.cache_clear()
            return self.revisions[article_id]

    def remove(self, article_id: int) -> None:
        with self.lock:
            if self.site.entry(article_id) is None:
                raise KeyError(article_id)
            self.removed.add(article_id)
            self._relist(removed={article_id})

    def _relist(self, *, added: Sequence[Entry] = (), removed: Set[int] = frozenset()) -> None:
        """Rebuild the lookups; each is replaced whole, so readers never see half a change."""
        site = self.site
        by_id = {k: v for k, v in site._by_id.items() if k not in removed}
        by_id.update({e.article_id: e for e in added})
        newest = sorted(by_id.values(), key=lambda e: (e.published, e.article_id), reverse=True)
        listings: dict[str, list[Entry]] = {path: [] for path in site._listings}
        for entry in newest:
            for path in ancestors(entry.category):
                listings.setdefault(path, []).append(entry)
        site._by_id, site._newest, site._listings = by_id, newest, listings
        site._build.cache_clear()


def _stub(index: int, seed: int) -> Stub:
    """The generator's header draw for article `index` (its category and title)."""
    # The same seeded draw `generate_stubs` makes, for an index beyond the initial ones.
    published, category, _scene, title = _draw_header(_rng(seed, index))
    return Stub(index, published, category, title)
