"""Scheduled crawls against a replica that changes between runs: what an incremental
run costs, edits and removals, the lock, Crawl-delay and Retry-After (timed on the
replica's access log), the ledger, `vnarchive status` and `vnarchive gaps`."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import urllib.request
from urllib.parse import unquote, urlsplit

import pytest

from harness.crawl_support import crawl
from pipelines.archive import Archive
from replica.categories import CATEGORY_NAMES
from replica.server import ReplicaHandle, start_replica
from vnarchive.lock import EXIT_ALREADY_RUNNING, CrawlLock

pytestmark = pytest.mark.e2e


def post(replica: ReplicaHandle, path: str) -> dict:
    request = urllib.request.Request(replica.url(path), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def is_article(path: str) -> bool:
    return path.split("?")[0].rsplit("-", 1)[-1].isdigit()


def site_requests(log: list[dict]) -> list[dict]:
    """What the crawler asked (the test's own control requests left out)."""
    return [e for e in log if not e["path"].startswith("/__replica__/")]


def vnarchive(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vnarchive", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


# 150: every category fits on one listing page; 600: three pages, so overlap pages count.
@pytest.mark.parametrize("generated", [150, 600])
def test_incremental_run_costs_one_request_per_new_article(tmp_path, generated):
    db = tmp_path / "archive.db"
    new = 12
    with start_replica(layout="mixed", generated=generated, port=0) as replica:
        first = crawl(replica.base_url, db)
        assert first.returncode == 0, first.stderr[-2000:]
        published = post(replica, f"/__replica__/publish?n={new}")["published"]
        replica.access_log.clear()
        second = crawl(replica.base_url, db)
        log = site_requests(replica.access_log())
    assert second.returncode == 0, second.stderr[-2000:]
    fetched_articles = [e for e in log if is_article(e["path"])]
    assert sorted(int(e["path"].rsplit("-", 1)[-1]) for e in fetched_articles) == published
    # The new articles' pictures, for the WARC (issue 17.9): theirs and no others.
    pictures = [e for e in log if e["path"].lower().startswith("/uploads/")]
    listings = [
        e for e in log
        if not is_article(e["path"]) and e["path"] != "/robots.txt" and e not in pictures
    ]  # fmt: skip
    # The home page, then each category's first page, plus one overlap page at most
    # where new articles were found; never a walk down the whole listing.
    categories = len(CATEGORY_NAMES)
    assert len(listings) <= 1 + categories * 2, [e["path"] for e in listings]
    assert len(log) <= 2 + categories * 2 + new + len(pictures)
    with Archive(db) as archive:
        row = dict(archive.db["crawls"].get(2))
        marks = ", ".join("?" for _ in published)
        new_pictures = [
            r[0] for r in archive.db.execute(
                f"SELECT DISTINCT url FROM images WHERE article_id IN ({marks})", published
            )
        ]  # fmt: skip
    assert sorted(unquote(e["path"]) for e in pictures) == sorted(
        unquote(urlsplit(url)._replace(scheme="", netloc="").geturl()) for url in new_pictures
    )
    assert row["articles_new"] == new and row["requests"] == len(log)
    assert json.loads(row["status_counts"]) == {"200": len(log)}
    print(f"\nincremental run over {generated + 21} archived articles: {len(log)} requests "
          f"for {new} new articles "
          f"({len(listings)} listing pages, {categories} categories)")  # fmt: skip


def test_edits_are_revisited_and_removals_recorded(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=20, port=0) as replica:
        assert crawl(replica.base_url, db).returncode == 0
        fresh = post(replica, "/__replica__/publish?n=3")["published"]
        assert crawl(replica.base_url, db).returncode == 0
        post(replica, f"/__replica__/edit?id={fresh[0]}")
        post(replica, f"/__replica__/remove?id={fresh[1]}")
        replica.access_log.clear()
        third = crawl(replica.base_url, db)
        log = site_requests(replica.access_log())
    assert third.returncode == 0, third.stderr[-2000:]
    revisits = {
        int(e["path"].rsplit("-", 1)[-1]): e["status"] for e in log if is_article(e["path"])
    }
    # The three recent articles are revisited (conditionally); nothing older is.
    assert set(revisits) == set(fresh)
    assert revisits[fresh[1]] == 404
    with Archive(db) as archive:
        row = dict(archive.db["crawls"].get(3))
        assert [v["changed_fields"] for v in archive.versions("tuyengiao.vn", fresh[0])] == [
            ["body"]
        ]
    assert (row["articles_updated"], row["articles_removed"], row["articles_new"]) == (1, 1, 0)


def test_a_second_run_exits_at_once_and_a_dead_holder_is_taken_over(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=0, port=0) as replica:
        with CrawlLock(db):
            busy = crawl(replica.base_url, db)
        assert busy.returncode == EXIT_ALREADY_RUNNING
        assert "another crawl of this archive is running" in busy.stderr
        assert f"pid {__import__('os').getpid()}" in busy.stderr
        assert replica.access_log.total == 0  # it did nothing at all

        # A holder killed with SIGKILL: the kernel frees its flock, its record remains.
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import time; from vnarchive.lock import CrawlLock; "
             f"lock = CrawlLock({str(db)!r}).acquire(); print('locked', flush=True); "
             "time.sleep(60)"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert crawl(replica.base_url, db).returncode == EXIT_ALREADY_RUNNING
        holder.kill()
        holder.wait()
        holder.stdout.close()
        after = crawl(replica.base_url, db)
    assert after.returncode == 0, after.stderr[-2000:]
    assert f"taking over the lock of a dead crawl (pid {holder.pid}" in after.stderr


def test_crawl_delay_is_enforced_between_requests(tmp_path):
    delay = 0.2
    gaps = {}
    for crawl_delay in (delay, None):
        db = tmp_path / f"archive-{crawl_delay}.db"
        with start_replica(layout="old", generated=0, crawl_delay=crawl_delay) as replica:
            result = crawl(replica.base_url, db, "--set", "REVISIT_DAYS=0")
            log = site_requests(replica.access_log())
        assert result.returncode == 0, result.stderr[-2000:]
        times = sorted(e["arrived"] for e in log if e["path"] != "/robots.txt")
        pairs = [b - a for a, b in itertools.pairwise(times)]
        gaps[crawl_delay] = {"min": min(pairs), "mean": (times[-1] - times[0]) / len(pairs)}
    # The access log stamps a request as it arrives, before its page is rendered; on a
    # loaded machine the server's thread may still read one late and shorten one gap: the
    # mean over the run is held to the delay (late stamps cancel out in a sum), and no two
    # requests may come closer than half of it.
    assert gaps[delay]["mean"] >= delay * 0.95, gaps
    assert gaps[delay]["min"] >= delay / 2, gaps
    assert gaps[None]["mean"] < delay / 2, gaps  # the same crawl without Crawl-delay is faster


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_pauses_the_host(tmp_path, status):
    db = tmp_path / "archive.db"
    with start_replica(layout="new", generated=0) as replica:
        post(replica, f"/__replica__/throttle?status={status}&count=2&retry_after=1")
        result = crawl(replica.base_url, db)
        log = site_requests(replica.access_log())
        served = len(replica.truth())
    assert result.returncode == 0, result.stderr[-2000:]
    pages = [e for e in log if e["path"] != "/robots.txt"]
    assert [e["status"] for e in pages[:3]] == [status, status, 200]
    first, second, third = (e["monotonic"] for e in pages[:3])
    assert second - first >= 0.97 and third - second >= 0.97
    # No request at all went to the host while it was paused.
    assert all(e["monotonic"] >= second + 0.97 for e in pages[2:])
    with Archive(db) as archive:
        assert archive.count_articles() == served


@pytest.mark.first_crawl("old", 5)
def test_status_and_exit_codes(tmp_path, first_crawl):
    db = tmp_path / "archive" / "archive.db"
    assert vnarchive("status", "--db", str(db)).returncode == 2  # no archive yet
    first_crawl.copy_to(db.parent)
    with first_crawl.replica() as replica:
        # Every page answers 503 (no Retry-After): the run fails outright.
        post(replica, "/__replica__/throttle?status=503&count=1000")
        failed = crawl(replica.base_url, db, "--set", "RETRY_TIMES=0")
    assert failed.returncode == 3, failed.stderr[-2000:]  # finished, every page failed
    shown = vnarchive("status", "--db", str(db))
    assert shown.returncode == 3
    lines = shown.stdout.splitlines()
    assert "26 articles" in lines[1]
    # Newest first; the run's duration as its own summary line said it (one clock).
    assert "degraded" in lines[-2] and "503:" in lines[-2] and "ok" in lines[-1]
    said = failed.stderr.strip().splitlines()[-1].split(" in ")[-1].split(" s ->")[0]
    assert f" {said} s " in lines[-2], (said, lines[-2])
    with Archive(db) as archive:
        stats = json.loads(dict(archive.db["crawls"].get(2))["stats"])
    # The home page and the declared section (asked once the home page failed) failed;
    # robots.txt was ok.
    assert stats["vnarchive/degraded_reasons"][0].startswith("error rate 66.7%")


@pytest.mark.first_crawl("old", 5)
def test_stale_archive_is_degraded(tmp_path, first_crawl):
    # The same first crawl as the status test's (this one asserts no article count).
    db = first_crawl.copy_to(tmp_path / "archive")
    with first_crawl.replica() as replica:
        # Nothing new since the first run; a zero-day threshold makes that "stale".
        again = crawl(replica.base_url, db, "--set", "DEGRADED_STALE_DAYS=0")
    assert again.returncode == 3, again.stderr[-2000:]
    with Archive(db) as archive:
        stats = json.loads(dict(archive.db["crawls"].get(2))["stats"])
    assert stats["vnarchive/degraded_reasons"][0].startswith("no new article for")


def test_gaps_lists_what_is_missing_and_backfill_fetches_it(tmp_path):
    db = tmp_path / "archive.db"
    # Enough articles that each category's listing has more than one page.
    with start_replica(layout="mixed", generated=300) as replica:
        assert crawl(replica.base_url, db).returncode == 0
        assert "no gaps" in vnarchive("gaps", "--db", str(db)).stdout
        # Lose three archived articles, as if they had never been fetched.
        with Archive(db) as archive:
            rows = list(archive.db.query(
                "SELECT article_id, substr(published_at, 1, 10) AS day, category "
                "FROM articles ORDER BY published_at LIMIT 3"))  # fmt: skip
            for row in rows:
                for table in ("articles", "frontier"):
                    archive.db.execute(
                        f"DELETE FROM {table} WHERE article_id = ?", (row["article_id"],)
                    )
            archive.db.conn.commit()
        report = vnarchive("gaps", "--db", str(db))
        assert report.returncode == 0
        for row in rows:
            assert str(row["article_id"]) in report.stdout
            assert row["day"] in report.stdout
        command = report.stdout.strip().splitlines()[-1].removeprefix("to fetch them: ")
        assert command.startswith("vnarchive crawl --backfill")
        # An incremental run does not look that far back ...
        assert crawl(replica.base_url, db).returncode == 0
        assert "never queued" in vnarchive("gaps", "--db", str(db)).stdout
        # ... the suggested backfill does (run with this test's --start-url and --db).
        args = command.split()[2:]
        at = args.index("--db")
        backfill = crawl(replica.base_url, db, *args[:at], *args[at + 2 :])
    assert backfill.returncode == 0, backfill.stderr[-2000:]
    assert "no gaps" in vnarchive("gaps", "--db", str(db)).stdout


def test_backfill_resumes_per_category(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=120) as replica:
        # Stop the first crawl early (Scrapy's page limit): the walks stay unfinished.
        cut = crawl(replica.base_url, db, "--set", "CLOSESPIDER_PAGECOUNT=25")
        assert cut.returncode == 1
        with Archive(db) as archive:
            unfinished = archive.db.execute(
                "SELECT count(*) FROM listing_walks WHERE finished_at IS NULL"
            ).fetchone()[0]
            before = {r[0] for r in archive.db.execute("SELECT article_id FROM articles")}
        assert unfinished > 0
        replica.access_log.clear()
        resumed = crawl(replica.base_url, db, "--backfill")
        log = site_requests(replica.access_log())
        truth = {r["article_id"] for r in replica.truth()}
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with Archive(db) as archive:
        archived = {r[0] for r in archive.db.execute("SELECT article_id FROM articles")}
        assert (
            archive.db.execute(
                "SELECT count(*) FROM listing_walks WHERE finished_at IS NULL"
            ).fetchone()[0]
            == 0
        )
    assert archived == truth
    fetched = [int(e["path"].rsplit("-", 1)[-1]) for e in log if is_article(e["path"])]
    assert len(fetched) == len(set(fetched))  # nothing twice
    assert not set(fetched) & before  # nothing archived before is fetched again
    assert set(fetched) == truth - before


def test_backfill_until_stops_each_walk_at_the_date(tmp_path):
    db = tmp_path / "archive.db"
    # About 60 articles a category: listings of three or four pages.
    with start_replica(layout="new", generated=750) as replica:
        truth = replica.truth()
        days = sorted((r["published_at"][:10] for r in truth), reverse=True)
        until = days[40]  # a few of the newest articles per category
        result = crawl(replica.base_url, db, "--backfill", "--until", until)
        pages = {c: -(-len(replica.site.listing(c) or []) // 20) for c in CATEGORY_NAMES}
    assert result.returncode == 0, result.stderr[-2000:]
    with Archive(db) as archive:
        archived = {r[0] for r in archive.db.execute("SELECT article_id FROM articles")}
        walks = list(archive.db.query("SELECT * FROM listing_walks"))
    # Everything published since the date is archived ...
    assert {r["article_id"] for r in truth if r["published_at"][:10] >= until} <= archived
    assert {w["until"] for w in walks} == {until} and all(w["finished_at"] for w in walks)
    # ... and each walk stopped at the first page wholly older than the date (page 1
    # holds the newer articles, page 2 is past the date), short of its listing's end.
    last = {w["category"]: w["last_page"] for w in walks}
    assert set(last) == set(pages)
    assert all(last[c] <= min(2, n) for c, n in pages.items()), (last, pages)
    assert sum(pages.values()) > 2 * len(pages)
