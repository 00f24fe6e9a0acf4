"""Schema version 4: what browsing facets on, precomputed (issue 6).

- `articles.year` and `articles.month` ("2020-11") are VIRTUAL generated columns over
  `published_at` (the portal's own +07:00 day, never UTC), with indexes. Generated, not
  written by the archive: they can never disagree with `published_at`, every writer
  (crawl, reparse, a hand fix in SQL) keeps them right, and the index holds the
  computed value, so a facet reads the index instead of calling substr 200,000 times.
- `article_authors` is one row per (article, author): `articles.authors` is a JSON
  list, and a facet over json_each of every row would cost a pass over the whole
  table. Triggers on `articles` keep it in step with the JSON, for the same reason
  as above; json_each needs no Python, unlike the folded search text.

A step on top of version 3, run by `ensure_schema` inside its transaction.
"""

from __future__ import annotations

import sqlite_utils

# One JSON list of names per article; anything else (NULL, malformed) counts as none.
_AUTHORS = "json_each(CASE WHEN json_valid({0}.authors) THEN {0}.authors ELSE '[]' END)"
_FILL = (
    "INSERT INTO article_authors (site, article_id, position, author) "
    "SELECT {0}.site, {0}.article_id, j.key, j.value FROM {1}" + _AUTHORS + " j "
    "WHERE j.type = 'text' AND j.value != ''"
)
_CLEAR = "DELETE FROM article_authors WHERE site = old.site AND article_id = old.article_id"


# What the facets read: each facet column alone (the whole table), and after category,
# the filter researchers start from, so a facet under a category filter reads only
# the index (without them, the year facet of a 17,000-article category reads 17,000
# rows: 216 ms on 200,000 articles, past Datasette's 200 ms; bench/RESULTS-datasette.md).
BROWSE_INDEXES = {
    # One article by id, whatever its site: `?article_id=` and the versions query.
    "articles_article_id": ("articles", "article_id"),
    "articles_year": ("articles", "year"),
    "articles_month": ("articles", "month, category"),
    "articles_source": ("articles", "source"),
    "articles_category_year": ("articles", "category, year"),
    "articles_category_month": ("articles", "category, month"),
    "articles_category_source": ("articles", "category, source"),
    # The author facet joins a category's articles to their authors through these two
    # without reading a row (126 ms -> 21 ms for a 17,000-article category).
    "articles_category_key": ("articles", "category, site, article_id"),
    "article_authors_article": ("article_authors", "site, article_id, author"),
    "article_authors_author": ("article_authors", "author"),
}


def ensure_browse_indexes(db: sqlite_utils.Database) -> None:
    """Create the facet indexes that are missing (idempotent; `vnarchive serve` runs it)."""
    for name, (table, columns) in BROWSE_INDEXES.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def migrate_v3_to_v4(db: sqlite_utils.Database) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_xinfo(articles)")}
    # ALTER TABLE can add VIRTUAL generated columns (not STORED ones), and indexes on
    # them store the computed value.
    if "year" not in columns:
        db.execute(
            "ALTER TABLE articles ADD COLUMN year INTEGER "
            "GENERATED ALWAYS AS (CAST(substr(published_at, 1, 4) AS INTEGER)) VIRTUAL"
        )
    if "month" not in columns:
        db.execute(
            "ALTER TABLE articles ADD COLUMN month TEXT "
            "GENERATED ALWAYS AS (substr(published_at, 1, 7)) VIRTUAL"
        )
    db.execute(
        "CREATE TABLE IF NOT EXISTS article_authors ("
        "site TEXT NOT NULL, article_id INTEGER NOT NULL, position INTEGER NOT NULL, "
        "author TEXT NOT NULL, PRIMARY KEY (site, article_id, position))"
    )
    ensure_browse_indexes(db)
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS article_authors_insert AFTER INSERT ON articles "
        f"BEGIN {_FILL.format('new', '')}; END"
    )
    # An upsert's DO UPDATE fires UPDATE triggers, so a changed byline is followed too.
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS article_authors_update "
        "AFTER UPDATE OF authors, site, article_id ON articles "
        f"BEGIN {_CLEAR}; {_FILL.format('new', '')}; END"
    )
    db.execute(
        "CREATE TRIGGER IF NOT EXISTS article_authors_delete AFTER DELETE ON articles "
        f"BEGIN {_CLEAR}; END"
    )
    db.execute("DELETE FROM article_authors")
    db.execute(_FILL.format("articles", "articles, "))
