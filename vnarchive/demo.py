"""`vnarchive demo`: the whole loop offline: replica, crawl, check, how to browse."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.processes import free_port, stop_process
from pipelines.ledger import EXIT_FAILED


@contextmanager
def replica_process(*, port: int, layout: str, articles: int) -> Iterator[str]:
    """Serve the replica in its own process (it must not share the crawler's GIL)."""
    command = [
        sys.executable, "-m", "replica",
        "--port", str(port), "--layout", layout, "--articles", str(articles),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(base_url, process)
        yield base_url
    finally:
        stop_process(process)


def wait_until_serving(
    base_url: str, process: subprocess.Popen[bytes], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the replica exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base_url + "robots.txt", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the replica did not answer on {base_url} within {timeout:.0f} s")


def served_ids(base_url: str) -> set[int]:
    with urllib.request.urlopen(base_url + "__replica__/truth.jsonl", timeout=30) as response:
        return {json.loads(line)["article_id"] for line in response if line.strip()}


def run_demo(*, db: str, layout: str, articles: int, port: int, log_level: str) -> int:
    from vnarchive.archive_path import BadArchive, check_archive, check_writable, fail

    try:
        check_archive(db, must_exist=False)
        check_writable(db)
    except BadArchive as error:
        return fail("demo", error)
    # Scrapy and the archive take most of a second to import: a wrong path is told first.
    from crawler.spiders.tuyengiao import TuyengiaoSpider
    from pipelines.archive import Archive
    from vnarchive.crawl import build_settings, crawl_once, describe_run

    port = port or free_port()
    print(f"demo: starting the replica ({layout} layout, {articles} generated articles) ...")
    try:
        with replica_process(port=port, layout=layout, articles=articles) as base_url:
            print(f"demo: crawling {base_url} into {db} ...")
            settings = build_settings(db=db, start_url=base_url, log_level=log_level)
            settings.set("CRAWL_SUMMARY_ENABLED", False, priority="cmdline")  # printed below
            stats = crawl_once(TuyengiaoSpider, settings, start_url=base_url)
            expected = served_ids(base_url)
    except RuntimeError as error:
        return fail("demo", error, EXIT_FAILED)
    print(describe_run(stats, db))
    with Archive(db) as archive:
        archived = {row[0] for row in archive.db.execute("SELECT article_id FROM articles")}
        total = archive.count_articles()
    missing = expected - archived
    print(
        f"demo: the replica served {len(expected)} articles; {len(expected & archived)} of them "
        f"are in the archive ({total} articles in all)"
        + (f"; MISSING {len(missing)}: {sorted(missing)[:10]}" if missing else "")
    )
    print(
        "\nBrowse the archive:\n"
        f"  .venv/bin/vnarchive serve --db {db}   # then open http://127.0.0.1:8001/\n"
        f"  sqlite3 {db} \\\n"
        "    'SELECT published_at, title FROM articles ORDER BY published_at DESC LIMIT 10'\n"
        f"The tables of {Path(db).name} are described in README.md, section Schema."
    )
    code = int(stats.get("vnarchive/exit_code", EXIT_FAILED))
    return EXIT_FAILED if missing else code
