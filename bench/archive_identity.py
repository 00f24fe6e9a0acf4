"""Is the archive a crawl writes the same, row for row, under two versions of the code?

A refactoring of the write path (issue 14) must not change a single row. This crawls
the replica twice into one archive (a first crawl with faults: a 404, a server error
that outlasts the retries, a broken page; then the site changes: an edit, a removal,
new articles, an article that redirects away, and a revisit crawl), with the code
of a given tree, and then compares two such archives table by table, leaving out
only what varies from run to run of the same code (ids, timestamps, run statistics,
WARC offsets).

    python -m bench.archive_identity crawl OUT.db [--tree DIR] [--mode writer|inline]
    python -m bench.archive_identity crawl OUT.db --mode redis --redis URL
    python -m bench.archive_identity compare A.db B.db [--rows-only]

`--tree` runs `vnarchive crawl` with that tree first on PYTHONPATH (e.g. a checkout
of the old code); `--mode inline` swaps the writer process for the in-process
`pipelines.store.ArchivePipeline`; `--mode redis` runs each crawl as one worker and
`vnarchive ingest` on that Redis (its database is emptied first: give a server of
your own). One request at a time, so both crawls meet the pages in the same order.
`--rows-only`: a difference of schema (a new migration) is printed but does not count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from replica.dates import VN_TZ
from replica.server import start_replica

GENERATED = 40
INLINE_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.store.ArchivePipeline": 300,
}
# Columns whose values differ between two runs of the same code: the clock (the
# archive's own timestamps, and the replica's Last-Modified of an article edited or
# published during the run), ids given in order of arrival, run statistics, WARC
# placement, and hashes over a record that holds the replica's port.
VOLATILE = {
    "id", "at", "stats", "duration_s", "offset", "length", "warc_file", "fetched_at",
    "payload_digest", "content_hash", "first_seen_at", "last_seen_at", "last_changed_at",
    "discovered_at", "superseded_at", "seen_at", "started_at", "finished_at",
    "first_listed_at", "last_modified",
}  # fmt: skip
# Per table: `updated_at` is the page's own date in `articles`, the clock elsewhere.
VOLATILE_IN = {"frontier": {"updated_at"}, "redis_ingest": {"updated_at", "last_id"}}
# Tables compared through another key than their rowid, or not at all (FTS internals).
SKIPPED_PREFIXES = ("fts_exact_", "fts_folded_", "sqlite_")
# Each crawl serves the replica on a free port: URLs are compared without it.
PORT = re.compile(r"127\.0\.0\.1:\d+")


def _key(row: Any) -> str:
    return PORT.sub("127.0.0.1:PORT", json.dumps(row, ensure_ascii=False, default=str))


def crawl(db: Path, tree: Path | None, mode: str, redis_url: str | None = None) -> None:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    settings = ["CONCURRENT_REQUESTS=1", "RETRY_TIMES=1", f"WARC_DIR={db}.warc"]
    if mode == "inline":
        settings.append(f"ITEM_PIPELINES={json.dumps(INLINE_PIPELINES)}")

    def run(base_url: str, *extra: str) -> None:
        command = [sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url,
                   "--db", str(db), "--log-level", "WARNING"]  # fmt: skip
        for setting in [*settings, *extra]:
            command += ["--set", setting]
        if mode == "redis":
            assert redis_url is not None
            return distributed(command, redis_url, env)
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        if result.returncode not in (0, 3):  # 3: degraded (the faults are errors)
            sys.exit(f"crawl failed ({result.returncode}): {result.stderr[-3000:]}")

    def distributed(command: list[str], redis_url: str, env: dict[str, str]) -> None:
        import redis

        server = redis.Redis.from_url(redis_url)
        server.flushdb()
        ingest = subprocess.Popen(
            [sys.executable, "-m", "vnarchive", "ingest", "--redis", redis_url, "--db", str(db),
             "--until-done", "--lock-wait", "30"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not server.exists("vnarchive:archived:ready"):
            if time.monotonic() > deadline or ingest.poll() is not None:
                sys.exit("the ingest never got ready")
            time.sleep(0.1)
        worker = [*command, "--redis", redis_url, "--worker-id", "w1"]
        result = subprocess.run(worker, env=env, capture_output=True, text=True, timeout=600)
        if result.returncode not in (0, 3):
            sys.exit(f"worker failed ({result.returncode}): {result.stderr[-3000:]}")
        _, errors = ingest.communicate(timeout=300)
        if ingest.returncode != 0:
            sys.exit(f"ingest failed ({ingest.returncode}): {errors[-3000:]}")
        server.close()

    with start_replica(layout="mixed", generated=GENERATED, port=0) as replica:
        ids = sorted(r["article_id"] for r in replica.truth())
        replica.faults.add(rf"-{ids[3]}(\?|$)", "http404")
        replica.faults.add(rf"-{ids[5]}(\?|$)", "http500")
        replica.faults.add(rf"-{ids[7]}(\?|$)", "truncate")
        run(replica.base_url)
        replica.faults.clear()
        # A fixed moment (in the past: a date after the fetch is refused), so that the
        # new and edited pages are the same in every run.
        moment = datetime(2026, 6, 1, 9, 0, tzinfo=VN_TZ)
        replica.server.changes.edit(ids[10], now=moment)
        replica.server.changes.remove(ids[12])
        replica.server.changes.publish(3, now=moment)
        replica.faults.add(rf"-{ids[14]}(\?|$)", "redirect_offsite")
        replica.server.clear_cache()
        run(replica.base_url, "REVISIT_DAYS=100000")


def table_rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], Counter[str]]:
    columns = [row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})")]
    volatile = VOLATILE | VOLATILE_IN.get(table, set())
    kept = [c for c in columns if c not in volatile]
    if not kept:
        return kept, Counter()
    rows = conn.execute(f"SELECT {', '.join(kept)} FROM {table}")
    return kept, Counter(_key(row) for row in rows)


def search_rows(conn: sqlite3.Connection, table: str) -> Counter[str]:
    """A search index's rows keyed by article, not by `fts_docs.id` (order of arrival)."""
    rows = conn.execute(
        f"SELECT d.site, d.article_id, f.title, f.lead, f.body, f.captions "
        f"FROM {table} f JOIN fts_docs d ON d.id = f.rowid"
    )
    return Counter(_key(row) for row in rows)


def compare(a: Path, b: Path) -> list[str]:
    """What differs between the two archives (empty: identical up to VOLATILE)."""
    left, right = sqlite3.connect(a), sqlite3.connect(b)
    problems: list[str] = []
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    ours, theirs = set(left.execute(schema)), set(right.execute(schema))
    if ours != theirs:
        problems.append(
            f"sqlite_master differs: only in {a.name}: {sorted(n for _, n, _ in ours - theirs)}; "
            f"only in {b.name}: {sorted(n for _, n, _ in theirs - ours)}"
        )
    version = "PRAGMA user_version"
    versions = left.execute(version).fetchone()[0], right.execute(version).fetchone()[0]
    if versions[0] != versions[1]:
        problems.append(f"user_version differs: {versions[0]} / {versions[1]}")
    tables = [
        name for (name,) in left.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith(SKIPPED_PREFIXES)
    ]  # fmt: skip
    for table in sorted(tables):
        if table in ("fts_exact", "fts_folded"):
            ours, theirs = search_rows(left, table), search_rows(right, table)
        else:
            _, ours = table_rows(left, table)
            _, theirs = table_rows(right, table)
        if ours != theirs:
            only_a, only_b = ours - theirs, theirs - ours
            problems.append(
                f"{table}: {sum(only_a.values())} rows only in {a.name}, "
                f"{sum(only_b.values())} only in {b.name}; e.g. "
                f"{next(iter(only_a), '-')[:300]} / {next(iter(only_b), '-')[:300]}"
            )
        elif not ours:
            problems.append(f"{table}: empty in both (the crawl did not exercise it)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.archive_identity",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("crawl", help="crawl the changing replica into a new archive")
    p.add_argument("db", type=Path)
    p.add_argument("--tree", type=Path, help="the source tree to run (default: this one)")
    p.add_argument("--mode", choices=("writer", "inline", "redis"), default="writer")
    p.add_argument("--redis", metavar="URL", help="with --mode redis: a Redis of your own")
    p = sub.add_parser("compare", help="compare two archives row by row")
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    p.add_argument("--rows-only", action="store_true", help="schema differences do not count")
    args: Any = parser.parse_args(argv)
    if args.command == "crawl":
        if args.db.exists():
            parser.error(f"{args.db} exists: give a new path")
        if args.mode == "redis" and not args.redis:
            parser.error("--mode redis needs --redis URL")
        crawl(args.db, args.tree, args.mode, args.redis)
        print(f"{args.db}: written")
        return 0
    problems = compare(args.a, args.b)
    for problem in problems:
        print(problem)
    ignored = ("empty in both",) + (("sqlite_master", "user_version") if args.rows_only else ())
    identical = not [p for p in problems if not any(word in p for word in ignored)]
    print("identical" if identical else "DIFFERENT")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
