"""Replay and sharing end to end (issue 18.5): a crawl of the (gzip-serving) replica,
then its WARC files as web archivists' tools read them: `warcio check` and `index`,
the CDXJ indexer of pywb and py-wacz, pywb itself when installed, `vnarchive export
--format wacz` checked by `wacz validate`, and the article page's replay link."""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.plugins import pm
from warcio.archiveiterator import ArchiveIterator

import vnarchive.browse
from crawler.processes import free_port
from harness.crawl_support import crawl
from pipelines.archive import Archive
from pipelines.export_wacz import read_pages
from replica.server import start_replica
from vnarchive.browse.replay import wayback_timestamp

pytestmark = pytest.mark.e2e

if not pm.has_plugin("vnarchive"):
    pm.register(vnarchive.browse, "vnarchive")

BIN = Path(sys.executable).parent
# pywb pins redis<3, which the crawl's Redis client cannot live with: it is installed in
# a venv of its own (README "Replay"); this names that venv's bin folder.
PYWB_BIN = os.environ.get("VNARCHIVE_PYWB_BIN") or (
    str(Path(found).parent) if (found := shutil.which("wb-manager")) else ""
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("replay") / "archive.db"
    with start_replica(layout="mixed", generated=3, port=0, compress=True) as replica:
        first = crawl(replica.base_url, db)
        assert first.returncode == 0, first.stderr[-2000:]
        # Again, every article: the answers are 304 revisits, as archives hold them.
        again = crawl(replica.base_url, db, "--set", "REVISIT_DAYS=100000")
        assert again.returncode == 0, again.stderr[-2000:]
    with Archive(db) as archive:
        captures = list(archive.db.query("SELECT * FROM captures ORDER BY id"))
        articles = list(archive.db.query("SELECT site, article_id, title FROM articles"))
    return {
        "db": db,
        "captures": captures,
        "articles": articles,
        "warcs": sorted({db.parent / c["warc_file"] for c in captures}),
    }


def _article_captures(crawled: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in crawled["captures"] if c["article_id"] and c["status"] == 200]


def test_warcio_checks_every_digest_and_indexes_every_capture(crawled):
    files = [str(p) for p in crawled["warcs"]]
    check = subprocess.run([BIN / "warcio", "check", "-v", *files], capture_output=True,
                           text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout[-2000:]
    assert "digest pass" in check.stdout and "digest fail" not in check.stdout
    fields = "warc-type,warc-target-uri,offset,http:content-encoding,http:content-type"
    indexed = set()
    for path in crawled["warcs"]:
        out = subprocess.run([BIN / "warcio", "index", "-f", fields, str(path)],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        for line in out.splitlines():
            entry = json.loads(line)
            if entry["warc-type"] == "warcinfo":
                continue
            indexed.add((path.name, int(entry["offset"]), entry["warc-target-uri"]))
            html = (entry.get("http:content-type") or "").startswith("text/html")
            if entry["warc-type"] == "response" and html:
                # The bytes as the server sent them: gzip, Content-Encoding kept (the
                # replica gzips its pages, not robots.txt or the pictures).
                assert entry.get("http:content-encoding") == "gzip", entry
    for capture in crawled["captures"]:
        key = (Path(capture["warc_file"]).name, capture["offset"], capture["url"])
        assert key in indexed, capture


def _cdxj(files: list[Path]) -> list[tuple[str, str, dict[str, Any]]]:
    out = subprocess.run([BIN / "cdxj-indexer", *map(str, files)], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    lines = []
    for line in out.splitlines():
        urlkey, ts, block = line.split(" ", 2)
        lines.append((urlkey, ts, json.loads(block)))
    return lines


def test_the_cdxj_indexer_finds_every_articles_capture_where_the_replay_link_points(crawled):
    index = {(entry["url"], ts) for _, ts, entry in _cdxj(crawled["warcs"])}
    wanted = {(c["url"], wayback_timestamp(c["fetched_at"])) for c in _article_captures(crawled)}
    assert len(wanted) == len(crawled["articles"])
    assert wanted <= index
    # The article page's link asks for exactly such a (timestamp, URL).
    db = crawled["db"]
    article = crawled["articles"][0]
    ds = Datasette([str(db)], metadata={
        "plugins": {"vnarchive": {"replay_url": "http://127.0.0.1:8080/news/"}}})  # fmt: skip

    async def fetch() -> Any:
        return await ds.client.get(f"/-/article/{db.stem}/{article['site']}/"
                                   f"{article['article_id']}")  # fmt: skip

    page = asyncio.run(fetch())
    (link,) = re.findall(r'class="vn-replay" href="([^"]+)"', page.text)
    ts, url = html.unescape(link).removeprefix("http://127.0.0.1:8080/news/").split("/", 1)
    assert (url, ts) in index


def test_wacz_export_lists_one_page_per_article_and_validates(crawled, tmp_path):
    out = tmp_path / "news.wacz"
    result = subprocess.run(
        [sys.executable, "-m", "vnarchive", "export", "--format", "wacz",
         "--db", str(crawled["db"]), "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{len(crawled['articles'])} pages of {len(crawled['articles'])} articles" in (
        result.stderr
    )
    validate = subprocess.run([BIN / "wacz", "validate", "-f", str(out)], capture_output=True,
                              text=True)  # fmt: skip
    assert validate.returncode == 0, validate.stdout[-2000:]
    assert "Validation succeeded" in validate.stdout
    pages = read_pages(out)
    by_url = {c["url"]: c for c in _article_captures(crawled)}
    assert len(pages) == len(crawled["articles"])
    assert {p["title"] for p in pages} == {a["title"] for a in crawled["articles"]}
    for page in pages:
        capture = by_url[page["url"]]
        assert re.sub(r"\D", "", page["ts"]) == wayback_timestamp(capture["fetched_at"])


def test_wacz_export_needs_a_wacz_file_name(crawled, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "vnarchive", "export", "--format", "wacz",
         "--db", str(crawled["db"])], capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2 and "-o NAME.wacz" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.skipif(not PYWB_BIN, reason="pywb not installed (own venv; VNARCHIVE_PYWB_BIN)")
def test_pywb_indexes_and_replays_every_article(crawled, tmp_path):
    tools = Path(PYWB_BIN)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = {"cwd": tmp_path, "env": env, "capture_output": True, "check": True}
    subprocess.run([tools / "wb-manager", "init", "news"], **run)  # type: ignore[call-overload]
    subprocess.run([tools / "wb-manager", "add", "news", *map(str, crawled["warcs"])], **run)  # type: ignore[call-overload]
    index = (tmp_path / "collections/news/indexes/index.cdxj").read_text(encoding="utf-8")
    indexed = {(json.loads(block)["url"], ts) for _, ts, block in
               (line.split(" ", 2) for line in index.splitlines())}  # fmt: skip
    captures = _article_captures(crawled)
    assert {(c["url"], wayback_timestamp(c["fetched_at"])) for c in captures} <= indexed
    port = free_port()
    server = subprocess.Popen([tools / "wayback", "--bind", "127.0.0.1", "-p", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for capture in captures:
            url = (f"http://127.0.0.1:{port}/news/{wayback_timestamp(capture['fetched_at'])}"
                   f"id_/{capture['url']}")  # fmt: skip
            # The page as the crawler received it (gzip undone, as a browser would).
            assert _get_when_up(url) == _payload(crawled["db"], capture)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _payload(db: Path, capture: dict[str, Any]) -> bytes:
    with open(db.parent / capture["warc_file"], "rb") as stream:
        stream.seek(capture["offset"])
        return bytes(next(iter(ArchiveIterator(stream))).content_stream().read())


def _get_when_up(url: str) -> bytes:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return bytes(response.read())
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionError) or time.monotonic() > deadline:
                raise
            time.sleep(0.3)
