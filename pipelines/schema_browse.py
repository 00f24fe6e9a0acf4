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
    for name, cols in (
        ("articles_year", "year"),
        ("articles_month", "month, category"),
        ("articles_source", "source"),
        ("articles_category", "category"),
    ):
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON articles ({cols})")
    db.execute(
        "CREATE TABLE IF NOT EXISTS article_authors ("
        "site TEXT NOT NULL, article_id INTEGER NOT NULL, position INTEGER NOT NULL, "
        "author TEXT NOT NULL, PRIMARY KEY (site, article_id, position))"
    )
    db.execute("CREATE INDEX IF NOT EXISTS article_authors_author ON article_authors (author)")
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
