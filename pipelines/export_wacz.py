"""`vnarchive export --format wacz`: the archive's captures as one WACZ file, to share.

A WACZ (Web Archive Collection Zipped, https://specs.webrecorder.net/wacz/1.1.1/) is a
zip of WARC files with their CDXJ index and a pages list; replayweb.page opens it in a
browser, pywb and other players import it. py-wacz (`wacz`) writes it: this module
chooses what goes in and hands it over.

- pages: one per archived article (matching the filters), its newest successful
  capture's URL and time with the article's title (pages/pages.jsonl), so a reader
  starts from the articles, not from thousands of listing and robots.txt records;
- WARC files: each file holding one of those captures, and for a capture stored as a
  revisit (a payload seen before), the file holding the response it refers to, so
  every page replays from the WACZ alone.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.extract.errors import StorageError
from pipelines.archive import Archive
from pipelines.search import Filters

PAGES_FORMAT = "json-pages-1.0"
PAGES_ENTRY = "pages/pages.jsonl"


class WaczError(StorageError):
    """The collection cannot be packaged (a WARC file named by a capture is missing)."""


@dataclass(frozen=True)
class WaczSummary:
    articles: int  # matching the filters
    pages: int  # in the WACZ's pages list
    without_capture: int  # articles with no successful capture: no page to point at
    warc_files: int


@dataclass(frozen=True)
class Page:
    url: str
    ts: str  # the capture's WARC-Date, ISO 8601 UTC
    title: str


def page_timestamp(fetched_at: str) -> str:
    """A capture's fetched_at as its WARC-Date (seconds, UTC), which py-wacz matches."""
    return datetime.fromisoformat(fetched_at).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The newest successful capture of an article's page (a response, or a revisit of one).
_CAPTURE = (
    "SELECT url, fetched_at, warc_file, record_type, payload_digest FROM captures "
    "WHERE site = ? AND article_id = ? AND status = 200 ORDER BY fetched_at DESC, id DESC "
    "LIMIT 1"
)
# The response a revisit refers to: the recorder's choice, the first with its digest.
_ORIGINAL = (
    "SELECT warc_file FROM captures WHERE payload_digest = ? AND record_type = 'response' "
    "ORDER BY id LIMIT 1"
)


def _pages(
    conn: sqlite3.Connection, filters: Filters
) -> Iterator[tuple[Page | None, tuple[str, ...]]]:
    """Each matching article's page (None without a capture) and the WARC files its
    replay needs."""
    where, params = filters.sql()
    articles = conn.execute(
        f"SELECT site, article_id, title FROM articles a WHERE {where} "
        "ORDER BY a.published_at, a.site, a.article_id",
        params,
    )
    for site, article_id, title in articles:
        capture = conn.execute(_CAPTURE, (site, article_id)).fetchone()
        if capture is None:
            yield None, ()
            continue
        url, fetched_at, warc_file, record_type, digest = capture
        files = (warc_file,)
        if record_type == "revisit":
            original = conn.execute(_ORIGINAL, (digest,)).fetchone()
            files += (original[0],) if original else ()
        yield Page(url, page_timestamp(fetched_at), title or url), files


def write_wacz(
    archive: Archive,
    output: Path,
    filters: Filters | None = None,
    *,
    title: str,
    description: str,
) -> WaczSummary:
    """Package the captures of the matching articles into `output` (a .wacz file)."""
    from wacz.main import main as wacz_main

    base = archive.path.parent
    articles = without = 0
    files: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="vnarchive-wacz-") as tmp:
        pages_path = Path(tmp) / "pages.jsonl"
        with open(pages_path, "w", encoding="utf-8") as out:
            header = {"format": PAGES_FORMAT, "id": "pages", "title": "Articles"}
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            for page, needed in _pages(archive.db.conn, filters or Filters()):
                articles += 1
                if page is None:
                    without += 1
                    continue
                for name in needed:
                    files.setdefault(name, base / name)
                line = {"url": page.url, "ts": page.ts, "title": page.title}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        missing = sorted(name for name, path in files.items() if not path.is_file())
        if missing:
            raise WaczError(
                f"{len(missing)} WARC file(s) named by captures are missing, first "
                f"{base / missing[0]}: the package would not replay"
            )
        if not files:
            raise WaczError("no captured article matches: nothing to package")
        args = ["create", "-o", str(output), "-p", str(pages_path), "--title", title,
                "--desc", description, *(str(path) for path in files.values())]  # fmt: skip
        # py-wacz reports its steps on standard output, which may be the user's pipe.
        chatter = io.StringIO()
        with contextlib.redirect_stdout(chatter):
            code = wacz_main(args)
        if code:
            raise WaczError(f"py-wacz failed ({code}): {chatter.getvalue()[-500:]}")
    return WaczSummary(articles, count_pages(output), without, len(files))


def count_pages(wacz: Path) -> int:
    """Pages listed in a WACZ (its pages.jsonl less the header line)."""
    with zipfile.ZipFile(wacz) as package:
        try:
            lines = package.read(PAGES_ENTRY).decode("utf-8").splitlines()
        except KeyError:
            return 0
    return sum(1 for line in lines if line.strip() and "format" not in json.loads(line))


def read_pages(wacz: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(wacz) as package:
        lines = package.read(PAGES_ENTRY).decode("utf-8").splitlines()
    return [p for p in map(json.loads, filter(str.strip, lines)) if "format" not in p]
