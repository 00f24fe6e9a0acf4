"""The archive as Parquet: articles, images and versions in typed columns, streamed.

Each table is read through one cursor and written `BATCH_ROWS` rows at a time (one
Parquet row group each), so memory stays flat whatever the archive's size
(bench/parquet_bench.py measures it on 200,000 articles). Lists (body paragraphs,
authors, tags) are Parquet lists, times are timestamps at +07:00 (the portal's own
offset: the instant is exact, and pandas, DuckDB and `datasets` show the portal's
wall-clock time), ids are 64-bit integers.

pyarrow is imported only here, when a Parquet or dataset export runs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.extract.dates import VN_TZ
from pipelines.archive import PARAGRAPH_SEPARATOR, Archive
from pipelines.search import Filters

# Rows per row group: ~2,000 articles are ~10 MB of text in Python objects, enough for
# good compression and small enough that a 200,000-article export stays flat.
BATCH_ROWS = 2000
TIMESTAMP = pa.timestamp("us", tz="+07:00")
TEXT_LIST = pa.list_(pa.string())


@dataclass(frozen=True)
class Table:
    """One exported table: its file name, its SQL and its Arrow schema."""

    name: str
    source: str  # the archive table it comes from
    select: str  # columns, from `articles a` joined as needed
    order: str
    schema: pa.Schema


ARTICLES = Table(
    "articles",
    "articles",
    "a.site, a.article_id, a.url, a.canonical_url, a.category, a.title, a.lead, a.body, "
    "a.byline, a.authors, a.source, a.published_at, a.published_text, a.published_source, "
    "a.updated_at, a.tags, a.layout, a.extraction_method, a.flags, a.image_count, "
    "a.content_hash, a.first_seen_at, a.last_seen_at, a.last_changed_at, a.crawl_id "
    "FROM articles a",
    "a.site, a.article_id",
    pa.schema(
        [
            ("site", pa.string()),
            ("article_id", pa.int64()),
            ("url", pa.string()),
            ("canonical_url", pa.string()),
            ("category", pa.string()),
            ("title", pa.string()),
            ("lead", pa.string()),
            ("body", TEXT_LIST),
            ("byline", pa.string()),
            ("authors", TEXT_LIST),
            ("source", pa.string()),
            ("published_at", TIMESTAMP),
            ("published_text", pa.string()),
            ("published_source", pa.string()),
            ("updated_at", TIMESTAMP),
            ("tags", TEXT_LIST),
            ("layout", pa.string()),
            ("extraction_method", pa.string()),
            ("flags", TEXT_LIST),
            ("image_count", pa.int32()),
            ("content_hash", pa.string()),
            ("first_seen_at", TIMESTAMP),
            ("last_seen_at", TIMESTAMP),
            ("last_changed_at", TIMESTAMP),
            ("crawl_id", pa.int64()),
        ]
    ),
)
IMAGES = Table(
    "images",
    "images",
    "i.site, i.article_id, i.position, i.url, i.caption, i.credit FROM images i "
    "JOIN articles a ON a.site = i.site AND a.article_id = i.article_id",
    "i.site, i.article_id, i.position",
    pa.schema(
        [
            ("site", pa.string()),
            ("article_id", pa.int64()),
            ("position", pa.int32()),
            ("url", pa.string()),
            ("caption", pa.string()),
            ("credit", pa.string()),
        ]
    ),
)
VERSIONS = Table(
    "versions",
    "article_versions",
    "v.id, v.site, v.article_id, v.record, v.content_hash, v.first_seen_at, v.last_seen_at, "
    "v.superseded_at, v.changed_fields, v.cause, v.crawl_id FROM article_versions v "
    "JOIN articles a ON a.site = v.site AND a.article_id = v.article_id",
    "v.site, v.article_id, v.id",
    pa.schema(
        [
            ("id", pa.int64()),
            ("site", pa.string()),
            ("article_id", pa.int64()),
            # The superseded `Article.to_record()` as JSON: its shape is the record's,
            # kept whole (DuckDB: `record->>'title'`; pandas: `json.loads`).
            ("record", pa.string()),
            ("content_hash", pa.string()),
            ("first_seen_at", TIMESTAMP),
            ("last_seen_at", TIMESTAMP),
            ("superseded_at", TIMESTAMP),
            ("changed_fields", TEXT_LIST),
            ("cause", pa.string()),
            ("crawl_id", pa.int64()),
        ]
    ),
)
TABLES = (ARTICLES, IMAGES, VERSIONS)


def timestamp(value: str | None) -> datetime | None:
    """An archive time string as an aware datetime (+07:00 assumed if it has no offset)."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    # The archive writes every time with its offset; one without is the portal's clock.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=VN_TZ)


def _converter(field: pa.Field) -> Callable[[Any], Any]:
    if field.type == TIMESTAMP:
        return timestamp
    if field.type == TEXT_LIST:
        if field.name == "body":
            return lambda v: v.split(PARAGRAPH_SEPARATOR) if v else []
        return lambda v: json.loads(v) if v is not None else None
    return lambda v: v


def iter_batches(
    archive: Archive, table: Table, filters: Filters | None = None
) -> Iterator[pa.RecordBatch]:
    """The table's rows as record batches of at most BATCH_ROWS rows, in a stable order."""
    where, params = (filters or Filters()).sql()
    cursor: sqlite3.Cursor = archive.db.conn.execute(
        f"SELECT {table.select} WHERE {where} ORDER BY {table.order}", params
    )
    converters = [_converter(field) for field in table.schema]
    while rows := cursor.fetchmany(BATCH_ROWS):
        columns = [[convert(row[i]) for row in rows] for i, convert in enumerate(converters)]
        yield pa.RecordBatch.from_arrays(
            [pa.array(col, type=f.type) for col, f in zip(columns, table.schema, strict=True)],
            schema=table.schema,
        )


def write_table(
    archive: Archive,
    table: Table,
    path: Path,
    filters: Filters | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one table to a Parquet file; returns its row count."""
    count = 0
    # zstd: about as small as gzip and much faster to read; every reader named above has it.
    with pq.ParquetWriter(path, table.schema, compression="zstd") as writer:
        for batch in iter_batches(archive, table, filters):
            writer.write_batch(batch)
            count += batch.num_rows
            if progress is not None:
                progress(count)
    return count


def write_parquet(
    archive: Archive,
    folder: Path,
    filters: Filters | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """articles.parquet, images.parquet and versions.parquet in `folder`; row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in TABLES:
        report = progress if table is ARTICLES else None
        counts[table.name] = write_table(
            archive, table, folder / f"{table.name}.parquet", filters, report
        )
    return counts
