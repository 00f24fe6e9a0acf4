"""`vnarchive ingest --redis URL`: the archive's one writer in a distributed crawl."""

from __future__ import annotations

import signal
import sys
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

from crawler.extract.errors import RedisUnavailable, StorageError, WriterBusy
from pipelines.archive import Archive
from pipelines.redis_ingest import Ingest
from vnarchive.archive_path import BadArchive, check_archive, check_writable, fail
from vnarchive.lock import EXIT_ALREADY_RUNNING, AlreadyRunning, CrawlLock


def redacted(url: str) -> str:
    """The Redis URL without its password, for the ledger and the logs."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def run_ingest(*, redis_url: str, db: str, until_done: bool, lock_wait: float = 15.0) -> int:
    import redis

    if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
        return fail("ingest", f"not a Redis URL: {redis_url!r}")
    try:
        check_archive(db, must_exist=False)
        check_writable(db)
    except BadArchive as error:
        return fail("ingest", error)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True  # finish the batch in hand, acknowledge it, then leave

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=30)
    lock = CrawlLock(db)
    try:
        lock.acquire()
    except AlreadyRunning as error:
        return fail("ingest", error, EXIT_ALREADY_RUNNING)
    reason = "finished"
    try:
        with Archive(db) as archive:
            ingest = Ingest(server, archive, source=redacted(redis_url))
            try:
                ingest.acquire(wait_s=lock_wait)
                ingest.open()
                print(f"vnarchive ingest: writing {redacted(redis_url)} -> {db}", file=sys.stderr)
                ingest.run(until_done=until_done, stop=lambda: stopping)
            except WriterBusy as error:
                return fail("ingest", error, EXIT_ALREADY_RUNNING)
            except redis.exceptions.ConnectionError as error:
                reason = "redis_unavailable"
                fail("ingest", RedisUnavailable(str(error)))
            except StorageError as error:
                reason = error.kind
                fail("ingest", error)
            finally:
                if ingest.crawl_id is not None:
                    # Stopped by a signal is a clean end too: every batch read was acked.
                    ingest.close(reason)
            counts = ingest.counts
    finally:
        lock.release()
        server.close()
    print(
        f"ingest #{ingest.crawl_id}: {counts.get('messages', 0)} messages, "
        f"{counts.get('articles_new', 0)} new, {counts.get('articles_updated', 0)} updated, "
        f"{counts.get('articles_unchanged', 0)} unchanged, {counts.get('errors', 0)} errors "
        f"-> {db}",
        file=sys.stderr,
    )
    return 0 if reason == "finished" else 1
