"""The archive's one writer, in a process of its own: `python -m pipelines.writer`.

A crawl on 2 cores was CPU-bound in one process: fetching and parsing, and then every
SQLite write (an article with both search indexes, its images, its frontier entry; a
capture row; frontier changes) on the same core. With `ProcessArchivePipeline` (the
default in ITEM_PIPELINES) the crawl (`pipelines.writer_client`) sends each write to
this process instead, over its standard input, and goes on; this process applies them
in the order they were made, each in the transaction it had in the crawl process: an
article and its frontier entry together. So the archive holds, at any moment, a prefix
of the crawl's writes, and a SIGKILL of the crawl (which takes this process with it)
leaves what a SIGKILL of the single process left: the frontier still says what is
missing.

It is still one writer: the crawl process only reads the archive. It dies with the
crawl (PR_SET_PDEATHSIG) and ends at the end of its input.

Frames, both ways: 4-byte big-endian length, then a pickle. In: operations, the
typed records of `pipelines.messages`, each applied to `pipelines.ops.ArchiveOps`
(the write rules every transport shares). Out: replies the crawl turns into stats,
errors and its stop on a full disk (`Applied(n)` after each batch of input, so the
crawl knows the backlog).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

from crawler.extract.article import Article
from crawler.extract.errors import StorageError, is_disk_full
from crawler.protocol.exchange import Exchange
from pipelines.archive import Archive
from pipelines.immediate import begin_immediate
from pipelines.messages import (
    HEADER,
    Applied,
    ArticleFailed,
    ArticleSkipped,
    ArticleStored,
    DiskFull,
    ErrorRecorded,
    FinishRun,
    MarkFailed,
    MarkStarted,
    MergeSearch,
    Operation,
    QueueLinks,
    ReadListing,
    RecordCapture,
    RecordFailure,
    RecordRemoval,
    Refetch,
    RemovalRecorded,
    Reply,
    RunFinished,
    SetValidators,
    SitemapRead,
    StartWalk,
    StoreArticle,
    WarcFailed,
    WarcWritten,
    WriteFailed,
    WriterCpu,
    WriteWarc,
    decode,
    frame,
)
from pipelines.ops import ArchiveOps
from pipelines.warc_files import WarcRecorder

# Operations per transaction at most (see `serve`).
BATCH_MAX = 200


class Writer:
    """Applies the crawl's operations (`pipelines.messages`) to the archive through
    `ArchiveOps`; returns the replies they need."""

    def __init__(
        self,
        archive: Archive,
        site: str,
        crawl_id: int,
        max_attempts: int,
        *,
        warc_dir: str = "",
        warc_max_size: int = 0,
    ) -> None:
        self.archive = archive
        # The WARC extension's recorder, here: its revisit lookups read this connection.
        self.recorder: WarcRecorder | None = None
        if warc_dir:
            self.recorder = WarcRecorder(
                Path(warc_dir), archive.path, max_size=warc_max_size,
                connect=lambda: archive.db.conn,
            )  # fmt: skip
        self.crawl_id = crawl_id
        self.ops = ArchiveOps(archive, crawl_id, site, max_attempts=max_attempts)
        self.disk_full = False

    def apply(self, op: Operation) -> list[Reply]:
        try:
            return self.dispatch(op)
        except sqlite3.Error as error:
            # In the single process, such a write raised in a spider callback or a
            # signal handler: logged and counted, and the crawl went on.
            if is_disk_full(error):
                return self._full(error)
            return [WriteFailed(f"{_name(op)}: {type(error).__name__}: {error}")]

    def dispatch(self, op: Operation) -> list[Reply]:
        """One operation. After a full disk, writes are dropped (the crawl is stopping
        and what they concern stays pending); the end of the run is still recorded."""
        ops = self.ops
        match op:
            case StoreArticle(article):
                return self.article(article)
            case FinishRun(fields):
                return self.finish(fields)
            case WriteWarc(exchange):
                return self.warc(exchange)  # the WARC file is written whatever the disk
            case _ if self.disk_full:
                return []
            case RecordCapture(capture):
                return self.capture(capture)
            case RecordFailure(url, kind, message):
                return self.failed(url, kind, message)
            case RecordRemoval(url, status, kind, location):
                return _removal(ops.removal(url, status, kind, location))
            case QueueLinks(entries, category):
                ops.queue(entries, category)
            case MarkStarted(article_ids):
                ops.started(article_ids)
            case SetValidators(article_id, url, etag, last_modified):
                ops.validators(article_id, url, etag, last_modified)
            case MarkFailed(article_id, url, kind, message):
                ops.frontier_failed(article_id, url, kind, message)
            case StartWalk(category, url, until):
                ops.walk(category, url, until)
            case ReadListing(category, page, entries, new, walk_next):
                ops.listing(category, page, entries, new=new, walk_next=walk_next)
            case MergeSearch(max_segments):
                ops.merge_search(max_segments)
            case Refetch(entries):
                ops.refetch(entries)
            case SitemapRead(url, lastmod):
                ops.sitemap_read(url, lastmod)
            case _:
                raise TypeError(f"not a writer operation: {op!r}")
        return []

    def apply_batch(self, ops: list[Operation]) -> list[Reply]:
        """Operations that arrived together, in one transaction: each keeps its own
        (a savepoint, rolled back alone on its own error), and the batch is one commit.
        A kill loses at most the batch, which leaves the archive as the crawl's writes
        up to the batch before it: what is missing is still in the frontier. Replies go
        out only once the batch is committed."""
        conn = self.archive.db.conn
        was_full = self.disk_full
        replies: list[Reply] = []
        try:
            # The write lock first: another site's crawl may be writing this archive.
            begin_immediate(conn)
            # The batch's articles are indexed together, at its end: see deferred_indexing.
            with self.archive.deferred_indexing():
                for op in ops:
                    replies += self.apply(op)
                if self.disk_full and not was_full:
                    message = next(r.message for r in replies if isinstance(r, DiskFull))
                    raise sqlite3.OperationalError(message)
            conn.execute("COMMIT")
        except (sqlite3.Error, StorageError) as error:
            # A full disk (SQLite may have undone the whole transaction already): none
            # of the batch is archived; its articles stay pending for the next run.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if not is_disk_full(error):
                raise
            self.disk_full = True
            return [*_undone(replies, str(error)), DiskFull(str(error))]
        return replies

    def _full(self, error: BaseException) -> list[Reply]:
        self.disk_full = True
        return [DiskFull(str(error))]

    def article(self, item: Article) -> list[Reply]:
        if self.disk_full:
            return [ArticleSkipped(item.article_id)]
        try:
            outcome = self.ops.article(item)
        except StorageError as error:
            if is_disk_full(error):
                return [ArticleFailed(item.article_id, error.kind), *self._full(error)]
            return [
                ArticleFailed(item.article_id, error.kind),
                *self.failed(item.url, error.kind, str(error)),
                ErrorRecorded(item.url, error.kind, str(error)),
            ]
        return [ArticleStored(item.article_id, outcome)]

    def capture(self, capture: dict[str, Any]) -> list[Reply]:
        if self.disk_full:
            return []
        try:
            self.ops.capture(capture)
        except StorageError as error:
            if is_disk_full(error):
                return self._full(error)
            return [*self.failed(capture["url"], error.kind, str(error)),
                    ErrorRecorded(capture["url"], error.kind, str(error))]  # fmt: skip
        return []

    def warc(self, exchange: Exchange) -> list[Reply]:
        """What the WARC extension does in the single process: the records, then the
        index row (a record not written is an error of the run)."""
        assert self.recorder is not None
        try:
            capture = self.recorder.record(exchange)
        except OSError as error:
            return [WarcFailed(exchange.uri, str(error))]
        return [WarcWritten(capture["record_type"]), *self.capture(capture)]

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close(connection=False)

    def failed(self, url: str, kind: str, message: str) -> list[Reply]:
        """What `ArchivePipeline.page_failed` writes (`ArchiveOps.failure`)."""
        if self.disk_full:
            return []
        return _removal(self.ops.failure(url, kind, message))

    def finish(self, fields: dict[str, Any]) -> list[Reply]:
        # This process's CPU time so far goes into the run's stats: a crawl's CPU is
        # both processes'.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = round(usage.ru_utime + usage.ru_stime, 3)
        if isinstance(fields.get("stats"), dict):
            fields = {**fields, "stats": {**fields["stats"], "vnarchive/writer_cpu_s": cpu}}
        try:
            self.ops.finish(fields)
        except sqlite3.Error as error:
            return [WriterCpu(cpu), RunFinished(str(error))]
        return [WriterCpu(cpu), RunFinished(None)]


def _removal(kind: str | None) -> list[Reply]:
    return [] if kind is None else [RemovalRecorded(kind)]


def _name(op: Any) -> str:
    return type(op).__name__


def _undone(replies: list[Reply], error: str) -> list[Reply]:
    """The replies of a batch that was rolled back: its articles were not stored."""
    undone: list[Reply] = []
    for reply in replies:
        if isinstance(reply, ArticleStored | ArticleFailed | ArticleSkipped):
            undone.append(ArticleSkipped(reply.article_id))
        elif isinstance(reply, RunFinished):
            undone.append(RunFinished(error))
    return undone


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when the crawl process dies (Linux); a crawl killed before
    this line ran is seen by the parent check."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the end of input still ends this process
    if os.getppid() != parent:
        os._exit(1)


def lower_priority(niceness: int) -> None:
    """Run `niceness` steps below the crawl's CPU priority (WRITER_NICENESS).

    On a busy machine the crawl process is the one that keeps the pages coming; the
    writer works through what they yield, and a writer that falls behind only makes
    items wait (Scrapy keeps at most SCRAPER_SLOT_MAX_ACTIVE_SIZE of their responses
    before it pauses the downloads). Measured on the 2-core bench machine, where the
    crawl, the writer and the replica share the cores (bench/CHANGES.md)."""
    if niceness > 0:
        # Lowering one's own priority is always allowed on Linux; elsewhere (no
        # os.nice) the writer keeps the crawl's priority, as with 0.
        with contextlib.suppress(OSError, AttributeError):
            os.nice(niceness)


def serve(writer: Writer, source: int, sink: int) -> None:
    buffer = bytearray()
    while True:
        chunk = os.read(source, 1 << 20)
        if not chunk:
            return
        buffer += chunk
        ops: list[Operation] = []
        offset = 0
        while len(buffer) - offset >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer, offset)
            if len(buffer) - offset - HEADER.size < size:
                break
            start = offset + HEADER.size
            ops.append(decode(buffer[start : start + size]))
            offset = start + size
        del buffer[:offset]
        # What arrived while the last batch was written makes the next batch: one
        # op when the writer keeps up, more (fewer commits per op) when it falls behind.
        for first in range(0, len(ops), BATCH_MAX):
            batch = ops[first : first + BATCH_MAX]
            replies = [*writer.apply_batch(batch), Applied(len(batch))]
            _write_all(sink, b"".join(frame(r) for r in replies))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def main(argv: list[str]) -> int:
    path, site, crawl_id, max_attempts, warc_dir, warc_max_size, niceness, parent = argv
    die_with_parent(int(parent))
    lower_priority(int(niceness))
    # The crawl's Ctrl-C, or a service manager's SIGTERM to the whole group, reaches this
    # process too: the crawl decides when it stops (by closing its input), so what it
    # sent is committed before it ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    archive = Archive(path)
    writer = Writer(
        archive, site, int(crawl_id), int(max_attempts), warc_dir=warc_dir,
        warc_max_size=int(warc_max_size),
    )  # fmt: skip
    try:
        serve(writer, 0, 1)
    finally:
        writer.close()
        archive.close()

    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
