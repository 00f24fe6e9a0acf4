"""Hostile sites end to end (issue 16.5): the three crawler traps of the fault replica and
a run-time bound stop the crawl, each as a recorded, "degraded" outcome (exit 3, a
crawl_errors row, the bound in the stats and the summary line); and (issue 17.4)
`scrapy crawl` runs exactly as `vnarchive crawl` does. Bounds are tight so runs are short.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.fault_matrix import CRAWL_SETTINGS, ROOT, assert_no_in_progress
from replica.server import start_replica

pytestmark = pytest.mark.e2e

TIGHT = ("CRAWL_MAX_EMPTY_PAGES=3", "CRAWL_MAX_LISTING_DEPTH=4", "CRAWL_MAX_EXTRA_CATEGORIES=3")
SUMMARY = re.compile(
    r"^crawl #\d+ (\w+): (\d+) pages(?: \(\+\d+ pictures\))?, (\d+) new, \d+ updated, "
    r"\d+ unchanged, (\d+) errors "
    r"in [\d.]+ s -> .*$",
    re.M,
)


def vnarchive_crawl(
    base_url: str, db: Path, *args: str, settings: tuple[str, ...] = (), timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url,
               "--db", str(db), *args]  # fmt: skip
    for setting in (*CRAWL_SETTINGS, *settings):
        command += ["--set", setting]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert_no_in_progress(db)
    return result


def errors_and_run(db: Path) -> tuple[dict[str, list[str]], dict]:
    with sqlite3.connect(db) as conn:
        errors: dict[str, list[str]] = {}
        for kind, message in conn.execute("SELECT kind, message FROM crawl_errors"):
            errors.setdefault(kind, []).append(message)
        status, reason, stats = conn.execute(
            "SELECT status, finish_reason, stats FROM crawls ORDER BY id DESC"
        ).fetchone()
    return errors, {"status": status, "reason": reason, "stats": json.loads(stats)}


@pytest.mark.parametrize(
    ("trap", "pattern", "bound"),
    [
        ("trap_empty_pager", r"^/the-gioi(?:\?|$)", "empty_pages"),
        ("trap_categories", r"^/(?:the-gioi|bay-\d+)(?:\?|$)", "categories"),
        ("trap_endless", r"^/the-gioi(?:\?|$)", "listing_depth"),
    ],
)
def test_a_trap_is_bounded_recorded_and_degraded(tmp_path, trap, pattern, bound):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=3) as replica:
        rule = replica.faults.add(pattern, trap)
        result = vnarchive_crawl(replica.base_url, db, settings=TIGHT)
        served = rule.served
    assert result.returncode == 3, result.stderr[-3000:]
    # Before the bounds, each of these ran until it was killed (over 700 pages in 90 s).
    assert 0 < served <= 5, served
    errors, run = errors_and_run(db)
    assert len(errors[f"bound_{bound}"]) == 1, errors
    assert run["status"] == "degraded" and run["stats"][f"vnarchive/bounds/{bound}"] >= 1
    assert f"crawl bounds reached: {bound}" in " ".join(run["stats"]["vnarchive/degraded_reasons"])
    assert f"stopped by crawl bounds: {bound}" in result.stderr
    with sqlite3.connect(db) as conn:
        archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert archived > 0


def test_max_duration_stops_an_endless_pager_and_says_so(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=3) as replica:
        replica.faults.add(r"^/the-gioi(?:\?|$)", "trap_endless")
        started = time.monotonic()
        result = vnarchive_crawl(
            replica.base_url, db, "--max-duration", "3s", settings=("CRAWL_MAX_LISTING_DEPTH=0",)
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stderr[-3000:]
    assert elapsed < 60
    errors, run = errors_and_run(db)
    assert len(errors["bound_max_duration"]) == 1 and "after 3 s" in errors["bound_max_duration"][0]
    assert run["reason"] == "max_duration" and run["status"] == "degraded"
    assert "stopped by crawl bounds: max_duration" in result.stderr


def _overridden(stderr: str) -> dict:
    found = re.search(r"Overridden settings:\n(\{.*?\})\n", stderr, re.S)
    assert found, stderr[-2000:]
    settings: dict = ast.literal_eval(found.group(1))
    return settings


def test_scrapy_crawl_runs_as_vnarchive_crawl_does(tmp_path):
    with start_replica(layout="old", generated=3) as replica:
        gone = "|".join(str(i) for i in sorted(r["article_id"] for r in replica.truth())[:4])
        replica.faults.add(rf"-(?:{gone})(?:\?|$)", "http404")  # over 5% failed: degraded
        cli = subprocess.run(
            [sys.executable, "-m", "vnarchive", "crawl", "--start-url", replica.base_url,
             "--db", str(tmp_path / "cli.db")],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        started = time.monotonic()
        scrapy = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "tuyengiao",
             "-a", f"start_url={replica.base_url}", "-s", f"ARCHIVE_PATH={tmp_path / 'sc.db'}"],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
        scrapy_s = time.monotonic() - started
    assert cli.returncode == scrapy.returncode == 3, (cli.stderr[-2000:], scrapy.stderr[-2000:])
    # Before: AUTOTHROTTLE_ENABLED and DOWNLOAD_DELAY 0.5 under `scrapy crawl`, 85 s.
    assert scrapy_s < 30
    for name in ("AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS_PER_DOMAIN"):
        assert _overridden(cli.stderr).get(name) == _overridden(scrapy.stderr).get(name), name
    assert _overridden(scrapy.stderr)["CONCURRENT_REQUESTS_PER_DOMAIN"] == 16
    lines = [SUMMARY.findall(r.stderr) for r in (cli, scrapy)]
    assert len(lines[0]) == len(lines[1]) == 1, lines
    assert lines[0][0][0] == lines[1][0][0] == "degraded"
    assert lines[0][0][2:] == lines[1][0][2:]  # the same new articles and errors
    assert_no_in_progress(tmp_path / "sc.db")
