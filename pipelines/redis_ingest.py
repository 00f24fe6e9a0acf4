"""The writer's side of the item queue: `vnarchive ingest`, the archive's only writer.

It reads the stream with the consumer group `writer`, applies a batch of messages in
one SQLite transaction, and only then acknowledges (XACK) and deletes them. A writer
killed at any point loses nothing: unacknowledged messages are delivered again. To
make a redelivery harmless (a kill between the commit and the XACK), the id of the last
message applied is stored in the archive in the same transaction (`redis_ingest`
table) and anything at or below it is acknowledged without being applied again; the
upserts are idempotent by (site, article_id) and content hash besides.

One writer at a time: `vnarchive:writer` is a lock with a TTL, refreshed while the
writer lives (a killed writer's lock expires after REDIS_WRITER_TTL seconds), and the
archive's own flock (vnarchive/lock.py) keeps a single-machine crawl out.

Each ingest session is one `crawls` row (spider `ingest`); each worker run that ended
cleanly sends its stats, which become a `crawls` row of its own (`spider@worker`).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from crawler.extract.article import Article
from crawler.extract.errors import BadMessage, StorageError, WriterBusy
from crawler.protocol import redis_keys as keys
from crawler.protocol.frontier import Listed
from pipelines.archive import Archive
from pipelines.fts import DEFAULT_MAX_SEGMENTS
from pipelines.ops import ArchiveOps

logger = logging.getLogger(__name__)

_REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


def stream_id(value: str) -> tuple[int, int]:
    ms, _, seq = value.partition("-")
    return int(ms), int(seq or 0)


class Ingest:
    def __init__(
        self,
        server: Any,
        archive: Archive,
        *,
        source: str = "redis",
        batch: int = 200,
        block_ms: int = 1000,
        lock_ttl: float = 10.0,
    ) -> None:
        self.server = server
        self.archive = archive
        self.source = source
        self.batch = batch
        self.block_ms = block_ms
        self.lock_ttl_ms = int(lock_ttl * 1000)
        self.token = uuid.uuid4().hex
        self.crawl_id: int | None = None
        self.ops: ArchiveOps | None = None
        self.counts: dict[str, int] = {}
        self.seen_work = False
        self._refresh = server.register_script(_REFRESH)

    # -- life ---------------------------------------------------------------

    def acquire(self, wait_s: float = 0.0) -> None:
        deadline = time.monotonic() + wait_s
        while not self.server.set(keys.WRITER_LOCK, self.token, nx=True, px=self.lock_ttl_ms):
            if time.monotonic() >= deadline:
                holder = self.server.get(keys.WRITER_LOCK)
                raise WriterBusy(f"another vnarchive ingest holds {keys.WRITER_LOCK} ({holder!r})")
            time.sleep(0.2)

    def open(self) -> None:
        # The `redis_ingest` table is the archive's (schema version 6, pipelines.schema).
        try:
            self.server.xgroup_create(keys.STREAM, keys.GROUP, id="0", mkstream=True)
        except Exception as error:  # BUSYGROUP: it exists, from an earlier writer
            if "BUSYGROUP" not in str(error):
                raise
        self.crawl_id = self.archive.start_crawl(spider="ingest", start_url=self.source)
        # Several sites may share the queue: each write names its own.
        self.ops = ArchiveOps(self.archive, self.crawl_id, None)
        self._load_archived()

    def _load_archived(self) -> None:
        """Tell the workers exactly what this archive holds: each site's set is built
        aside and renamed into place, and sets of sites it lacks are dropped (another
        archive may have used this Redis before)."""
        loading: set[str] = set()
        chunk: dict[str, list[int]] = {}

        def flush(site: str) -> None:
            key = keys.archived_key(site) + ":loading"
            if site not in loading:
                self.server.delete(key)
                loading.add(site)
            self.server.sadd(key, *chunk.pop(site))

        for site, article_id in self.archive.db.execute("SELECT site, article_id FROM articles"):
            chunk.setdefault(site, []).append(int(article_id))
            if len(chunk[site]) >= 10_000:
                flush(site)
        for site in list(chunk):
            flush(site)
        fresh = {keys.archived_key(site) for site in loading}
        for key in self.server.scan_iter(keys.archived_key("*")):
            name = _text(key)
            if name not in fresh and not name.endswith((":loading", ":ready")):
                self.server.delete(name)
        for name in fresh:
            self.server.rename(name + ":loading", name)
        self.server.set(f"{keys.PREFIX}:archived:ready", "1")

    def close(self, reason: str = "finished") -> None:
        if self.ops is not None:
            errors = self.counts.get("errors", 0)
            self.ops.finish({
                "status": "ok" if reason == "finished" else "failed",
                "exit_code": 0 if reason == "finished" else 1, "finish_reason": reason,
                "articles_new": self.counts.get("articles_new", 0),
                "articles_updated": self.counts.get("articles_updated", 0),
                "articles_unchanged": self.counts.get("articles_unchanged", 0),
                "errors": errors, "pages_fetched": self.counts.get("captures", 0),
                "stats": {f"vnarchive/ingest/{k}": v for k, v in sorted(self.counts.items())},
            })  # fmt: skip
            if reason == "finished" and self.counts.get("articles_new", 0) + self.counts.get(
                "articles_updated", 0
            ):
                self.ops.merge_search(DEFAULT_MAX_SEGMENTS)
        if self.server.get(keys.WRITER_LOCK) == self.token.encode():
            self.server.delete(keys.WRITER_LOCK)

    def run(self, *, until_done: bool = False, stop: Callable[[], bool] = lambda: False) -> None:
        self.step(pending=True)  # what a dead writer read and never acknowledged
        while not stop():
            applied = self.step()
            if until_done and not applied and self.crawl_finished():
                self.step(pending=True)
                return

    def crawl_finished(self) -> bool:
        """Every crawl on this Redis has ended, no worker is alive, nothing is unread."""
        alive = next(self.server.scan_iter(f"{keys.PREFIX}:*:alive:*", count=1000), None)
        if alive is not None:
            self.seen_work = True
            return False
        done = next(self.server.scan_iter(f"{keys.PREFIX}:*:done", count=1000), None)
        info = self.server.xinfo_groups(keys.STREAM)
        group = next((g for g in info if _text(g["name"]) == keys.GROUP), None)
        drained = group is not None and not group["pending"] and not self._unread(group)
        return done is not None and drained and self.seen_work

    def _unread(self, group: dict[Any, Any]) -> bool:
        """Messages the group has not delivered yet.

        XINFO's lag is nil when Redis cannot count it (entries deleted after one still
        kept): then the newest message's id is compared with the last delivered one.
        """
        if group.get("lag") is not None:
            return bool(group["lag"])
        newest = self.server.xrevrange(keys.STREAM, count=1)
        delivered = stream_id(_text(group["last-delivered-id"]))
        return bool(newest) and stream_id(_text(newest[0][0])) > delivered

    # -- one batch ------------------------------------------------------------

    def step(self, *, pending: bool = False) -> int:
        """Read, apply and acknowledge one batch; returns how many were applied."""
        if not self._refresh(keys=[keys.WRITER_LOCK], args=[self.token, self.lock_ttl_ms]):
            raise WriterBusy("the writer lock was lost (expired or taken): stopping")
        reply = self.server.xreadgroup(
            keys.GROUP, "writer", {keys.STREAM: "0" if pending else ">"},
            count=self.batch, block=None if pending else self.block_ms,
        )  # fmt: skip
        entries = reply[0][1] if reply else []
        if not entries:
            return 0
        self.seen_work = True
        ids = [_text(message_id) for message_id, _ in entries]
        applied, archived = 0, []
        # One commit for the batch, its articles indexed together at its end.
        with self.archive.db.atomic(), self.archive.deferred_indexing():
            last = self._last_id()
            for message_id, fields in entries:
                if last is not None and stream_id(_text(message_id)) <= stream_id(last):
                    continue  # committed by a writer that died before its XACK
                archived.extend(self._apply(fields))
                applied += 1
            self._set_last_id(max(ids, key=stream_id))
        # Committed: now, and only now, tell the workers and release the messages.
        for site, article_id in archived:
            self.server.sadd(keys.archived_key(site), article_id)
        # Acknowledged and deleted together (MULTI/EXEC): a writer killed between the two
        # left an acknowledged message in the stream for good.
        release = self.server.pipeline(transaction=True)
        release.xack(keys.STREAM, keys.GROUP, *ids)
        release.xdel(keys.STREAM, *ids)
        release.execute()
        self._inc("messages", len(entries))
        return applied

    def _last_id(self) -> str | None:
        row = self.archive.db.execute(
            "SELECT last_id FROM redis_ingest WHERE stream = ?", (keys.STREAM,)
        ).fetchone()
        return row[0] if row else None

    def _set_last_id(self, last: str) -> None:
        self.archive.db.execute(
            "INSERT INTO redis_ingest (stream, last_id, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(stream) DO UPDATE SET last_id = excluded.last_id, "
            "updated_at = excluded.updated_at",
            (keys.STREAM, last, datetime.now().astimezone().isoformat()),
        )

    def _apply(self, fields: dict[Any, Any]) -> list[tuple[str, int]]:
        kind = _text(fields.get(b"kind", b""))
        worker = _text(fields.get(b"worker", b"?"))
        try:
            data = json.loads(fields[b"data"])
            if kind == "article":
                return self._article(data)
            handler = {"error": self._error, "capture": self._capture,
                       "listing": self._listing, "refetch": self._refetch}.get(kind)  # fmt: skip
            if kind == "run":
                self._run(worker, data)
            elif handler is None:
                raise BadMessage(f"unknown message kind {kind!r} from {worker}")
            else:
                handler(data)
        except StorageError as error:
            self._inc("errors")
            self.archive.record_error(self.crawl_id, url="", kind=error.kind, message=str(error))
        except (BadMessage, KeyError, ValueError, TypeError) as error:
            # A message that cannot be read is recorded and skipped: it must not block
            # the queue for everything behind it.
            self._inc("errors")
            self._inc("bad_messages")
            self.archive.record_error(self.crawl_id, url="", kind=BadMessage.kind,
                                      message=f"{kind} from {worker}: {error}")  # fmt: skip
        return []

    # Each message, as `pipelines.ops.ArchiveOps` writes it (the rules every transport
    # shares); the counts are this ingest's.

    def _article(self, data: dict[str, Any]) -> list[tuple[str, int]]:
        article = Article.from_record(data["record"])
        assert self.ops is not None
        outcome = self.ops.article(
            article, site=article.site, seen_at=datetime.fromisoformat(data["fetched_at"]),
            validators=(data.get("etag"), data.get("last_modified")),
        )  # fmt: skip
        self._inc(f"articles_{outcome}")
        return [(article.site, article.article_id)]

    def _error(self, data: dict[str, Any]) -> None:
        self._inc("errors")
        assert self.ops is not None
        if self.ops.failure(data["url"], data["kind"], data["message"], site=data["site"]):
            self._inc("removals")

    def _capture(self, data: dict[str, Any]) -> None:
        self._inc("captures")
        assert self.ops is not None
        self.ops.capture(data)

    def _listing(self, data: dict[str, Any]) -> None:
        entries = [_listed(row) for row in data["entries"]]
        new = [_listed(row) for row in data["new"]]
        page = None if data["page"] is None else int(data["page"])
        assert self.ops is not None
        self.ops.listing(data["category"], page, entries, new=new, site=data["site"])

    def _refetch(self, data: dict[str, Any]) -> None:
        assert self.ops is not None
        self.ops.refetch([_listed(row) for row in data["entries"]], site=data["site"])

    def _run(self, worker: str, data: dict[str, Any]) -> None:
        assert self.ops is not None
        self.ops.worker_run(worker, data)
        self._inc("worker_runs")

    def _inc(self, key: str, value: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + value


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _listed(row: list[Any]) -> Listed:
    """A listed article as a worker sent it: [id, url, day] (and, since discovery by
    sitemaps and feeds, its change date)."""
    article_id, url, day, *rest = row
    return Listed(int(article_id), url, day, rest[0] if rest else None)
