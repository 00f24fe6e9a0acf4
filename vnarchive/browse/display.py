"""How the articles table reads (issue 17.6): names instead of paths, no whole bodies.

- categories show the portal's own Vietnamese name (`Portal.category_names`), the
  path kept as the cell's tooltip and in every link and filter;
- the HTML table leaves `body` out unless the reader asks for it (`?_col=body`):
  whole bodies made each row 3,000-5,300 px tall. JSON and CSV keep every column;
- long cells are cut by Datasette's `truncate_cells_html` (`vnarchive serve` sets it);
- a facet is labelled by its name alone ("author", not "author (author)").
"""

from __future__ import annotations

from functools import cache
from typing import Any

import markupsafe

from crawler.portals import PORTALS

# Columns the HTML table of each table leaves out by default (all still in JSON/CSV,
# on the row page and the article page).
HIDDEN_BY_DEFAULT: dict[str, tuple[str, ...]] = {"articles": ("body",)}


@cache
def _names() -> dict[tuple[str | None, str], str]:
    names: dict[tuple[str | None, str], str] = {}
    for portal in PORTALS:
        for path, name in portal.category_names:
            names[(portal.site, path)] = name
            names.setdefault((None, path), name)
    return names


def category_name(path: Any, site: Any = None) -> str | None:
    """The portal's name for a category path (of `site`, or of any portal); None if unknown."""
    if not isinstance(path, str):
        return None
    names = _names()
    return names.get((site, path)) or names.get((None, path))


def category_cell(path: str, site: Any) -> markupsafe.Markup | None:
    name = category_name(path, site)
    if name is None:
        return None
    return markupsafe.Markup('<span class="vn-category" title="{}">{}</span>').format(path, name)


def facet_label(label: Any, facet: str) -> Any:
    """A facet value as the reader should read it (a category's name)."""
    if facet == "category":
        return category_name(label) or label
    return label


def facet_title(info: dict[str, Any]) -> str:
    """Datasette writes `name (type)` for a facet that is not a column facet; our
    author facet is named after its type, which read `author (author)`."""
    name, kind = str(info.get("name")), str(info.get("type"))
    return name if kind in ("column", name) else f"{name} ({kind})"


def default_columns(
    columns: list[dict[str, Any]], rows: list[Any], request: Any, table: str | None
) -> tuple[list[dict[str, Any]], list[Any]]:
    """The table's columns and rows without the ones hidden by default, unless the
    reader chose columns (`_col`)."""
    hidden = set(HIDDEN_BY_DEFAULT.get(table or "", ()))
    if not hidden or request is None or "_col" in request.args:
        return columns, rows
    # Imported here: datasette.views imports the plugins that import this module.
    from datasette.views.table import Row

    kept = [c for c in columns if c.get("name") not in hidden]
    return kept, [Row([cell for cell in row if cell["column"] not in hidden]) for row in rows]
