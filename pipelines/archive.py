"""The SQLite archive as a library: open, upsert an article, keep the run ledger.

The Scrapy pipeline, the CLI and the tests all go through this class. Every
article's rows are written in one transaction, in WAL mode, so a crash loses at
most the article in flight and readers never block the writer.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from crawler.extract.article import Article
from crawler.extract.errors import StorageError
from pipelines.fts import PendingEntry, index_entry, index_pending, optimize_fts
from pipelines.immediate import WriterDatabase
from pipelines.revisions import changed_fields, content_hash, now
from pipelines.schema import ensure_schema

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged"]
# Paragraphs never contain a blank line once normalised, so this joins them losslessly.
PARAGRAPH_SEPARATOR = "\n\n"
_ARTICLE_COLUMNS = (
    "site",
    "article_id",
    "url",
    "canonical_url",
    "category",
    "title",
    "lead",
    "body",
    "byline",
    "authors",
    "source",
    "published_at",
    "published_text",
    "updated_at",
    "tags",
    "layout",
    "image_count",
    "content_hash",
    "published_source",
    "extraction_method",
    "flags",
    "lead_prefix",
    "sources",
)

CAPTURE_COLUMNS = (
    "url",
    "fetched_at",
    "status",
    "content_type",
    "payload_digest",
    "record_type",
    "warc_file",
    "offset",
    "length",
    "site",
    "article_id",
    "crawl_id",
)


class Archive:
    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(self.path), timeout=busy_timeout_s)
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives a process crash; only an OS crash
            # can lose the last transactions, never corrupt the file.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        except sqlite3.DatabaseError as error:
            raise StorageError(f"{self.path}: cannot open the archive: {error}") from error
        # Its write transactions take the lock first: another site's crawl may write
        # this archive at the same time (pipelines/immediate.py).
        self.db: sqlite_utils.Database = WriterDatabase(conn)
        ensure_schema(self.db)
        # Search entries held back inside `deferred_indexing` (None outside it).
        self._pending: dict[tuple[str, int], PendingEntry] | None = None

    @classmethod
    def reader(cls, conn: sqlite3.Connection, path: str | Path) -> Archive:
        """The archive behind a read-only connection (a published copy on read-only
        media): never migrated, never written; the caller checked its schema version."""
        archive = cls.__new__(cls)
        archive.path = Path(path)
        archive.db = sqlite_utils.Database(conn)
        archive._pending = None
        return archive

    def close(self) -> None:
        self.db.close()

    def optimize_search(self, *, max_segments: int = 0) -> dict[str, int]:
        """Merge the search indexes' segments (pipelines.fts.optimize_fts)."""
        try:
            return optimize_fts(self.db, max_segments=max_segments)
        except sqlite3.Error as error:
            raise StorageError(f"{self.path}: cannot merge the search indexes: {error}") from error

    def merge_search_after_run(self, *, max_segments: int) -> None:
        """What a run that wrote articles ends with (0: nothing). A failure changes no
        outcome: searches stay correct, only slower."""
        try:
            if max_segments > 0:
                self.optimize_search(max_segments=max_segments)
        except StorageError as error:
            logger.warning("%s; searches work, more slowly, until a later run merges", error)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -----------------------------------------------------------

    def upsert_article(
        self,
        article: Article,
        *,
        crawl_id: int | None = None,
        seen_at: datetime | None = None,
        cause: str = "crawl",
    ) -> Outcome:
        """Store one article, its images and its search entries atomically.

        A changed article keeps its previous version in `article_versions`, with the
        time the new one was seen and the names of the fields that differ.
        """
        record = article.to_record()
        digest = content_hash(record)
        seen = (seen_at or article.fetched_at or now()).isoformat()
        key = (article.site, article.article_id)
        try:
            with self.db.atomic():
                rows = list(
                    self.db.query("SELECT * FROM articles WHERE site = ? AND article_id = ?", key)
                )
                previous = rows[0] if rows else None
                if previous is not None and previous["content_hash"] == digest:
                    if cause == "crawl":
                        self._seen_again(key, seen, article.url, crawl_id)
                    return "unchanged"
                if previous is not None:
                    old = self._article(previous).to_record()
                    changed = changed_fields(old, record)
                    if not changed:
                        # Same content under a stale hash (the hashing changed): no version.
                        self.db.execute(
                            "UPDATE articles SET content_hash = ? "
                            "WHERE site = ? AND article_id = ?",
                            (digest, *key),
                        )
                        if cause == "crawl":
                            self._seen_again(key, seen, article.url, crawl_id)
                        return "unchanged"
                    self._keep_version(previous, old, changed, seen, cause, crawl_id)
                self._write_article(record, digest, seen, crawl_id)
                if previous is not None and cause != "crawl":
                    # A re-extraction is no visit to the portal: when and by which crawl
                    # the page was last seen stay as they were.
                    self._seen_again(
                        key, previous["last_seen_at"], previous["url"], previous["crawl_id"]
                    )
                self._write_images(article)
                entry = PendingEntry(
                    *key, digest, title=article.title, lead=article.lead,
                    body=PARAGRAPH_SEPARATOR.join(article.body),
                    captions=tuple(image.caption for image in article.images),
                )  # fmt: skip
                if self._pending is None:
                    index_entry(self.db, entry)
        except sqlite3.Error as error:
            raise StorageError(f"article {article.article_id}: write failed: {error}") from error
        if self._pending is not None:
            self._pending[key] = entry
        return "new" if previous is None else "updated"

    @contextmanager
    def deferred_indexing(self) -> Iterator[None]:
        """Index the articles written in the block when it ends, all together.

        For a batch of articles in one transaction, each with its own savepoint: FTS5
        writes the terms it holds as a new index segment whenever a savepoint opens,
        so each article made segments of its own (2.5x the indexing time, measured).
        Use it inside the caller's transaction: the articles and their search entries
        are still one commit. An exception leaving the block indexes nothing (the
        caller rolls back); a failed index write raises `StorageError`.
        """
        if self._pending is not None:
            yield  # an enclosing block indexes
            return
        self._pending = {}
        try:
            yield
            pending, self._pending = self._pending, None
            try:
                index_pending(self.db, pending.values())
            except sqlite3.Error as error:
                raise StorageError(f"search index write failed: {error}") from error
        finally:
            self._pending = None

    def _seen_again(self, key: tuple[str, int], seen: str, url: str, crawl_id: int | None) -> None:
        self.db.execute(
            "UPDATE articles SET last_seen_at = ?, url = ?, crawl_id = ? "
            "WHERE site = ? AND article_id = ?",
            (seen, url, crawl_id, *key),
        )

    def _keep_version(
        self,
        previous: dict[str, Any],
        old: dict[str, Any],
        changed: list[str],
        seen: str,
        cause: str,
        crawl_id: int | None,
    ) -> None:
        self.db.execute(
            "INSERT INTO article_versions (site, article_id, record, content_hash, "
            "first_seen_at, last_seen_at, superseded_at, changed_fields, cause, crawl_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                previous["site"],
                previous["article_id"],
                json.dumps(old, ensure_ascii=False),
                previous["content_hash"],
                # The version began when it was last changed, not when the article was found.
                previous["last_changed_at"] or previous["first_seen_at"],
                previous["last_seen_at"],
                seen,
                json.dumps(changed),
                cause,
                crawl_id,
            ),
        )

    def versions(self, site: str, article_id: int) -> list[dict[str, Any]]:
        """Earlier versions of an article, oldest first, records decoded."""
        rows = self.db.query(
            "SELECT * FROM article_versions WHERE site = ? AND article_id = ? ORDER BY id",
            (site, article_id),
        )
        return [
            {**row, "record": json.loads(row["record"]),
             "changed_fields": json.loads(row["changed_fields"])}
            for row in rows
        ]  # fmt: skip

    def _write_article(
        self, record: dict[str, Any], digest: str, seen: str, crawl_id: int | None
    ) -> None:
        values = {
            **record,
            "body": PARAGRAPH_SEPARATOR.join(record["body"]),
            "authors": json.dumps(record["authors"], ensure_ascii=False),
            "tags": json.dumps(record["tags"], ensure_ascii=False),
            "flags": json.dumps(record["flags"]),
            "sources": json.dumps(record["sources"], ensure_ascii=False),
            "image_count": len(record["images"]),
            "content_hash": digest,
        }
        columns = ", ".join(_ARTICLE_COLUMNS)
        placeholders = ", ".join(f":{c}" for c in _ARTICLE_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _ARTICLE_COLUMNS[2:])
        self.db.execute(
            f"INSERT INTO articles ({columns}, first_seen_at, last_seen_at, last_changed_at, "
            f"crawl_id) VALUES ({placeholders}, :seen, :seen, :seen, :crawl_id) "
            f"ON CONFLICT(site, article_id) DO UPDATE SET {updates}, "
            "last_seen_at = excluded.last_seen_at, last_changed_at = excluded.last_changed_at, "
            "crawl_id = excluded.crawl_id",
            {**{c: values[c] for c in _ARTICLE_COLUMNS}, "seen": seen, "crawl_id": crawl_id},
        )

    def _write_images(self, article: Article) -> None:
        key = (article.site, article.article_id)
        self.db.execute("DELETE FROM images WHERE site = ? AND article_id = ?", key)
        self.db.conn.executemany(
            "INSERT INTO images (site, article_id, position, url, caption, credit) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (*key, position, image.url, image.caption, image.credit)
                for position, image in enumerate(article.images)
            ],
        )

    def get_article(self, site: str, article_id: int) -> Article | None:
        rows = list(
            self.db.query(
                "SELECT * FROM articles WHERE site = ? AND article_id = ?", (site, article_id)
            )
        )
        return self._article(rows[0]) if rows else None

    def iter_articles(self, site: str | None = None) -> Iterator[Article]:
        sql = "SELECT * FROM articles"
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE site = ?"
            params = (site,)
        for row in self.db.query(sql + " ORDER BY site, article_id", params):
            yield self._article(row)

    def article_from_row(self, row: dict[str, Any]) -> Article:
        """The article stored in an `articles` row (its images read alongside)."""
        return self._article(row)

    def _article(self, row: dict[str, Any]) -> Article:
        images = self.db.query(
            "SELECT url, caption, credit FROM images WHERE site = ? AND article_id = ? "
            "ORDER BY position",
            (row["site"], row["article_id"]),
        )
        record = {k: row[k] for k in _ARTICLE_COLUMNS if k not in ("image_count", "content_hash")}
        record["body"] = row["body"].split(PARAGRAPH_SEPARATOR) if row["body"] else []
        record["authors"] = json.loads(row["authors"] or "[]")
        record["tags"] = json.loads(row["tags"] or "[]")
        record["flags"] = json.loads(row["flags"] or "[]")
        record["sources"] = json.loads(row["sources"] or "{}")
        record["images"] = list(images)
        return Article.from_record(record)

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- captures and removals ----------------------------------------------

    def record_capture(self, capture: dict[str, Any]) -> int:
        """Index one WARC record (see `crawler.warc`); returns the capture's id."""
        columns = [c for c in CAPTURE_COLUMNS if c in capture]
        try:
            with self.db.atomic():
                cursor = self.db.execute(
                    f"INSERT INTO captures ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    [capture[c] for c in columns],
                )
        except sqlite3.Error as error:
            raise StorageError(f"capture of {capture.get('url')}: write failed: {error}") from error
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def archived_site(self, article_id: int, preferred: str | None = None) -> str | None:
        """The site of an archived article with this id (`preferred` first), or None."""
        sites = [
            row[0]
            for row in self.db.execute(
                "SELECT site FROM articles WHERE article_id = ? ORDER BY site", (article_id,)
            )
        ]
        if preferred in sites:
            return preferred
        return sites[0] if sites else None

    def record_removal(
        self,
        site: str,
        article_id: int,
        *,
        url: str,
        status: int | None,
        kind: str,
        location: str | None = None,
        crawl_id: int | None = None,
        seen_at: datetime | None = None,
    ) -> None:
        """An archived article answered 404/410 or redirected away: an event, no deletion."""
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO removals (site, article_id, url, seen_at, status, kind, location, "
                "crawl_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (site, article_id, url, (seen_at or now()).isoformat(), status, kind, location,
                 crawl_id),
            )  # fmt: skip

    # -- the run ledger -----------------------------------------------------

    def start_crawl(self, *, spider: str, start_url: str, site: str | None = None) -> int:
        """The run's ledger row; `site`: the site it crawls (None: several, or unknown)."""
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO crawls (spider, start_url, site, started_at, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                (spider, start_url, site, now().isoformat()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_error(self, crawl_id: int | None, *, url: str, kind: str, message: str) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO crawl_errors (crawl_id, at, url, kind, message) "
                "VALUES (?, ?, ?, ?, ?)",
                (crawl_id, now().isoformat(), url, kind, message[:2000]),
            )

    def finish_crawl(self, crawl_id: int, **fields: Any) -> None:
        fields = {"finished_at": now().isoformat(), **fields}
        if isinstance(fields.get("stats"), dict):
            fields["stats"] = json.dumps(fields["stats"], ensure_ascii=False, default=str)
        with self.db.atomic():
            self.db.table("crawls").update(crawl_id, fields)

    def crawl(self, crawl_id: int) -> dict[str, Any]:
        return dict(self.db.table("crawls").get(crawl_id))

    def error_count(self, crawl_id: int) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM crawl_errors WHERE crawl_id = ?", (crawl_id,)
        ).fetchone()
        return int(row[0])
