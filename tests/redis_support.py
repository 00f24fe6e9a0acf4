"""A real redis-server for the distributed-mode tests, or a loud skip. Never a fake."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from crawler.distributed.errors import RedisUnavailable
from crawler.distributed.local_server import LocalRedis


def redis_or_skip(*, appendonly: bool = False) -> Iterator[LocalRedis]:
    try:
        server = LocalRedis(appendonly=appendonly).start()
    except RedisUnavailable as error:
        message = (
            f"REDIS UNAVAILABLE -- the distributed-mode tests did NOT run: {error}. "
            "Install it with `apt-get install -y redis-server` (.ci/run does)."
        )
        print(f"\n*** {message} ***", file=sys.stderr)
        pytest.skip(message)
    try:
        yield server
    finally:
        server.stop()
