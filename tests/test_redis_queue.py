"""The distributed mode's parts against a real redis-server: leases and their recovery,
the end-of-crawl test, the article dupefilter, the scheduler's claim-and-queue, and the
writer's ack-after-commit."""

from __future__ import annotations

import pytest
import redis
from scrapy import Request, Spider

from crawler.distributed.membership import Membership
from crawler.distributed.scheduler import (
    ArticleDupeFilter,
    DistributedScheduler,
    LeasedPriorityQueue,
    Leases,
)
from crawler.distributed.settings import WORKER_SETTINGS
from crawler.extract.article import Article
from crawler.extract.errors import WriterBusy
from crawler.protocol import redis_keys as keys
from crawler.protocol.redis_keys import QueueSender
from pipelines.archive import Archive
from pipelines.redis_ingest import Ingest
from tests.redis_support import redis_or_skip
from tests.scrapy_support import project_crawler

pytestmark = pytest.mark.redis


@pytest.fixture
def server():
    for local in redis_or_skip():
        client = redis.Redis.from_url(local.url)
        yield client
        client.close()


class Demo(Spider):
    name = "demo"

    def parse(self, response):  # pragma: no cover - never called
        return None


def queue_for(server, worker: str) -> tuple[LeasedPriorityQueue, Membership]:
    spider = Demo()
    queue = LeasedPriorityQueue(server, spider, keys.spider_key("demo", "requests"))
    membership = Membership(server, "demo", worker, ttl=1.0)
    queue.lease_to(membership)
    membership.join()
    return queue, membership


def test_a_dead_workers_leases_go_back_to_the_queue(server):
    queue, alive = queue_for(server, "a")
    _, dead = queue_for(server, "b")
    dead_queue = LeasedPriorityQueue(server, Demo(), keys.spider_key("demo", "requests"))
    dead_queue.lease_to(dead)
    for n in range(3):
        queue.push(Request(f"http://127.0.0.1/{n}", priority=n))
    popped = dead_queue.pop_leased()
    assert popped is not None and popped[0].url == "http://127.0.0.1/2"  # highest priority
    assert len(queue) == 2 and server.zcard(dead.inflight) == 1
    assert not alive.finished()
    # b never beats again (SIGKILL): after its TTL, a's recovery requeues its lease.
    server.delete(keys.alive_key("demo", "b"))
    assert alive.recover() == 1
    assert len(queue) == 3 and not server.exists(dead.inflight)
    assert alive.recover() == 0  # once only
    urls = []
    while (item := queue.pop_leased()) is not None:
        urls.append(item[0].url)
    assert sorted(urls) == [f"http://127.0.0.1/{n}" for n in range(3)]
    assert not alive.finished()  # a holds three leases
    server.delete(alive.inflight)
    assert alive.finished() and server.get(alive.done) == b"1"
    # The next worker to start begins a new crawl, with a clean dupefilter.
    server.sadd(keys.spider_key("demo", "dupefilter"), "x")
    assert alive.begin() is True
    assert not server.exists(keys.spider_key("demo", "dupefilter"), alive.done)
    assert alive.begin() is False


def test_a_worker_taken_for_dead_while_busy_is_counted_again_at_its_next_beat(server):
    queue, a = queue_for(server, "a")
    slow_queue, slow = queue_for(server, "slow")
    # slow's heartbeat lapsed while it was busy: a takes it for dead.
    server.delete(keys.alive_key("demo", "slow"))
    assert a.recover() == 0 and b"slow" not in server.smembers(a.workers)
    slow.beat()  # it was alive after all, and leases another request
    queue.push(Request("http://127.0.0.1/late"))
    slow_queue.lease_to(slow)
    assert slow_queue.pop_leased() is not None
    # Its lease keeps the crawl open, and is recovered were it killed now.
    assert not a.finished()
    server.delete(keys.alive_key("demo", "slow"))
    assert a.recover() == 1 and len(queue) == 1


def test_a_worker_taken_for_dead_is_counted_again_from_its_next_pop(server):
    queue, a = queue_for(server, "a")
    slow_queue, _ = queue_for(server, "slow")
    server.delete(keys.alive_key("demo", "slow"))
    assert a.recover() == 0 and b"slow" not in server.smembers(a.workers)
    # Before its next heartbeat, it leases a request: the lease keeps the crawl open
    # (it was the only request left), and is recovered were it killed now.
    queue.push(Request("http://127.0.0.1/early"))
    assert slow_queue.pop_leased() is not None
    assert not a.finished()
    assert a.recover() == 1 and len(queue) == 1


class StaleView:
    """A client that saw every heartbeat as expired: the moment just before one came back."""

    def __init__(self, server):
        self.server = server

    def exists(self, *names):
        return 0

    def __getattr__(self, name):
        return getattr(self.server, name)


def test_a_worker_whose_heartbeat_came_back_is_not_recovered(server):
    queue, _ = queue_for(server, "a")
    slow_queue, slow = queue_for(server, "slow")
    queue.push(Request("http://127.0.0.1/x"))
    assert slow_queue.pop_leased() is not None
    # a read slow's heartbeat as expired; slow beat again before a recovered it.
    stale = Membership(StaleView(server), "demo", "a", ttl=1.0)
    assert stale.recover() == 0
    assert server.zcard(slow.inflight) == 1 and b"slow" in server.smembers(slow.workers)


def test_a_lease_is_released_when_everything_it_holds_is_done(server):
    queue, membership = queue_for(server, "a")
    queue.push(Request("http://127.0.0.1/x"))
    _, data = queue.pop_leased()
    leases = Leases(server, membership.inflight)
    lease = leases.take(data)
    leases.hold(lease)  # an item yielded
    leases.release(lease)  # the callback finished
    assert server.zcard(membership.inflight) == 1  # the item is still in the pipelines
    leases.release(lease)
    assert server.zcard(membership.inflight) == 0
    leases.release(lease)  # a late signal is harmless
    assert leases.open == {}


def test_the_dupefilter_keys_articles_by_id(server):
    dupefilter = ArticleDupeFilter(server, keys.spider_key("demo", "dupefilter"))
    first = Request("http://127.0.0.1/thoi-su/bai-42", meta={"article_id": 42})
    other_form = Request("http://127.0.0.1/khac/bai-viet-42", meta={"article_id": 42})
    assert not dupefilter.request_seen(first)
    assert dupefilter.request_seen(other_form)
    # A redirect of it, and a conditional revisit, are requests of their own.
    moved = Request("http://127.0.0.1/moi-42", meta={"article_id": 42, "redirect_urls": ["x"]})
    assert not dupefilter.request_seen(moved)
    assert not dupefilter.request_seen(
        Request("http://127.0.0.1/thoi-su/bai-42", meta={"article_id": 42, "revisit": True})
    )
    dupefilter.close("finished")
    assert server.sismember(dupefilter.key, keys.article_fingerprint(42))


def opened_scheduler(server, worker: str) -> DistributedScheduler:
    url = server.connection_pool.connection_kwargs
    crawler = project_crawler(Demo, **{
        **WORKER_SETTINGS, "REDIS_URL": f"redis://{url['host']}:{url['port']}/{url['db']}",
        "REDIS_WORKER_ID": worker,
    })  # fmt: skip
    spider = Demo.from_crawler(crawler)
    crawler.spider = spider
    scheduler = DistributedScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler


def test_a_request_is_claimed_and_queued_together_or_not_at_all(server):
    scheduler = opened_scheduler(server, "a")
    try:
        article = {"article_id": 42}
        assert scheduler.enqueue_request(Request("http://127.0.0.1/a-42", meta=article))
        assert not scheduler.enqueue_request(Request("http://127.0.0.1/b-42", meta=article))
        assert len(scheduler.queue) == 1
        # One that cannot be stored (its callback is no method of the spider) claims
        # nothing: claimed, it would be skipped by every worker and queued nowhere.
        unstorable = Request("http://127.0.0.1/a-43", meta={"article_id": 43},
                             callback=lambda response: None)  # fmt: skip
        with pytest.raises(ValueError):
            scheduler.enqueue_request(unstorable)
        assert not server.sismember(scheduler.df.key, keys.article_fingerprint(43))
        assert scheduler.enqueue_request(Request("http://127.0.0.1/a-43", meta={"article_id": 43}))
        assert len(scheduler.queue) == 2
    finally:
        scheduler.close("finished")


def article(article_id: int, title: str = "Tiêu đề") -> dict:
    record = Article(
        url=f"http://127.0.0.1/a-{article_id}", canonical_url=f"http://127.0.0.1/a-{article_id}",
        site="tuyengiao.vn", article_id=article_id, category="thoi-su", title=title,
        lead="Sa pô", body=("Đoạn một.",),
    ).to_record()  # fmt: skip
    return {"record": record, "fetched_at": "2026-11-26T10:00:00+07:00"}


def test_the_writer_acknowledges_after_commit_and_never_applies_twice(server, tmp_path):
    sender = QueueSender(server, "w1")
    for n in (1, 2, 3):
        sender.send("article", article(n))
    sender.send("error", {"site": "tuyengiao.vn", "url": "http://127.0.0.1/thoi-su/bai-viet-123459",
                          "kind": "http_500", "message": "HTTP 500"})  # fmt: skip
    db = tmp_path / "archive.db"
    # Left by another archive on this Redis: the workers must not trust it.
    server.sadd(keys.archived_key("other.vn"), 5)
    with Archive(db) as archive:
        writer = Ingest(server, archive, batch=2)
        writer.acquire()
        writer.open()
        assert not server.exists(keys.archived_key("other.vn"))
        with pytest.raises(WriterBusy):
            Ingest(server, archive).acquire()
        # The writer dies after its first commit, before the XACK (sent with the XDEL in
        # one MULTI/EXEC pipeline).
        real_pipeline = server.pipeline
        server.pipeline = lambda *a, **k: (_ for _ in ()).throw(SystemExit)
        with pytest.raises(SystemExit):
            writer.step()
        server.pipeline = real_pipeline
        assert archive.count_articles() == 2
        server.delete(keys.WRITER_LOCK)  # its TTL ran out

        again = Ingest(server, archive, batch=10)
        again.acquire()
        again.open()
        assert again.step(pending=True) == 0  # redelivered, already committed: skipped
        assert again.step() == 2  # article 3 and the error
        assert archive.count_articles() == 3
        assert again.counts == {"articles_new": 1, "errors": 1, "messages": 4}
        rows = archive.db.execute("SELECT count(*) FROM crawl_errors WHERE kind = 'http_500'")
        assert rows.fetchone()[0] == 1
        states = dict(archive.db.execute("SELECT article_id, state FROM frontier"))
        assert states == {1: "done", 2: "done", 3: "done", 123459: "failed"}
        # The same article sent twice (a worker killed after sending it) is unchanged.
        sender.send("article", article(3))
        assert again.step() == 1 and again.counts["articles_unchanged"] == 1
        again.close()
    assert server.xlen(keys.STREAM) == 0
    assert server.smembers(keys.archived_key("tuyengiao.vn")) == {b"1", b"2", b"3"}
    assert not server.exists(keys.WRITER_LOCK)


def test_a_404_of_an_archived_article_is_a_removal(server, tmp_path):
    sender = QueueSender(server, "w1")
    url = "http://127.0.0.1/thoi-su/bai-viet-123461"
    sender.send("article", {**article(123461), "record": {**article(123461)["record"], "url": url}})
    sender.send("error", {"site": "tuyengiao.vn", "url": url, "kind": "http_404",
                          "message": "HTTP 404"})  # fmt: skip
    sender.send("nonsense", {})
    with Archive(tmp_path / "archive.db") as archive:
        writer = Ingest(server, archive)
        writer.acquire()
        writer.open()
        assert writer.step() == 3
        removals = list(archive.db.execute("SELECT article_id, status, kind FROM removals"))
        assert removals == [(123461, 404, "gone")]
        # The unreadable message is recorded and skipped, not left to block the queue.
        kinds = [r[0] for r in archive.db.execute("SELECT kind FROM crawl_errors ORDER BY id")]
        assert kinds == ["http_404", "bad_message"]
        writer.close()
    assert server.xlen(keys.STREAM) == 0


def test_the_writer_ends_by_merging_a_fragmented_search_index(server, tmp_path):
    from pipelines.fts import DEFAULT_MAX_SEGMENTS, FTS_TABLES, segment_count

    sender = QueueSender(server, "w1")
    for n in range(1, 31):
        sender.send("article", article(n))
    with Archive(tmp_path / "archive.db") as archive:
        writer = Ingest(server, archive, batch=1)  # one commit per article
        writer.acquire()
        writer.open()
        while writer.step():
            pass
        assert max(segment_count(archive.db, t) for t in FTS_TABLES) > DEFAULT_MAX_SEGMENTS
        writer.close()
        assert [segment_count(archive.db, t) for t in FTS_TABLES] == [1, 1]


def test_the_writer_is_not_done_while_a_message_is_unread(server, tmp_path):
    sender = QueueSender(server, "w1")
    for n in (1, 2, 3, 4):
        sender.send("article", article(n))
    with Archive(tmp_path / "archive.db") as archive:
        writer = Ingest(server, archive, batch=1)
        writer.acquire()
        writer.open()
        # An entry acknowledged but left in the stream (what a writer killed between its
        # XACK and XDEL left behind), and deleted entries after it: Redis then cannot
        # count the group's lag, and XINFO GROUPS gives nil.
        reply = server.xreadgroup(keys.GROUP, "earlier", {keys.STREAM: ">"}, count=1)
        server.xack(keys.STREAM, keys.GROUP, reply[0][1][0][0])
        assert writer.step() == 1 and writer.step() == 1  # articles 2 and 3
        server.set(keys.spider_key("tuyengiao", "done"), 1)  # the crawl is over, no one alive
        assert [g.get("lag") for g in server.xinfo_groups(keys.STREAM)] == [None]
        assert not writer.crawl_finished()  # article 4 is still unread
        writer.run(until_done=True)
        assert archive.count_articles() == 3  # 2, 3 and 4 (1 went to the earlier reader)
        writer.close()
