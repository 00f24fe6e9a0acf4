"""The archive's writer process (pipelines/writer.py): it never outlives its crawl, and a
crawl whose writer dies says so (exit 1, a failed run) and the next run completes the
archive, each article once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from harness.crawl_support import crawl_command as command
from pipelines.archive import Archive
from replica.server import start_replica

pytestmark = pytest.mark.e2e


def writer_of(pid: int) -> int | None:
    """The pid of the writer process the crawl `pid` started, if it runs."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == pid and b"pipelines.writer" in cmdline:
            return int(entry.name)
    return None


def running(pid: int) -> bool:
    """Alive and not a zombie (a container's init may be slow to reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    return None


def start(base_url: str, db: Path, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command(base_url, db), stdout=subprocess.DEVNULL, stderr=stderr)


def test_the_writer_dies_with_a_crawl_killed_by_sigkill(tmp_path):
    with start_replica(layout="mixed", generated=300) as replica:
        crawl = start(replica.base_url, tmp_path / "a.db")
        try:
            writer = wait_for(lambda: writer_of(crawl.pid))
            assert writer is not None, "the crawl started no writer process"
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait()
        assert wait_for(lambda: not running(writer)), "the writer outlived its crawl"


def test_a_crawl_whose_writer_dies_fails_and_the_next_run_completes(tmp_path):
    db = tmp_path / "a.db"
    with start_replica(layout="mixed", generated=300) as replica:
        crawl = start(replica.base_url, db, stderr=subprocess.PIPE)
        writer = wait_for(lambda: writer_of(crawl.pid))
        assert writer is not None, "the crawl started no writer process"
        os.kill(writer, signal.SIGKILL)
        _, stderr = crawl.communicate(timeout=300)
        assert crawl.returncode == 1, stderr.decode()[-3000:]
        assert b"the archive writer process ended" in stderr
        with Archive(db) as archive:
            assert archive.crawl(1)["status"] == "failed"
        final = subprocess.run(command(replica.base_url, db), capture_output=True, timeout=300)
        assert final.returncode == 0, final.stderr[-3000:]
        served = {r["article_id"] for r in replica.truth()}
    with Archive(db) as archive:
        ids = [row[0] for row in archive.db.execute("SELECT article_id FROM articles")]
        states = dict(archive.db.execute("SELECT state, count(*) FROM frontier GROUP BY state"))
    assert sorted(ids) == sorted(served)
    assert states == {"done": len(served)}


def test_a_clean_crawl_reaps_its_writer_and_counts_its_cpu(tmp_path):
    db = tmp_path / "a.db"
    with start_replica(layout="mixed", generated=20) as replica:
        result = subprocess.run(command(replica.base_url, db), capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    with Archive(db) as archive:
        stats = archive.crawl(1)["stats"]
    assert '"vnarchive/writer_cpu_s"' in stats
    assert not [
        entry.name
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and running(int(entry.name)) and _cmdline_has(entry, str(db))
    ]


def _cmdline_has(entry: Path, text: str) -> bool:
    try:
        cmdline = (entry / "cmdline").read_bytes()
    except OSError:
        return False
    return b"pipelines.writer" in cmdline and text.encode() in cmdline


def has_an_article(db: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
    except sqlite3.Error:
        return False  # not created yet, or locked for a moment


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[16])


@pytest.mark.parametrize("setting", [None, "0", "7"])
def test_the_writer_runs_below_the_crawls_cpu_priority(tmp_path, setting):
    extra = [] if setting is None else ["--set", f"WRITER_NICENESS={setting}"]
    expected = 10 if setting is None else int(setting)  # crawler/settings.py's default
    with start_replica(layout="mixed", generated=300) as replica:
        crawl = subprocess.Popen(
            [*command(replica.base_url, tmp_path / "a.db"), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            writer = wait_for(lambda: writer_of(crawl.pid))
            assert writer is not None, "the crawl started no writer process"
            # The child lowers its priority before it reads its input: once it has
            # committed an article, its priority is the one it keeps.
            assert wait_for(lambda: has_an_article(tmp_path / "a.db")), "nothing archived"
            assert niceness(writer) - niceness(crawl.pid) == expected
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.wait()
