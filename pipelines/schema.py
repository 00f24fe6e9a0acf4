"""The archive's schema, created and versioned with sqlite-utils.

`PRAGMA user_version` carries the schema version: an older archive is migrated in
place, inside a transaction; a newer one is refused rather than misread.
"""

from __future__ import annotations

import sqlite_utils

from crawler.extract.errors import ArchiveVersionError
from pipelines.frontier_store import ensure_frontier_schema
from pipelines.schema_browse import migrate_v3_to_v4
from pipelines.schema_v2 import migrate_v1_to_v2

SCHEMA_VERSION = 5


def ensure_schema(db: sqlite_utils.Database) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveVersionError(
            f"this archive has schema version {version}, but this vnarchive only knows "
            f"up to {SCHEMA_VERSION}: upgrade vnarchive before opening it"
        )
    if version == SCHEMA_VERSION:
        return
    # All steps in one transaction: an archive is either fully migrated or untouched.
    with db.atomic():
        if version < 1:
            _create_v1(db)
        if version < 2:
            migrate_v1_to_v2(db)
        if version < 3:
            _migrate_v2_to_v3(db)
        if version < 4:
            migrate_v3_to_v4(db)
        if version < 5:
            # Scheduled crawls: frontier, listing walks and entries, run-ledger columns
            # (idempotent: a crawl of an older vnarchive may have created them already).
            ensure_frontier_schema(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _migrate_v2_to_v3(db: sqlite_utils.Database) -> None:
    """Where each article's date was read, how it was extracted, and its flags.

    Rows written before keep NULLs: `Article.from_record` reads them as unknown source,
    "selectors" and no flags, which is what every earlier parser did.
    """
    articles = db.table("articles")
    for column in ("published_source", "extraction_method", "flags"):
        if column not in articles.columns_dict:
            articles.add_column(column, str)


def create_v1_archive(db: sqlite_utils.Database) -> None:
    """An archive exactly as the foundation wrote it (for migration tests)."""
    with db.atomic():
        _create_v1(db)
        db.execute("PRAGMA user_version = 1")


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
