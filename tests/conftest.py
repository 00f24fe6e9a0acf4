"""Fixtures every test module shares.

- `first_crawl`: an archive after one uninterrupted crawl of a fresh replica, for a test
  marked `@pytest.mark.first_crawl(layout, generated)`. Each (layout, generated) is
  crawled once per test process and copied into every test that starts from it
  (`FirstCrawl.copy_to`): the tests that each repeated that crawl now share it.
- Under pytest-xdist (scripts/test.sh runs `-n auto`) that is once per worker. The tests
  marked `redis` each get a database of their own worker's on the one redis-server
  (tests/redis_support.py). xdist's `--dist loadgroup` would keep tests together, but
  with pytest 9.2 it does nothing (xdist 3.8 renames `item._nodeid`, which pytest 9 no
  longer reads), so nothing here relies on grouping.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.crawl_support import FirstCrawl
from harness.crawl_support import first_crawl as make_first_crawl

# The order tests run in over the xdist workers (long modules first, spread evenly).
pytest_plugins = ["tests.schedule"]


def _first_crawl_key(item: pytest.Item) -> tuple[str, int] | None:
    marker = item.get_closest_marker("first_crawl")
    if marker is None:
        return None
    layout, generated = marker.args
    return layout, generated


@pytest.fixture(scope="session")
def _first_crawls(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, int], FirstCrawl]:
    made: dict[tuple[str, int], FirstCrawl] = {}

    def get(layout: str, generated: int) -> FirstCrawl:
        if (layout, generated) not in made:
            folder = tmp_path_factory.mktemp(f"first-crawl-{layout}-{generated}")
            made[layout, generated] = make_first_crawl(layout, generated, folder)
        return made[layout, generated]

    return get


@pytest.fixture
def first_crawl(request: pytest.FixtureRequest, _first_crawls) -> FirstCrawl:
    """The shared first crawl this test is marked with (copy it before writing to it)."""
    key = _first_crawl_key(request.node)
    if key is None:
        raise pytest.UsageError(
            f"{request.node.nodeid} uses first_crawl without @pytest.mark.first_crawl"
        )
    return _first_crawls(*key)
