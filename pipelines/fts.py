"""The two full-text indexes over title, lead, body and captions.

`fts_exact` keeps diacritics (unicode61 with remove_diacritics 0: case is folded,
accents are not); `fts_folded` holds `fold_text` of the same text, so "ha noi" finds
"Hà Nội" and đ finds d, which unicode61's own diacritic removal does not do.

Both are ordinary FTS5 tables that store their text: SQLite 3.40 (the one Python
ships here) has no `contentless_delete`, and deleting from a contentless or
external-content table needs the exact old text, which would tie the index to every
future change of `fold_text`. Their rowid is `fts_docs.id`, a stable key per
article: the rowid of `articles` itself may change on VACUUM.

Writes are explicit SQL run inside the caller's transaction (not triggers): the
folded text is computed in Python.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from crawler.extract.text import fold_text
from pipelines.fts_cuts import create_fts_cuts, cut_for_index, record_cuts

FTS_TABLES = ("fts_exact", "fts_folded")
FTS_COLUMNS = ("title", "lead", "body", "captions")
BM25_WEIGHTS = "bm25(10.0, 4.0, 1.0, 2.0)"
logger = logging.getLogger(__name__)


def create_fts(db: sqlite_utils.Database) -> None:
    create_fts_cuts(db)
    db.execute(
        "CREATE TABLE IF NOT EXISTS fts_docs ("
        "id INTEGER PRIMARY KEY, site TEXT NOT NULL, article_id INTEGER NOT NULL, "
        "UNIQUE (site, article_id))"
    )
    columns = ", ".join(FTS_COLUMNS)
    for table in FTS_TABLES:
        db.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
            f"{columns}, tokenize = 'unicode61 remove_diacritics 0')"
        )
        # A word in the title says more than one in the body: the stored `rank` weights
        # title, lead, body, captions (FTS5 keeps this in the table's config).
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('rank', ?)", (BM25_WEIGHTS,))


def index_article(
    db: sqlite_utils.Database,
    site: str,
    article_id: int,
    *,
    title: str,
    lead: str | None,
    body: str,
    captions: Iterable[str | None],
) -> None:
    """(Re)index one article in both indexes; run inside the article's transaction."""
    db.execute(
        "INSERT INTO fts_docs (site, article_id) VALUES (?, ?) "
        "ON CONFLICT (site, article_id) DO NOTHING",
        (site, article_id),
    )
    doc_id = db.execute(
        "SELECT id FROM fts_docs WHERE site = ? AND article_id = ?", (site, article_id)
    ).fetchone()[0]
    # One field may feed only so much to the indexes (a hostile page's megabytes would
    # slow every search that matches it); each cut is recorded (pipelines.fts_cuts).
    fields, cut = cut_for_index(
        dict(zip(FTS_COLUMNS, (title, lead or "", body, "\n".join(c for c in captions if c)),
                 strict=True))
    )  # fmt: skip
    record_cuts(db, site, article_id, cut)
    exact = tuple(fields[column] for column in FTS_COLUMNS)
    folded = tuple(fold_text(value) for value in exact)
    placeholders = ", ".join("?" for _ in FTS_COLUMNS)
    for table, values in (("fts_exact", exact), ("fts_folded", folded)):
        db.execute(f"DELETE FROM {table} WHERE rowid = ?", (doc_id,))
        db.execute(
            f"INSERT INTO {table} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, {placeholders})",
            (doc_id, *values),
        )


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """An article's search entries, held back until its batch is written
    (`Archive.deferred_indexing`); `content_hash` is the stored version they belong to."""

    site: str
    article_id: int
    content_hash: str
    title: str
    lead: str | None
    body: str
    captions: tuple[str | None, ...]


def index_pending(db: sqlite_utils.Database, entries: Iterable[PendingEntry]) -> int:
    """Index the entries whose article is stored as they saw it; returns how many.

    A write rolled back after its entry was held (by an enclosing savepoint) left no
    row, or the previous version with its search entries untouched: its entry is
    skipped.
    """
    indexed = 0
    for entry in entries:
        row = db.execute(
            "SELECT content_hash FROM articles WHERE site = ? AND article_id = ?",
            (entry.site, entry.article_id),
        ).fetchone()
        if row is not None and row[0] == entry.content_hash:
            index_entry(db, entry)
            indexed += 1
    return indexed


def index_entry(db: sqlite_utils.Database, entry: PendingEntry) -> None:
    index_article(
        db, entry.site, entry.article_id, title=entry.title, lead=entry.lead,
        body=entry.body, captions=entry.captions,
    )  # fmt: skip


def reindex_all(db: sqlite_utils.Database) -> int:
    """Index every stored article (a migration fills the new indexes with this)."""
    count = 0
    # One cursor over the articles, not a list: a large archive migrates in constant memory.
    rows = db.conn.execute("SELECT site, article_id, title, lead, body FROM articles")
    for site, article_id, title, lead, body in rows:
        captions = [
            row[0]
            for row in db.execute(
                "SELECT caption FROM images WHERE site = ? AND article_id = ? ORDER BY position",
                (site, article_id),
            )
        ]
        index_article(db, site, article_id, title=title, lead=lead, body=body, captions=captions)
        count += 1
    return count


# Every commit adds a segment to each index and FTS5 merges them only in steps
# (automerge), so an archive written article by article carries 10-25 segments. Each
# is one more doclist for a query to read: merged into one, a 200,000-article archive
# answered the phrase "phát triển bền vững" in 73 ms of CPU instead of 115 (bench/).
DEFAULT_MAX_SEGMENTS = 8


def segment_count(db: sqlite_utils.Database, table: str) -> int:
    """How many segments the index holds (one row per segment and leaf in `_idx`)."""
    return int(db.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx").fetchone()[0])


def optimize_fts(db: sqlite_utils.Database, *, max_segments: int = 0) -> dict[str, int]:
    """Merge each index that holds more than `max_segments` segments into one (0: every
    index). The merge is one transaction: a kill leaves the index as it was. Returns
    the segment counts before, for the indexes merged."""
    started = time.perf_counter()
    merged: dict[str, int] = {}
    for table in FTS_TABLES:
        segments = segment_count(db, table)
        if segments > max(max_segments, 1):
            with db.atomic():
                db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
            merged[table] = segments
    if merged:
        logger.info(
            "search indexes: merged %s into one segment each in %.1f s",
            ", ".join(f"{table} ({count} segments)" for table, count in merged.items()),
            time.perf_counter() - started,
        )
    return merged
