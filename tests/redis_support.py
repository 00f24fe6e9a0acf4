"""A real redis-server for the distributed-mode tests, or a loud skip. Never a fake.

scripts/test.sh (and so CI) starts one redis-server and names it in
VNARCHIVE_TEST_REDIS_URL; each test then gets a database of that server emptied before
and after it. Under pytest-xdist each worker has a database of its own (gw0: 0, gw1: 1,
...), so workers running redis tests at the same time never see each other's keys.
Without that variable, when nothing answers there, or past the server's 16 databases,
each test starts its own server on a free port.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from crawler.distributed.local_server import LocalRedis
from crawler.extract.errors import RedisUnavailable

SHARED_URL_VARIABLE = "VNARCHIVE_TEST_REDIS_URL"
DATABASES = 16  # redis-server's default `databases`


@dataclass
class SharedRedis:
    """The server CI started: only its URL is used, like a LocalRedis's."""

    url: str


_announced: set[str] = set()


def _announce_once(message: str) -> None:
    """Say it loudly once per test process, not once per skipped test."""
    if message not in _announced:
        _announced.add(message)
        print(f"\n*** {message} ***", file=sys.stderr)


def _shared_server() -> SharedRedis | None:
    url = os.environ.get(SHARED_URL_VARIABLE)
    if not url:
        return None
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as error:
        _announce_once(f"{SHARED_URL_VARIABLE}={url} does not answer ({error}); "
                       "starting a redis-server per test instead")  # fmt: skip
        return None
    return _per_worker(url)


def _per_worker(url: str) -> SharedRedis | None:
    """This xdist worker's own database on the shared server (the URL's, outside xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
    if not worker:
        return SharedRedis(url)
    number = int(worker.removeprefix("gw"))
    if number >= DATABASES:
        return None
    return SharedRedis(urlunsplit(urlsplit(url)._replace(path=f"/{number}")))


def redis_or_skip(*, appendonly: bool = False) -> Iterator[LocalRedis | SharedRedis]:
    shared = _shared_server()
    if shared is not None:
        client = redis.Redis.from_url(shared.url)
        client.flushdb()
        try:
            yield shared
        finally:
            client.flushdb()
            client.close()
        return
    try:
        server = LocalRedis(appendonly=appendonly).start()
    except RedisUnavailable as error:
        # The error already says how to install it; scripts/test.sh does, as root.
        message = f"REDIS UNAVAILABLE -- the distributed-mode tests did NOT run: {error}"
        _announce_once(message)
        pytest.skip(message)
    try:
        yield server
    finally:
        server.stop()
