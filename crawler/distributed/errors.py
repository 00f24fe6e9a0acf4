"""The distributed mode's own failures (each one a crawl stat and, where a page is
concerned, a `crawl_errors` row written by the ingest)."""

from __future__ import annotations

from crawler.extract.errors import VnarchiveError


class DistributedError(VnarchiveError):
    kind = "distributed"


class RedisUnavailable(DistributedError):
    """No Redis to talk to: not installed, not started, or not answering."""

    kind = "redis_unavailable"


class WriterBusy(DistributedError):
    """Another `vnarchive ingest` holds the writer lock of this Redis crawl."""

    kind = "writer_busy"


class BadMessage(DistributedError):
    """A queue message the ingest cannot read (unknown kind, broken JSON, bad record)."""

    kind = "bad_message"
