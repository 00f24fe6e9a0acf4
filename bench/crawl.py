"""End-to-end crawl against the floor, re-extraction, and the memory of a crawl.

Each crawl is `vnarchive crawl` in its own process, into an empty archive, against
the replica in another process (the CLI relaxes politeness for a loopback replica).
The floor is `bench/bare_spider.py` fetching the very URLs the full crawl fetched.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import PYTHON, VNARCHIVE, ChildResult, Replica, Report, replica, run_child

GROUP = "crawl"
MEMORY = "memory"


def crawl(rep: Replica, workdir: Path, *, warc: bool) -> tuple[ChildResult, dict[str, Any], float]:
    """One `vnarchive crawl` into an empty archive: (process, stats, replica CPU s)."""
    db = workdir / "archive.db"
    command = [
        VNARCHIVE,
        "crawl",
        "--start-url",
        rep.base_url,
        "--db",
        str(db),
        "--log-level",
        "WARNING",
    ]
    if not warc:
        command += ["--set", "WARC_ENABLED=False"]
    replica_before = rep.cpu_s()
    result = run_child(command)
    replica_cpu = rep.cpu_s() - replica_before
    if result.returncode != 0:
        raise RuntimeError(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("SELECT stats FROM crawls ORDER BY id DESC").fetchone()[0])
        stats["bench/articles"] = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return result, stats, replica_cpu


def fetched_urls(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url FROM captures ORDER BY id").fetchall()
    return [url for (url,) in rows if not url.endswith("/robots.txt")]


def bare(rep: Replica, urls_file: Path) -> tuple[ChildResult, dict[str, Any], float]:
    replica_before = rep.cpu_s()
    result = run_child([PYTHON, "-m", "bench.bare_spider", str(urls_file)])
    replica_cpu = rep.cpu_s() - replica_before
    if result.returncode != 0:
        raise RuntimeError(f"bare spider failed: {result.stderr[-2000:]}")
    return result, json.loads(result.stdout.strip().splitlines()[-1]), replica_cpu


def pages_per_s(stats: dict[str, Any]) -> float:
    return float(stats["downloader/response_count"]) / float(stats["elapsed_time_seconds"])


def run(report: Report, *, articles: int, runs: int) -> None:
    on = report.figure(GROUP, "full pipeline, WARC on, pages/s", "pages/s")
    off = report.figure(GROUP, "full pipeline, WARC off, pages/s", "pages/s")
    floor = report.figure(GROUP, "bare Scrapy spider (floor), pages/s", "pages/s")
    ratio_on = report.figure(GROUP, "WARC on / bare spider", "ratio", target=">= 0.5")
    ratio_off = report.figure(GROUP, "WARC off / bare spider", "ratio")
    cpu_on = report.figure(GROUP, "crawler CPU per page, WARC on", "ms")
    cpu_off = report.figure(GROUP, "crawler CPU per page, WARC off", "ms")
    cpu_bare = report.figure(GROUP, "bare spider CPU per page", "ms")
    replica_share = report.figure(
        GROUP,
        "replica CPU, share of the WARC-on crawl's wall time",
        "%",
        note="the replica's own process, user+system, during the crawl",
    )
    replica_share_bare = report.figure(
        GROUP, "replica CPU, share of the bare spider's wall time", "%"
    )
    rss = report.figure(MEMORY, f"peak RSS, crawl of {articles:,} articles (WARC on)", "MB")
    reparse_rate = report.figure(
        "storage", "re-extraction (vnarchive reparse from WARC), articles/s", "articles/s"
    )
    with replica(articles) as rep:
        report.note(
            GROUP,
            f"replica: {rep.articles:,} articles (mixed layout) at {rep.base_url}, its own "
            f"process; each crawl starts from an empty archive; {runs} runs, each run: "
            "WARC on, the bare spider right after it (each ratio pairs the two, so the "
            "machine's drift between minutes does not enter it), WARC off",
        )
        urls_file = Path(tempfile.mkstemp(prefix="vnarchive-bench-urls-", suffix=".txt")[1])
        try:
            for index in range(runs):
                workdir = Path(tempfile.mkdtemp(prefix="vnarchive-bench-crawl-"))
                try:
                    result, stats, rcpu = crawl(rep, workdir, warc=True)
                    if index == 0:
                        urls = fetched_urls(workdir / "archive.db")
                        urls_file.write_text("\n".join(urls) + "\n")
                        report.note(
                            GROUP,
                            f"a crawl fetches {stats['downloader/response_count']:,} pages "
                            f"({stats.get('vnarchive/pages/article', 0):,} articles, "
                            f"{stats.get('vnarchive/pages/listing', 0):,} listings) and "
                            f"archives {stats['bench/articles']:,} articles; the bare spider "
                            f"fetches the same {len(urls):,} URLs (+ robots.txt)",
                        )
                    result_bare, stats_bare, rcpu_bare = bare(rep, urls_file)
                    if stats["bench/articles"] != rep.articles:
                        report.note(
                            GROUP,
                            f"run {index + 1}: archived {stats['bench/articles']} of "
                            f"{rep.articles} articles",
                        )
                    on.add(pages_per_s(stats))
                    pages = stats["downloader/response_count"]
                    cpu_on.add((result.user_s + result.sys_s) * 1000 / pages)
                    replica_share.add(100 * rcpu / float(stats["elapsed_time_seconds"]))
                    rss.add(result.maxrss_mb)
                    reparse_rate.add(reparse_timed(workdir / "archive.db"))
                finally:
                    shutil.rmtree(workdir, ignore_errors=True)
                floor.add(pages_per_s(stats_bare))
                cpu_bare.add(
                    (result_bare.user_s + result_bare.sys_s)
                    * 1000
                    / stats_bare["downloader/response_count"]
                )
                replica_share_bare.add(100 * rcpu_bare / float(stats_bare["elapsed_time_seconds"]))
                workdir = Path(tempfile.mkdtemp(prefix="vnarchive-bench-crawl-"))
                try:
                    result_off, stats_off, _ = crawl(rep, workdir, warc=False)
                    off.add(pages_per_s(stats_off))
                    cpu_off.add(
                        (result_off.user_s + result_off.sys_s)
                        * 1000
                        / stats_off["downloader/response_count"]
                    )
                finally:
                    shutil.rmtree(workdir, ignore_errors=True)
                ratio_on.add(on.samples[-1] / floor.samples[-1])
                ratio_off.add(off.samples[-1] / floor.samples[-1])
                print(
                    f"  crawl run {index + 1}/{runs}: WARC on {on.samples[-1]:.1f}, "
                    f"bare {floor.samples[-1]:.1f}, off {off.samples[-1]:.1f} pages/s",
                    flush=True,
                )
        finally:
            urls_file.unlink(missing_ok=True)


def reparse_timed(db: Path) -> float:
    """`vnarchive reparse` over a fresh crawl's archive, timed in its own process."""
    result = run_child([PYTHON, "-m", "bench.reparse_timer", str(db)])
    if result.returncode != 0:
        raise RuntimeError(f"reparse failed: {result.stderr[-2000:]}")
    info = json.loads(result.stdout.strip().splitlines()[-1])
    return float(info["articles"]) / float(info["seconds"])


def memory(report: Report, *, articles: int) -> None:
    """Peak RSS of one crawl of a larger replica (the smaller one is in the crawl figure)."""
    rss = report.figure(
        MEMORY, f"peak RSS, crawl of {articles:,} articles (WARC on)", "MB", target="<= 300"
    )
    with replica(articles) as rep:
        workdir = Path(tempfile.mkdtemp(prefix="vnarchive-bench-mem-"))
        try:
            started = time.perf_counter()
            result, stats, _ = crawl(rep, workdir, warc=True)
            rss.add(result.maxrss_mb)
            report.note(
                MEMORY,
                f"{articles:,}-article crawl: {stats['bench/articles']:,} articles archived, "
                f"{pages_per_s(stats):.1f} pages/s, {time.perf_counter() - started:.0f} s",
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
