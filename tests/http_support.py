"""One HTTP request to a replica on 127.0.0.1, for the replica tests: status, headers
and body, an error status answered like any other."""

from __future__ import annotations

from urllib.error import HTTPError
from urllib.request import Request, urlopen


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = Request(url, method=method, headers={"User-Agent": "replica-test/1.0"})
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()
