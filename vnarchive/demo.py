"""`vnarchive demo`: the whole loop offline: replica, crawl, check, how to browse."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from crawler.portals import portal_by_name
from crawler.processes import free_port, stop_process
from pipelines.ledger import EXIT_FAILED

# The real portals' replicas (replica/press): their real article page as the template of
# generated articles, their listings, feeds and sitemaps.
REAL_PORTALS = ("vnexpress", "tuoitre", "dantri", "vietnamnet", "cafef", "plo")
# What `python -m replica` prints once a portal is served (replica/cli.py).
SERVING = re.compile(r"^replica: serving \S+ .* on (http://127\.0\.0\.1:\d+/)")


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


@contextmanager
def press_process(names: Sequence[str], articles: int) -> Iterator[dict[str, str]]:
    """Serve the real portals' replicas in one process, each on a free port; their base
    URLs by portal name, as the replica prints them when it is serving."""
    command = [
        sys.executable, "-m", "replica", "--portals", ",".join(names), "--port", "0",
        "--articles", str(articles),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        bases: dict[str, str] = {}
        assert process.stdout is not None
        for name in names:
            line = process.stdout.readline()
            serving = SERVING.search(line)
            if serving is None:
                raise RuntimeError(f"the replicas of {', '.join(names)} did not start: {line!r}")
            bases[name] = serving.group(1)
        yield bases
    finally:
        stop_process(process)
        if process.stdout is not None:
            process.stdout.close()


def served_ids(base_url: str) -> set[int]:
    with urllib.request.urlopen(base_url + "__replica__/truth.jsonl", timeout=30) as response:
        return {json.loads(line)["article_id"] for line in response if line.strip()}


def run_demo(
    *, db: str, layout: str, articles: int, port: int, log_level: str,
    portals: Sequence[str] = REAL_PORTALS, portal_articles: int = 30,
) -> int:  # fmt: skip
    from vnarchive.archive_path import BadArchive, check_archive, check_writable, fail

    try:
        check_archive(db, must_exist=False)
        check_writable(db)
    except BadArchive as error:
        return fail("demo", error)
    # Scrapy and the archive take most of a second to import: a wrong path is told first.
    from crawler.spiders.tuyengiao import TuyengiaoSpider
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
    runs = [(int(stats.get("vnarchive/exit_code", EXIT_FAILED)),
             report_served(db, "tuyengiao.vn", expected))]  # fmt: skip
    if portals:
        try:
            runs += crawl_real_portals(db, portals, portal_articles, log_level)
        except RuntimeError as error:
            return fail("demo", error, EXIT_FAILED)
    print(
        "\nBrowse the archive:\n"
        f"  .venv/bin/vnarchive serve --db {db}   # then open http://127.0.0.1:8001/\n"
        f"  .venv/bin/vnarchive status --db {db}  # each site's articles and last run\n"
        f"  sqlite3 {db} \\\n"
        "    'SELECT site, published_at, title FROM articles ORDER BY published_at DESC LIMIT 10'\n"
        f"The tables of {Path(db).name} are described in README.md, section Schema."
    )
    # The worst exit of the runs; any site missing an article it was served: failed.
    return max(code for code, _ in runs) if all(whole for _, whole in runs) else EXIT_FAILED


def crawl_real_portals(
    db: str, names: Sequence[str], articles: int, log_level: str
) -> list[tuple[int, bool]]:
    """Serve the real portals' replicas, crawl each with `vnarchive crawl --portal` (as
    one scheduled job per portal would) into the same archive; each run's exit code,
    and whether the archive holds every article its replica served."""
    each = f"{articles} generated articles each"
    print(f"demo: starting the replicas of {', '.join(names)} ({each}) ...")
    runs = []
    with press_process(names, articles) as bases:
        for name, base_url in bases.items():
            command = [
                sys.executable, "-m", "vnarchive", "crawl", "--portal", name,
                "--start-url", base_url, "--db", db, "--log-level", log_level,
            ]  # fmt: skip
            print(f"demo: crawling {base_url} as {name} ...", flush=True)
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            lines = (result.stdout + result.stderr).strip().splitlines()
            print(lines[-1] if lines else f"crawl of {name}: exit {result.returncode}")
            site = portal_by_name(name).site
            runs.append((result.returncode, report_served(db, site, served_ids(base_url))))
    return runs


def report_served(db: str, site: str, expected: set[int]) -> bool:
    """Says how much of what the replica served the archive holds; True: all of it."""
    from pipelines.archive import Archive

    with Archive(db) as archive:
        rows = archive.db.execute("SELECT article_id FROM articles WHERE site = ?", (site,))
        archived = {row[0] for row in rows}
    missing = expected - archived
    print(
        f"demo: {site}: the replica served {len(expected)} articles; "
        f"{len(expected & archived)} of them are in the archive"
        + (f"; MISSING {len(missing)}: {sorted(missing)[:10]}" if missing else "")
    )
    return not missing
