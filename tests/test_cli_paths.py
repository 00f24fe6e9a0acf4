"""`--db` that is not an archive, and an archive on read-only media (issue 16, items 6, 8).

Every command runs as a subprocess, as an operator runs it: what counts is its exit
status, its stderr (one line, no traceback) and what it left on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crawler.processes import free_port
from pipelines.archive import Archive
from tests.archive_support import searchable_archive

ROOT = Path(__file__).resolve().parent.parent

# Each command that takes --db, with what it needs besides; nothing here is ever reached
# on a bad --db (port 9 is "discard": nothing listens there).
COMMANDS = {
    "status": [],
    "gaps": [],
    "search": ["ha noi"],
    "export": ["--format", "jsonl"],
    "reparse": [],
    "optimize": [],
    "serve": ["--port", "9"],
    "crawl": ["--start-url", "http://127.0.0.1:9/"],
    "ingest": ["--redis", "redis://127.0.0.1:9/0"],
    "demo": ["--articles", "0", "--port", "9"],
    "publish": ["{tmp}/copy.db"],
}
# These create an archive where none is: an empty file is such a place (SQLite makes a
# new database of it, and it holds nothing to lose).
CREATING = {"crawl", "ingest", "demo"}


def vnarchive(*args: str, prefix: tuple[str, ...] = (), timeout: float = 180):
    return subprocess.run(
        [*prefix, sys.executable, "-m", "vnarchive", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def _text(path: Path) -> None:
    path.write_text("Hà Nội, ghi chú của tôi\n", encoding="utf-8")


def _random(path: Path) -> None:
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(5000)))


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("x", encoding="utf-8")


def _foreign(path: Path) -> None:
    # Another program's database: SQLite, but no archive. A migration would add our tables.
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("INSERT INTO notes (text) VALUES ('của tôi')")
    conn.close()


def _newer(path: Path) -> None:
    # An archive written by a later vnarchive: refused, never misread or "migrated".
    Archive(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


def _empty(path: Path) -> None:
    path.write_bytes(b"")


KINDS = {"text": _text, "random": _random, "folder": _folder, "foreign": _foreign,
         "newer": _newer, "empty": _empty}  # fmt: skip


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under `folder`: its mtime and, for files, its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        out[str(path.relative_to(folder))] = (
            path.stat().st_mtime_ns,
            path.read_bytes() if path.is_file() else None,
        )
    return out


# 50 subprocesses (each imports its command's libraries): about 1.5 minutes together.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (command, kind)
        for command in sorted(COMMANDS)
        for kind in sorted(KINDS)
        # An empty file is where a command that creates an archive creates it (as
        # SQLite itself does): nothing in it to lose.
        if not (kind == "empty" and command in CREATING)
    ],
)
def test_a_path_that_is_not_an_archive_gets_one_line_and_exit_2(tmp_path, command, kind):
    db = tmp_path / "archive.db"
    KINDS[kind](db)
    before = _snapshot(tmp_path)
    extra = [arg.format(tmp=tmp_path) for arg in COMMANDS[command]]
    result = vnarchive(command, "--db", str(db), *extra)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"vnarchive {command}: error: "), lines[:5]
    assert "archive" in lines[0] and str(db) in lines[0]
    # Left exactly as it was: bytes, mtime, and nothing created beside it (no .lock,
    # no -wal, no warc/ folder).
    assert _snapshot(tmp_path) == before


# -- read-only media ----------------------------------------------------------------


def _readonly_prefix(folder: Path) -> tuple[str, ...]:
    """A command prefix that runs the command with `folder` on a read-only mount.

    Tests run as root, for whom `chmod 0555` stops nothing: a bind mount with `ro`,
    inside a private mount namespace (`unshare -m`, gone when the command ends), is a
    read-only file system even for root, the case the issue met. Not root: the mode
    bits do the same job.
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return ()
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$1" "$1" && ! touch "$1/probe"',
         "sh", str(folder)],
        capture_output=True,
    )  # fmt: skip
    if probe.returncode != 0 or (folder / "probe").exists():
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr[-300:]!r}")
    return ("unshare", "-m", "sh", "-c", 'mount --bind -o ro "$1" "$1" && shift && exec "$@"',
            "sh", str(folder))  # fmt: skip


@pytest.fixture
def published(tmp_path):
    """An archive (WAL, closed cleanly) with a listing gap, in a folder of its own."""
    folder = tmp_path / "published"
    folder.mkdir()
    searchable_archive(folder).close()
    with Archive(folder / "a.db") as archive, archive.db.atomic():
        for article_id, listed_on in ((1, "2020-11-02"), (77, "2020-11-01")):
            archive.db.execute(
                "INSERT INTO listing_entries (site, category, article_id, listed_on, url, "
                "first_listed_at) VALUES ('tuyengiao.vn', 'thoi-su', ?, ?, ?, ?)",
                (article_id, listed_on, f"https://tuyengiao.vn/thoi-su/x-{article_id}",
                 "2020-11-02T10:00:00+07:00"),
            )  # fmt: skip
    db = folder / "a.db"
    assert db.read_bytes()[18:20] == b"\x02\x02"  # WAL: what mode=ro cannot open read-only
    assert sorted(p.name for p in folder.iterdir()) == ["a.db"]
    yield db, _readonly_prefix(folder)
    folder.chmod(0o755)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["status"], "3 articles"),
        (["gaps"], "thoi-su"),
        (["search", "ha noi"], "Hà Nội mùa thu"),
        (["export", "--format", "csv"], "Hà Nội mùa thu"),
    ],
)
def test_read_only_commands_work_on_read_only_media(published, args, expected):
    db, prefix = published
    before = _snapshot(db.parent)
    result = vnarchive(args[0], "--db", str(db), *args[1:], prefix=prefix)
    assert result.returncode == 0, result.stderr[-2000:]
    assert expected in result.stdout
    assert "no listing records" not in result.stdout + result.stderr
    assert _snapshot(db.parent) == before  # no -wal, -shm or -journal appeared


def test_gaps_on_read_only_media_names_the_missing_article(published):
    db, prefix = published
    result = vnarchive("gaps", "--db", str(db), prefix=prefix)
    assert result.returncode == 0, result.stderr
    assert "ids 77" in result.stdout and "2020-11-01" in result.stdout


@pytest.mark.parametrize("command", ["crawl", "reparse", "optimize"])
def test_writing_commands_on_read_only_media_fail_in_one_line(published, command):
    db, prefix = published
    before = _snapshot(db.parent)
    result = vnarchive(command, "--db", str(db), *COMMANDS[command], prefix=prefix)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"vnarchive {command}: error: "), lines[:5]
    assert "read-only" in lines[0]
    assert _snapshot(db.parent) == before


@pytest.mark.parametrize("flags", [["--immutable"], []], ids=["immutable", "plain"])
def test_serve_on_read_only_media_serves_the_archive(published, flags):
    """With --immutable, and without (it cannot migrate there: it serves as is)."""
    db, prefix = published
    port = free_port()
    with open(db.parent.parent / "serve.log", "wb") as log:
        server = subprocess.Popen(
            [*prefix, sys.executable, "-m", "vnarchive", "serve", "--db", str(db), "--port",
             str(port), *flags],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/a/articles.json?_shape=array&_col=title"
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.3)
        log_text = (db.parent.parent / "serve.log").read_text(errors="replace")
        assert body is not None, log_text[-2000:]
        titles = {row["title"] for row in json.loads(body)}
        assert "Hà Nội mùa thu" in titles and "Traceback" not in log_text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_copy_with_a_live_wal_is_refused_on_read_only_media(tmp_path):
    """A WAL archive copied while open (its -wal holds commits) cannot be read exactly
    there: immutable=1 would ignore the -wal. Refused in one line, pointing to publish."""
    live = tmp_path / "live"
    live.mkdir()
    archive = searchable_archive(live)  # open: its commits sit in a-wal
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy(live / "a.db", folder / "a.db")
    shutil.copy(live / "a.db-wal", folder / "a.db-wal")
    archive.close()
    assert (folder / "a.db-wal").stat().st_size > 0
    prefix = _readonly_prefix(folder)
    try:
        result = vnarchive("status", "--db", str(folder / "a.db"), prefix=prefix)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "vnarchive publish" in result.stderr


def test_publish_writes_a_copy_that_read_only_media_serve_whole(tmp_path):
    """The copy of a live archive (commits still in its -wal) holds every commit, is one
    file in rollback-journal mode, and opens on read-only media."""
    live = tmp_path / "live"
    live.mkdir()
    archive = searchable_archive(live)
    assert (live / "a.db-wal").stat().st_size > 0
    folder = tmp_path / "published"
    folder.mkdir()
    copy = folder / "copy.db"
    try:
        result = vnarchive("publish", "--db", str(live / "a.db"), str(copy))
    finally:
        archive.close()
    assert result.returncode == 0, result.stderr
    assert "3 articles" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]
    assert copy.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL
    again = vnarchive("publish", "--db", str(live / "a.db"), str(copy))
    assert again.returncode == 2 and "exists" in again.stderr
    prefix = _readonly_prefix(folder)
    try:
        shown = vnarchive("search", "ha noi", "--db", str(copy), prefix=prefix)
    finally:
        folder.chmod(0o755)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("tuyengiao.vn") == 3
