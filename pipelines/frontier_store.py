"""The crawl frontier, kept in the archive itself.

Scrapy's JOBDIR does not survive SIGKILL (its queues and dupefilter file are written
outside any transaction), so what is left to fetch lives in the same SQLite file as
the articles: an article is marked `done` in the same transaction as its rows, and a
run killed at any moment leaves a frontier that says exactly what is still missing.
On the next start, entries left `in_progress` go back to `pending` (wpull's recovery).

Tables (created by the archive's migrations, `pipelines.schema`):

- `frontier`: one row per article (site, article_id): url, state (pending,
  in_progress, done, failed, gone), attempts, last_error, the validators (ETag,
  Last-Modified) its last 200 answer carried, for conditional revisits.
- `listing_walks`: per category, how far a full walk of its listing got (next page
  and its URL), so a first crawl or a `--backfill` resumes where it stopped.
- `listing_entries`: what the listings advertised: article id, category, listed day.
  `vnarchive gaps` compares it with the archive.
- `frontier.changed_at` and `sitemaps_read`: what sitemaps and feeds said (an article's
  lastmod or feed date; each sitemap read with its lastmod), so an incremental run
  fetches only what is new or changed (crawler/spiders/discovery.py).

All writes go through the pipeline's single connection (`Archive.db`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from crawler.extract.dates import VN_TZ
from crawler.protocol.frontier import Frontier, Listed, Pending, Revisit, Walk

PENDING, IN_PROGRESS, DONE, FAILED, GONE = "pending", "in_progress", "done", "failed", "gone"
# Error kinds that say the article is not there: retrying would only repeat the answer.
GONE_KINDS = frozenset({"http_404", "http_410"})


def _now() -> str:
    return datetime.now(VN_TZ).replace(microsecond=0).isoformat()


class FrontierStore(Frontier):
    def __init__(self, db: sqlite_utils.Database, site: str, *, max_attempts: int = 3) -> None:
        self.db = db
        self.site = site
        self.max_attempts = max_attempts
        self.crawl_id: int | None = None

    # -- recovery -------------------------------------------------------------

    def requeue_in_progress(self) -> int:
        """Entries a dead run left in flight go back to pending; returns how many."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE frontier SET state = ? WHERE site = ? AND state = ?",
                (PENDING, self.site, IN_PROGRESS),
            )
        return cursor.rowcount

    def pending(self) -> list[Pending]:
        """What is left to fetch: pending entries, and failed ones with attempts left."""
        rows = self.db.execute(
            "SELECT article_id, url, category FROM frontier WHERE site = ? AND "
            "(state = ? OR (state = ? AND attempts < ?)) ORDER BY article_id DESC",
            (self.site, PENDING, FAILED, self.max_attempts),
        )
        return [Pending(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT state, count(*) FROM frontier WHERE site = ? GROUP BY state", (self.site,)
        )
        return {state: int(n) for state, n in rows}

    # -- discovery ------------------------------------------------------------

    def known(self, ids: Iterable[int]) -> set[int]:
        """Ids that need no fetch: archived, gone, or already queued in the frontier."""
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        archived = self.db.execute(
            f"SELECT article_id FROM articles WHERE site = ? AND article_id IN ({marks})",
            (self.site, *wanted),
        )
        queued = self.db.execute(
            f"SELECT article_id FROM frontier WHERE site = ? AND article_id IN ({marks}) "
            "AND state IN (?, ?, ?, ?)",
            (self.site, *wanted, PENDING, IN_PROGRESS, DONE, GONE),
        )
        return {int(r[0]) for r in archived} | {int(r[0]) for r in queued}

    def archived(self, ids: Iterable[int]) -> set[int]:
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        rows = self.db.execute(
            f"SELECT article_id FROM articles WHERE site = ? AND article_id IN ({marks})",
            (self.site, *wanted),
        )
        return {int(r[0]) for r in rows}

    def archived_urls(self) -> list[str]:
        rows = self.db.execute(
            "SELECT url FROM articles WHERE site = ? ORDER BY article_id", (self.site,)
        )
        return [row[0] for row in rows]

    def add(self, entries: Sequence[Listed], category: str | None = None) -> None:
        """Queue articles as pending (ids already in the frontier keep their state)."""
        if not entries:
            return
        with self.db.atomic():
            self._add(entries, category)

    def _add(self, entries: Sequence[Listed], category: str | None) -> None:
        now = _now()
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO frontier (site, article_id, url, category, state, "
            "discovered_at, updated_at, crawl_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (self.site, e.article_id, e.url, category, PENDING, now, now, self.crawl_id,
                 e.changed_at)
                for e in entries
            ],
        )  # fmt: skip

    def started(self, article_ids: Iterable[int]) -> None:
        ids = [(IN_PROGRESS, _now(), self.site, a) for a in article_ids]
        if not ids:
            return
        with self.db.atomic():
            self.db.conn.executemany(
                "UPDATE frontier SET state = ?, attempts = attempts + 1, updated_at = ? "
                "WHERE site = ? AND article_id = ? AND state != 'done'",
                ids,
            )

    # -- outcomes -------------------------------------------------------------

    def mark_done(self, article_id: int, url: str) -> None:
        """Call inside the transaction that writes the article's rows."""
        now = _now()
        self.db.execute(
            "INSERT INTO frontier (site, article_id, url, state, attempts, discovered_at, "
            "updated_at, crawl_id) VALUES (?, ?, ?, ?, 1, ?, ?, ?) "
            "ON CONFLICT(site, article_id) DO UPDATE SET state = excluded.state, "
            "last_error = NULL, updated_at = excluded.updated_at, crawl_id = excluded.crawl_id",
            (self.site, article_id, url, DONE, now, now, self.crawl_id),
        )

    def mark_failed(self, article_id: int, url: str, kind: str, message: str) -> None:
        state = GONE if kind in GONE_KINDS else FAILED
        now = _now()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO frontier (site, article_id, url, state, attempts, last_error, "
                "discovered_at, updated_at, crawl_id) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?) "
                "ON CONFLICT(site, article_id) DO UPDATE SET state = excluded.state, "
                "last_error = excluded.last_error, updated_at = excluded.updated_at",
                (self.site, article_id, url, state, f"{kind}: {message}"[:500], now, now,
                 self.crawl_id),
            )  # fmt: skip

    def set_validators(
        self, article_id: int, url: str, etag: str | None, last_modified: str | None
    ) -> None:
        """Remember what a 200 answer said about itself, for the next conditional visit."""
        if not etag and not last_modified:
            return
        now = _now()
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO frontier (site, article_id, url, state, etag, last_modified, "
                "discovered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(site, article_id) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified",
                (self.site, article_id, url, IN_PROGRESS, etag, last_modified, now, now),
            )

    def revisits(self, since: datetime) -> list[Revisit]:
        """Archived articles published since `since`, with their stored validators."""
        rows = self.db.execute(
            "SELECT a.article_id, a.url, f.etag, f.last_modified FROM articles a "
            "LEFT JOIN frontier f ON f.site = a.site AND f.article_id = a.article_id "
            "WHERE a.site = ? AND a.published_at >= ? ORDER BY a.published_at DESC",
            (self.site, since.astimezone(VN_TZ).isoformat()),
        )
        return [Revisit(*row) for row in rows]

    # -- listing walks --------------------------------------------------------

    def walk(self, category: str) -> Walk | None:
        rows = list(
            self.db.execute(
                "SELECT category, next_page, next_url, until, finished_at FROM listing_walks "
                "WHERE site = ? AND category = ?",
                (self.site, category),
            )
        )
        if not rows:
            return None
        cat, page, url, until, finished = rows[0]
        return Walk(cat, int(page), url, until, finished is not None)

    def unfinished_walks(self) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM listing_walks WHERE site = ? AND finished_at IS NULL",
            (self.site,),
        ).fetchone()
        return int(row[0])

    def start_walk(self, category: str, url: str, until: str | None = None) -> Walk:
        """A walk of the category from its first page (replacing a finished one)."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO listing_walks (site, category, next_page, next_url, until, "
                "started_at, finished_at, crawl_id) VALUES (?, ?, 1, ?, ?, ?, NULL, ?) "
                "ON CONFLICT(site, category) DO UPDATE SET next_page = 1, next_url = "
                "excluded.next_url, until = excluded.until, started_at = excluded.started_at, "
                "finished_at = NULL, crawl_id = excluded.crawl_id",
                (self.site, category, url, until, _now(), self.crawl_id),
            )
        return Walk(category, 1, url, until, False)

    def listing_read(
        self,
        category: str,
        page: int,
        entries: Sequence[Listed],
        *,
        new: Sequence[Listed] = (),
        walk_next: tuple[int, str | None] | None = None,
    ) -> None:
        """One listing page read: what it listed, what it queued, and (for a walk) where
        to go next (`(page, None)` ends the walk) -- all in one transaction, so a kill
        never records progress past articles it did not queue."""
        now = _now()
        with self.db.atomic():
            self._add(new, category)
            self.db.conn.executemany(
                "INSERT INTO listing_entries (site, category, article_id, listed_on, url, "
                "first_listed_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(site, category, article_id) DO UPDATE SET listed_on = "
                "coalesce(excluded.listed_on, listed_on)",
                [(self.site, category, e.article_id, e.listed_on, e.url, now)
                 for e in entries],
            )  # fmt: skip
            if walk_next is not None:
                next_page, next_url = walk_next
                self.db.execute(
                    "UPDATE listing_walks SET next_page = ?, next_url = ?, last_page = ?, "
                    "finished_at = ? WHERE site = ? AND category = ?",
                    (next_page, next_url, page, None if next_url else now, self.site,
                     category),
                )  # fmt: skip

    # -- sitemaps and feeds ---------------------------------------------------

    def last_changed(self, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        # The latest of the three; all are written in Vietnam's offset (+07:00), so
        # their text sorts as their time does.
        rows = self.db.execute(
            "SELECT a.article_id, max(coalesce(f.changed_at, ''), coalesce(a.updated_at, ''), "
            "coalesce(a.published_at, '')) FROM articles a "
            "LEFT JOIN frontier f ON f.site = a.site AND f.article_id = a.article_id "
            f"WHERE a.site = ? AND a.article_id IN ({marks})",
            (self.site, *wanted),
        )
        return {int(article_id): held for article_id, held in rows if held}

    def refetch(self, entries: Sequence[Listed]) -> None:
        if not entries:
            return
        now = _now()
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT INTO frontier (site, article_id, url, state, discovered_at, "
                "updated_at, crawl_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(site, article_id) DO UPDATE SET state = excluded.state, "
                "url = excluded.url, attempts = 0, changed_at = excluded.changed_at, "
                "updated_at = excluded.updated_at",
                [(self.site, e.article_id, e.url, PENDING, now, now, self.crawl_id,
                  e.changed_at) for e in entries],
            )  # fmt: skip

    def sitemaps_read(self) -> dict[str, str | None]:
        rows = self.db.execute(
            "SELECT url, lastmod FROM sitemaps_read WHERE site = ?", (self.site,)
        )
        return {url: lastmod for url, lastmod in rows}

    def sitemap_read(self, url: str, lastmod: str | None) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO sitemaps_read (site, url, lastmod, read_at, crawl_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(site, url) DO UPDATE SET "
                "lastmod = excluded.lastmod, read_at = excluded.read_at, "
                "crawl_id = excluded.crawl_id",
                (self.site, url, lastmod, _now(), self.crawl_id),
            )


def rows_as_dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
