"""scrapy-redis's scheduler, queue and dupefilter, adapted by thin subclasses.

What scrapy-redis 0.9.1 gives as is: the shared priority queue (a zset of pickled
requests) and the Redis set of fingerprints. What is adapted, and why:

- `LeasedPriorityQueue.pop` moves the request it pops into this worker's in-flight
  zset in the same Lua script (the stock pop only removes it), and makes sure the
  worker is a member: a worker killed with SIGKILL loses nothing, its leases are
  requeued by the others (`membership.py`).
- `LeasedPriorityQueue.push_unseen` claims a request's fingerprint and queues it in one
  Lua script. The stock scheduler sends the two commands apart: a worker killed between
  them left an article claimed, so every worker skipped it, and queued nowhere.
- `DistributedScheduler` releases a lease only when the request is finished (its
  callback done, its items handed to the queue, or its redirect/retry queued); keeps
  heartbeats; says "pending" while other workers still hold leases, instead of closing
  the moment the shared queue is empty; and avoids two calls Scrapy 2.19 warns about
  on every use: `stats.inc_value(..., spider=)` and `Spider.log()`.
- `ArticleDupeFilter` keys an article request by its id, so two workers that found
  one article under two URL forms fetch it once; other requests keep scrapy-redis's
  fingerprint. Its `close` keeps the set: it belongs to the crawl, not to one worker
  (the stock one deletes it, which would let a leaving worker reopen every URL).

Scrapy 2.19 with 0.9.1, checked: `from_crawler` and `open(spider)` are still called
as 0.9.1 expects; requests serialise with `Request.to_dict`; the dupefilter is built
by `from_spider` (our callbacks are spider methods, so they survive the pickling).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.distributed.membership import Membership
from crawler.protocol import redis_keys as keys

logger = logging.getLogger(__name__)

# request.meta key: the lease a popped request holds (copied into redirects/retries),
# or, on a request a callback yielded, the lease of its parent until it is queued.
LEASE = "vnarchive_lease"

# A worker that holds a lease is a member (SADD), even one a recovery took for dead
# and removed: else its lease would be invisible to `finished` and, were it killed,
# to `recover` until its next heartbeat.
_POP = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], top[2], top[1])
redis.call('SADD', KEYS[3], ARGV[1])
return top[1]
"""
# Claim the fingerprint and queue the request, or do neither (already claimed: 0).
_PUSH_UNSEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's PriorityQueue whose pop is a lease, not a removal."""

    membership: Membership | None = None

    def lease_to(self, membership: Membership) -> None:
        """Lease what this queue pops to `membership`'s worker."""
        self.membership = membership

    def pop_leased(self) -> tuple[Request, bytes] | None:
        m = self.membership
        if m is None:
            raise RuntimeError("lease_to() a worker's membership before popping")
        data = self.server.eval(_POP, 3, self.key, m.inflight, m.workers, m.worker)
        if not data:
            return None
        return self._decode_request(data), data

    def push_unseen(self, request: Request, seen_key: str, fingerprint: str) -> bool:
        """Queue `request` unless `fingerprint` is in the set `seen_key`; True if queued."""
        data = self._encode_request(request)  # a request that cannot be stored claims nothing
        added = self.server.eval(
            _PUSH_UNSEEN, 2, seen_key, self.key, fingerprint, -request.priority, data
        )
        return bool(added)

    def pop(self, timeout: int = 0) -> Request | None:
        raise NotImplementedError("use pop_leased(): a plain pop would lose a killed worker's work")


class Leases:
    """Per request popped: how many things must finish before it is done.

    1 for the callback (or errback), plus 1 per item it yielded until the pipelines
    are through with it. At 0 the request leaves the in-flight zset.
    """

    def __init__(self, server: Any, inflight_key: str) -> None:
        self.server = server
        self.inflight_key = inflight_key
        self.next_id = 0
        self.open: dict[int, list[Any]] = {}  # lease -> [count, serialised request]

    def take(self, data: bytes) -> int:
        self.next_id += 1
        self.open[self.next_id] = [1, data]
        return self.next_id

    def hold(self, lease: int | None) -> None:
        if lease in self.open:
            self.open[lease][0] += 1

    def release(self, lease: int | None) -> None:
        entry = self.open.get(lease) if lease is not None else None
        if entry is None:
            return
        entry[0] -= 1
        if entry[0] <= 0:
            del self.open[lease]  # type: ignore[arg-type]
            self.server.zrem(self.inflight_key, entry[1])

    def forget(self) -> int:
        count = len(self.open)
        self.open.clear()
        return count


class ArticleDupeFilter(RFPDupeFilter):
    def request_fingerprint(self, request: Request) -> str:
        article_id = request.meta.get("article_id")
        # A redirect keeps the article's meta; it must not be taken for its own original.
        meta = request.meta
        if article_id is not None and not meta.get("revisit") and not meta.get("redirect_urls"):
            return keys.article_fingerprint(int(article_id))
        return str(super().request_fingerprint(request))

    def close(self, reason: str = "") -> None:
        pass  # the fingerprints belong to the crawl; Membership.begin clears them


class DistributedScheduler(Scheduler):
    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.worker = settings.get("REDIS_WORKER_ID")
        scheduler.ttl = settings.getfloat("REDIS_WORKER_TTL")
        scheduler.tick_s = settings.getfloat("REDIS_TICK")
        scheduler.stuck_s = settings.getfloat("REDIS_STUCK_AFTER")
        return scheduler

    def open(self, spider: Any) -> None:
        self.membership = Membership(self.server, spider.name, self.worker, ttl=self.ttl)
        fresh = self.membership.begin()
        # What Scheduler.open does, without its `spider.log()` (deprecated in Scrapy 2.19):
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer,
        )  # fmt: skip
        if not getattr(self, "df", None):
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self.queue.lease_to(self.membership)
        self.leases = Leases(self.server, self.membership.inflight)
        spider.leases = self.leases
        self.membership.join()
        recovered = self.membership.recover()
        self._count("redis/recovered", recovered)
        logger.info(
            "worker %s %s the crawl of %s (%d queued, %d recovered from dead workers)",
            self.worker, "begins" if fresh else "joins", spider.name, len(self.queue), recovered,
        )  # fmt: skip
        self._pending = True
        self._checked = 0.0
        self._idle_since: float | None = None
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(self.tick_s, now=False)

    def close(self, reason: str) -> None:
        if self._loop.running:
            self._loop.stop()
        leaked = self.leases.forget()
        requeued = self.membership.leave()
        if requeued or leaked:
            # Finished requests are never in here: what is left goes back, to be safe.
            logger.warning("worker %s: %d leases requeued at close", self.worker, requeued)
        self._count("redis/requeued_at_close", requeued)

    def enqueue_request(self, request: Request) -> bool:
        parent = request.meta.pop(LEASE, None)
        try:
            if request.dont_filter:
                self.queue.push(request)
            elif not self.queue.push_unseen(
                request, self.df.key, self.df.request_fingerprint(request)
            ):
                self.df.log(request, self.spider)
                return False
            self._count("scheduler/enqueued/redis")
            return True
        finally:
            # The hold of the request whose output this is (`holds.py`), or of the one a
            # redirect or a retry replaces: done once this one is in the queue (or known
            # to the dupefilter).
            self.leases.release(parent)

    def next_request(self) -> Request | None:
        popped = self.queue.pop_leased()
        if popped is None:
            return None
        request, data = popped
        request.meta[LEASE] = self.leases.take(data)
        self._count("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if len(self.queue) > 0:
            return True
        # Asked only when this engine is idle: throttle the Redis round trips.
        now = time.monotonic()
        if now - self._checked >= self.tick_s:
            self._checked = now
            self.membership.recover()
            self._pending = not self.membership.finished()
            self._unstick(now)
        return self._pending

    def _unstick(self, now: float) -> None:
        """Own leases while the engine is idle would be a leak in the lease accounting;
        never release them (that could lose work): requeue them after REDIS_STUCK_AFTER."""
        if not self.leases.open:
            self._idle_since = None
            return
        self._idle_since = self._idle_since or now
        if now - self._idle_since >= self.stuck_s:
            count = self.leases.forget()
            self.membership.requeue(self.worker)
            logger.error("worker %s: %d leases idle for %.0f s, requeued", self.worker,
                         count, self.stuck_s)  # fmt: skip
            self._count("redis/stuck_requeued", count)
            self._idle_since = None

    def _tick(self) -> None:
        try:
            self.membership.beat()
            recovered = self.membership.recover()
            self._count("redis/recovered", recovered)
            if recovered or len(self.queue) > 0:
                self._wake()
        except Exception as error:  # a Redis hiccup must not stop the heartbeat loop
            logger.warning("worker %s: heartbeat failed: %s", self.worker, error)

    def _wake(self) -> None:
        # The engine polls an empty scheduler only every 5 s (its slot heartbeat), and
        # Scrapy has no public call to poll sooner: ask its next-call once, if present.
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def _count(self, key: str, value: int = 1) -> None:
        if self.stats is not None and value:
            self.stats.inc_value(key if key.startswith("scheduler/") else f"vnarchive/{key}", value)
