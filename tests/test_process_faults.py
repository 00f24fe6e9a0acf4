"""Process faults: kill -9 of crawls and reparse runs, a full disk, readers during a crawl.

Each ends with `PRAGMA integrity_check` ok, every archived article present once, and
the WARC records readable (harness/process_faults.py).
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import suppress
from datetime import datetime
from pathlib import Path

import pytest

from crawler.extract.dates import VN_TZ
from crawler.extract.errors import StorageError
from crawler.extract.parsing import parse_article
from crawler.portals import TUYENGIAO
from crawler.processes import free_port
from harness.crawl_support import crawl_command, publish
from harness.process_faults import archive_problems, kill_cycles
from pipelines.archive import Archive
from pipelines.normalize import normalize_article
from replica.server import start_replica

ROOT = Path(__file__).resolve().parent.parent
CYCLES = int(os.environ.get("KILL_CYCLES", "20"))


@pytest.mark.e2e
@pytest.mark.slow
def test_crawls_and_reparse_runs_killed_at_random_lose_and_corrupt_nothing(tmp_path):
    rng = random.Random(int(os.environ.get("KILL_SEED", "8")))
    with start_replica(layout="mixed", generated=20) as replica:
        truth = {r["article_id"]: r["title"] for r in replica.truth()}
        report = kill_cycles(replica.base_url, tmp_path / "archive.db", truth, CYCLES, rng)
    assert not report.problems, report.problems
    assert report.crawl_runs == report.reparse_runs == CYCLES
    # Most runs must really have been killed, or the cycles prove little.
    assert report.crawl_kills >= CYCLES // 2 and report.reparse_kills >= CYCLES // 2, report


def _articles(count: int):
    """Parsed articles of a replica site, without a crawl."""
    from urllib.parse import urlsplit

    from replica.pages import route
    from replica.site import Site

    site = Site("old", count, 3)
    fetched = datetime(2026, 11, 26, 12, tzinfo=VN_TZ)
    for record in site.truth("http://127.0.0.1:8800")[:count]:
        page = route(site, urlsplit(record["url"]).path)
        yield normalize_article(parse_article(page.body, record["url"], fetched, portal=TUYENGIAO))


def test_a_full_disk_is_a_clear_error_and_leaves_the_archive_intact(tmp_path):
    db = tmp_path / "archive.db"
    articles = list(_articles(60))
    with Archive(db) as archive:
        used = archive.db.execute("PRAGMA page_count").fetchone()[0]
        # The file may grow by a few dozen pages: far fewer than 60 articles need.
        archive.db.execute(f"PRAGMA max_page_count = {used + 40}")
        stored, error = [], None
        for article in articles:
            try:
                archive.upsert_article(article)
            except StorageError as failure:
                error = failure
                break
            stored.append(article.article_id)
    assert error is not None, "the capped archive never filled up"
    assert "full" in str(error) and str(articles[len(stored)].article_id) in str(error)
    assert 0 < len(stored) < len(articles)
    assert archive_problems(db, set(stored)) == []
    with sqlite3.connect(db) as conn:
        ids = {row[0] for row in conn.execute("SELECT article_id FROM articles")}
    assert ids == set(stored)  # the article that did not fit left no row behind


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    if os.geteuid() != 0:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return result.returncode == 0


# The disk fills at a different write for each size: an article's commit, a frontier
# write of the spider's, a WARC record, the ledger's last row. Every one of them must
# stop the crawl with exit 1 (1,500 KB once ended "ok" with exit 0).
FULL_DISK_SIZES_KB = (900, 1200, 1500, 1800)


@pytest.mark.e2e
def test_a_crawl_onto_a_full_filesystem_fails_clearly_and_the_archive_stays_intact(tmp_path):
    with start_replica(layout="old", generated=200) as replica:
        for size in FULL_DISK_SIZES_KB:
            disk = tmp_path / f"disk-{size}k"
            if not _mount_tmpfs(disk, f"{size}k"):
                pytest.skip("no size-capped filesystem here (mounting a tmpfs needs root)")
            try:
                _crawl_onto_full_disk(replica.base_url, disk / "archive.db", size)
            finally:
                subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _crawl_onto_full_disk(base_url: str, db: Path, size: int) -> None:
    result = subprocess.run(
        crawl_command(base_url, db), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    where = f"{size} KB disk: {result.stderr[-2000:]}"
    assert result.returncode == 1, where
    assert "the disk is full" in result.stderr and "stopping the crawl" in result.stderr, where
    assert " failed: " in result.stderr.splitlines()[-1], where
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert count > 0, where
    assert archive_problems(db) == [], where


@pytest.mark.e2e
@pytest.mark.slow
def test_readers_run_the_whole_time_a_crawl_writes(tmp_path):
    db = tmp_path / "archive.db"
    failures: list[str] = []
    reads = {"sql": 0, "datasette": 0}
    with start_replica(layout="mixed", generated=20) as replica:
        first = subprocess.run(crawl_command(replica.base_url, db), cwd=ROOT, capture_output=True)
        assert first.returncode == 0, first.stderr[-2000:]
        publish(replica, 150)
        port = free_port()
        serve = subprocess.Popen(
            [sys.executable, "-m", "vnarchive", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for(f"http://127.0.0.1:{port}/")
            crawl = subprocess.Popen(
                crawl_command(replica.base_url, db), cwd=ROOT, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            stop = threading.Event()
            threads = [
                threading.Thread(target=_sql_reader, args=(db, stop, failures, reads)),
                threading.Thread(target=_http_reader, args=(port, stop, failures, reads)),
            ]
            for thread in threads:
                thread.start()
            _, crawl_errors = crawl.communicate(timeout=300)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        finally:
            serve.terminate()
            serve.wait(timeout=30)
    assert crawl.returncode == 0, crawl_errors[-2000:]
    assert "locked" not in crawl_errors
    assert not failures, failures[:5]
    assert reads["sql"] > 10 and reads["datasette"] > 10, reads
    assert archive_problems(db) == []


def _sql_reader(db: Path, stop: threading.Event, failures: list[str], reads: dict) -> None:
    # As a researcher would: read-only, with a busy timeout.
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    while not stop.is_set():
        try:
            conn.execute("SELECT count(*), max(last_seen_at) FROM articles").fetchone()
            conn.execute(
                "SELECT a.title, count(i.position) FROM articles a LEFT JOIN images i "
                "ON i.site = a.site AND i.article_id = a.article_id GROUP BY a.article_id"
            ).fetchall()
            conn.execute("SELECT count(*) FROM fts_folded WHERE fts_folded MATCH 'ha noi'")
            reads["sql"] += 1
        except sqlite3.Error as error:
            failures.append(f"sql: {error}")
        time.sleep(0.01)
    conn.close()


def _http_reader(port: int, stop: threading.Event, failures: list[str], reads: dict) -> None:
    paths = ["/archive/articles.json?_size=20", "/archive/articles?_search=ha+noi",
             "/archive/crawls.json", "/archive.json"]  # fmt: skip
    while not stop.is_set():
        for path in paths:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                    body = r.read()
                if b"database is locked" in body:
                    failures.append(f"{path}: database is locked")
                reads["datasette"] += 1
            except urllib.error.HTTPError as error:
                failures.append(f"{path}: HTTP {error.code} {error.read()[:200]!r}")
            except OSError as error:
                failures.append(f"{path}: {error}")


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(OSError):
            urllib.request.urlopen(url, timeout=2).close()
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} never answered")
