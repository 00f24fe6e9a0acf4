"""The archive's write rules, stated once: what each thing a crawl reports becomes.

Three transports carry a crawl's writes to the archive: the in-process pipeline
(`pipelines.store`), the writer child process (`pipelines.writer`) and the Redis
ingest of a distributed crawl (`pipelines.redis_ingest`). Each decides when to
commit, how to count and what to do with an error; what is written is decided here:

- an article and its frontier entry (done, and the validators its answer carried)
  are one transaction;
- a failure is an error row, a failed (or gone) frontier entry, and, when an archived
  article answered 404/410, a removal;
- a redirect away from an archived article is a removal; a page never archived has
  nothing to remove;
- captures (WARC index rows), listing pages, queued links and walks go to their tables.

Errors are raised to the transport: `StorageError` from an article's write,
`sqlite3.Error` from the others (a full disk among them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from crawler.extract.article import Article
from crawler.extract.errors import StorageError
from crawler.extract.urls import article_id_from_url
from crawler.protocol.frontier import Listed, Walk
from crawler.protocol.signals import is_image_failure
from pipelines.archive import Archive, Outcome
from pipelines.frontier_store import GONE_KINDS, FrontierStore
from pipelines.ledger import crawl_summary, run_columns


class ArchiveOps:
    """One run's writes into one archive (`crawl_id` is the run's ledger row).

    `site` is the run's own site (its portal's), used for frontier entries and as the
    preferred site of a removal when the caller names none; a Redis ingest serves
    several sites and names one in each call.
    """

    def __init__(
        self,
        archive: Archive,
        crawl_id: int | None,
        site: str | None,
        *,
        max_attempts: int | None = None,
    ) -> None:
        self.archive = archive
        self.crawl_id = crawl_id
        self.site = site
        self.max_attempts = max_attempts
        self._frontiers: dict[str, FrontierStore] = {}

    def frontier(self, site: str | None = None) -> FrontierStore:
        """The frontier of `site` (default: the run's), on the archive's connection."""
        name = site if site is not None else self.site or "?"
        frontier = self._frontiers.get(name)
        if frontier is None:
            frontier = (
                FrontierStore(self.archive.db, name)
                if self.max_attempts is None  # a writer that never asks what is pending
                else FrontierStore(self.archive.db, name, max_attempts=self.max_attempts)
            )
            frontier.crawl_id = self.crawl_id
            self._frontiers[name] = frontier
        return frontier

    # -- articles and failures ------------------------------------------------

    def article(
        self,
        article: Article,
        *,
        site: str | None = None,
        seen_at: datetime | None = None,
        validators: tuple[str | None, str | None] | None = None,
    ) -> Outcome:
        """The article's rows and its frontier entry, in one transaction (a savepoint
        inside the caller's). `validators`: the ETag and Last-Modified its answer
        carried, when the transport did not send them to the frontier on their own."""
        try:
            with self.archive.db.atomic():
                outcome = self.archive.upsert_article(
                    article, crawl_id=self.crawl_id, seen_at=seen_at
                )
                frontier = self.frontier(site)
                if validators is not None and (validators[0] or validators[1]):
                    frontier.set_validators(article.article_id, article.url, *validators)
                frontier.mark_done(article.article_id, article.url)
        except sqlite3.Error as error:  # the COMMIT itself (a full disk), the frontier
            raise StorageError(f"article {article.article_id}: write failed: {error}") from error
        return outcome

    def failure(self, url: str, kind: str, message: str, *, site: str | None = None) -> str | None:
        """The error row, the frontier entry, and a removal when an archived article
        answered 404/410. Returns the removal's kind ("gone") when one was recorded."""
        self.archive.record_error(self.crawl_id, url=url, kind=kind, message=message)
        article_id = article_id_from_url(url)
        if article_id is None or is_image_failure(kind):
            return None  # a failed picture never marks an article failed or gone
        self.frontier(site).mark_failed(article_id, url, kind, message)
        if kind in GONE_KINDS:
            return self.removal(url, int(kind.removeprefix("http_")), "gone", site=site)
        return None

    def removal(
        self,
        url: str,
        status: int,
        kind: str,
        location: str | None = None,
        *,
        site: str | None = None,
    ) -> str | None:
        """An archived article answered 404/410 or redirected away: the event (no
        deletion). Returns `kind`, or None when the article was never archived."""
        article_id = article_id_from_url(url)
        if article_id is None:
            return None
        preferred = site if site is not None else self.site
        archived = self.archive.archived_site(article_id, preferred=preferred)
        if archived is None:
            return None  # never archived: nothing was removed from the archive's point of view
        self.archive.record_removal(
            archived, article_id, url=url, status=status, kind=kind, location=location,
            crawl_id=self.crawl_id,
        )  # fmt: skip
        return kind

    def capture(self, capture: dict[str, Any]) -> int:
        """One WARC record's index row (raises StorageError)."""
        return self.archive.record_capture({**capture, "crawl_id": self.crawl_id})

    # -- the frontier ---------------------------------------------------------

    def queue(
        self, entries: Sequence[Listed], category: str | None, *, site: str | None = None
    ) -> None:
        """Links found outside a listing walk, pending unless already known."""
        self.frontier(site).add(entries, category)

    def started(self, article_ids: Iterable[int], *, site: str | None = None) -> None:
        self.frontier(site).started(article_ids)

    def validators(
        self, article_id: int, url: str, etag: str | None, last_modified: str | None,
        *, site: str | None = None,
    ) -> None:  # fmt: skip
        self.frontier(site).set_validators(article_id, url, etag, last_modified)

    def frontier_failed(
        self, article_id: int, url: str, kind: str, message: str, *, site: str | None = None
    ) -> None:
        """The frontier's side of a failure alone (the error row is `failure`'s)."""
        self.frontier(site).mark_failed(article_id, url, kind, message)

    def refetch(self, entries: Sequence[Listed], *, site: str | None = None) -> None:
        """Archived articles a sitemap or feed says changed: pending again."""
        self.frontier(site).refetch(entries)

    def sitemap_read(self, url: str, lastmod: str | None, *, site: str | None = None) -> None:
        self.frontier(site).sitemap_read(url, lastmod)

    def walk(
        self, category: str, url: str, until: str | None = None, *, site: str | None = None
    ) -> Walk:
        return self.frontier(site).start_walk(category, url, until)

    def listing(
        self,
        category: str | None,
        page: int | None,
        entries: Sequence[Listed],
        *,
        new: Sequence[Listed] = (),
        walk_next: tuple[int, str | None] | None = None,
        site: str | None = None,
    ) -> None:
        """A listing page read (what it listed, what it queued, where its walk goes
        next), in one transaction; without a category page, only what it queued."""
        if category is None or page is None:
            self.queue(new, category, site=site)
            return
        self.frontier(site).listing_read(category, page, entries, new=new, walk_next=walk_next)

    # -- the run ledger -------------------------------------------------------

    def finish(self, fields: dict[str, Any]) -> None:
        """Close the run's ledger row."""
        assert self.crawl_id is not None
        self.archive.finish_crawl(self.crawl_id, **fields)

    def merge_search(self, max_segments: int) -> None:
        """What a run that wrote articles ends with (pipelines/fts.py)."""
        self.archive.merge_search_after_run(max_segments=max_segments)

    def worker_run(self, worker: str, data: dict[str, Any]) -> int:
        """A distributed worker's run, as it reported it at its end: a ledger row."""
        stats = data["stats"]
        run_id = self.archive.start_crawl(
            spider=f"{data['spider']}@{worker}", start_url=data.get("start_url") or "",
            site=data.get("site"),
        )  # fmt: skip
        summary = crawl_summary(stats, data["reason"])
        if data.get("status"):
            # The worker judged its own run (a worker that joined an ended crawl and
            # fetched nothing is "ok", not "failed").
            summary.update(status=data["status"], exit_code=data["exit_code"])
        self.archive.finish_crawl(
            run_id, started_at=data["started_at"], **summary, **run_columns(stats),
            mode=data.get("mode"),
        )  # fmt: skip
        return run_id
