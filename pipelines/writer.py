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

Frames, both ways: 4-byte big-endian length, then a pickle. In: operations (tuples,
see `Writer.apply`). Out: replies the crawl turns into stats, errors and its stop on
a full disk (`("applied", n)` after each batch of input, so the crawl knows the
backlog).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import resource
import signal
import sqlite3
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.extract.errors import StorageError, is_disk_full
from crawler.extract.urls import article_id_from_url
from crawler.protocol.exchange import Exchange
from pipelines.archive import Archive
from pipelines.frontier_store import GONE_KINDS, FrontierStore
from pipelines.warc_files import WarcRecorder

HEADER = struct.Struct(">I")
# Operations per transaction at most (see `serve`).
BATCH_MAX = 200
Reply = tuple[Any, ...]
# Frontier methods the crawl may call through the writer (all of them write).
FRONTIER_WRITES = frozenset(
    {"add", "started", "set_validators", "listing_read", "start_walk", "mark_failed"}
)


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


class Writer:
    """Applies the crawl's operations to the archive; returns the replies they need."""

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
        self.frontier = FrontierStore(archive.db, site, max_attempts=max_attempts)
        self.frontier.crawl_id = crawl_id
        self.disk_full = False
        self.handlers: dict[str, Callable[..., list[Reply]]] = {
            "article": self.article,
            "capture": self.capture,
            "warc": self.warc,
            "failed": self.failed,
            "removal": self.removal,
            "frontier": self.frontier_write,
            "finish": self.finish,
            "merge_search": self.merge_search,
        }

    def apply(self, op: tuple[Any, ...]) -> list[Reply]:
        name, *args = op
        try:
            return self.handlers[name](*args)
        except sqlite3.Error as error:
            # In the single process, such a write raised in a spider callback or a
            # signal handler: logged and counted, and the crawl went on.
            if is_disk_full(error):
                return self._full(error)
            return [("write_error", f"{name}: {type(error).__name__}: {error}")]

    def apply_batch(self, ops: list[tuple[Any, ...]]) -> list[Reply]:
        """Operations that arrived together, in one transaction: each keeps its own
        (a savepoint, rolled back alone on its own error), and the batch is one commit.
        A kill loses at most the batch, which leaves the archive as the crawl's writes
        up to the batch before it: what is missing is still in the frontier. Replies go
        out only once the batch is committed."""
        conn = self.archive.db.conn
        was_full = self.disk_full
        replies: list[Reply] = []
        try:
            conn.execute("BEGIN")
            # The batch's articles are indexed together, at its end: see deferred_indexing.
            with self.archive.deferred_indexing():
                for op in ops:
                    replies += self.apply(op)
                if self.disk_full and not was_full:
                    message = next(r[1] for r in replies if r[0] == "disk_full")
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
            return [*_undone(replies, str(error)), ("disk_full", str(error))]
        return replies

    def _full(self, error: BaseException) -> list[Reply]:
        self.disk_full = True
        return [("disk_full", str(error))]

    def article(self, item: Any) -> list[Reply]:
        if self.disk_full:
            return [("skipped", item.article_id)]
        try:
            try:
                with self.archive.db.atomic():
                    outcome = self.archive.upsert_article(item, crawl_id=self.crawl_id)
                    self.frontier.mark_done(item.article_id, item.url)
            except sqlite3.Error as error:  # the COMMIT itself (a full disk), the frontier
                raise StorageError(f"article {item.article_id}: write failed: {error}") from error
        except StorageError as error:
            if is_disk_full(error):
                return [("article_error", item.article_id, error.kind), *self._full(error)]
            return [
                ("article_error", item.article_id, error.kind),
                *self.failed(item.url, error.kind, str(error)),
                ("error", item.url, error.kind, str(error)),
            ]
        return [("article", item.article_id, outcome)]

    def capture(self, capture: dict[str, Any]) -> list[Reply]:
        if self.disk_full:
            return []
        try:
            self.archive.record_capture({**capture, "crawl_id": self.crawl_id})
        except StorageError as error:
            if is_disk_full(error):
                return self._full(error)
            return [*self.failed(capture["url"], error.kind, str(error)),
                    ("error", capture["url"], error.kind, str(error))]  # fmt: skip
        return []

    def warc(self, exchange: Exchange) -> list[Reply]:
        """What the WARC extension does in the single process: the records, then the
        index row (a record not written is an error of the run)."""
        assert self.recorder is not None
        try:
            capture = self.recorder.record(exchange)
        except OSError as error:
            return [("warc_failed", exchange.uri, str(error))]
        return [("warc", capture["record_type"]), *self.capture(capture)]

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close(connection=False)

    def failed(self, url: str, kind: str, message: str) -> list[Reply]:
        """What `ArchivePipeline.page_failed` writes: the error row, the frontier entry,
        and a removal when an archived article answered 404/410."""
        if self.disk_full:
            return []
        self.archive.record_error(self.crawl_id, url=url, kind=kind, message=message)
        article_id = article_id_from_url(url)
        if article_id is not None:
            self.frontier.mark_failed(article_id, url, kind, message)
        if kind in GONE_KINDS:
            return self.removal(url, int(kind.removeprefix("http_")), "gone", None)
        return []

    def removal(self, url: str, status: int, kind: str, location: str | None) -> list[Reply]:
        article_id = article_id_from_url(url)
        if self.disk_full or article_id is None:
            return []
        site = self.archive.archived_site(article_id, preferred=self.frontier.site)
        if site is None:
            return []  # never archived: nothing was removed from the archive's point of view
        self.archive.record_removal(
            site, article_id, url=url, status=status, kind=kind, location=location,
            crawl_id=self.crawl_id,
        )  # fmt: skip
        return [("removal", kind)]

    def frontier_write(
        self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> list[Reply]:
        if method not in FRONTIER_WRITES:
            raise ValueError(f"not a frontier write: {method}")
        if self.disk_full:
            return []
        getattr(self.frontier, method)(*args, **kwargs)
        return []

    def finish(self, fields: dict[str, Any]) -> list[Reply]:
        # This process's CPU time so far goes into the run's stats: a crawl's CPU is
        # both processes'.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = round(usage.ru_utime + usage.ru_stime, 3)
        if isinstance(fields.get("stats"), dict):
            fields = {**fields, "stats": {**fields["stats"], "vnarchive/writer_cpu_s": cpu}}
        try:
            self.archive.finish_crawl(self.crawl_id, **fields)
        except sqlite3.Error as error:
            return [("cpu", cpu), ("finished", str(error))]
        return [("cpu", cpu), ("finished", None)]

    def merge_search(self, max_segments: int) -> list[Reply]:
        """What a run that wrote articles ends with (pipelines/fts.py)."""
        if not self.disk_full:
            self.archive.merge_search_after_run(max_segments=max_segments)
        return []


def _undone(replies: list[Reply], error: str) -> list[Reply]:
    """The replies of a batch that was rolled back: its articles were not stored."""
    undone: list[Reply] = []
    for reply in replies:
        if reply[0] in ("article", "article_error", "skipped"):
            undone.append(("skipped", reply[1]))
        elif reply[0] == "finished":
            undone.append(("finished", error))
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
        ops: list[tuple[Any, ...]] = []
        offset = 0
        while len(buffer) - offset >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer, offset)
            if len(buffer) - offset - HEADER.size < size:
                break
            start = offset + HEADER.size
            ops.append(pickle.loads(buffer[start : start + size]))
            offset = start + size
        del buffer[:offset]
        # What arrived while the last batch was written makes the next batch: one
        # op when the writer keeps up, more (fewer commits per op) when it falls behind.
        for first in range(0, len(ops), BATCH_MAX):
            batch = ops[first : first + BATCH_MAX]
            replies = [*writer.apply_batch(batch), ("applied", len(batch))]
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
