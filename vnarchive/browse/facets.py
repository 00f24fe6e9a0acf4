"""The author facet: counts from `article_authors`, one row per (article, author).

Datasette's array facet would run json_each over `articles.authors` for every row
the table shows; this one counts index rows of `article_authors` instead, and
only restricts them to the table's rows when a filter is on. Its links filter
with `_author=NAME` (the plugin's filters_from_request).
"""

from __future__ import annotations

from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import path_with_added_args, path_with_removed_args

TYPE = "author"


class AuthorFacet(Facet):
    type = TYPE

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if not self.get_configs() or self.table != "articles":
            return [], []
        size = self.get_facet_size()
        unfiltered = not self.params and " where " not in self.sql.lower()
        if unfiltered:
            # The whole table: no need to match article_authors against it.
            sql = (
                "SELECT author AS value, count(*) AS count FROM article_authors "
                "GROUP BY author ORDER BY count DESC, author LIMIT :vn_size"
            )
        else:
            # From the table's rows to their authors by primary key: the cost follows
            # the rows shown, not the size of article_authors.
            sql = (
                f"SELECT aa.author AS value, count(*) AS count FROM ({self.sql}) t "
                "JOIN article_authors aa ON aa.site = t.site AND aa.article_id = t.article_id "
                "GROUP BY aa.author ORDER BY count DESC, aa.author LIMIT :vn_size"
            )
        params = {**dict(self.params), "vn_size": size + 1}
        try:
            rows = await self.ds.execute(
                self.database,
                sql,
                params,
                truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )
        except QueryInterrupted:
            # Past facet_time_limit_ms: reported as timed out, as Datasette's own do.
            return [], [TYPE]
        selected = self.request.args.get("_author")
        results = []
        for row in rows.rows[:size]:
            value = row["value"]
            if value == selected:
                toggle = path_with_removed_args(self.request, {"_author": value})
            else:
                toggle = path_with_added_args(self.request, {"_author": value})
            results.append(
                {
                    "value": value,
                    "label": value,
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                    "selected": value == selected,
                }
            )
        facet = {
            "name": TYPE,
            "type": TYPE,
            "hideable": False,
            "toggle_url": self.ds.urls.path(
                path_with_removed_args(self.request, {"_facet_author": "authors"})
            ),
            "results": results,
            "truncated": len(rows.rows) > size,
        }
        return [facet], []
