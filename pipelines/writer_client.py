"""The crawl's side of the archive writer process (the default in ITEM_PIPELINES).

`ProcessArchivePipeline` is `pipelines.store.ArchivePipeline` with its writes sent to
`pipelines.writer` (a child process) instead of made here; the crawl process keeps a
read-only connection for what the spider asks of the frontier. What stays as it was:

- one writer: the crawl process opens the archive for writing only before the child
  starts (migrations, the ledger row, the frontier's recovery) and, should the child
  die, to close the ledger row;
- an article and its frontier entry are one transaction (the child's), and the child
  applies writes in the order the crawl made them;
- an item is done (and counted new/updated/unchanged, or dropped) when the child has
  committed it: Scrapy keeps its response in memory until then, which bounds the
  backlog by SCRAPER_SLOT_MAX_ACTIVE_SIZE;
- the end of the run waits for every write to be applied before the ledger row is
  closed; a full disk met by the child stops the crawl as before.

The child dies with this process (PR_SET_PDEATHSIG) and is reaped before it exits.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import protocol
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from crawler.extract.article import Article
from crawler.extract.errors import StorageError
from crawler.extract.urls import article_id_from_url
from crawler.protocol.exchange import Exchange
from crawler.protocol.frontier import Frontier, Listed, Pending, Revisit, Walk
from crawler.protocol.signals import captures_delegated, frontier_opened
from pipelines import messages as msg
from pipelines.frontier_store import FrontierStore
from pipelines.messages import HEADER, decode, frame
from pipelines.store import ArchivePipeline, days_since_new
from pipelines.warc_files import warc_directory

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WriterEnded:
    """Not sent by the child: its end, as this process sees it."""

    reason: Any


class WriterProcess(protocol.ProcessProtocol):
    """The child: operations out, replies in, and its end."""

    def __init__(self, on_reply: Any) -> None:
        self.on_reply = on_reply
        self.buffer = bytearray()
        self.sent = 0
        self.applied = 0
        self.ended: Deferred[None] = Deferred()
        self.alive = False
        self._drained: list[Deferred[None]] = []

    def start(self, path: str, site: str, crawl_id: int, max_attempts: int, warc: str,
              warc_max_size: int, niceness: int = 0) -> None:  # fmt: skip
        from twisted.internet import reactor as _reactor

        reactor: Any = _reactor  # IReactorProcess, which the reactor module does not say
        args = [sys.executable, "-m", "pipelines.writer", path, site, str(crawl_id),
                str(max_attempts), warc, str(warc_max_size), str(niceness),
                str(os.getpid())]  # fmt: skip
        reactor.spawnProcess(
            self, sys.executable, args, env=os.environ, childFDs={0: "w", 1: "r", 2: 2}
        )
        self.alive = True

    def send(self, op: msg.Operation) -> None:
        if not self.alive or self.transport is None:
            return  # the child died: the crawl is stopping, its writes are lost as on a kill
        self.sent += 1
        transport: Any = self.transport  # a process transport: it writes the child's stdin
        transport.write(frame(op))

    def drained(self) -> Deferred[None]:
        """Fires once the child has applied every operation sent so far (or died)."""
        if self.applied >= self.sent or not self.alive:
            return succeed(None)
        waiter: Deferred[None] = Deferred()
        self._drained.append(waiter)
        return waiter

    def close(self) -> Deferred[None]:
        """End of input: the child exits once it has applied everything."""
        if self.alive and self.transport is not None:
            transport: Any = self.transport
            transport.closeStdin()
        return self.ended

    def outReceived(self, data: bytes) -> None:
        self.buffer += data
        offset = 0
        while len(self.buffer) - offset >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buffer, offset)
            start = offset + HEADER.size
            if len(self.buffer) - start < size:
                break
            reply = decode(self.buffer[start : start + size])
            offset = start + size
            if isinstance(reply, msg.Applied):
                self.applied += reply.count
            else:
                self.on_reply(reply)
        del self.buffer[:offset]
        if self.applied >= self.sent:
            self._wake()

    def _wake(self) -> None:
        waiters, self._drained = self._drained, []
        for waiter in waiters:
            waiter.callback(None)

    def processEnded(self, reason: Failure) -> None:
        self.alive = False
        self._wake()
        self.ended.callback(None)
        self.on_reply(WriterEnded(reason.value))


class FrontierClient(Frontier):
    """The spider's frontier: reads from a read-only connection, writes to the child.

    Reads see what the child has committed. What the spider relies on within a run
    stays true: everything it queued is in its own `seen_ids`, and an article sent
    to the child counts as known and archived from the moment it is sent (it is, once
    the child commits it; if that fails the article is forgotten again here).
    """

    def __init__(self, reads: FrontierStore, writer: WriterProcess) -> None:
        self.reads = reads  # over the read-only connection
        self.writer = writer
        self.sent_articles: set[int] = set()

    # -- reads ------------------------------------------------------------------

    def pending(self) -> list[Pending]:
        return self.reads.pending()

    def revisits(self, since: datetime) -> list[Revisit]:
        return self.reads.revisits(since)

    def unfinished_walks(self) -> int:
        return self.reads.unfinished_walks()

    def known(self, ids: Iterable[int]) -> set[int]:
        wanted = set(ids)
        return self.reads.known(wanted) | (wanted & self.sent_articles)

    def archived(self, ids: Iterable[int]) -> set[int]:
        wanted = set(ids)
        return self.reads.archived(wanted) | (wanted & self.sent_articles)

    def archived_urls(self) -> list[str]:
        return self.reads.archived_urls()

    def walk(self, category: str) -> Walk | None:
        return self.reads.walk(category)

    def last_changed(self, ids: Iterable[int]) -> dict[int, str]:
        return self.reads.last_changed(ids)

    def sitemaps_read(self) -> dict[str, str | None]:
        return self.reads.sitemaps_read()

    # -- writes, made by the child -----------------------------------------------

    def add(self, entries: Sequence[Listed], category: str | None = None) -> None:
        if entries:
            self.writer.send(msg.QueueLinks(list(entries), category))

    def started(self, article_ids: Iterable[int]) -> None:
        ids = list(article_ids)
        if ids:
            self.writer.send(msg.MarkStarted(ids))

    def set_validators(
        self, article_id: int, url: str, etag: str | None, last_modified: str | None
    ) -> None:
        if etag or last_modified:
            self.writer.send(msg.SetValidators(article_id, url, etag, last_modified))

    def mark_failed(self, article_id: int, url: str, kind: str, message: str) -> None:
        self.writer.send(msg.MarkFailed(article_id, url, kind, message))

    def start_walk(self, category: str, url: str, until: str | None = None) -> Walk:
        self.writer.send(msg.StartWalk(category, url, until))
        return Walk(category, 1, url, until, False)

    def listing_read(
        self,
        category: str,
        page: int,
        entries: Sequence[Listed],
        *,
        new: Sequence[Listed] = (),
        walk_next: tuple[int, str | None] | None = None,
    ) -> None:
        self.writer.send(msg.ReadListing(category, page, list(entries), list(new), walk_next))

    def refetch(self, entries: Sequence[Listed]) -> None:
        if entries:
            self.writer.send(msg.Refetch(list(entries)))

    def sitemap_read(self, url: str, lastmod: str | None) -> None:
        self.writer.send(msg.SitemapRead(url, lastmod))


class ProcessArchivePipeline(ArchivePipeline):
    """ArchivePipeline whose writes are made by `pipelines.writer` in a child process."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.writer = WriterProcess(self.reply)
        self.reader: sqlite_utils.Database | None = None
        self.client: FrontierClient | None = None
        self.pending_items: deque[tuple[Article, Deferred[Any]]] = deque()
        self.writer_failed: str | None = None

    def open_spider(self) -> None:
        self.open_archive()
        assert self.archive is not None and self.frontier is not None
        assert self.crawl_id is not None
        site, attempts = self.frontier.site, self.frontier.max_attempts
        # Committed before the child starts: from here on it is the only writer.
        self.archive.close()
        self.archive = self.ops = None
        path = str(self.path)
        uri = f"file:{os.path.abspath(path)}?mode=ro"
        self.reader = sqlite_utils.Database(sqlite3.connect(uri, uri=True))
        settings = self.crawler.settings
        # The WARC records are written there too, when the extension is on (it says so
        # by taking the delegation).
        delegated = self.crawler.signals.send_catch_log(captures_delegated, send=self.exchange)
        warc = str(warc_directory(settings)) if delegated else ""
        warc_max_size = settings.getint("WARC_MAX_SIZE")
        niceness = settings.getint("WRITER_NICENESS")
        self.writer.start(path, site, self.crawl_id, attempts, warc, warc_max_size, niceness)
        reads = FrontierStore(self.reader, site, max_attempts=attempts)
        self.client = FrontierClient(reads, self.writer)
        self.frontier = None  # its connection is closed: the client answers from here on
        self.crawler.signals.send_catch_log(frontier_opened, frontier=self.client)

    # -- writes ---------------------------------------------------------------

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article) or self.client is None:
            return item
        stats = self.crawler.stats
        assert stats is not None
        if self.disk_full or not self.writer.alive:
            # Stopping: the article stays pending in the frontier for the next run.
            stats.inc_value("vnarchive/skipped_disk_full")
            return item
        done: Deferred[Any] = Deferred()
        self.pending_items.append((item, done))
        self.client.sent_articles.add(item.article_id)
        self.writer.send(msg.StoreArticle(item))
        return await maybe_deferred_to_future(done)

    def write_failure(self, url: str, kind: str, message: str) -> None:
        if self.client is not None and not self.disk_full and self.writer.alive:
            self.writer.send(msg.RecordFailure(url, kind, message))

    def exchange(self, exchange: Exchange) -> None:
        if self.client is not None and self.writer.alive:
            self.writer.send(msg.WriteWarc(exchange))

    def _removal(self, url: str, *, status: int, kind: str, location: str | None = None) -> None:
        if self.client is not None and article_id_from_url(url) is not None:
            self.writer.send(msg.RecordRemoval(url, status, kind, location))

    # -- replies --------------------------------------------------------------

    def reply(self, reply: msg.Reply | WriterEnded) -> None:
        stats = self.crawler.stats
        assert stats is not None
        match reply:
            case msg.ArticleStored(_, outcome):
                item, done = self.pending_items.popleft()
                stats.inc_value(f"vnarchive/articles_{outcome}")
                done.callback(item)
            case msg.ArticleSkipped():
                item, done = self._forget_pending()
                stats.inc_value("vnarchive/skipped_disk_full")
                done.callback(item)
            case msg.ArticleFailed(_, kind):
                item, done = self._forget_pending()
                stats.inc_value(f"vnarchive/errors/{kind}")
                if self.disk_full:
                    done.callback(item)  # stays pending in the frontier, as inline
                else:
                    done.errback(Failure(DropItem(f"article {item.article_id}: write failed")))
            case msg.ErrorRecorded(url, kind, message):
                # The child wrote the error row; the count is the crawl's.
                stats.inc_value("vnarchive/errors")
                logger.warning("%s: %s (%s)", url, message, kind)
            case msg.WarcWritten(record_type):
                stats.inc_value(f"vnarchive/warc/{record_type}")
            case msg.WarcFailed(url, message):
                # As the extension reports it in the single process.
                logger.error("WARC write failed for %s: %s", url, message)
                stats.inc_value("vnarchive/errors/warc")
                failure = f"WARC write failed: {message}"
                self.page_failed(url=url, kind="warc_write", message=failure)
            case msg.DiskFull(message):
                self._stop_disk_full(StorageError(message))
            case msg.RemovalRecorded(kind):
                stats.inc_value(f"vnarchive/removals/{kind}")
            case msg.WriteFailed(message):
                stats.inc_value("vnarchive/errors")
                stats.inc_value("vnarchive/errors/storage")
                logger.error("archive %s: a write failed: %s", self.path, message)
            case msg.WriterCpu(seconds):
                stats.set_value("vnarchive/writer_cpu_s", round(seconds, 3))
            case msg.RunFinished(error):
                self.finish_error = error
            case WriterEnded(reason):
                self._writer_ended(reason)

    def _forget_pending(self) -> tuple[Article, Deferred[Any]]:
        """The oldest item sent, which the child did not store: not known any more."""
        item, done = self.pending_items.popleft()
        assert self.client is not None
        self.client.sent_articles.discard(item.article_id)
        return item, done

    def _writer_ended(self, reason: Any) -> None:
        while self.pending_items:
            item, done = self.pending_items.popleft()
            done.callback(item)  # not archived: still in progress in the frontier
        if self.closing:
            return
        self.writer_failed = f"the archive writer process ended: {reason}"
        logger.error("archive %s: %s; stopping the crawl", self.path, self.writer_failed)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="writer_failed"))

    # -- the end --------------------------------------------------------------

    closing = False
    finish_error: str | None = None

    async def close_spider(self) -> None:
        # Inside Scrapy's elapsed time: the crawl is not over before its writes are.
        await maybe_deferred_to_future(self.writer.drained())

    async def spider_closed(self, spider: Any, reason: str) -> None:  # type: ignore[override]
        if self.client is None or self.crawl_id is None:
            return
        await maybe_deferred_to_future(self.writer.drained())
        assert self.reader is not None
        summary, fields = self.run_summary(spider, reason, days_since_new(self.reader, self.site))
        if self.writer_failed:
            summary["status"], summary["exit_code"] = "failed", 1
            fields.update(status="failed", exit_code=1)
        self.closing = True
        if self.writer.alive:
            self.writer.send(msg.FinishRun(fields))
            if self.merges_search(summary):
                self.writer.send(msg.MergeSearch(self.max_segments))
            await maybe_deferred_to_future(self.writer.drained())
            await maybe_deferred_to_future(self.writer.close())
            if not self.finish_error and self.writer.applied < self.writer.sent:
                self.finish_error = "the writer ended before recording it"
        else:
            self.finish_error = self._finish_here(fields)
        if self.finish_error:
            self.end_not_recorded(summary, self.finish_error)
        self.set_outcome(summary)
        self.reader.close()
        self.reader = self.client = None

    def _finish_here(self, fields: dict[str, Any]) -> str | None:
        """The writer is gone: this process is the only writer left, and closes the row."""
        from pipelines.archive import Archive

        assert self.crawl_id is not None
        try:
            with Archive(self.path) as archive:
                archive.finish_crawl(self.crawl_id, **fields)
        except (sqlite3.Error, StorageError) as error:
            return str(error)
        return None
