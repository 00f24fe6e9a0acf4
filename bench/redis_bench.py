"""Distributed crawl throughput (issue 7): 1 worker against 3, on this machine.

    .venv/bin/python -m bench.redis_bench [--articles 2000] [--runs 3] [--workers 1,3]

Each run: a fresh redis-server (no persistence), the replica in its own process, one
`vnarchive ingest` into an empty archive, then W `vnarchive crawl --redis` workers
started together. Figures, median (min-max) over the runs:

- crawl pages/s: pages the workers fetched (the sum of their `downloader/response_count`,
  from their `crawls` rows) over the wall time from starting the workers to the last
  one's exit (Scrapy start-up included, as a real run pays it);
- archived articles/s: articles in the archive over the wall time from starting the
  workers to the writer's exit (the queue drained);
- the replica's CPU during the crawl, as a share of the crawl's wall time (it shares the
  machine's cores);
- pages per CPU-second of the workers and articles per CPU-second of the writer (wait4):
  what one worker, or the writer, does with a core of its own.

Nothing is asserted: the figures are read (bench/RESULTS-redis.md).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Figure, replica
from crawler.distributed.local_server import LocalRedis
from harness.redis_cluster import ingest, wait_ready, worker


def one_run(articles: int, workers: int, home: Path) -> dict[str, float]:
    db = home / "archive.db"
    with LocalRedis() as redis_server, replica(articles) as site:
        writer = ingest(redis_server.url, db, home / "ingest.log")
        wait_ready(redis_server.url)
        cpu_before = site.cpu_s()
        started = time.monotonic()
        procs = [worker(redis_server.url, site.base_url, home, f"w{n}") for n in range(workers)]
        codes, worker_cpu = zip(*(reap(p) for p in procs), strict=True)
        crawl_s = time.monotonic() - started
        replica_cpu = site.cpu_s() - cpu_before
        writer_code, writer_cpu = reap(writer)
        if writer_code != 0 or set(codes) != {0}:
            raise RuntimeError(f"run failed: workers {codes}, logs in {home}")
        archived_s = time.monotonic() - started
    with sqlite3.connect(db) as conn:
        pages = conn.execute(
            "SELECT sum(pages_fetched) FROM crawls WHERE spider != 'ingest'"
        ).fetchone()[0]
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if count != site.articles:
        raise RuntimeError(f"archived {count} of {site.articles} articles")
    return {
        "pages": pages,
        "articles": count,
        "crawl_s": crawl_s,
        "pages_per_s": pages / crawl_s,
        "archived_per_s": count / archived_s,
        "replica_cpu_share": replica_cpu / crawl_s,
        # What one worker does per second of CPU it gets: the rate a worker on a core
        # of its own would reach against the replica (start-up included).
        "pages_per_worker_cpu_s": pages / sum(worker_cpu),
        "articles_per_writer_cpu_s": count / writer_cpu,
    }


def reap(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Exit status and user + system CPU seconds of a child (wait4)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def memory_per_member(count: int = 200_000) -> dict[str, float]:
    """Bytes of Redis memory per member of a large set, for each kind of set we keep:
    article fingerprints (`article:<id>`), scrapy-redis request fingerprints (40 hex),
    and archived ids (integers)."""
    import hashlib

    import redis

    kinds = {
        "article_fingerprint": lambda n: f"article:{1_000_000 + n}",
        "request_fingerprint": lambda n: hashlib.sha1(str(n).encode()).hexdigest(),
        "archived_id": lambda n: 1_000_000 + n,
    }
    result = {}
    with LocalRedis() as redis_server:
        client = redis.Redis.from_url(redis_server.url)
        for name, member in kinds.items():
            before = int(client.info("memory")["used_memory"])
            for start in range(0, count, 10_000):
                client.sadd(name, *(member(n) for n in range(start, start + 10_000)))
            result[name] = (int(client.info("memory")["used_memory"]) - before) / count
        client.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,3")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()}")
    sizes = memory_per_member()
    print("Redis bytes per set member: " + ", ".join(f"{k} {v:.1f}" for k, v in sizes.items()))
    for workers in (int(w) for w in args.workers.split(",")):
        names = ("pages_per_s", "archived_per_s", "replica_cpu_share",
                 "pages_per_worker_cpu_s", "articles_per_writer_cpu_s")  # fmt: skip
        figures = {k: Figure("redis", k, "") for k in names}
        for n in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="redis-bench-") as home:
                result = one_run(args.articles, workers, Path(home))
            for key, figure in figures.items():
                figure.add(result[key])
            print(f"  {workers} worker(s), run {n + 1}: " + ", ".join(
                f"{k} {v:.2f}" for k, v in result.items()))  # fmt: skip
        cells = {k: "{} ({}-{})".format(*f.cells()) for k, f in figures.items()}
        print(f"{workers} worker(s): {cells}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
