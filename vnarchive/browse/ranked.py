"""A search's JSON and CSV in rank order, as its HTML shows it (issue 17.7).

Datasette always orders a table's SQL by a column (the table's default,
`published_at` descending), and no hook reaches that ORDER BY; the HTML puts the
rows back in rank order in its template (`_table.html`). The JSON and CSV of the
same request are put in the same order here, from the ranks the search itself
returned (`filters_from_request` leaves them in the request's scope), so what a
researcher downloads is what they were looking at.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

Ranks = dict[tuple[str, int], int]
SCOPE_KEY = "vnarchive"


def _key(ranks: Ranks, site: Any, article_id: Any, position: int) -> tuple[int, int]:
    try:
        rank = ranks.get((str(site), int(article_id)))
    except (TypeError, ValueError):
        rank = None
    return (rank, 0) if rank is not None else (len(ranks), position)


def _sorted_rows(rows: list[Any], ranks: Ranks, site: Any, article_id: Any) -> list[Any]:
    """Rows in rank order; `site` and `article_id` read a row's key (index or name)."""
    order = sorted(
        range(len(rows)),
        key=lambda i: _key(ranks, _get(rows[i], site), _get(rows[i], article_id), i),
    )
    return [rows[i] for i in order]


def _get(row: Any, key: Any) -> Any:
    try:
        value = row[key]
    except (KeyError, IndexError, TypeError):
        return None
    # `_labels=on` turns a value into {"value": ..., "label": ...}.
    return value.get("value") if isinstance(value, dict) else value


def rank_json(body: bytes, ranks: Ranks) -> bytes:
    """Datasette's table JSON (every `_shape` that keeps a row's key) in rank order."""
    text = body.decode("utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        # `_nl=on`: one object per line.
        try:
            objects = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            return body
        if not all(isinstance(o, dict) for o in objects):
            return body
        ordered = _sorted_rows(objects, ranks, "site", "article_id")
        return "\n".join(json.dumps(o, ensure_ascii=False) for o in ordered).encode("utf-8")
    if isinstance(data, list):  # _shape=array
        if data and not isinstance(data[0], dict):
            return body  # _shape=arrayfirst: no key to order by
        data = _sorted_rows(data, ranks, "site", "article_id")
    elif isinstance(data, dict) and isinstance(data.get("rows"), list):
        rows = data["rows"]
        if rows and isinstance(rows[0], dict):  # _shape=objects
            data["rows"] = _sorted_rows(rows, ranks, "site", "article_id")
        else:
            columns = data.get("columns") or []
            if "site" not in columns or "article_id" not in columns:
                return body
            data["rows"] = _sorted_rows(
                rows, ranks, columns.index("site"), columns.index("article_id")
            )
    elif isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
        # _shape=object: keyed by primary key, rows in key order.
        items = list(data.items())
        order = _sorted_rows([v for _, v in items], ranks, "site", "article_id")
        by_id = {id(v): k for k, v in items}
        data = {by_id[id(v)]: v for v in order}
    else:
        return body
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def rank_csv(body: bytes, ranks: Ranks) -> bytes:
    """Datasette's table CSV in rank order (its header names the key columns)."""
    text = body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or "site" not in rows[0] or "article_id" not in rows[0]:
        return body
    header, data = rows[0], rows[1:]
    ordered = _sorted_rows(data, ranks, header.index("site"), header.index("article_id"))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(ordered)
    return out.getvalue().encode("utf-8")
