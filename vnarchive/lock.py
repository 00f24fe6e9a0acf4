"""Who may write an archive now: `flock`s next to it, one per site and one for the archive.

Several portals go into one archive, each crawled by its own scheduled job, so a crawl
locks its site, not the archive: `<archive>.site-<site>.lock`, exclusive (a second crawl
of the same site is refused), and `<archive>.lock`, shared (crawls of other sites run
at the same time; SQLite orders their writes, see pipelines/immediate.py). What needs
the archive alone (a Redis ingest, which writes every site) takes `<archive>.lock`
exclusive: it waits for no crawl and no crawl starts under it. An older vnarchive's
crawl takes `<archive>.lock` exclusive too, so it and a newer one never overlap.

The kernel releases a flock when its holder dies, however it dies (SIGKILL, a power
cut of the process), so a lock left by a dead process is simply free: the next run
takes it over, and says so when the file still names a holder that is gone. The
holder's PID, host, start time and site are written inside for the "already running"
message; the lock itself is the flock, never the file's existence.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from crawler.extract.dates import VN_TZ

# sysexits.h EX_TEMPFAIL: "try again later", what a timer should see for a busy archive.
EXIT_ALREADY_RUNNING = 75
_SITE_INFIX = ".site-"


class AlreadyRunning(RuntimeError):
    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        named = holder.get("site")
        who = (
            f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
            f"started {holder.get('started_at', '?')}"
            if holder
            else "another process"
        )
        if named:
            who = f"site {named}: {who}"
        super().__init__(f"another crawl of this archive is running ({who}); lock: {path}")


def lock_path(archive: str | Path, site: str | None = None) -> Path:
    """The archive's lock (`site` None) or one site's."""
    archive = Path(archive)
    if site is None:
        return archive.with_name(archive.name + ".lock")
    # A site is a host name; anything else (an IPv6 literal's colons) is kept out of
    # the file name.
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", site)
    return archive.with_name(f"{archive.name}{_SITE_INFIX}{safe}.lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead(record: dict[str, Any]) -> bool:
    """The record names a process that is gone (on this host; another host's is trusted
    to be gone too, since its flock was free)."""
    pid = record.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    return not (record.get("host") == socket.gethostname() and _alive(pid))


class CrawlLock:
    """A crawl's lock: of `site` (shared on the archive), or of the whole archive
    (`site` None: exclusive, what an ingest takes)."""

    def __init__(self, archive: str | Path, site: str | None = None) -> None:
        self.site = site
        self.archive = Path(archive)
        self.path = lock_path(archive, site)
        self.archive_path = lock_path(archive)
        self._file: IO[str] | None = None
        self._archive_file: IO[str] | None = None
        self.taken_over: dict[str, Any] | None = None  # a dead holder's record, if any

    def acquire(self) -> CrawlLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.site is None:
            self._file = self._take(self.path, fcntl.LOCK_EX)
            self._write_record(self._file)
            return self
        # The archive's first (shared): an ingest or an older crawl holding it alone
        # is named in the refusal; then the site's.
        self._archive_file = self._take(self.archive_path, fcntl.LOCK_SH)
        try:
            self._file = self._take(self.path, fcntl.LOCK_EX)
        except BaseException:
            self._release(self._archive_file)
            self._archive_file = None
            raise
        if self.taken_over is None:
            # A dead crawl of an older vnarchive (or a dead ingest) left its record in
            # the archive's lock: its work is resumed too, and the stale record goes
            # (no one holds the lock exclusively while this shares it).
            previous = _read(self._archive_file)
            if previous and _dead(previous):
                self.taken_over = previous
                _clear(self._archive_file)
        self._write_record(self._file)
        return self

    def _take(self, path: Path, mode: int) -> IO[str]:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held while locked
        try:
            fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(handle)
            if not holder or _dead(holder):
                # The archive's lock shared by crawls of sites keeps no record: name one.
                holder = self._site_holder() if path == self.archive_path else {}
            handle.close()
            raise AlreadyRunning(path, holder) from None
        except BaseException:
            handle.close()
            raise
        if mode == fcntl.LOCK_EX:
            previous = _read(handle)
            if previous and _dead(previous):
                self.taken_over = previous
        return handle

    def _site_holder(self) -> dict[str, Any]:
        """A crawl of some site that keeps the archive's lock shared (for the message)."""
        found = holders(self.archive)
        return next((record for site, record in found.items() if site is not None), {})

    def _write_record(self, handle: IO[str]) -> None:
        record: dict[str, Any] = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(VN_TZ).replace(microsecond=0).isoformat(),
        }
        if self.site is not None:
            record["site"] = self.site
        _clear(handle)
        handle.write(json.dumps(record) + "\n")
        handle.flush()

    def release(self) -> None:
        if self._file is not None:
            # Emptied first: a record left behind would name a holder that is gone.
            _clear(self._file)
            self._release(self._file)
            self._file = None
        if self._archive_file is not None:
            self._release(self._archive_file)
            self._archive_file = None

    @staticmethod
    def _release(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    def __enter__(self) -> CrawlLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def holder(archive: str | Path, site: str | None = None) -> dict[str, Any] | None:
    """Who holds the lock of `site` (None: the archive's own, exclusive) now, or None;
    never takes the lock.

    The record is emptied on release, and a holder that died is detected by its PID
    (on this host), so reading the file is enough and cannot disturb a starting crawl.
    """
    return _live(lock_path(archive, site))


def holders(archive: str | Path) -> dict[str | None, dict[str, Any]]:
    """Every live holder: site -> its crawl's record; None -> the archive's exclusive
    holder (an ingest, or an older vnarchive's crawl)."""
    archive = Path(archive)
    found: dict[str | None, dict[str, Any]] = {}
    whole = _live(lock_path(archive))
    if whole is not None:
        found[whole.get("site")] = whole
    for path in sorted(archive.parent.glob(f"{glob_escape(archive.name)}{_SITE_INFIX}*.lock")):
        record = _live(path)
        if record is not None:
            found[record.get("site") or path.name] = record
    return found


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _live(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            record = _read(handle)
    except OSError:
        return None
    pid = record.get("pid")
    if not isinstance(pid, int) or record.get("host") != socket.gethostname():
        return record or None
    return record if _alive(pid) else None


def _clear(handle: IO[str]) -> None:
    handle.seek(0)
    handle.truncate()
    handle.flush()


def _read(handle: IO[str]) -> dict[str, Any]:
    try:
        handle.seek(0)
        data = json.loads(handle.read() or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
