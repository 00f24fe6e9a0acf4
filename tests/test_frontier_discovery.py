"""The frontier's discovery state (issue 15 §4) in all four implementations of the
`Frontier` protocol: the archive's own tables, the client of a writer process, a
distributed crawl's Redis, and the spider's in-memory store. Each keeps, per site,
when a sitemap or feed said an article changed, refetches as pending work, and the
sitemaps read with their lastmod."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis

from crawler.distributed.frontier import RedisFrontier
from crawler.frontier import MemoryFrontier
from crawler.protocol import redis_keys as keys
from crawler.protocol.frontier import Frontier, Listed
from pipelines.archive import Archive
from pipelines.frontier_store import FrontierStore
from pipelines.messages import HEADER, decode, frame
from pipelines.redis_ingest import Ingest
from pipelines.writer import Writer
from pipelines.writer_client import FrontierClient
from tests.redis_support import redis_or_skip

SITE = "vnexpress.net"
URL = "http://127.0.0.1:1/gia-vang-4190001.html"


class Harness:
    """One implementation, with what the test needs besides the protocol: archiving an
    article as the writer would, and what the archive's frontier then holds."""

    archives = True

    def __init__(self, frontier: Frontier, archive: Archive | None) -> None:
        self.frontier = frontier
        self.archive = archive

    def archive_article(self, article_id: int, published: str) -> None:
        assert self.archive is not None
        self.archive.db.execute(
            "INSERT INTO articles (site, article_id, url, title, body, content_hash, "
            "published_at) VALUES (?, ?, ?, 't', 'b', 'h', ?)",
            (SITE, article_id, URL, published),
        )
        FrontierStore(self.archive.db, SITE).mark_done(article_id, URL)
        self.archive.db.conn.commit()

    def pending_ids(self) -> list[int]:
        assert self.archive is not None
        return [p.article_id for p in FrontierStore(self.archive.db, SITE).pending()]


class MemoryHarness(Harness):
    archives = False

    def pending_ids(self) -> list[int]:
        return [p.article_id for p in self.frontier.pending()]


class FakeWriter:
    """The writer process, in this process: each operation framed and decoded as it
    crosses the pipe, then applied by the real `Writer`."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def send(self, op: Any) -> None:
        data = frame(op)
        self.writer.apply(decode(data[HEADER.size :]))
        self.writer.archive.db.conn.commit()


class RedisHarness(Harness):
    def __init__(self, frontier: RedisFrontier, archive: Archive, server: Any) -> None:
        super().__init__(frontier, archive)
        self.server = server

    def archive_article(self, article_id: int, published: str) -> None:
        super().archive_article(article_id, published)
        self.server.sadd(keys.archived_key(SITE), article_id)  # as the ingest keeps it


@contextmanager
def made(kind: str, tmp_path) -> Iterator[Harness]:
    if kind == "memory":
        yield MemoryHarness(MemoryFrontier(), None)
        return
    with Archive(tmp_path / "a.db") as archive:
        if kind == "store":
            yield Harness(FrontierStore(archive.db, SITE), archive)
        elif kind == "client":
            crawl_id = archive.start_crawl(spider="portal", start_url="http://127.0.0.1:1/")
            writer = Writer(archive, SITE, crawl_id, 3)
            reads = FrontierStore(archive.db, SITE)
            yield Harness(FrontierClient(reads, FakeWriter(writer)), archive)  # type: ignore[arg-type]
        else:
            for local in redis_or_skip():
                server = redis.Redis.from_url(local.url)
                ingest = Ingest(server, archive)
                ingest.open()

                def send(kind: str, data: dict[str, Any], ingest: Ingest = ingest) -> None:
                    # What QueueSender puts on the stream, applied as the ingest does.
                    ingest._apply({b"kind": kind.encode(), b"worker": b"w1",
                                   b"data": json.dumps(data).encode()})  # fmt: skip
                    archive.db.conn.commit()

                yield RedisHarness(RedisFrontier(server, "portal", SITE, send), archive, server)
                server.close()


@pytest.fixture(params=["store", "client", "redis", "memory"])
def harness(request, tmp_path) -> Iterator[Harness]:
    with made(request.param, tmp_path) as made_harness:
        yield made_harness


@pytest.fixture(params=["store", "client"])
def archive_harness(request, tmp_path) -> Iterator[Harness]:
    """The stores that read the archive's own dates (Redis knows only what workers
    recorded; memory archives nothing)."""
    with made(request.param, tmp_path) as made_harness:
        yield made_harness


def test_sitemaps_read_are_remembered_with_their_lastmod(harness):
    frontier = harness.frontier
    assert frontier.sitemaps_read() == {}
    frontier.sitemap_read("/sitemaps/sitemap-2020-11.xml", "2020-11-06T10:30:00+07:00")
    frontier.sitemap_read("/sitemap-news.xml", None)
    frontier.sitemap_read("/sitemaps/sitemap-2020-11.xml", "2020-11-07T09:00:00+07:00")
    assert frontier.sitemaps_read() == {
        "/sitemaps/sitemap-2020-11.xml": "2020-11-07T09:00:00+07:00",
        "/sitemap-news.xml": None,
    }


def test_the_date_a_source_gave_is_what_the_archive_holds_then(harness):
    frontier = harness.frontier
    frontier.add([Listed(4190001, URL, "2020-11-05", "2020-11-05T08:00:00+07:00")])
    if not isinstance(harness, RedisHarness):  # Redis knows what a worker claimed
        assert frontier.known([4190001]) == {4190001}
    if not harness.archives:
        assert frontier.last_changed([4190001]) == {}  # nothing is ever archived
        return
    assert frontier.last_changed([4190001]) == {}  # queued, not archived yet
    harness.archive_article(4190001, "2020-11-05T07:59:00+07:00")
    assert frontier.last_changed([4190001, 4190002]) == {4190001: "2020-11-05T08:00:00+07:00"}


def test_an_archived_article_without_a_source_date_holds_its_publish_time(archive_harness):
    archive_harness.archive_article(4190001, "2020-11-05T07:59:00+07:00")
    assert archive_harness.frontier.last_changed([4190001]) == {
        4190001: "2020-11-05T07:59:00+07:00"
    }


def test_a_refetch_is_pending_work_with_its_new_date(harness):
    frontier = harness.frontier
    frontier.add([Listed(4190001, URL, None, "2020-11-05T08:00:00+07:00")])
    frontier.started([4190001])
    if harness.archives:
        harness.archive_article(4190001, "2020-11-05T08:00:00+07:00")
    assert 4190001 not in harness.pending_ids()
    frontier.refetch([Listed(4190001, URL, None, "2020-11-06T09:30:00+07:00")])
    # Pending: a run killed before the refetch finishes takes it up again.
    assert harness.pending_ids() == [4190001]
    if harness.archives:
        assert frontier.last_changed([4190001]) == {4190001: "2020-11-06T09:30:00+07:00"}


def test_discovery_state_is_per_site(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        one, other = FrontierStore(archive.db, SITE), FrontierStore(archive.db, "dantri.com.vn")
        one.sitemap_read("/sitemap.xml", "2020-11-06")
        assert other.sitemaps_read() == {} and one.sitemaps_read() == {"/sitemap.xml": "2020-11-06"}


def test_the_latest_of_the_archives_dates_is_what_it_holds(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        store = FrontierStore(archive.db, SITE)
        store.add([Listed(4190001, URL, None, "2020-11-05T08:00:00+07:00")])
        archive.db.execute(
            "INSERT INTO articles (site, article_id, url, title, body, content_hash, "
            "published_at, updated_at) VALUES (?, 4190001, ?, 't', 'b', 'h', ?, ?)",
            (SITE, URL, "2020-11-05T07:59:00+07:00", "2020-11-06T10:00:00+07:00"),
        )
        # Read again by a listing since, the page showing a later update.
        assert store.last_changed([4190001]) == {4190001: "2020-11-06T10:00:00+07:00"}
