"""Errors a request can cause that Datasette answers with a 500: one clear 400 instead.

A number past SQLite's 64-bit INTEGER in a table filter (`?article_id__gt=1e30` spelt
out) makes Datasette bind a Python int SQLite cannot hold: OverflowError, a 500 with a
traceback (issue 16: the same class as an article id past 64 bits). It is the
request's fault, so it is a 400 that says which limit it passed.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: BaseException) -> Any:
    if isinstance(exception, OverflowError):
        return Response.text(
            "Bad request: a number in it is larger than SQLite's 64-bit integers "
            "(at most 9223372036854775807).\n",
            status=400,
        )
    return None
