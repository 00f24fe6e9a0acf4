"""A worker's scheduler that checks the rule the leases rest on: a request a callback
yielded reaches the queue while its parent is still leased (tests/test_redis_crawl.py).

Each such request names its parent in its Referer header (Scrapy's RefererMiddleware);
the parent is leased while its serialised request is in this worker's in-flight set.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request

from crawler.distributed.scheduler import DistributedScheduler


class LeaseProbeScheduler(DistributedScheduler):
    def enqueue_request(self, request: Request) -> bool:
        referer = request.headers.get(b"Referer")
        meta = request.meta
        if referer and not meta.get("redirect_urls") and "retry_times" not in meta:
            self._count("probe/children")
            if referer.decode() not in self._leased_urls():
                self._count("probe/orphans")
        return super().enqueue_request(request)

    def _leased_urls(self) -> set[str]:
        members: list[Any] = self.server.zrange(self.membership.inflight, 0, -1)
        return {self.queue.serializer.loads(member)["url"] for member in members}
