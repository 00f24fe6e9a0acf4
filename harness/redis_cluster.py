"""Processes of a distributed crawl on this machine, for the tests and bench/redis_bench.py:
the writer (`vnarchive ingest`) and workers (`vnarchive crawl --redis`)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import redis

from crawler.protocol import redis_keys as keys


def ingest(url: str, db: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "vnarchive", "ingest", "--redis", url, "--db", str(db),
               "--until-done", "--lock-wait", "30"]  # fmt: skip
    return _spawn(command, log)


def _spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)


def worker(url: str, start_url: str, home: Path, name: str, *extra: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "vnarchive", "crawl", "--redis", url, "--start-url", start_url,
        "--db", str(home / "worker.db"), "--worker-id", name, "--log-level", "WARNING",
        "--set", "REVISIT_DAYS=0", *extra,
    ]  # fmt: skip
    return _spawn(command, home / f"{name}.log")


def wait_ready(url: str, timeout: float = 60.0) -> None:
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    while not client.exists(f"{keys.PREFIX}:archived:ready"):
        if time.monotonic() > deadline:
            raise TimeoutError("the writer never loaded the archive into Redis")
        time.sleep(0.1)
    client.close()
