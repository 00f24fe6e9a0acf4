"""One crawl of an archive at a time: an exclusive `flock` on `<archive>.lock`.

The kernel releases a flock when its holder dies, however it dies (SIGKILL, a power
cut of the process), so a lock left by a dead process is simply free: the next run
takes it over, and says so when the file still names a holder that is gone. The
holder's PID, host and start time are written inside for the "already running"
message; the lock itself is the flock, never the file's existence.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from crawler.extract.dates import VN_TZ

# sysexits.h EX_TEMPFAIL: "try again later", what a timer should see for a busy archive.
EXIT_ALREADY_RUNNING = 75


class AlreadyRunning(RuntimeError):
    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        who = (
            f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
            f"started {holder.get('started_at', '?')}"
            if holder
            else "another process"
        )
        super().__init__(f"another crawl of this archive is running ({who}); lock: {path}")


def lock_path(archive: str | Path) -> Path:
    archive = Path(archive)
    return archive.with_name(archive.name + ".lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CrawlLock:
    def __init__(self, archive: str | Path) -> None:
        self.path = lock_path(archive)
        self._file: IO[str] | None = None
        self.taken_over: dict[str, Any] | None = None  # a dead holder's record, if any

    def acquire(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while locked
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(handle)
            handle.close()
            raise AlreadyRunning(self.path, holder) from None
        previous = _read(handle)
        if previous and previous.get("pid") != os.getpid():
            pid = previous.get("pid")
            if isinstance(pid, int) and not (previous.get("host") == socket.gethostname()
                                             and _alive(pid)):  # fmt: skip
                self.taken_over = previous
        handle.seek(0)
        handle.truncate()
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(VN_TZ).replace(microsecond=0).isoformat(),
        }
        handle.write(json.dumps(record) + "\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is None:
            return
        # Emptied first: a record left behind would name a holder that is gone.
        self._file.seek(0)
        self._file.truncate()
        self._file.flush()
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None

    def __enter__(self) -> CrawlLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def holder(archive: str | Path) -> dict[str, Any] | None:
    """Who holds the archive's lock now (its record), or None; never takes the lock.

    The record is emptied on release, and a holder that died is detected by its PID
    (on this host), so reading the file is enough and cannot disturb a starting crawl.
    """
    try:
        with open(lock_path(archive), encoding="utf-8") as handle:
            record = _read(handle)
    except OSError:
        return None
    pid = record.get("pid")
    if not isinstance(pid, int) or record.get("host") != socket.gethostname():
        return record or None
    return record if _alive(pid) else None


def _read(handle: IO[str]) -> dict[str, Any]:
    try:
        handle.seek(0)
        data = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
