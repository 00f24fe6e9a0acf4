"""The readable article page: /-/article/<database>/<site>/<article_id>.

Everything on it came from a crawled page, so it is rendered by Datasette's Jinja
environment (autoescape on) and nothing is marked safe. Links are only made from
http(s) URLs: an escaped `javascript:` URL would still run when clicked. A strict
Content-Security-Policy (`csp.py`, sent on every page by the plugin's ASGI wrapper)
stops inline script as a second line of defence.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

from crawler.extract.urls import bounded_id
from vnarchive.browse.csp import CSP
from vnarchive.browse.display import category_name
from vnarchive.browse.pictures import attach_captures, capture_path
from vnarchive.browse.replay import replay_base, replay_link

# Paragraphs are stored joined by a blank line (pipelines.archive.PARAGRAPH_SEPARATOR).
PARAGRAPH_SEPARATOR = "\n\n"
# SQLite's integers are signed 64-bit: a larger id names no article (and would overflow).
MAX_ARTICLE_ID = 2**63 - 1


def web_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (never linked)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _json_list(value: Any) -> list[Any]:
    try:
        decoded = json.loads(value) if value else []
    except ValueError:
        return []
    return decoded if isinstance(decoded, list) else []


def load_article(conn: sqlite3.Connection, site: str, article_id: int) -> dict[str, Any] | None:
    # Datasette's own connection: its row factory is put back for the next query.
    previous_factory = conn.row_factory
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute(
            "SELECT * FROM articles WHERE site = ? AND article_id = ?", (site, article_id)
        ).fetchone()
        if row is None:
            return None
        article = dict(row)
        images = [
            {**dict(image), "href": web_url(image["url"])}
            for image in conn.execute(
                "SELECT position, url, caption, credit FROM images "
                "WHERE site = ? AND article_id = ? ORDER BY position",
                (site, article_id),
            )
        ]
        attach_captures(conn, article, images)
        capture = conn.execute(
            "SELECT id, url, fetched_at, status, record_type, warc_file, offset, length "
            "FROM captures WHERE site = ? AND article_id = ? ORDER BY fetched_at DESC LIMIT 1",
            (site, article_id),
        ).fetchone()
        versions = conn.execute(
            "SELECT count(*) FROM article_versions WHERE site = ? AND article_id = ?",
            (site, article_id),
        ).fetchone()[0]
        removals = [
            dict(r)
            for r in conn.execute(
                "SELECT seen_at, status, kind FROM removals WHERE site = ? AND article_id = ? "
                "ORDER BY seen_at",
                (site, article_id),
            )
        ]
    finally:
        conn.row_factory = previous_factory
    article.update(
        paragraphs=[p for p in (article["body"] or "").split(PARAGRAPH_SEPARATOR) if p],
        author_list=[a for a in _json_list(article["authors"]) if isinstance(a, str)],
        tag_list=[t for t in _json_list(article["tags"]) if isinstance(t, str)],
        flag_list=[f for f in _json_list(article.get("flags")) if isinstance(f, str)],
        original_url=web_url(article["canonical_url"]) or web_url(article["url"]),
        images=images,
        capture=dict(capture) if capture else None,
        version_count=versions,
        removals=removals,
        row_path=f"{tilde_encode(site)},{article_id}",
        category_name=category_name(article["category"], site) or article["category"],
    )
    return article


async def article_page(request: Any, datasette: Any) -> Response:
    name = request.url_vars["database"]
    site = request.url_vars["site"]
    # An id past SQLite's 64 bits names no article (and would raise OverflowError).
    article_id = bounded_id(request.url_vars["article_id"])
    if article_id is None:
        raise NotFound(f"no article {request.url_vars['article_id'][:40]} of {site}")
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name!r}") from None
    if "articles" not in await db.table_names():
        raise NotFound(f"{name!r} is not a vnarchive archive")
    article = await db.execute_fn(lambda conn: load_article(conn, site, article_id))
    if article is None:
        raise NotFound(f"no article {article_id} of {site} in {name}")
    for image in article["images"]:
        capture_id = image["capture_id"]
        image["archived"] = capture_path(datasette, name, capture_id) if capture_id else None
    capture = article["capture"]
    if capture:
        base = replay_base(datasette, name)
        capture["replay_url"] = replay_link(base, capture["fetched_at"], capture["url"])
    html = await datasette.render_template(
        ["vnarchive_article.html"],
        {"article": article, "database": name, "database_url": datasette.urls.database(name)},
        request=request,
    )
    return Response.html(html, headers={"Content-Security-Policy": CSP})
