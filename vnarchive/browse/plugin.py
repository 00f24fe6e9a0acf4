"""The Datasette hooks that make the archive browsable (issue 6).

- the articles table's search box runs the archive's own search
  (`pipelines.search.search`: words together first, exact accents before folded),
  and the rows come back in its order, in HTML, JSON and CSV alike;
- an author facet over `article_authors` (`authors` is a JSON list), with the
  `_author=` filter its links use;
- titles link to the readable article page (`vnarchive.browse.article`);
- `vnarchive_search(...)` and `vnarchive_fold(text)` as SQL functions for canned
  queries, so SQL reuses the same search.

Every hook does nothing on a database without the archive's tables, so the plugin
is harmless on any other database Datasette serves.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

import markupsafe
import sqlite_utils
from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.tracer import trace
from datasette.utils.asgi import BadRequest

from crawler.extract.text import fold_text
from pipelines.search import Filters, SearchQueryError, search
from vnarchive.browse.article import article_page
from vnarchive.browse.display import category_cell, default_columns, facet_label, facet_title
from vnarchive.browse.facets import AuthorFacet
from vnarchive.browse.limits import bounded_fold, limit_connection
from vnarchive.browse.middleware import wrap
from vnarchive.browse.pictures import capture_image
from vnarchive.browse.ranked import SCOPE_KEY

ARTICLES = "articles"
# Search hits shown when a page size is not asked for (the table's page size).
DEFAULT_HITS = 50


def article_path(datasette: Any, database: str, site: str, article_id: int) -> str:
    return datasette.urls.path(f"/-/article/{database}/{site}/{int(article_id)}")


def _search_json(
    conn: sqlite3.Connection,
    query: str | None,
    since: str | None,
    until: str | None,
    category: str | None,
    limit: int | None,
) -> str:
    """`search` as a SQL function: a JSON list of hits, best first ('[]' for no query)."""
    if not query or not query.strip():
        return "[]"
    filters = Filters(
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
        category=category or None,
    )
    # Inside a Datasette query, whose own time limit already covers the search.
    hits = search(sqlite_utils.Database(conn), query, filters=filters,
                  limit=int(limit or 100), bounded=False)  # fmt: skip
    return json.dumps(hits, ensure_ascii=False)


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    limit_connection(conn)
    conn.create_function(
        "vnarchive_search",
        5,
        lambda q, since, until, category, limit: _search_json(
            conn, q, since, until, category, limit
        ),
    )
    conn.create_function("vnarchive_fold", 1, bounded_fold(fold_text))


@hookimpl
def asgi_wrapper() -> Any:
    return wrap


@hookimpl
def register_facet_classes() -> list[type]:
    return [AuthorFacet]


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/article/(?P<database>[^/]+)/(?P<site>[^/]+)/(?P<article_id>\d+)$", article_page),
        (r"^/-/capture/(?P<database>[^/]+)/(?P<capture_id>\d+)$", capture_image),
    ]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> markupsafe.Markup | None:  # fmt: skip
    """A title opens the article's readable page (in the table and in canned queries);
    a category reads as the portal names it."""
    if column not in ("title", "category") or not isinstance(value, str):
        return None
    if table not in (ARTICLES, None):
        return None
    if column == "category":
        try:
            site = row["site"]
        except (KeyError, IndexError):
            site = None
        return category_cell(value, site)
    try:
        site, article_id = row["site"], row["article_id"]
    except (KeyError, IndexError):
        return None
    if not isinstance(site, str) or not isinstance(article_id, int):
        return None
    href = article_path(datasette, database, site, article_id)
    # Both pieces escaped: the title is text from a crawled page.
    return markupsafe.Markup('<a class="vn-title" href="{}">{}</a>').format(href, value)


async def _is_archive(datasette: Any, database: str) -> bool:
    db = datasette.get_database(database)
    return {"articles", "fts_exact", "fts_folded", "fts_docs"} <= set(await db.table_names())


def _page_size(request: Any, datasette: Any, database: str) -> int:
    size = request.args.get("_size")
    if size and size.isdigit():
        return min(int(size), datasette.setting("max_returned_rows"))
    configured = (datasette.table_metadata(database, ARTICLES) or {}).get("size")
    return int(configured or DEFAULT_HITS)


# Runs after Datasette's own search filter, so the search box stays on (Datasette
# would switch it off: the articles table has no FTS table of Datasette's kind).
@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    if table != ARTICLES:
        return None

    async def inner() -> FilterArguments | None:
        if not await _is_archive(datasette, database):
            return None
        where: list[str] = []
        params: dict[str, Any] = {}
        described: list[str] = []
        context: dict[str, Any] = {"supports_search": True}
        author = request.args.get("_author")
        if author is not None:
            # A join on the author index, then primary-key lookups (a row-value IN
            # would scan the whole primary key: bench/RESULTS-datasette.md).
            where.append(
                "rowid IN (SELECT a.rowid FROM article_authors aa JOIN articles a "
                "ON a.site = aa.site AND a.article_id = aa.article_id "
                "WHERE aa.author = :vn_author)"
            )
            params["vn_author"] = author
            described.append(f'author is "{author}"')
        query = (request.args.get("_search") or "").strip()
        if query:
            limit = _page_size(request, datasette, database)
            # Ranked within the category asked for, so a category filter still gets a
            # full page of its best hits; other filters narrow the best `limit` hits.
            filters = Filters(category=request.args.get("category") or None)
            db = datasette.get_database(database)
            try:
                # Traced like Datasette's own statements (?_trace=1, bench/).
                with trace("sql", database=database, sql=f"-- vnarchive search {query!r}",
                           params=None):  # fmt: skip
                    hits = await db.execute_fn(
                        lambda conn: search(
                            sqlite_utils.Database(conn), query, filters=filters, limit=limit
                        )
                    )
            except SearchQueryError as error:
                raise BadRequest(str(error)) from None
            where.append(_hits_where(hits, params))
            described.append(f'search matches "{query}" (the {limit} best)')
            context["search"] = query
            if not _sorted_by_reader(request, datasette, database):
                context["vn_describe_ranked"] = _describe_ranked
                context["vn_search_ranks"] = {
                    f"{hit['site']}/{hit['article_id']}": (rank, hit["match"])
                    for rank, hit in enumerate(hits)
                }
                # The same order for this request's JSON and CSV (vnarchive.browse.ranked).
                state = request.scope.get(SCOPE_KEY)
                if state is not None:
                    state["ranks"] = {
                        (hit["site"], int(hit["article_id"])): rank for rank, hit in enumerate(hits)
                    }
        return FilterArguments(where, params, described, context)

    return inner


def _hits_where(hits: list[dict[str, Any]], params: dict[str, Any]) -> str:
    """SQL matching exactly these articles through the primary key.

    One `site = ? AND article_id IN (...)` per site: SQLite answers it with index
    lookups, where `(site, article_id) IN (VALUES ...)` scans the whole key (70 ms on
    200,000 articles, for each facet of the page).
    """
    by_site: dict[str, list[int]] = {}
    for hit in hits:
        by_site.setdefault(hit["site"], []).append(int(hit["article_id"]))
    terms = []
    for n, (site, ids) in enumerate(sorted(by_site.items())):
        params[f"vn_site{n}"] = site
        names = []
        for i, article_id in enumerate(ids):
            params[f"vn_id{n}_{i}"] = article_id
            names.append(f":vn_id{n}_{i}")
        terms.append(f"(site = :vn_site{n} AND article_id IN ({', '.join(names)}))")
    if not terms:
        return "0"
    # Through rowid: next to another filter (category = ?) SQLite would otherwise read
    # the category's index and test each row against the list (67 ms against 0.1 ms).
    return f"rowid IN (SELECT rowid FROM articles WHERE {' OR '.join(terms)})"


def _sorted_by_reader(request: Any, datasette: Any, database: str) -> bool:
    """A sort the reader chose; the table's default travels in the search form too."""
    default = (datasette.table_metadata(database, ARTICLES) or {}).get("sort_desc")
    sort_desc = request.args.get("_sort_desc")
    return bool(request.args.get("_sort")) or (sort_desc is not None and sort_desc != default)


def _describe_ranked(description: str) -> str:
    """The page's description once rows are in rank order: no 'sorted by' any column."""
    return description.split(" sorted by ")[0] + ", words together first, then accents as typed"


def rank_order(rows: list[Any], ranks: dict[str, tuple[int, str]]) -> list[Any]:
    """Table rows in search-rank order (rows without a rank keep their place, last)."""

    def key(item: tuple[int, Any]) -> tuple[int, int]:
        position, row = item
        try:
            rank = ranks.get(f"{row['site']}/{row['article_id']}")
        except KeyError:
            rank = None
        return (rank[0], 0) if rank else (len(ranks), position)

    return [row for _, row in sorted(enumerate(rows), key=key)]


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins("vnarchive", "browse.css")]


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["vn_rank_order"] = rank_order
    env.filters["vn_facet_label"] = facet_label
    env.filters["vn_facet_title"] = facet_title
    env.filters["vn_csv_size"] = lambda args, size: [
        (key, size if key == "_size" else value) for key, value in args
    ]
    env.globals["vn_default_columns"] = default_columns
