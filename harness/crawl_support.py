"""Running `vnarchive crawl` against the replica, for the e2e tests and bench/.

`crawl` runs one crawl and returns its result; `crawl_command` is the command line the
kill-and-resume tests start and kill themselves; `publish` makes the replica publish new
articles between runs. `FirstCrawl` is an archive after one uninterrupted crawl,
made once and copied into each test that starts from it (tests/conftest.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harness.fault_matrix import assert_no_in_progress
from replica.server import ReplicaHandle, start_replica


def crawl(base_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url, "--db", str(db)]
    result = subprocess.run(
        [*command, "--log-level", "WARNING", *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    # Every request a finished run gave up on ended with a row and a final state.
    assert_no_in_progress(db)
    return result


def crawl_command(base_url: str, db: Path) -> list[str]:
    return [
        sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url, "--db", str(db),
        "--log-level", "WARNING", "--set", "REVISIT_DAYS=0",
    ]  # fmt: skip


def publish(replica: ReplicaHandle, count: int) -> None:
    request = urllib.request.Request(replica.url(f"/__replica__/publish?n={count}"), method="POST")
    urllib.request.urlopen(request, timeout=10).close()


@dataclass(frozen=True)
class FirstCrawl:
    """One crawl of a fresh replica: its archive folder (database and WARC files), the
    port it was served on (the archive's URLs name it), the replica's day and ids."""

    layout: str
    generated: int
    folder: Path
    port: int
    today: date
    ids: list[int]

    def copy_to(self, folder: Path) -> Path:
        """A private copy of the archive for a test that writes to it; its database."""
        shutil.copytree(self.folder, folder)
        return folder / "archive.db"

    def replica(self, **kwargs) -> ReplicaHandle:
        """The same replica again, on the same port (the archive's URLs name it)."""
        kwargs.setdefault("layout", self.layout)
        kwargs.setdefault("generated", self.generated)
        return start_replica(port=self.port, today=self.today, **kwargs)


def first_crawl(layout: str, generated: int, folder: Path) -> FirstCrawl:
    with start_replica(layout=layout, generated=generated, port=0) as replica:
        result = crawl(replica.base_url, folder / "archive.db")
        assert result.returncode == 0, result.stderr[-2000:]
        shared = FirstCrawl(
            layout, generated, folder, replica.port, replica.site.today, replica.site.ids()
        )
    return shared
