"""Datasette's metadata, generated from the live schema and `pipelines.schema_docs`.

The plugin hands it to Datasette through the `get_metadata` hook (`plugin_metadata`),
so a plain `datasette archive.db`, a `datasette publish` of it and `vnarchive serve`
show the same titles, descriptions, facets and canned queries. It is generated from
each served archive's live schema the first time Datasette asks, so it always describes
the archive being served: a column added by a migration appears at once (marked
undocumented until schema_docs describes it). A metadata file given to Datasette
(`-m`) still overrides any of it, key by key (Datasette merges local metadata last).
"""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path
from typing import Any

from datasette import hookimpl

from pipelines.schema_docs import COLUMNS, LICENSE_NOTE, SOURCE, SOURCE_URL, TABLES, UNITS
from vnarchive.archive_path import connect_readonly
from vnarchive.browse.queries import canned_queries

UNDOCUMENTED = "(undocumented)"
# Default facets of the articles table: precomputed columns with an index each, so
# every one is an index scan (bench/RESULTS-datasette.md). "author" is the plugin's
# facet over article_authors (authors is a JSON list). "site" first: an archive holds
# several portals (one scheduled crawl each), and `site` leads the primary key's index.
ARTICLE_FACETS: list[Any] = [
    "site",
    "category",
    "source",
    "year",
    "month",
    {"author": "authors"},
]
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


SITE_TITLE = "vnarchive: Vietnamese news archive"
SITE_DESCRIPTION = (
    "Articles archived from Vietnamese news portals. Search ignores accents when it "
    "must ('ha noi' finds 'Hà Nội'), lists hits with the words side by side first, then "
    "hits that keep the query's accents. Open an article's title for its readable page."
)


def is_archive(schema: dict[str, list[str]]) -> bool:
    """A database the plugin describes: one with the archive's articles and captures."""
    return "articles" in schema and "captures" in schema


def database_metadata(schema: dict[str, list[str]]) -> dict[str, Any]:
    """One archive's tables (titles, column docs, facets) and canned queries."""
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
    return {"tables": tables, "queries": canned_queries(set(schema))}


def site_metadata(databases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "title": SITE_TITLE,
        "description": SITE_DESCRIPTION,
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "license": LICENSE_NOTE,
        "databases": databases,
    }


def build_metadata(schema: dict[str, list[str]], database: str) -> dict[str, Any]:
    """The whole metadata of one archive served as `database`."""
    return site_metadata({database: database_metadata(schema)})


def _schema_of(path: str) -> tuple[dict[str, list[str]], list[str]]:
    """The archive's schema, and the sites its articles come from."""
    # Read-only media too: an archive Datasette serves immutable (-i) may sit where
    # SQLite cannot create its -shm file.
    conn = connect_readonly(Path(path))
    try:
        schema = live_schema(conn)
        sites = []
        if "articles" in schema:
            # The primary key's index gives the distinct sites without reading rows.
            sites = [r[0] for r in conn.execute("SELECT DISTINCT site FROM articles LIMIT 100")]
        return schema, sites
    finally:
        conn.close()


def outlets(sites: list[str]) -> dict[str, str]:
    """A database's `source` and `source_url`: the outlets it holds, by their names."""
    from crawler.portals import portal_for_url

    names = []
    for site in sites:
        portal = portal_for_url(f"https://{site}/")
        names.append(f"{portal.outlet} ({site})" if portal and portal.outlet else site)
    if not names:
        return {}
    first = portal_for_url(f"https://{sites[0]}/") if len(sites) == 1 else None
    described = {"source": ", ".join(names)}
    if first is not None:
        described["source_url"] = first.default_start_url
    return described


def plugin_metadata(
    datasette: Any, key: str | None, database: str | None, table: str | None
) -> dict[str, Any] | None:
    """What the `get_metadata` hook returns: the metadata of every archive served.

    Generated once per Datasette instance and set of databases (the hook is called many
    times a page, synchronously), and handed out as a copy cut to the database and table
    asked for: Datasette merges hook results into its own dicts, and must never reach
    into the cached one. None when no served database is an archive, so the plugin
    leaves other databases' titles alone.
    """
    files = tuple(
        (name, db.path)
        for name, db in datasette.databases.items()
        if not db.is_memory and db.path and not name.startswith("_")
    )
    cache: dict[tuple[Any, ...], dict[str, Any] | None] = datasette.__dict__.setdefault(
        "_vnarchive_metadata", {}
    )
    if files not in cache:
        described = {}
        for name, path in files:
            try:
                schema, sites = _schema_of(path)
            except sqlite3.Error:
                continue  # not an SQLite file Datasette can read either: its own error shows
            if is_archive(schema):
                described[name] = database_metadata(schema) | outlets(sites)
        cache[files] = site_metadata(described) if described else None
    metadata = cache[files]
    if metadata is None:
        return None
    cut = {name: value for name, value in metadata.items() if name != "databases"}
    if database is None:
        # A top-level key (the source, the licence: asked for on every page) needs none
        # of the databases' part.
        return copy.deepcopy(metadata if key in (None, "databases") else cut)
    entry = metadata["databases"].get(database)
    if entry is None:
        return copy.deepcopy(cut)
    tables = entry["tables"]
    chosen = {table: tables[table]} if table in tables else {} if table else tables
    cut["databases"] = {database: {**entry, "tables": chosen}}
    return copy.deepcopy(cut)


@hookimpl
def get_metadata(datasette: Any, key: str | None, database: str | None, table: str | None) -> Any:
    return plugin_metadata(datasette, key, database, table)
