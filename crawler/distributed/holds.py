"""A popped request's lease outlives everything its callback yielded.

Scrapy hands a callback's output to the engine through a bounded asyncio queue
(`CONCURRENT_ITEMS` consumers): the callback can be exhausted while up to twice that
many of its requests still wait to be scheduled. Were the lease released then, a
worker killed a moment later lost those requests: no lease held them, and their
parent, finished, was never read again. So each item and request on its way to the
engine holds its parent's lease (`Leases.hold`): an item until the pipelines are
through with it (`WorkerMixin._item_done`), a request until the scheduler has queued
it or found it a duplicate (`DistributedScheduler.enqueue_request`, which reads the
lease from the request's meta).

This middleware is the one closest to the engine (the lowest order): what another
middleware drops (UrlLengthMiddleware's too-long URLs, say) takes no hold that
nothing would release.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.distributed.scheduler import LEASE, Leases


class LeaseHoldMiddleware(BaseSpiderMiddleware):
    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        lease = self._hold(response)
        if lease is not None:
            request.meta[LEASE] = lease
        return request

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        self._hold(response)
        return item

    def _hold(self, response: Response | None) -> int | None:
        leases: Leases | None = getattr(self.crawler.spider, "leases", None)
        lease = response.meta.get(LEASE) if response is not None else None
        if leases is None or lease is None:
            return None  # a start request's output, or a spider that is not a worker
        leases.hold(lease)
        return int(lease)
