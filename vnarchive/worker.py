"""`vnarchive crawl --redis URL`: this process becomes one worker of a distributed crawl.

Workers need no archive and take no archive lock: any number run at once, here or on
other machines. `--db` only says where this worker's WARC files go (`warc/` beside
it). A worker waits for the writer (`vnarchive ingest`) to have told Redis what the
archive holds, so it does not fetch again what is archived.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy.settings import Settings

from crawler.distributed.settings import apply_worker_settings
from crawler.distributed.spider import worker_spider
from crawler.extract.errors import RedisUnavailable
from crawler.protocol import redis_keys as keys
from crawler.spiders.portal import PortalSpider
from pipelines.ledger import EXIT_FAILED
from vnarchive.archive_path import fail
from vnarchive.lock import EXIT_ALREADY_RUNNING


def wait_for_writer(redis_url: str, wait_s: float) -> None:
    import redis

    server = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
    deadline = time.monotonic() + wait_s
    try:
        while not server.exists(f"{keys.PREFIX}:archived:ready"):
            if time.monotonic() >= deadline:
                raise TimeoutError
            time.sleep(0.5)
    except redis.exceptions.ConnectionError as error:
        raise RedisUnavailable(f"{redis_url}: {error}") from error
    finally:
        server.close()


def run_worker(
    spider_cls: type[PortalSpider],
    settings: Settings,
    *,
    redis_url: str,
    worker_id: str | None,
    start_url: str | None,
    mode: str,
    until: str | None,
    wait_s: float = 60.0,
    portal: str | None = None,
) -> int:
    from vnarchive.crawl import crawl_once, describe_run

    worker = apply_worker_settings(settings, redis_url, worker_id)
    try:
        wait_for_writer(redis_url, wait_s)
    except RedisUnavailable as error:
        return fail("crawl", f"Redis unavailable: {error}", EXIT_FAILED)
    except TimeoutError:
        message = (
            f"no writer has loaded the archive into {redis_url} yet: "
            "start `vnarchive ingest --redis ...` first"
        )
        return fail("crawl", message, EXIT_ALREADY_RUNNING)
    settings.set("CRAWL_SUMMARY_ENABLED", False, priority="cmdline")  # printed below
    stats: dict[str, Any] = crawl_once(
        worker_spider(spider_cls), settings, start_url=start_url, mode=mode, until=until,
        portal=portal,
    )  # fmt: skip
    print(f"worker {worker}: " + describe_run(stats, redis_url), file=sys.stderr)
    return int(stats.get("vnarchive/exit_code", EXIT_FAILED))
