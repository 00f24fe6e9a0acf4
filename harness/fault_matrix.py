"""The fault matrix: one crawl of a replica where each article misbehaves its own way.

Shared by tests/test_faults.py and bench/reliability. Every case names the fault the
replica serves for one article (replica/faults.py) and what must happen: the article
archived intact ("archived"), or not archived and recorded under an error kind. After
the crawl, `check_archive` verifies what holds whatever the faults: the crawl finished,
`PRAGMA integrity_check` is ok, no article twice, images and search rows in step with
their articles, every capture's WARC record readable, and nothing from a page's
scripts stored.

The crawl runs with `LoopbackOnlyHandler` as its HTTP download handler: a second line
of defence behind crawler/safety.py that fails any connection to a non-loopback
address, so a broken guard shows up as a test failure, never as traffic.
"""

from __future__ import annotations

import ipaddress
import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator

from pipelines.warc_files import payload_digest
from replica.faults import bomb

ROOT = Path(__file__).resolve().parent.parent
HANDLER = "harness.fault_matrix.LoopbackOnlyHandler"
NON_LOOPBACK = "NonLoopbackConnection"


class NonLoopbackConnection(RuntimeError):
    pass


class LoopbackOnlyHandler(HTTP11DownloadHandler):
    """HTTP(S) downloads to loopback only: anything else fails before connecting."""

    async def download_request(self, request: Request) -> Response:
        host = urlsplit(request.url).hostname or ""
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise NonLoopbackConnection(f"{NON_LOOPBACK}: {request.url} would leave this machine")
        return await super().download_request(request)


# Ids of no article of the site: the long link's target (a row of its own, url_too_long),
# and the unlisted article a redirect loop passes through (no row, no frontier entry).
LONG_LINK_ID = 990_001
LOOP_TARGET_ID = 990_002


@dataclass(frozen=True)
class Case:
    fault: str
    expect: str  # "archived" or the crawl_errors kind
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.fault}{',' + extra if extra else ''}"


CASES = (
    # Transient errors: retried (with Retry-After honoured), then archived.
    Case("http500", "archived", {"count": 1}),
    Case("http502", "archived", {"count": 2}),
    Case("http503", "archived", {"count": 1}),
    Case("http503", "archived", {"count": 1, "retry_after": "1"}),
    Case("http429", "archived", {"count": 1}),
    Case("http429", "archived", {"count": 1, "retry_after": "1"}),
    Case("hang", "archived", {"count": 1, "seconds": "5"}),
    Case("reset", "archived", {"count": 1}),
    Case("truncate", "archived", {"count": 1}),
    Case("gzip_cut", "archived", {"count": 1}),
    Case("close_early", "archived", {"count": 1}),
    Case("redirect_chain", "archived", {"hops": "3"}),
    # Permanent errors: recorded with their kind.
    Case("http500", "http_500"),
    Case("http502", "http_502"),
    Case("http503", "http_503", {"retry_after": "1"}),
    Case("http429", "http_429"),
    Case("http404", "http_404"),
    Case("http410", "http_410"),
    Case("hang", "timeout", {"seconds": "5"}),
    Case("drip", "timeout"),
    Case("reset", "truncated"),
    Case("truncate", "truncated"),
    Case("close_early", "truncated"),
    Case("gzip_cut", "truncated"),
    Case("redirect_loop", "redirect_loop"),
    Case("redirect_chain", "too_many_redirects"),
    Case("redirect_offsite", "offsite_redirect"),
    Case("redirect_offsite", "offsite_redirect", {"host": "localhost"}),
    Case("redirect_private", "private_address", {"address": "10.255.255.1"}),
    Case("redirect_private", "private_address", {"address": "192.168.1.1"}),
    Case("redirect_private", "private_address", {"address": "169.254.169.254"}),
    Case("redirect_private", "private_address", {"address": "[fd00::1]"}),
    # Loopback is the replica's own address family, but another host: off-site.
    Case("redirect_private", "offsite_redirect", {"address": "127.0.0.2"}),
    Case("huge", "too_large"),
    Case("huge_stream", "too_large"),
    Case("gzip_bomb", "too_large"),
    Case("empty", "not_an_article"),
    # Bad pages that are still articles: archived, read right.
    Case("content_type", "archived"),
    Case("unclosed", "archived"),
    Case("charset_lie_1258", "archived"),
    Case("charset_lie_utf8", "archived"),
    Case("mojibake", "archived"),
    Case("nul", "archived"),
    Case("huge_paragraph", "archived"),
    Case("many_images", "archived"),
    Case("script", "archived"),
    Case("bad_links", "archived"),
    # Hostile sites (issue 16): ids past 64 bits on the page, a URL past URLLENGTH_LIMIT
    # (its own row, below), odd Retry-After values (RFC 9110: ASCII digits or a date),
    # a bomb gzipped twice in one header, a redirect loop through an unlisted article.
    Case("hostile_ids", "archived"),
    Case("long_link", "archived", {"id": str(LONG_LINK_ID)}),
    Case("http503", "archived", {"count": 1, "retry_after": "\u00b2"}),
    Case("http503", "archived", {"count": 1, "retry_after": "-5"}),
    Case("http429", "archived", {"count": 1, "retry_after": "9" * 40}),
    Case("http503", "archived", {"count": 1, "retry_after": "Thu, 01 Jan 1970 00:00:00 GMT"}),
    Case("gzip_bomb", "too_large", {"layers": "2"}),
    Case("redirect_article", "redirect_loop", {"to": f"/thoi-su/khac-{LOOP_TARGET_ID}"}),
    # A redirect to another article of the site ("@next": the next case's article).
    Case("redirect_article", "other_article", {"to": "@next"}),
)
# Listing pages that misbehave too: every article they list must still be archived.
LISTING_FAULTS = ((r"^/thoi-su(?:\?|$)", "hostile_ids"),)
# Settings that keep the matrix short: 3 s timeouts (a 5000-image page takes the
# crawler's one thread most of a second: ordinary pages must not time out meanwhile),
# two retries, a Retry-After of at most 2 s (one case asks for 10^40 s).
CRAWL_SETTINGS = ("DOWNLOAD_TIMEOUT=3", "RETRY_TIMES=2", "REVISIT_DAYS=0", "RETRY_AFTER_MAX=2",
                  f'DOWNLOAD_HANDLERS={{"http": "{HANDLER}"}}')  # fmt: skip


def article_pattern(article_id: int) -> str:
    return rf"-{article_id}(?:\?|$)"


def assign(replica: Any, cases: tuple[Case, ...] = CASES) -> dict[int, Case]:
    """Give each case an article of the replica (the site must hold enough)."""
    paths = {r["article_id"]: urlsplit(r["url"]).path for r in replica.truth()}
    ids = sorted(paths)
    if len(ids) < len(cases) + 1:
        raise ValueError(f"{len(cases)} cases need one article more, the site has {len(ids)}")
    bomb(100)  # built once, before the crawl: not while the server must answer
    bomb(100, 2)
    plan = {}
    for n, (article_id, case) in enumerate(zip(ids, cases, strict=False)):
        options = dict(case.options)
        if options.get("to") == "@next":
            # The next article (unfaulted when this case is the last).
            options["to"] = paths[ids[n + 1]]
        replica.faults.add(article_pattern(article_id), case.fault, **options)
        plan[article_id] = case
        if case.fault == "redirect_article" and case.expect == "redirect_loop":
            # ... and back: A -> B -> A, the loop seen at B.
            replica.faults.add(
                article_pattern(LOOP_TARGET_ID), "redirect_article", to=paths[article_id]
            )
    for pattern, fault in LISTING_FAULTS:
        replica.faults.add(pattern, fault)
    return plan


def crawl(
    base_url: str, db: Path, *extra: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url,
               "--db", str(db), "--log-level", "WARNING"]  # fmt: skip
    for setting in (*CRAWL_SETTINGS, *extra):
        command += ["--set", setting]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert_no_in_progress(db)
    return result


@dataclass
class Outcome:
    survived: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def check(self, label: str, ok: bool, detail: str = "") -> None:
        (self.survived if ok else self.failed).append(label if ok else f"{label}: {detail}")


def check_archive(db: Path, truth: dict[int, dict[str, Any]], plan: dict[int, Case]) -> Outcome:
    """Each case's outcome, and the invariants every crawl must keep."""
    outcome = Outcome()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = {r[0]: r for r in conn.execute(
            "SELECT article_id, title, body, image_count, lead FROM articles")}  # fmt: skip
        errors: dict[int, set[str]] = {}
        for url, kind in conn.execute("SELECT url, kind FROM crawl_errors"):
            tail = urlsplit(url).path.rsplit("-", 1)[-1]
            if tail.isdigit():
                errors.setdefault(int(tail), set()).add(kind)
        for article_id, case in plan.items():
            expected = truth[article_id]
            row = rows.get(article_id)
            if case.expect == "archived":
                ok = row is not None and row[1] == expected["title"] and bool(row[2])
                outcome.check(case.label, ok, f"archived as {row and row[1]!r}")
            else:
                ok = row is None and case.expect in errors.get(article_id, set())
                outcome.check(
                    case.label, ok, f"row={row is not None} errors={errors.get(article_id)}"
                )
        for article_id, expected in truth.items():
            if article_id not in plan:
                row = rows.get(article_id)
                outcome.check(
                    f"unfaulted {article_id}", row is not None and row[1] == expected["title"]
                )
        if any(case.fault == "long_link" for case in plan.values()):
            outcome.check("a URL past URLLENGTH_LIMIT is recorded",
                          "url_too_long" in errors.get(LONG_LINK_ID, set()),
                          f"errors={errors.get(LONG_LINK_ID)}")  # fmt: skip
        if any(
            case.expect == "redirect_loop" and case.fault == "redirect_article"
            for case in plan.values()
        ):
            entry = conn.execute(
                "SELECT state FROM frontier WHERE article_id = ?", (LOOP_TARGET_ID,)
            ).fetchone()
            outcome.check("a redirect loop is filed under the URL asked for",
                          LOOP_TARGET_ID not in errors and entry is None,
                          f"errors={errors.get(LOOP_TARGET_ID)} frontier={entry}")  # fmt: skip
        _invariants(conn, db, outcome)
    finally:
        conn.close()
    return outcome


def _invariants(conn: sqlite3.Connection, db: Path, outcome: Outcome) -> None:
    check = outcome.check
    check("integrity_check", conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    dupes = conn.execute(
        "SELECT count(*) - count(DISTINCT site || '/' || article_id) FROM articles"
    ).fetchone()[0]
    check("no duplicate articles", dupes == 0, f"{dupes} duplicates")
    uneven = conn.execute(
        "SELECT count(*) FROM articles a WHERE a.image_count != (SELECT count(*) FROM images i "
        "WHERE i.site = a.site AND i.article_id = a.article_id)"
    ).fetchone()[0]
    check("images in step with articles", uneven == 0, f"{uneven} articles")
    indexed = conn.execute("SELECT count(*) FROM fts_docs").fetchone()[0]
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    check("search rows in step with articles", indexed == total, f"{indexed} != {total}")
    running = conn.execute("SELECT count(*) FROM crawls WHERE finished_at IS NULL").fetchone()[0]
    check("every crawl finished", running == 0)
    left = in_progress_left(conn)
    check("no frontier entry left in progress by a finished run", not left, str(left[:5]))
    crashed = [
        key
        for (stats,) in conn.execute("SELECT stats FROM crawls")
        for key in json.loads(stats or "{}")
        if key.startswith("spider_exceptions/")
    ]
    check("no spider callback raised", not crashed, ", ".join(crashed))
    stored = " ".join(
        row[0] or "" for row in conn.execute("SELECT title || lead || body FROM articles")
    )
    check("no script stored as text", "pwned" not in stored and "\0" not in stored)
    bad_images = conn.execute("SELECT count(*) FROM images WHERE url NOT LIKE 'http%'").fetchone()[
        0
    ]
    check("image URLs are http(s)", bad_images == 0, f"{bad_images} images")
    folder = (db.parent / "warc").resolve()
    strays = [
        name
        for (name,) in conn.execute("SELECT DISTINCT warc_file FROM captures")
        if not (db.parent / name).resolve().is_relative_to(folder)
    ]
    check("WARC files inside the archive's warc/ folder", not strays, ", ".join(strays[:3]))
    unreadable = warc_problems(conn, db.parent)
    check("WARC records readable", not unreadable, "; ".join(unreadable[:3]))
    refused = conn.execute(
        "SELECT count(*) FROM crawl_errors WHERE message LIKE ?", (f"%{NON_LOOPBACK}%",)
    ).fetchone()[0]
    check("no connection beyond loopback attempted", refused == 0)


def in_progress_left(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """Frontier entries still `in_progress` after the last run, if it finished: each
    request a run gave up on must end with a row and a final state (issue 16). A run
    cut short (killed, a time bound) leaves them for the next run, as designed."""
    last = conn.execute("SELECT finish_reason FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    if last is None or last[0] != "finished":
        return []
    return conn.execute(
        "SELECT article_id, url FROM frontier WHERE state = 'in_progress'"
    ).fetchall()


def assert_no_in_progress(db: Path) -> None:
    """For the e2e crawls' helpers: after a finished run, nothing left in progress."""
    if not db.exists():
        return
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        left = in_progress_left(conn) if {"crawls", "frontier"} <= tables else []
    finally:
        conn.close()
    assert not left, f"frontier entries left in progress by a finished run: {left[:5]}"


def warc_problems(conn: sqlite3.Connection, base: Path) -> list[str]:
    """Captures whose record is missing or differs; WARC files that do not read to the end."""
    problems = []
    rows = conn.execute(
        "SELECT warc_file, offset, payload_digest, record_type FROM captures"
    ).fetchall()
    for warc_file, offset, digest, record_type in rows:
        try:
            with open(base / warc_file, "rb") as stream:
                stream.seek(offset)
                record = next(iter(ArchiveIterator(stream)))
                body = record.content_stream().read()
        except (OSError, StopIteration, ValueError) as error:
            problems.append(f"{warc_file}@{offset}: {error}")
            continue
        if record_type == "response" and payload_digest(body) != digest:
            problems.append(f"{warc_file}@{offset}: payload digest differs")
    for path in sorted({base / r[0] for r in rows}):
        try:
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream):
                    record.content_stream().read()
        except Exception as error:  # any reader failure is the finding
            problems.append(f"{path.name}: {type(error).__name__}: {error}")
    return problems


def summary(outcome: Outcome) -> str:
    return json.dumps({"survived": len(outcome.survived), "failed": outcome.failed}, indent=1)
