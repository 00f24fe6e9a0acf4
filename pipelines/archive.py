"""The SQLite archive as a library: open, upsert an article, keep the run ledger.

The Scrapy pipeline, the CLI and the tests all go through this class. Every
article's rows are written in one transaction, in WAL mode, so a crash loses at
most the article in flight and readers never block the writer.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from crawler.article import Article
from crawler.dates import VN_TZ
from crawler.errors import StorageError
from pipelines.schema import ensure_schema

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
)


def now() -> datetime:
    return datetime.now(VN_TZ).replace(microsecond=0)


def content_hash(record: dict[str, Any]) -> str:
    """What the article says, hashed: the URL it was fetched under does not count."""
    content = {k: v for k, v in record.items() if k != "url"}
    data = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


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
        self.db = sqlite_utils.Database(conn)
        ensure_schema(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles -----------------------------------------------------------

    def upsert_article(
        self, article: Article, *, crawl_id: int | None = None, seen_at: datetime | None = None
    ) -> Outcome:
        """Store one article and its images atomically; say whether it was new or changed."""
        record = article.to_record()
        digest = content_hash(record)
        seen = (seen_at or article.fetched_at or now()).isoformat()
        key = (article.site, article.article_id)
        try:
            with self.db.atomic():
                row = self.db.execute(
                    "SELECT content_hash FROM articles WHERE site = ? AND article_id = ?", key
                ).fetchone()
                if row is not None and row[0] == digest:
                    self.db.execute(
                        "UPDATE articles SET last_seen_at = ?, url = ?, crawl_id = ? "
                        "WHERE site = ? AND article_id = ?",
                        (seen, article.url, crawl_id, *key),
                    )
                    return "unchanged"
                self._write_article(record, digest, seen, crawl_id)
                self._write_images(article)
        except sqlite3.Error as error:
            raise StorageError(f"article {article.article_id}: write failed: {error}") from error
        return "new" if row is None else "updated"

    def _write_article(
        self, record: dict[str, Any], digest: str, seen: str, crawl_id: int | None
    ) -> None:
        values = {
            **record,
            "body": PARAGRAPH_SEPARATOR.join(record["body"]),
            "authors": json.dumps(record["authors"], ensure_ascii=False),
            "tags": json.dumps(record["tags"], ensure_ascii=False),
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
        record["images"] = list(images)
        return Article.from_record(record)

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- the run ledger -----------------------------------------------------

    def start_crawl(self, *, spider: str, start_url: str) -> int:
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO crawls (spider, start_url, started_at, status) "
                "VALUES (?, ?, ?, 'running')",
                (spider, start_url, now().isoformat()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_error(self, crawl_id: int | None, *, url: str, kind: str, message: str) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT INTO crawl_errors (crawl_id, at, url, kind, message) VALUES (?, ?, ?, ?, ?)",
                (crawl_id, now().isoformat(), url, kind, message[:2000]),
            )

    def finish_crawl(self, crawl_id: int, **fields: Any) -> None:
        fields = {"finished_at": now().isoformat(), **fields}
        if isinstance(fields.get("stats"), dict):
            fields["stats"] = json.dumps(fields["stats"], ensure_ascii=False, default=str)
        with self.db.atomic():
            self.db["crawls"].update(crawl_id, fields)

    def crawl(self, crawl_id: int) -> dict[str, Any]:
        return dict(self.db["crawls"].get(crawl_id))

    def error_count(self, crawl_id: int) -> int:
        row = self.db.execute(
            "SELECT count(*) FROM crawl_errors WHERE crawl_id = ?", (crawl_id,)
        ).fetchone()
        return int(row[0])
