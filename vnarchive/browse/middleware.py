"""The plugin's ASGI wrapper: what every response of the served archive gets.

- the Content-Security-Policy (`csp.CSP`) and `nosniff`, on every response (issue
  16.4): any page may show crawled text;
- a search's JSON and CSV put in rank order (`ranked`, issue 17.7).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from vnarchive.browse.csp import CSP
from vnarchive.browse.ranked import SCOPE_KEY, rank_csv, rank_json

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_SECURITY_HEADERS = {
    b"content-security-policy": CSP.encode("ascii"),
    b"x-content-type-options": b"nosniff",
}


def _with_headers(headers: list[tuple[bytes, bytes]], body: bytes | None) -> list[Any]:
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in _SECURITY_HEADERS
        and not (body is not None and name.lower() == b"content-length")
    ]
    kept += list(_SECURITY_HEADERS.items())
    if body is not None:
        kept.append((b"content-length", str(len(body)).encode("ascii")))
    return kept


def _export_kind(headers: list[tuple[bytes, bytes]], path: str) -> str | None:
    # By the path first: `_nl=on` JSON and CSV are both sent as text/plain.
    if path.endswith(".json"):
        return "json"
    if path.endswith(".csv"):
        return "csv"
    content_type = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
    return "json" if b"json" in content_type else None


def wrap(app: App) -> App:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        # Shared with the request's handlers (Datasette copies the scope shallowly).
        state: dict[str, Any] = {}
        scope = {**scope, SCOPE_KEY: state}
        start: Message | None = None
        chunks: list[bytes] = []
        kind: str | None = None

        async def guarded_send(message: Message) -> None:
            nonlocal start, kind
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                kind = _export_kind(headers, scope.get("path", "")) if state.get("ranks") else None
                if kind is None:
                    await send({**message, "headers": _with_headers(headers, None)})
                else:
                    start = {**message, "headers": headers}
                return
            if message["type"] != "http.response.body" or kind is None or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            # An error message, not rows, is sent as it came.
            with contextlib.suppress(UnicodeDecodeError, ValueError):
                body = (rank_json if kind == "json" else rank_csv)(body, state["ranks"])
            await send({**start, "headers": _with_headers(start["headers"], body)})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, guarded_send)

    return wrapped
