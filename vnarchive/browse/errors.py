"""Errors a request can cause that Datasette answers with a 500: one clear 400 instead.

- A number past SQLite's 64-bit INTEGER in a table filter (`?article_id__gt=1e30` spelt
  out) makes Datasette bind a Python int SQLite cannot hold: OverflowError, a 500 with a
  traceback (issue 16: the same class as an article id past 64 bits).
- A query past SQLite's heap limit (limits.SQLITE_HEAP_LIMIT): MemoryError.

Both are the request's fault, so each is a 400 that says which limit it passed.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from vnarchive.browse.limits import SQLITE_HEAP_LIMIT


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: BaseException) -> Any:
    if isinstance(exception, OverflowError):
        return Response.text(
            "Bad request: a number in it is larger than SQLite's 64-bit integers "
            "(at most 9223372036854775807).\n",
            status=400,
        )
    if isinstance(exception, MemoryError):
        from datasette.handle_exception import handle_exception as default
        from datasette.views.base import DatasetteError

        error = DatasetteError(
            "this query needs more memory than the server gives one query "
            f"({SQLITE_HEAP_LIMIT // 2**20} MiB): select fewer or smaller values",
            title="Query too large",
            status=400,
        )
        return default(datasette=datasette, request=request, exception=error)
    return None
