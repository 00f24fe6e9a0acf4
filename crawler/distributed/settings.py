"""The Scrapy settings that turn a crawl into a worker of a distributed crawl."""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

from scrapy.settings import Settings

WORKER_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "crawler.distributed.scheduler.DistributedScheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.scheduler.LeasedPriorityQueue",
    "DUPEFILTER_CLASS": "crawler.distributed.scheduler.ArticleDupeFilter",
    "SCHEDULER_QUEUE_KEY": "vnarchive:%(spider)s:requests",
    "SCHEDULER_DUPEFILTER_KEY": "vnarchive:%(spider)s:dupefilter",
    # The queue and the fingerprints belong to the crawl, not to one worker leaving it
    # (DistributedScheduler.close never flushes them, whatever this says).
    "SCHEDULER_PERSIST": True,
    # Closest to the engine: each output holds its parent's lease (see holds.py).
    "SPIDER_MIDDLEWARES": {"crawler.distributed.holds.LeaseHoldMiddleware": 1},
    # Workers write no archive: what they would write goes to the queue.
    "ITEM_PIPELINES": {
        "pipelines.normalize.NormalizePipeline": 100,
        "pipelines.redis_queue.RedisQueuePipeline": 300,
    },
}


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def apply_worker_settings(settings: Settings, redis_url: str, worker_id: str | None) -> str:
    """Make `settings` a worker's; returns the worker id."""
    worker = worker_id or new_worker_id()
    for name, value in WORKER_SETTINGS.items():
        # A `--set` (cmdline priority) wins, except over the pipelines (a worker never
        # opens the archive) and the lease holds (added to the spider middlewares: a
        # worker without them can lose work).
        if name == "SPIDER_MIDDLEWARES":
            settings.set(name, {**settings.getdict(name), **value}, priority="cmdline")
        elif name == "ITEM_PIPELINES" or (settings.getpriority(name) or 0) < 40:
            settings.set(name, value, priority="cmdline")
    settings.set("REDIS_URL", redis_url, priority="cmdline")
    settings.set("REDIS_WORKER_ID", worker, priority="cmdline")
    return worker
