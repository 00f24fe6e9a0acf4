"""A real redis-server for the distributed-mode tests, or a loud skip. Never a fake.

scripts/test.sh (and so CI) starts one redis-server and names it in
VNARCHIVE_TEST_REDIS_URL; each test then gets that server emptied before and after it.
Under pytest-xdist every test marked `redis` runs on one worker (tests/conftest.py),
so they still run one at a time. Without that
variable, or when nothing answers there, each test starts its own server on a free port.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from crawler.distributed.errors import RedisUnavailable
from crawler.distributed.local_server import LocalRedis

SHARED_URL_VARIABLE = "VNARCHIVE_TEST_REDIS_URL"


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
    return SharedRedis(url)


def redis_or_skip(*, appendonly: bool = False) -> Iterator[LocalRedis | SharedRedis]:
    shared = _shared_server()
    if shared is not None:
        client = redis.Redis.from_url(shared.url)
        client.flushall()
        try:
            yield shared
        finally:
            client.flushall()
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
