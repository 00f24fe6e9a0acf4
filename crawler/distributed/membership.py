"""Workers joining, leaving and dying; when a distributed crawl has ended.

A worker announces itself in `S:workers` and keeps `S:alive:<w>` alive with a TTL
(REDIS_WORKER_TTL). Whatever a worker popped from the queue stays in its
`S:inflight:<w>` until it has finished with it (`scheduler.Leases`). A worker whose
heartbeat expired (SIGKILL, a lost machine) is dead: any live worker moves its
in-flight requests back into the queue and removes it from `S:workers`, in one Lua
script, so nothing it held is lost and two workers recovering at once cannot duplicate
anything (a zset holds each serialised request once). A worker that was only slow
pops again, and the pop's script makes it a member again: a non-empty in-flight set
always belongs to a member.

The crawl has ended when the queue and every member's in-flight set are empty at the
same instant (checked in one Lua script): no request is anywhere, and none can appear,
because the requests a callback yields are queued before its lease is released
(`holds.py`). `S:done` records it; the first worker started after that begins the next
crawl with a clean dupefilter.
"""

from __future__ import annotations

from typing import Any

from crawler.protocol import redis_keys as keys

# Queue empty and no worker holding a lease: the crawl is over (sets S:done).
_FINISHED = """
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('ZCARD', ARGV[1] .. w) > 0 then return 0 end
end
redis.call('SET', KEYS[3], '1')
return 1
"""
# A dead worker's leases go back to the queue and it leaves the members, at once: a
# worker found alive again in between (its heartbeat came back) is left alone.
_RECOVER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local count = redis.call('ZCARD', KEYS[2])
if count > 0 then
  redis.call('ZUNIONSTORE', KEYS[3], 2, KEYS[3], KEYS[2], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[2])
end
redis.call('SREM', KEYS[4], ARGV[1])
return count
"""
# A worker starting after the end begins a new crawl: forget what the last one saw.
_BEGIN = """
if redis.call('GET', KEYS[1]) then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return 1
end
return 0
"""


class Membership:
    def __init__(self, server: Any, spider: str, worker: str, *, ttl: float = 10.0) -> None:
        self.server = server
        self.spider = spider
        self.worker = worker
        self.ttl_ms = int(ttl * 1000)
        self.queue = keys.spider_key(spider, "requests")
        self.workers = keys.spider_key(spider, "workers")
        self.done = keys.spider_key(spider, "done")
        self.inflight = keys.inflight_key(spider, worker)
        self._finished = server.register_script(_FINISHED)
        self._recover = server.register_script(_RECOVER)
        self._begin = server.register_script(_BEGIN)

    def begin(self) -> bool:
        """Join the running crawl, or begin a new one if the last has ended (True)."""
        dupefilter = keys.spider_key(self.spider, "dupefilter")
        entered = keys.spider_key(self.spider, "entered")
        return bool(self._begin(keys=[self.done, dupefilter, entered]))

    def join(self) -> None:
        self.beat()

    def beat(self) -> None:
        # A busy worker whose heartbeat lapsed may have been taken for dead and dropped
        # from S:workers: each beat puts it back, or its later leases would be invisible
        # to `finished` and, were it killed, to `recover`.
        pipe = self.server.pipeline(transaction=True)
        pipe.sadd(self.workers, self.worker)
        pipe.set(keys.alive_key(self.spider, self.worker), "1", px=self.ttl_ms)
        pipe.execute()

    def leave(self) -> int:
        """Clean exit: anything still leased goes back to the queue; returns how much."""
        left = self.requeue(self.worker)
        self.server.srem(self.workers, self.worker)
        self.server.delete(keys.alive_key(self.spider, self.worker))
        return left

    def requeue(self, worker: str) -> int:
        inflight = keys.inflight_key(self.spider, worker)
        pipe = self.server.pipeline(transaction=True)
        pipe.zcard(inflight)
        # MIN: a request both queued and leased keeps the better (lower) score.
        pipe.zunionstore(self.queue, [self.queue, inflight], aggregate="MIN")
        pipe.delete(inflight)
        count, *_ = pipe.execute()
        return int(count)

    def recover(self) -> int:
        """Requeue the leases of dead workers; returns how many requests came back."""
        recovered = 0
        for raw in self.server.smembers(self.workers):
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            if worker == self.worker or self.server.exists(keys.alive_key(self.spider, worker)):
                continue
            moved = self._recover(
                keys=[keys.alive_key(self.spider, worker), keys.inflight_key(self.spider, worker),
                      self.queue, self.workers],
                args=[worker],
            )  # fmt: skip
            recovered += max(int(moved), 0)
        return recovered

    def finished(self) -> bool:
        prefix = keys.inflight_key(self.spider, "")
        return bool(self._finished(keys=[self.queue, self.workers, self.done], args=[prefix]))
