"""What the tests of the real portals' replicas share: servers, fetching, declared paths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from crawler.portals import Portal, portal_by_name
from replica.server import ReplicaHandle
from tests.http_support import fetch

PRESS = ("vnexpress", "tuoitre", "dantri", "vietnamnet", "cafef", "plo")
TODAY = date(2026, 3, 7)
GENERATED = 45


def post(replica: ReplicaHandle, path: str) -> dict:
    request = Request(replica.url(path), method="POST")
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def truth(replica: ReplicaHandle) -> list[dict]:
    status, _, body = fetch(replica.url("/__replica__/truth.jsonl"))
    assert status == 200
    return [json.loads(line) for line in body.decode().splitlines()]


def declared(portal: Portal, kind: str) -> str | None:
    """The path (+query) of the declared source of this kind: what the contract serves."""
    for source in portal.sources:
        if source.kind == kind:
            parts = urlsplit(source.url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def section_pages(portal: Portal) -> Iterator[str]:
    """Page 1, 2, 3... of the declared section, by the declared paging template."""
    source = next(s for s in portal.sources if s.kind == "section")
    path = urlsplit(source.url).path
    yield path
    n = 2
    while True:
        yield source.paging.format(url=path, n=n)
        n += 1


__all__ = ["PRESS", "fetch", "portal_by_name", "post", "section_pages", "truth"]
