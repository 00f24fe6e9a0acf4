"""Schema version 2: captures, article versions, removals and the search indexes.

A step on top of version 1, run by `ensure_schema` inside its transaction, so an
archive written by the foundation is migrated in place or not at all. Nothing in
version 1 changes: `articles` still holds the latest version of each article.
"""

from __future__ import annotations

import sqlite_utils

from pipelines.fts import create_fts, reindex_all


def migrate_v1_to_v2(db: sqlite_utils.Database) -> None:
    db.table("captures").create(
        {
            "id": int,
            "url": str,
            "fetched_at": str,
            "status": int,
            "content_type": str,
            # sha1:BASE32 of the HTTP payload, as in the record's WARC-Payload-Digest.
            "payload_digest": str,
            # "response" holds the payload; "revisit" points at an identical earlier one.
            "record_type": str,
            # Relative to the archive's directory when the WARC lies under it.
            "warc_file": str,
            "offset": int,
            "length": int,
            "site": str,
            "article_id": int,
            "crawl_id": int,
        },
        pk="id",
        not_null={"url", "fetched_at", "payload_digest", "record_type", "warc_file"},
        if_not_exists=True,
    )
    db.table("captures").create_index(["payload_digest"], if_not_exists=True)
    db.table("captures").create_index(["site", "article_id", "fetched_at"], if_not_exists=True)
    db.table("captures").create_index(["url"], if_not_exists=True)
    db.table("article_versions").create(
        {
            "id": int,
            "site": str,
            "article_id": int,
            # The superseded version, as `Article.to_record()` gave it.
            "record": str,
            "content_hash": str,
            "first_seen_at": str,
            "last_seen_at": str,
            # When the version replacing it was seen, and which fields differ (JSON list).
            "superseded_at": str,
            "changed_fields": str,
            # "crawl" or "reparse": a new version may come from a better parser alone.
            "cause": str,
            "crawl_id": int,
        },
        pk="id",
        not_null={"site", "article_id", "record", "superseded_at", "changed_fields"},
        if_not_exists=True,
    )
    db.table("article_versions").create_index(["site", "article_id"], if_not_exists=True)
    db.table("removals").create(
        {
            "id": int,
            "site": str,
            "article_id": int,
            "url": str,
            "seen_at": str,
            "status": int,
            "kind": str,  # "gone" (404/410) or "redirect"
            "location": str,
            "crawl_id": int,
        },
        pk="id",
        not_null={"site", "article_id", "url", "seen_at", "kind"},
        if_not_exists=True,
    )
    db.table("removals").create_index(["site", "article_id"], if_not_exists=True)
    create_fts(db)
    reindex_all(db)
