"""End to end (issue 15 §4): two portals crawled into one archive at the same time,
each by its own job, as one scheduled timer per portal does.

tuyengiao.vn is the project's replica; the other site is a small news site on
127.0.0.1 crawled as Quân đội Nhân dân (`--portal qdnd`, read by the generic reader),
which holds its article pages until the test lets them go: that crawl is mid-way
(lock held, articles in flight) for the whole of the tuyengiao.vn crawl. A second
crawl of a site already being crawled is refused (exit 75), and the other site's
start-up recovery leaves the waiting crawl's in-flight entries alone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from replica.server import start_replica
from tests.sites_support import news_site
from vnarchive.lock import EXIT_ALREADY_RUNNING

pytestmark = pytest.mark.e2e


NO_DECLARED_SOURCES = tuple(
    arg
    for name in ("DISCOVERY_SITEMAPS", "DISCOVERY_FEEDS", "DISCOVERY_SECTIONS")
    for arg in ("--set", f"{name}=False")
)


def _command(base_url: str, db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url,
            "--db", str(db), "--log-level", "WARNING", *extra]  # fmt: skip


def _wait_for(predicate, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_sites_crawl_into_one_archive_at_once(tmp_path):
    db = tmp_path / "archive.db"
    with (
        start_replica(layout="old", generated=5, port=0) as replica,
        news_site(articles=5, held=True) as other,
    ):
        served = len(replica.truth())
        slow = subprocess.Popen(
            # The stand-in serves a home page and its articles, not qdnd's declared
            # sections, feed and sitemap: asking for them would only count 404s.
            _command(other.base_url, db, "--portal", "qdnd", *NO_DECLARED_SOURCES),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            # Its lock is taken and its first article asked for: it is mid-crawl.
            _wait_for(lambda: any(p.startswith("/thoi-su/") for p in other.requests))
            again = subprocess.run(_command(other.base_url, db, "--portal", "qdnd"),
                                   capture_output=True, text=True, timeout=300)  # fmt: skip
            # The other site, meanwhile.
            fast = subprocess.run(_command(replica.base_url, db), capture_output=True,
                                  text=True, timeout=300)  # fmt: skip
            still_running = slow.poll() is None
            with sqlite3.connect(db) as conn:
                in_flight = conn.execute(
                    "SELECT count(*) FROM frontier WHERE site = 'qdnd.vn' AND state = 'in_progress'"
                ).fetchone()[0]
            other.gate.set()
            _, slow_err = slow.communicate(timeout=300)
        finally:
            if slow.poll() is None:
                slow.kill()
            slow.wait()
            for stream in (slow.stdout, slow.stderr):
                if stream is not None:
                    stream.close()
    assert again.returncode == EXIT_ALREADY_RUNNING, again.stderr[-2000:]
    assert "another crawl of this archive is running (site qdnd.vn: pid" in again.stderr
    assert fast.returncode == 0, fast.stderr[-2000:]
    assert still_running, "the two crawls did not overlap: the test proves nothing"
    # The tuyengiao.vn crawl's start-up requeued its own site's entries only.
    assert in_flight == 5
    # Read by the generic reader by design (qdnd is discovery-only): not a layout drift.
    assert slow.returncode == 0, slow_err[-2000:]

    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall()
        ids = {r[0] for r in conn.execute("SELECT article_id FROM articles WHERE site = 'qdnd.vn'")}
        runs = conn.execute(
            "SELECT site, finish_reason, articles_new FROM crawls ORDER BY id"
        ).fetchall()
        frontier = conn.execute(
            "SELECT site, state, count(*) FROM frontier GROUP BY site, state ORDER BY site"
        ).fetchall()
    # Every article of both sites, each once, under its own site.
    assert sorted(articles) == [("qdnd.vn", 5), ("tuyengiao.vn", served)]
    assert ids == set(other.ids)
    # Each run names its site; the refused one wrote no row.
    assert sorted(runs) == [("qdnd.vn", "finished", 5), ("tuyengiao.vn", "finished", served)]
    assert frontier == [("qdnd.vn", "done", 5), ("tuyengiao.vn", "done", served)]

    status = subprocess.run([sys.executable, "-m", "vnarchive", "status", "--db", str(db)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "2 sites" in status.stdout, status.stdout
    site_lines = [line.split() for line in status.stdout.splitlines() if "last run #" in line]
    assert [line[:2] for line in site_lines] == [["qdnd.vn", "5"], ["tuyengiao.vn", str(served)]]
