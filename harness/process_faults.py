"""Process faults: SIGKILL during crawls and during `vnarchive reparse`, then a restart.

Shared by tests/test_process_faults.py and bench/reliability. The crawl's command is
the one tests/test_kill_resume.py kills (harness/crawl_support.py, the scheduling work's
kill cycles); this adds kills of `reparse` and, after every kill, the checks that must hold
at any moment: `PRAGMA integrity_check` ok, no article lost or twice, each article's
images and search rows in step with it, and every indexed WARC record readable.

Reparse only writes when the parser's output differs from what is stored, so before
each reparse every article's title is altered in the archive (and its hash made
stale): every reparse run then rewrites every article, version, images and search
rows, and a kill lands in the middle of real writes. An article may at any moment be
the altered one or the restored one, nothing else.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.crawl_support import crawl_command
from harness.fault_matrix import warc_problems

ROOT = Path(__file__).resolve().parent.parent
ALTERED = " [altered]"
# Kills fall within this share of a run's measured length (start-up included): a run
# is a little faster or slower each time, and a kill after its end proves nothing.
KILL_WITHIN = 0.8


def reparse_command(db: Path) -> list[str]:
    return [sys.executable, "-m", "vnarchive", "reparse", "--db", str(db)]


def archive_problems(db: Path, expected: set[int] | None = None) -> list[str]:
    """What is wrong with the archive now (empty: nothing)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        problems = []
        if (verdict := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            problems.append(f"integrity_check: {verdict}")
        ids = [row[0] for row in conn.execute("SELECT article_id FROM articles")]
        if len(ids) != len(set(ids)):
            problems.append(f"{len(ids) - len(set(ids))} duplicate articles")
        if expected is not None and (lost := expected - set(ids)):
            problems.append(f"{len(lost)} articles lost: {sorted(lost)[:5]}")
        uneven = conn.execute(
            "SELECT count(*) FROM articles a WHERE a.image_count != (SELECT count(*) "
            "FROM images i WHERE i.site = a.site AND i.article_id = a.article_id)"
        ).fetchone()[0]
        if uneven:
            problems.append(f"{uneven} articles with their images out of step")
        docs = conn.execute("SELECT count(*) FROM fts_docs").fetchone()[0]
        if docs != len(ids):
            problems.append(f"{docs} search rows for {len(ids)} articles")
        problems += warc_problems(conn, db.parent)
        return problems
    finally:
        conn.close()


def alter_titles(db: Path) -> None:
    conn = sqlite3.connect(db, timeout=30)
    with conn:
        conn.execute(
            "UPDATE articles SET title = title || ?, content_hash = 'altered' "
            "WHERE title NOT LIKE ?",
            (ALTERED, f"%{ALTERED}"),
        )
    conn.close()


def titles(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return dict(conn.execute("SELECT article_id, title FROM articles"))
    finally:
        conn.close()


@dataclass
class KillReport:
    crawl_runs: int = 0
    crawl_kills: int = 0
    reparse_runs: int = 0
    reparse_kills: int = 0
    problems: list[str] = field(default_factory=list)


def run_killed(argv: list[str], delay: float) -> float | None:
    """Run argv, SIGKILL it after `delay` s unless it ended first: None if killed, else
    how long it ran."""
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
        return time.monotonic() - started
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def timed(argv: list[str]) -> float:
    started = time.monotonic()
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[3]} failed: {result.stderr[-2000:]}")
    return time.monotonic() - started


def kill_cycles(
    base_url: str, db: Path, truth: dict[int, str], cycles: int, rng: random.Random
) -> KillReport:
    """`cycles` crawls and `cycles` reparse runs, each killed at a random moment.

    `truth`: article id -> title, what the replica serves. The spans are measured on a
    throwaway archive first, so kills spread over whole runs (start-up included), then
    taken from the last run of each kind that was not killed."""
    report = KillReport()
    probe = db.with_name("probe.db")
    crawl_span = timed(crawl_command(base_url, probe))
    alter_titles(probe)
    reparse_span = timed(reparse_command(probe))
    for cycle in range(cycles):
        report.crawl_runs += 1
        ran = run_killed(crawl_command(base_url, db), rng.uniform(0.05, KILL_WITHIN * crawl_span))
        report.crawl_kills += ran is None
        # A run not killed is what a run takes now (what is left to do, how busy the
        # cores are with other tests): the next kill is spread over it.
        crawl_span = crawl_span if ran is None else max(ran, 0.1)
        # A crawl killed before it created the archive leaves nothing to check or reparse.
        exists = db.exists() and db.stat().st_size > 0
        report.problems += [f"crawl {cycle}: {p}" for p in archive_problems(db)] if exists else []
        before = titles(db) if exists else {}
        if exists:
            alter_titles(db)
        report.reparse_runs += 1
        ran = run_killed(reparse_command(db), rng.uniform(0.05, KILL_WITHIN * reparse_span))
        report.reparse_kills += ran is None
        reparse_span = reparse_span if ran is None else max(ran, 0.1)
        if not exists:
            continue
        after = titles(db)
        report.problems += [f"reparse {cycle}: {p}" for p in archive_problems(db, set(before))]
        wrong = [i for i, title in after.items() if title not in (truth[i], truth[i] + ALTERED)]
        if wrong:
            report.problems.append(f"reparse {cycle}: titles neither old nor new: {wrong[:5]}")
    # Restarts run to their end: everything the site serves, read right, once.
    timed(crawl_command(base_url, db))
    timed(reparse_command(db))
    report.problems += [f"final: {p}" for p in archive_problems(db, set(truth))]
    final = titles(db)
    if final != truth:
        report.problems.append(
            f"final: {sum(final.get(i) != t for i, t in truth.items())} titles differ"
        )
    return report
