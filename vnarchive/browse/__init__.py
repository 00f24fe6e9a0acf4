"""Browsing the archive in Datasette: the `vnarchive` Datasette plugin (issue 6).

Registered as a Datasette plugin through the `datasette` entry point in
pyproject.toml, so `datasette archive.db` and `vnarchive serve` both load it; its
templates and stylesheet sit in `templates/` and `static/` beside this file, where
Datasette finds a plugin's own. The metadata (titles, facets, canned queries) comes from
`metadata.py` through Datasette's `get_metadata` hook, so plain Datasette shows it too.

    plugin.py    the hooks: search box, author filter, title links, SQL functions
    facets.py    the author facet over article_authors
    article.py   the readable article page
    metadata.py  Datasette metadata from the live schema and pipelines.schema_docs (hook)
    queries.py   the canned queries
"""

from vnarchive.browse.errors import handle_exception
from vnarchive.browse.metadata import get_metadata
from vnarchive.browse.plugin import (
    asgi_wrapper,
    extra_css_urls,
    filters_from_request,
    prepare_connection,
    prepare_jinja2_environment,
    register_facet_classes,
    register_routes,
    render_cell,
)

__all__ = [
    "asgi_wrapper",
    "extra_css_urls",
    "filters_from_request",
    "get_metadata",
    "handle_exception",
    "prepare_connection",
    "prepare_jinja2_environment",
    "register_facet_classes",
    "register_routes",
    "render_cell",
]
