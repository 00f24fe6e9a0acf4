"""Datasette's metadata, generated from the live schema and `pipelines.schema_docs`.

`vnarchive serve` writes it afresh on every start, so it always describes the
archive being served: a column added by a migration appears at once (marked
undocumented until schema_docs describes it). Nobody edits the file by hand.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from pipelines.schema_docs import COLUMNS, LICENSE_NOTE, SOURCE, SOURCE_URL, TABLES, UNITS
from vnarchive.browse.queries import canned_queries

UNDOCUMENTED = "(undocumented)"
# Default facets of the articles table: precomputed columns with an index each, so
# every one is an index scan (bench/RESULTS-datasette.md). "author" is the plugin's
# facet over article_authors (authors is a JSON list).
ARTICLE_FACETS: list[Any] = ["category", "source", "year", "month", {"author": "authors"}]
ARTICLE_COLUMNS_SHOWN = ("article_id", "published_at", "category", "title", "byline", "source")


def live_schema(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Table -> column names (generated columns included), FTS shadow tables left out."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    shadow = {f"{fts}_{suffix}" for fts in tables for suffix in ("data", "idx", "content",
                                                                  "docsize", "config")}  # fmt: skip
    return {
        # hidden 1: a virtual table's own columns (FTS5's rank); 2 and 3 are generated.
        table: [
            row[0]
            for row in conn.execute(
                "SELECT name FROM pragma_table_xinfo(?) WHERE hidden != 1", (table,)
            )
        ]
        for table in tables
        if table not in shadow
    }


def build_metadata(schema: dict[str, list[str]], database: str) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table, columns in schema.items():
        title, description = TABLES.get(table, (table, UNDOCUMENTED))
        docs = COLUMNS.get(table, {})
        entry: dict[str, Any] = {
            "title": title,
            "description": description,
            "columns": {column: docs.get(column, UNDOCUMENTED) for column in columns},
        }
        units = {c: u for c, u in UNITS.get(table, {}).items() if c in columns}
        if units:
            entry["units"] = units
        tables[table] = entry
    articles = tables.get("articles")
    if articles is not None:
        articles.update(
            facets=ARTICLE_FACETS,
            sort_desc="published_at",
            label_column="title",
            size=50,
        )
    # The search indexes are read through the articles table's search box.
    for table in ("fts_exact", "fts_folded", "fts_docs"):
        if table in tables:
            tables[table]["hidden"] = True
    return {
        "title": "vnarchive: Vietnamese news archive",
        "description": "Articles archived from Vietnamese news portals. Search ignores "
        "accents when it must ('ha noi' finds 'Hà Nội'), lists hits with the words side "
        "by side first, then hits that keep the query's accents. Open an article's title "
        "for its readable page.",
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "license": LICENSE_NOTE,
        "databases": {
            database: {
                "tables": tables,
                "queries": canned_queries(set(schema)),
            }
        },
    }


def write_metadata(db_path: Path, out: Path) -> dict[str, Any]:
    """Generate the metadata of the archive at `db_path` into `out`; returns it."""
    from vnarchive.archive_path import connect_readonly  # read-only media too

    conn = connect_readonly(db_path)
    try:
        schema = live_schema(conn)
    finally:
        conn.close()
    metadata = build_metadata(schema, db_path.stem)
    out.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return metadata
