"""SIGKILL at random moments, then resume: the archive ends up equal to an uninterrupted
crawl's, with no article lost, none twice, and none fetched again once archived.

The replica runs in this process (its access log is the witness); each crawl is a
subprocess killed with SIGKILL after a random delay spread over a whole crawl's
length, so kills land during start-up, migrations, listing walks, article writes and
shutdown. Midway the replica publishes new articles, so resumption meets a site that
moved. REVISIT_DAYS=0: without revisits, any second fetch of an archived article is
a resume bug.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.crawl_support import crawl_command as command
from harness.crawl_support import publish
from pipelines.archive import Archive
from replica.server import start_replica

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CYCLES = 20
GENERATED = 100


def archived(db: Path) -> dict[int, str]:
    """article id -> content hash (what the archive says, not when it learnt it)."""
    with Archive(db) as archive:
        return dict(archive.db.execute("SELECT article_id, content_hash FROM articles"))


def article_fetches(log: list[dict]) -> list[int]:
    return [
        int(e["path"].split("?")[0].rsplit("-", 1)[-1])
        for e in log
        if e["status"] == 200 and e["path"].split("?")[0].rsplit("-", 1)[-1].isdigit()
    ]


def test_killed_crawls_resume_to_the_uninterrupted_archive(tmp_path):
    rng = random.Random(int(os.environ.get("KILL_SEED", "20261126")))
    db = tmp_path / "killed.db"
    with start_replica(layout="mixed", generated=GENERATED) as replica:
        # How long an uninterrupted crawl takes, start-up included: kills spread over it
        # (then over the last run that was not killed).
        started = time.monotonic()
        probe = subprocess.run(
            command(replica.base_url, tmp_path / "probe.db"), capture_output=True, timeout=300
        )
        span = time.monotonic() - started
        assert probe.returncode == 0, probe.stderr[-2000:]

        kills = 0
        for cycle in range(CYCLES):
            if cycle == CYCLES // 2:
                publish(replica, 5)
            before = archived(db) if db.exists() else {}
            mark = len(replica.access_log)
            process = subprocess.Popen(
                command(replica.base_url, db), stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            delay = rng.uniform(0.05, span)
            started = time.monotonic()
            try:
                process.wait(timeout=delay)
                # Not killed: a run of what is left now, at the machine's speed now (other
                # tests share the cores); the next kill is spread over its length.
                span = max(time.monotonic() - started, 0.1)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                kills += 1
            fetched = article_fetches(replica.access_log()[mark:])
            # Nothing archived before this run was fetched again by it.
            assert not set(fetched) & set(before), (cycle, set(fetched) & set(before))

        # Runs killed after they wrote their `crawls` row show as interrupted.
        with Archive(db) as archive:
            dead = archive.db.execute(
                "SELECT count(*) FROM crawls WHERE status = 'running'"
            ).fetchone()[0]
        shown = subprocess.run(
            [sys.executable, "-m", "vnarchive", "status", "--db", str(db), "--runs", "100"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert shown.stdout.count(" interrupted ") == dead > 0, shown.stdout

        mark = len(replica.access_log)
        before = archived(db)
        final = subprocess.run(command(replica.base_url, db), capture_output=True, timeout=300)
        assert final.returncode == 0, final.stderr[-3000:]
        assert not set(article_fetches(replica.access_log()[mark:])) & set(before)

        reference_db = tmp_path / "reference.db"
        reference = subprocess.run(
            command(replica.base_url, reference_db), capture_output=True, timeout=300
        )
        assert reference.returncode == 0, reference.stderr[-2000:]
        served = {r["article_id"] for r in replica.truth()}

    assert kills >= CYCLES // 2, f"only {kills} of {CYCLES} runs were killed: spread the delays"
    result, expected = archived(db), archived(reference_db)
    assert set(result) == set(expected) == served
    assert result == expected  # same content, article by article
    with Archive(db) as archive:
        states = dict(archive.db.execute("SELECT state, count(*) FROM frontier GROUP BY state"))
        duplicates = archive.db.execute(
            "SELECT count(*) - count(DISTINCT article_id) FROM articles"
        ).fetchone()[0]
    assert states == {"done": len(served)}
    assert duplicates == 0
    print(f"{kills} of {CYCLES} runs killed; {len(served)} articles archived once each")
