"""The replica's control endpoints and HTTP validators, for tests of scheduled crawls.

POST /__replica__/publish?n=K        publish K new articles (answers their ids, JSON)
POST /__replica__/edit?id=ID         revise an article (answers its revision)
POST /__replica__/remove?id=ID       remove an article: 404, gone from listings
POST /__replica__/throttle?status=429|503&count=N[&retry_after=S]
                                     answer the next N pages (robots.txt and control
                                     endpoints excepted) with that status and, if given,
                                     `Retry-After: S`
Control requests are never cached and never throttled.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from replica.pages import TEXT, Response

if TYPE_CHECKING:
    from replica.server import ReplicaServer

JSON = "application/json; charset=utf-8"
Headers = list[tuple[str, str]]


class Throttle:
    """Answer the next `count` requests with `status` (429/503), thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.remaining = 0
        self.status = 503
        self.retry_after: str | None = None

    def set(self, status: int, count: int, retry_after: str | None) -> None:
        with self._lock:
            self.status, self.remaining, self.retry_after = status, count, retry_after

    def take(self, target: str) -> tuple[Response, Headers] | None:
        path = target.split("?", 1)[0]
        if path == "/robots.txt" or path.startswith("/__replica__/"):
            return None
        with self._lock:
            if self.remaining <= 0:
                return None
            self.remaining -= 1
            headers = [("Retry-After", self.retry_after)] if self.retry_after else []
            body = b"too many requests\n" if self.status == 429 else b"service unavailable\n"
            return Response(self.status, TEXT, body, False), headers


def _json(status: int, data: Any) -> Response:
    return Response(status, JSON, json.dumps(data).encode("utf-8"), False)


def control(server: ReplicaServer, target: str) -> Response:
    parts = urlsplit(target)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    action = parts.path.removeprefix("/__replica__/")
    try:
        if action == "publish":
            ids = server.changes.publish(int(query.get("n", "1")))
            result: Any = {"published": ids}
        elif action == "edit":
            result = {"id": int(query["id"]), "revision": server.changes.edit(int(query["id"]))}
        elif action == "remove":
            server.changes.remove(int(query["id"]))
            result = {"removed": int(query["id"])}
        elif action == "throttle":
            status = int(query.get("status", "503"))
            if status not in (429, 503):
                return _json(400, {"error": "status must be 429 or 503"})
            server.throttle.set(status, int(query.get("count", "1")), query.get("retry_after"))
            result = {"throttle": status, "count": int(query.get("count", "1"))}
        else:
            return _json(404, {"error": f"no control {action!r}"})
    except (KeyError, ValueError) as error:
        return _json(400, {"error": f"bad request: {error}"})
    server.clear_cache()
    return _json(200, result)


def validators(
    server: ReplicaServer, target: str, response: Response, request_headers: Message
) -> tuple[Response, Headers]:
    """ETag and Last-Modified for an article page, and 304 when the client has it."""
    if response.status != 200 or not response.content_type.startswith("text/html"):
        return response, []
    etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
    headers: Headers = [("ETag", etag)]
    article_id = server.article_id_of(target)
    modified = server.changes.last_modified(article_id) if article_id is not None else None
    if modified is not None:
        headers.append(
            (
                "Last-Modified",
                format_datetime(modified.astimezone(UTC).replace(microsecond=0), True),
            )
        )
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        fresh = etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match == "*"
    else:
        fresh = _not_modified_since(request_headers.get("If-Modified-Since"), modified)
    if fresh:
        return Response(304, response.content_type, b"", False), headers
    return response, headers


def _not_modified_since(value: str | None, modified: Any) -> bool:
    if not value or modified is None:
        return False
    try:
        since = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return bool(modified.replace(microsecond=0) <= since)
