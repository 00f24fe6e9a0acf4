"""The whole replica site: which articles exist, where they are listed, in which layout.

Built deterministically from (layout, generated, seed, today). Generated articles are
kept as small stubs and written out on demand (an LRU keeps the recent ones), so a
site of 20,000 articles costs a few megabytes and builds in well under a second.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from replica.categories import CATEGORY_NAMES, ancestors
from replica.curated import curated_articles
from replica.generator import Stub, build_article, generate_stubs
from replica.ids import assign_ids
from replica.model import ReplicaArticle
from replica.paths import article_path, bare_path, slugify

# "drift": the new layout with its article classes renamed, as an unannounced redesign
# would leave it: only the page's metadata and a generic extractor can still read it.
LAYOUTS = ("old", "new", "mixed", "drift")
# How a related box links an article: the forms a crawler must dedupe by id.
LINK_FORMS = ("canonical", "bare", "other_category", "tracking")


def _bucket(key: str, buckets: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, the replica must not vary.
    return zlib.crc32(key.encode("utf-8")) % buckets


@dataclass(frozen=True, slots=True)
class Entry:
    """One article as listings see it, without its body."""

    article_id: int
    category: str
    slug: str
    title: str
    published: datetime
    stub: Stub | None  # None for a curated article

    @property
    def path(self) -> str:
        return article_path(self.category, self.slug, self.article_id)


class Site:
    def __init__(
        self,
        layout: str = "old",
        generated: int = 100,
        seed: int = 1,
        today: date = date(2021, 1, 24),
    ) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
        if generated < 0:
            raise ValueError("generated must be >= 0")
        self.layout, self.generated, self.seed, self.today = layout, generated, seed, today
        self._curated = {
            a.article_id: replace(
                a,
                layout=self.article_layout(a.article_id),
                byline_on_top=_bucket(f"author-top:{a.article_id}", 3) == 0,
            )
            for a in curated_articles()
        }
        stubs = generate_stubs(generated, seed)
        ids = assign_ids([s.published for s in stubs], self._curated)
        entries = [
            Entry(a.article_id, a.category, a.slug, a.title, a.published, None)
            for a in self._curated.values()
        ]
        entries += [
            Entry(aid, s.category, slugify(s.title), s.title, s.published, s)
            for aid, s in zip(ids, stubs, strict=True)
        ]
        self._by_id = {e.article_id: e for e in entries}
        # Newest first, ties by id: the order of every listing.
        self._newest = sorted(entries, key=lambda e: (e.published, e.article_id), reverse=True)
        self._listings: dict[str, list[Entry]] = {path: [] for path in CATEGORY_NAMES}
        for entry in self._newest:
            for path in ancestors(entry.category):
                self._listings.setdefault(path, []).append(entry)
        hot = sorted(entries, key=lambda e: _bucket(f"hot:{seed}:{e.article_id}", 1 << 30))
        self._most_read = hot[:5]
        self._build = lru_cache(maxsize=512)(self._build_uncached)

    # -- lookup ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self) -> list[int]:
        return sorted(self._by_id)

    def entry(self, article_id: int) -> Entry | None:
        return self._by_id.get(article_id)

    def article(self, article_id: int) -> ReplicaArticle | None:
        return self._build(article_id) if article_id in self._by_id else None

    def articles(self) -> list[ReplicaArticle]:
        """Every article, by id (built on the fly: the full list is not kept)."""
        return [self._build_uncached(aid) for aid in self.ids()]

    def _build_uncached(self, article_id: int) -> ReplicaArticle:
        entry = self._by_id[article_id]
        if entry.stub is None:
            return self._curated[article_id]
        return build_article(entry.stub, article_id, self.seed, self.article_layout(article_id))

    # -- layouts ----------------------------------------------------------------

    def article_layout(self, article_id: int) -> str:
        if self.layout == "drift":
            return "new"
        if self.layout != "mixed":
            return self.layout
        return ("old", "new")[_bucket(f"layout:{article_id}", 2)]

    def listing_layout(self, key: str) -> str:
        """Layout of a listing (`key` = category path, "" for home, "search", "404")."""
        if self.layout == "drift":
            return "new"
        if self.layout != "mixed":
            return self.layout
        return ("old", "new")[_bucket(f"layout:{key}", 2)]

    # -- listings and boxes -------------------------------------------------------

    def listing(self, category: str) -> list[Entry] | None:
        """A category's articles and its subcategories', newest first; None if unknown."""
        return self._listings.get(category)

    def newest(self, count: int) -> list[Entry]:
        return self._newest[:count]

    def most_read(self) -> list[Entry]:
        return self._most_read

    def related(self, article_id: int) -> list[tuple[Entry, str]]:
        """Three other articles of the same category, linked in varied URL forms."""
        entry = self._by_id[article_id]
        pool = self._listings.get(entry.category) or []
        if len(pool) < 4:
            pool = self._newest
        others = [e for e in pool if e.article_id != article_id]
        if not others:
            return []
        start = _bucket(f"related:{article_id}", len(others))
        chosen = [others[(start + k) % len(others)] for k in range(min(3, len(others)))]
        links = []
        for k, other in enumerate(chosen):
            form = LINK_FORMS[(_bucket(f"form:{article_id}", 4) + k) % len(LINK_FORMS)]
            links.append((other, self.link(other, form)))
        return links

    def link(self, entry: Entry, form: str) -> str:
        """A path that serves `entry` (see LINK_FORMS)."""
        if form == "bare":
            return bare_path(entry.slug, entry.article_id)
        if form == "tracking":
            return f"{entry.path}?utm_source=fb"
        if form == "other_category":
            others = [c for c in CATEGORY_NAMES if c != entry.category]
            other = others[_bucket(f"other:{entry.article_id}", len(others))]
            return article_path(other, entry.slug, entry.article_id)
        return entry.path

    # -- truth ------------------------------------------------------------------

    def truth(self, base_url: str) -> list[dict[str, Any]]:
        """Per article (by id), the record a perfect parse of its page at base_url gives."""
        from replica.truth import article_record  # the crawler package is only needed here

        return [article_record(article, base_url) for article in self.articles()]

    def describe(self) -> str:
        return f"{self.layout} layout, {len(self)} articles"
