"""Several sites in one archive (issue 15 §4): the ledger names each run's site, the
lock is per site, status, gaps, search and export report and filter per site, and a
start-up recovery touches only the crawled site's frontier."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest
import sqlite_utils

from crawler.protocol.frontier import Listed
from pipelines.archive import Archive
from pipelines.frontier_store import FrontierStore
from pipelines.schema import SCHEMA_VERSION, create_archive_at
from pipelines.store import days_since_new
from tests.archive_support import VN, make_article
from vnarchive.browse.metadata import ARTICLE_FACETS
from vnarchive.cli import main
from vnarchive.crawl import crawl_site, spider_for, with_portal
from vnarchive.lock import AlreadyRunning, CrawlLock, holder, holders, lock_path


def _article(site: str, article_id: int, **changes: object):
    host = site if site != "tuyengiao.vn" else "www.tuyengiao.vn"
    return make_article(
        article_id, site=site, url=f"https://{host}/thoi-su/bai-{article_id}",
        canonical_url=f"https://{host}/thoi-su/bai-{article_id}", **changes,
    )  # fmt: skip


def _run(archive: Archive, site: str | None, status: str, code: int | None) -> int:
    run = archive.start_crawl(spider="portal", start_url=f"https://{site}/", site=site)
    if status != "running":
        archive.finish_crawl(run, status=status, exit_code=code)
    return run


# -- the ledger's site column (schema version 8) --------------------------------------


def test_an_older_ledger_gets_each_runs_site_where_the_archive_can_tell(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    create_archive_at(db, 7)
    runs = [
        ("tuyengiao", "http://127.0.0.1:8800/"),  # 1: wrote captures of vnexpress.net
        ("portal", "https://tuoitre.vn/"),  # 2: nothing written: a declared host
        ("tuyengiao", "http://127.0.0.1:8800/"),  # 3: nothing written: the replica
        ("portal", "https://www.example.org/"),  # 4: an undeclared host
        ("ingest", "redis://127.0.0.1:6379/0"),  # 5: wrote two sites
        ("portal", "http://127.0.0.1:9/"),  # 6: a loopback host, no portal named
        ("portal", "https://www.vnexpress.net/"),  # 7: wrote a frontier entry of another
    ]
    for spider, start in runs:
        db.execute("INSERT INTO crawls (spider, start_url, status) VALUES (?, ?, 'ok')",
                   (spider, start))  # fmt: skip
    db.execute(
        "INSERT INTO captures (url, fetched_at, payload_digest, record_type, warc_file, "
        "site, crawl_id) VALUES ('u', 't', 'sha1:X', 'response', 'w', 'vnexpress.net', 1)"
    )
    for site in ("dantri.com.vn", "plo.vn"):
        db.execute(
            "INSERT INTO frontier (site, article_id, url, state, crawl_id) "
            "VALUES (?, 1, 'u', 'done', 5)", (site,),
        )  # fmt: skip
    db.execute(
        "INSERT INTO frontier (site, article_id, url, state, crawl_id) "
        "VALUES ('cafef.vn', 2, 'u', 'done', 7)"
    )
    db.conn.commit()
    db.close()
    with Archive(path) as archive:
        sites = [row[0] for row in archive.db.execute("SELECT site FROM crawls ORDER BY id")]
        version = archive.db.execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION >= 8
    assert sites == [
        "vnexpress.net", "tuoitre.vn", "tuyengiao.vn", "example.org", None, None, "cafef.vn",
    ]  # fmt: skip


def test_a_new_run_names_its_site(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        run = archive.start_crawl(spider="portal", start_url="https://vnexpress.net/",
                                  site="vnexpress.net")  # fmt: skip
        assert archive.crawl(run)["site"] == "vnexpress.net"


def test_the_crawl_site_is_the_spiders(tmp_path):
    cases = [
        (None, "https://vnexpress.net/", "vnexpress.net"),
        (None, "https://www.example.org/tin", "example.org"),
        (None, "http://127.0.0.1:8800/", "tuyengiao.vn"),  # the replica
        ("qdnd", "http://127.0.0.1:8800/", "qdnd.vn"),  # told
        (None, None, "tuyengiao.vn"),
    ]
    for portal, start, site in cases:
        spider_cls = with_portal(spider_for(portal, start), portal, start)
        assert crawl_site(spider_cls, portal, start) == site
        # Scrapy reads the portal from the class before an instance exists.
        assert spider_cls.portal.site == site  # type: ignore[attr-defined]


# -- the lock: per site ---------------------------------------------------------------


def test_two_sites_lock_at_once_the_same_site_twice_is_refused(tmp_path):
    db = tmp_path / "a.db"
    with CrawlLock(db, "vnexpress.net"), CrawlLock(db, "tuoitre.vn"):
        with pytest.raises(AlreadyRunning) as info:
            CrawlLock(db, "vnexpress.net").acquire()
        message = str(info.value)
        assert message.startswith("another crawl of this archive is running (site vnexpress.net")
        assert f"pid {os.getpid()}" in message and "site-vnexpress.net.lock" in message
        assert set(holders(db)) == {"vnexpress.net", "tuoitre.vn"}
        assert holder(db, "tuoitre.vn") is not None and holder(db) is None
        # What needs the archive alone (an ingest) waits for no crawl: refused, named.
        with pytest.raises(AlreadyRunning) as whole:
            CrawlLock(db).acquire()
        assert "site " in str(whole.value) and "pid" in str(whole.value)
    assert holders(db) == {}
    with CrawlLock(db), pytest.raises(AlreadyRunning):
        CrawlLock(db, "vnexpress.net").acquire()  # no crawl under an ingest


def test_a_dead_holder_of_a_site_is_taken_over_and_other_sites_run_on(tmp_path):
    db = tmp_path / "a.db"
    code = (
        "import sys, time; from vnarchive.lock import CrawlLock; "
        "lock = CrawlLock(sys.argv[1], sys.argv[2]).acquire(); print('locked', flush=True); "
        "time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(db), "plo.vn"],
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(AlreadyRunning):
            CrawlLock(db, "plo.vn").acquire()
        with CrawlLock(db, "cafef.vn") as other:  # another site: runs alongside
            assert other.taken_over is None
    finally:
        child.kill()
        child.wait()
        assert child.stdout is not None
        child.stdout.close()
    assert json.loads(lock_path(db, "plo.vn").read_text())["pid"] == child.pid
    with CrawlLock(db, "plo.vn") as after:
        assert after.taken_over is not None and after.taken_over["pid"] == child.pid


# -- concurrent writers ---------------------------------------------------------------


def test_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path):
    # A transaction that reads, then writes while another process's writer commits:
    # begun DEFERRED its snapshot is stale and SQLite refuses at once ("database is
    # locked", whatever the busy timeout); begun IMMEDIATE the other one waits.
    path = tmp_path / "a.db"
    Archive(path).close()
    errors: list[BaseException] = []
    opened = threading.Event()

    def write_other_site() -> None:
        # Its own connection, as another crawl's writer process has.
        try:
            with Archive(path) as second:
                opened.set()
                second.upsert_article(_article("vnexpress.net", 2))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            opened.set()

    with Archive(path) as first:
        other = threading.Thread(target=write_other_site)
        with first.db.atomic():
            first.count_articles()
            other.start()
            assert opened.wait(30)
            time.sleep(0.5)  # the other writer commits now, or waits
            first.upsert_article(_article("tuoitre.vn", 1))
        other.join(30)
        assert not errors, errors
        sites = {r[0] for r in first.db.execute("SELECT site FROM articles")}
    assert sites == {"tuoitre.vn", "vnexpress.net"}


# -- kill-safety: recovery touches the crawled site only -------------------------------


def test_requeue_at_start_touches_only_the_crawled_sites_frontier(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        killed = FrontierStore(archive.db, "vnexpress.net")
        running = FrontierStore(archive.db, "tuoitre.vn")
        for store in (killed, running):
            store.add([Listed(11, "https://x/a-11"), Listed(12, "https://x/b-12")], "thoi-su")
            store.started([11, 12])
        # vnexpress.net's crawl was killed; tuoitre.vn's is running now. The next
        # vnexpress.net run puts back its own entries only.
        assert FrontierStore(archive.db, "vnexpress.net").requeue_in_progress() == 2
        assert killed.counts() == {"pending": 2}
        assert running.counts() == {"in_progress": 2}


# -- staleness per site ---------------------------------------------------------------


def test_staleness_is_each_sites_own(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.upsert_article(_article("plo.vn", 1), seen_at=datetime.now(VN) - timedelta(days=9))
        archive.upsert_article(_article("cafef.vn", 2), seen_at=datetime.now(VN))
        stale = days_since_new(archive.db, "plo.vn")
        fresh = days_since_new(archive.db, "cafef.vn")
        assert stale is not None and stale > 8.9
        assert fresh is not None and fresh < 0.1
        assert days_since_new(archive.db, "dantri.com.vn") is None


# -- status ---------------------------------------------------------------------------


@pytest.fixture
def two_sites(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        for i in (1, 2, 3):
            archive.upsert_article(_article("vnexpress.net", i, title=f"VnExpress {i}"))
        archive.upsert_article(_article("tuoitre.vn", 1, title="Tuổi Trẻ một"))
        FrontierStore(archive.db, "tuoitre.vn").add([Listed(9, "https://tuoitre.vn/x-9")])
        _run(archive, "vnexpress.net", "ok", 0)
        _run(archive, "tuoitre.vn", "degraded", 3)
        _run(archive, "vnexpress.net", "ok", 0)
    return path


def test_status_shows_each_site_and_exits_with_the_worst_last_run(two_sites, capsys):
    # The newest run overall is vnexpress.net's (ok); tuoitre.vn's last one was degraded.
    assert main(["status", "--db", str(two_sites)]) == 3
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "4 articles" in lines[1]
    at = next(i for i, line in enumerate(lines) if line.startswith("2 sites"))
    tuoitre, vnexpress = lines[at + 1], lines[at + 3]
    assert tuoitre.split()[:2] == ["tuoitre.vn", "1"] and "#2" in tuoitre and "degraded" in tuoitre
    assert "1 pending" in lines[at + 2]
    assert vnexpress.split()[:2] == ["vnexpress.net", "3"] and "#3" in vnexpress
    assert "tuoitre.vn" in lines[-2] and lines[-1].lstrip().startswith("#1")


def test_status_of_one_site(two_sites, capsys):
    assert main(["status", "--db", str(two_sites), "--site", "vnexpress.net"]) == 0
    out = capsys.readouterr().out
    assert "3 articles" in out and "tuoitre.vn" not in out and "last 2 runs" in out
    assert main(["status", "--db", str(two_sites), "--site", "tuoitre.vn"]) == 3
    assert main(["status", "--db", str(two_sites), "--site", "nope.vn"]) == 2
    assert "'nope.vn'" in capsys.readouterr().err


def test_a_running_row_is_alive_only_while_its_sites_lock_is_held(two_sites, capsys):
    with Archive(two_sites) as archive:
        _run(archive, "tuoitre.vn", "running", None)  # killed: its lock is free
        _run(archive, "vnexpress.net", "running", None)
    with CrawlLock(two_sites, "vnexpress.net"):
        assert main(["status", "--db", str(two_sites)]) == 1
    out = capsys.readouterr().out
    runs = {line.split()[0]: line for line in out.splitlines() if line.lstrip().startswith("#")}
    assert " running " in runs["#5"] and " interrupted " in runs["#4"]


# -- gaps -----------------------------------------------------------------------------


def _listing(archive: Archive, site: str, ids: list[int]) -> None:
    FrontierStore(archive.db, site).listing_read(
        "thoi-su", 1, [Listed(i, f"https://{site}/thoi-su/bai-{i}", "2026-11-20") for i in ids]
    )


def test_gaps_report_each_site_apart(tmp_path, capsys):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.upsert_article(_article("vnexpress.net", 5))
        # The same category and id on two sites: archived on one, missing on the other.
        _listing(archive, "vnexpress.net", [5, 6])
        _listing(archive, "tuoitre.vn", [5])
    assert main(["gaps", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    tuoitre, vnexpress = out.index("site tuoitre.vn:"), out.index("site vnexpress.net:")
    assert "ids 5 " in out[tuoitre:vnexpress] and "ids 6 " in out[vnexpress:]
    assert "--portal tuoitre " in out[tuoitre:vnexpress]
    assert main(["gaps", "--db", str(path), "--site", "vnexpress.net"]) == 0
    one = capsys.readouterr().out
    assert "tuoitre" not in one and "ids 6 " in one and "ids 5 " not in one
    assert main(["gaps", "--db", str(path), "--site", "dantri.com.vn"]) == 2
    assert "'dantri.com.vn'" in capsys.readouterr().err


# -- search, export, Datasette --------------------------------------------------------


def test_search_and_export_take_a_site(two_sites, tmp_path, capsys):
    assert main(["search", "--db", str(two_sites), "Tuổi Trẻ", "--site", "tuoitre.vn"]) == 0
    assert "Tuổi Trẻ một" in capsys.readouterr().out
    assert main(["search", "--db", str(two_sites), "Tuổi Trẻ", "--site", "vnexpress.net"]) == 0
    assert "Tuổi Trẻ một" not in capsys.readouterr().out
    out = tmp_path / "v.jsonl"
    args = ["export", "--db", str(two_sites), "--format", "jsonl", "-o", str(out)]
    assert main([*args, "--site", "vnexpress.net"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["site"], r["article_id"]) for r in records) == [
        ("vnexpress.net", 1), ("vnexpress.net", 2), ("vnexpress.net", 3),
    ]  # fmt: skip
    assert main([*args, "--site", "nope.vn"]) == 2
    assert "'nope.vn'" in capsys.readouterr().err


def test_datasette_facets_articles_by_site(two_sites):
    import asyncio

    from datasette.app import Datasette

    assert ARTICLE_FACETS[0] == "site"
    ds = Datasette([str(two_sites)])
    response = asyncio.run(ds.client.get("/a/articles.json?_size=0"))
    counts = {r["value"]: r["count"] for r in response.json()["facet_results"]["site"]["results"]}
    assert counts == {"vnexpress.net": 3, "tuoitre.vn": 1}


def test_two_crawls_opening_a_new_archive_at_once_migrate_it_once(tmp_path):
    # Two portals' first runs, started by their timers at the same moment: each opens
    # (and migrates) the archive; the second finds it migrated once it gets the lock.
    path = tmp_path / "new.db"
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            start.wait(10)
            Archive(path).close()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert archive.db.execute("SELECT count(*) FROM crawls").fetchone()[0] == 0


def test_the_python_api_searches_one_site(two_sites):
    from vnarchive.api import open_archive

    with open_archive(two_sites) as archive:
        assert [h.site for h in archive.search("VnExpress", site="vnexpress.net")] == [
            "vnexpress.net"
        ] * 3
        assert list(archive.search("VnExpress", site="tuoitre.vn")) == []


def test_a_distributed_workers_run_names_its_site(tmp_path):
    from pipelines.ops import ArchiveOps

    with Archive(tmp_path / "a.db") as archive:
        ops = ArchiveOps(archive, None, None)
        report = {"spider": "portal", "start_url": "https://vnexpress.net/", "reason": "finished",
                  "started_at": "2026-12-06T08:00:00+07:00", "mode": "incremental",
                  "stats": {"downloader/response_count": 1}, "site": "vnexpress.net"}  # fmt: skip
        run = ops.worker_run("w1", report)
        # The ingest's own row writes every site: it names none.
        ingest = archive.start_crawl(spider="ingest", start_url="redis://127.0.0.1:6379/0")
        assert archive.crawl(run)["site"] == "vnexpress.net"
        assert archive.crawl(ingest)["site"] is None
