"""Fixtures and hooks every test module shares.

- `first_crawl`: an archive after one uninterrupted crawl of a fresh replica, made once
  per test process for each (layout, generated) and copied into every test that starts
  from it; the tests that used to repeat that crawl themselves now share it.
- Under pytest-xdist (scripts/test.sh runs `-n auto --dist loadgroup`), the tests that
  share one resource run on one worker: every test marked `redis` uses the one
  redis-server named in VNARCHIVE_TEST_REDIS_URL and empties it (FLUSHALL) around itself.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.crawl_support import FirstCrawl, first_crawl

SHARED_RESOURCE_GROUPS = {"redis": "redis-server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        for marker, group in SHARED_RESOURCE_GROUPS.items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def first_crawl_of(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, int], FirstCrawl]:
    """first_crawl_of(layout, generated): the shared first crawl (copy it before writing)."""
    made: dict[tuple[str, int], FirstCrawl] = {}

    def get(layout: str, generated: int) -> FirstCrawl:
        key = (layout, generated)
        if key not in made:
            folder = tmp_path_factory.mktemp(f"first-crawl-{layout}-{generated}")
            made[key] = first_crawl(layout, generated, folder)
        return made[key]

    return get
