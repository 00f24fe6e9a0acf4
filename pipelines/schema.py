"""The archive's schema: one ordered list of migrations holds every table.

`PRAGMA user_version` carries the schema version. `MIGRATIONS` lists each version
with the step that makes it from the one before: an older archive is migrated in
place by the steps it lacks, all in one transaction (it is either fully migrated or
untouched); a newer one is refused rather than misread. A fresh archive is an empty
file migrated from version 0, so it is built by the same steps as every old one.

Steps whose DDL is long live in their own modules (`schema_v2`, `schema_browse`,
`fts.create_fts`); each is run from here only. Every step is idempotent: an archive
written by an older vnarchive may hold tables it created outside the versioning
(the frontier tables before version 5, `redis_ingest` before version 6).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from crawler.extract.errors import ArchiveVersionError
from pipelines.fts_cuts import create_fts_cuts
from pipelines.schema_browse import migrate_v3_to_v4
from pipelines.schema_sites import migrate_v7_to_v8
from pipelines.schema_v2 import migrate_v1_to_v2

Step = Callable[[sqlite_utils.Database], None]


def ensure_schema(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveVersionError(
            f"this archive has schema version {version}, but this vnarchive only knows "
            f"up to {SCHEMA_VERSION}: upgrade vnarchive before opening it"
        )
    if version == SCHEMA_VERSION:
        return
    migrate(db, version, SCHEMA_VERSION)


def migrate(db: sqlite_utils.Database, version: int, target: int) -> None:
    """Run the steps after `version` up to `target`, in one transaction."""
    with db.atomic():
        # Read again inside the transaction: another process (a crawl of another site
        # into this archive) may have migrated it since `version` was read.
        version = max(version, db.execute("PRAGMA user_version").fetchone()[0])
        if version >= target:
            return
        for step_version, step in MIGRATIONS:
            if version < step_version <= target:
                step(db)
        db.execute(f"PRAGMA user_version = {int(target)}")


def create_archive_at(db: sqlite_utils.Database, version: int) -> None:
    """An archive exactly as vnarchive wrote it at an older schema version (for
    migration tests)."""
    migrate(db, 0, version)


def create_v1_archive(db: sqlite_utils.Database) -> None:
    """An archive exactly as the foundation wrote it (for migration tests)."""
    create_archive_at(db, 1)


def _migrate_v2_to_v3(db: sqlite_utils.Database) -> None:
    """Where each article's date was read, how it was extracted, and its flags.

    Rows written before keep NULLs: `Article.from_record` reads them as unknown source,
    "selectors" and no flags, which is what every earlier parser did.
    """
    articles = db.table("articles")
    for column in ("published_source", "extraction_method", "flags"):
        if column not in articles.columns_dict:
            articles.add_column(column, str)


def _create_v1(db: sqlite_utils.Database) -> None:
    db.table("articles").create(
        {
            "site": str,
            "article_id": int,
            "url": str,
            "canonical_url": str,
            "category": str,
            "title": str,
            "lead": str,
            "body": str,
            "byline": str,
            "authors": str,
            "source": str,
            "published_at": str,
            "published_text": str,
            "updated_at": str,
            "tags": str,
            "layout": str,
            "image_count": int,
            "content_hash": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "last_changed_at": str,
            "crawl_id": int,
        },
        pk=("site", "article_id"),
        not_null={"site", "article_id", "url", "title", "body", "content_hash"},
        if_not_exists=True,
    )
    db.table("images").create(
        {
            "site": str,
            "article_id": int,
            "position": int,
            "url": str,
            "caption": str,
            "credit": str,
        },
        # Keyed like its article; sqlite-utils declares no compound foreign keys.
        pk=("site", "article_id", "position"),
        if_not_exists=True,
    )
    db.table("crawls").create(
        {
            "id": int,
            "spider": str,
            "start_url": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "exit_code": int,
            "finish_reason": str,
            "pages_fetched": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "errors": int,
            "stats": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db.table("crawl_errors").create(
        {
            "id": int,
            "crawl_id": int,
            "at": str,
            "url": str,
            "kind": str,
            "message": str,
        },
        pk="id",
        foreign_keys=[("crawl_id", "crawls", "id")],
        if_not_exists=True,
    )
    db.table("articles").create_index(["published_at"], if_not_exists=True)
    db.table("articles").create_index(["category", "published_at"], if_not_exists=True)
    db.table("crawl_errors").create_index(["crawl_id"], if_not_exists=True)


# Columns the run ledger gained for scheduled crawls (added if missing).
CRAWL_COLUMNS = {
    "mode": "TEXT",
    "articles_removed": "INTEGER",
    "fallback_extractions": "INTEGER",
    "status_counts": "TEXT",
    "duration_s": "REAL",
    "requests": "INTEGER",
}


def _migrate_v4_to_v5(db: sqlite_utils.Database) -> None:
    """Scheduled crawls: the frontier, listing walks and entries (pipelines.frontier_store),
    and the run ledger's new columns."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS frontier ("
        " site TEXT NOT NULL, article_id INTEGER NOT NULL, url TEXT NOT NULL,"
        " category TEXT, state TEXT NOT NULL DEFAULT 'pending',"
        " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
        " etag TEXT, last_modified TEXT, discovered_at TEXT, updated_at TEXT,"
        " crawl_id INTEGER, PRIMARY KEY (site, article_id))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS frontier_state ON frontier (site, state)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS listing_walks ("
        " site TEXT NOT NULL, category TEXT NOT NULL, next_page INTEGER NOT NULL,"
        " next_url TEXT, until TEXT, started_at TEXT, finished_at TEXT,"
        " last_page INTEGER, crawl_id INTEGER, PRIMARY KEY (site, category))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS listing_entries ("
        " site TEXT NOT NULL, category TEXT NOT NULL, article_id INTEGER NOT NULL,"
        " listed_on TEXT, url TEXT, first_listed_at TEXT,"
        " PRIMARY KEY (site, category, article_id))"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS listing_entries_day "
        "ON listing_entries (site, category, listed_on)"
    )
    existing = {row[1] for row in db.execute("PRAGMA table_info(crawls)")}
    for name, kind in CRAWL_COLUMNS.items():
        if name not in existing:
            db.execute(f"ALTER TABLE crawls ADD COLUMN {name} {kind}")


def _migrate_v5_to_v6(db: sqlite_utils.Database) -> None:
    """The Redis ingest's bookmark (pipelines/redis_ingest.py): the last stream message
    applied, written in the transaction that applied it."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS redis_ingest (stream TEXT PRIMARY KEY, "
        "last_id TEXT NOT NULL, updated_at TEXT)"
    )


def _migrate_v6_to_v7(db: sqlite_utils.Database) -> None:
    """Articles keep the portal's lead mark (`lead_prefix`) and which evidence gave each
    field (`sources`, a JSON object); the search index's record of what it cut off an
    outsized article (`fts_cuts`, pipelines/fts_cuts.py).

    Rows written before keep NULLs: `Article.from_record` reads them as no mark and no
    evidence recorded, which is what earlier parsers kept.
    """
    articles = db.table("articles")
    for column in ("lead_prefix", "sources"):
        if column not in articles.columns_dict:
            articles.add_column(column, str)
    create_fts_cuts(db)


def _migrate_v8_to_v9(db: sqlite_utils.Database) -> None:
    """Discovery by sitemaps and feeds (crawler/spiders/discovery.py): when a sitemap or
    feed said each article last changed (`frontier.changed_at`), and which sitemaps a
    run read to their end with the lastmod they had (`sitemaps_read`), so the next run
    fetches only what is new or changed. Per site, like every frontier table."""
    if "changed_at" not in db.table("frontier").columns_dict:
        db.execute("ALTER TABLE frontier ADD COLUMN changed_at TEXT")
    db.execute(
        "CREATE TABLE IF NOT EXISTS sitemaps_read ("
        " site TEXT NOT NULL, url TEXT NOT NULL, lastmod TEXT, read_at TEXT,"
        " crawl_id INTEGER, PRIMARY KEY (site, url))"
    )


# Every version, in order, with the step that makes it from the one before.
MIGRATIONS: tuple[tuple[int, Step], ...] = (
    (1, _create_v1),  # articles, images, the run ledger (crawls, crawl_errors)
    (2, migrate_v1_to_v2),  # captures, article_versions, removals, the search indexes
    (3, _migrate_v2_to_v3),  # articles: published_source, extraction_method, flags
    (4, migrate_v3_to_v4),  # browsing: year/month columns, article_authors, indexes
    (5, _migrate_v4_to_v5),  # scheduled crawls: frontier, listing walks and entries
    (6, _migrate_v5_to_v6),  # distributed crawls: redis_ingest
    (7, _migrate_v6_to_v7),  # articles: lead_prefix, sources; fts_cuts
    (8, migrate_v7_to_v8),  # crawls: site (several portals in one archive)
    (9, _migrate_v8_to_v9),  # discovery: frontier.changed_at, sitemaps_read
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
