"""An archive to browse, built straight from the replica's truth (no crawl needed),
plus the articles the browsing tests look for: one that writes "Ha Noi" without
accents, and one whose every field carries script from a hostile page."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from crawler.extract.article import Article, Image
from crawler.portals import TUYENGIAO
from crawler.processes import stop_process
from pipelines.archive import Archive
from replica import Site

SITE = "tuyengiao.vn"
UNACCENTED_ID = 990001
HOSTILE_ID = 990002
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'


def hostile_article(base_url: str) -> Article:
    return Article(
        url=f"{base_url}/thoi-su/bai-doc-{HOSTILE_ID}",
        canonical_url="javascript:window.__pwned=1",
        site=SITE,
        article_id=HOSTILE_ID,
        category="thoi-su",
        title=f"Tiêu đề {SCRIPT} độc hại",
        lead=f"Sapo {IMG}",
        body=(f"Đoạn một {SCRIPT}", f"Đoạn hai {IMG}"),
        images=(Image("javascript:window.__pwned=1", f"Chú thích {SCRIPT}", IMG),),
        byline=f"PV {SCRIPT}",
        authors=(f"Tác giả {IMG}",),
        source=SCRIPT,
        tags=(SCRIPT,),
    )


def crawled_hostile_article(site: Site, base_url: str) -> Article:
    """A replica page whose headline and text carry markup, read by the real parser."""
    from dataclasses import replace
    from datetime import datetime

    from crawler.extract.dates import VN_TZ
    from crawler.extract.parsing import parse_article
    from replica import render_new
    from replica.model import plain

    article = site.article(site.ids()[-1])
    assert article is not None
    hostile = replace(
        article,
        layout="new",
        title=f"Bài {SCRIPT} có mã",
        paragraphs=(plain(f"Đoạn {SCRIPT} {IMG}"), *article.paragraphs[1:]),
    )
    page = render_new.render_article(site, hostile)
    fetched = datetime(2021, 1, 24, 9, 0, tzinfo=VN_TZ)
    # The replica imitates tuyengiao.vn: its pages are read as that portal's.
    return parse_article(page, base_url + hostile.path, fetched, portal=TUYENGIAO)


def unaccented_article(base_url: str) -> Article:
    return Article(
        url=f"{base_url}/thoi-su/ha-noi-{UNACCENTED_ID}",
        canonical_url=f"{base_url}/thoi-su/ha-noi-{UNACCENTED_ID}",
        site=SITE,
        article_id=UNACCENTED_ID,
        category="thoi-su",
        title="Ha Noi viet khong dau: bai kiem tra tim kiem",
        lead=None,
        body=("Bai nay viet Ha Noi khong co dau.",),
    )


def build_archive(path: Path, *, generated: int = 60, base_url: str = "https://www.tuyengiao.vn"
                  ) -> list[dict[str, Any]]:  # fmt: skip
    """Write the replica's articles and the two test articles; returns the truth records."""
    site = Site(layout="mixed", generated=generated)
    records = site.truth(base_url)
    with Archive(path) as archive:
        for record in records:
            archive.upsert_article(Article.from_record(record))
        # Replaces the newest article: its record is now what the parser read.
        crawled = crawled_hostile_article(site, base_url)
        archive.upsert_article(crawled)
        records = [r for r in records if r["article_id"] != crawled.article_id]
        records.append(crawled.to_record())
        archive.upsert_article(unaccented_article(base_url))
        archive.upsert_article(hostile_article(base_url))
        archive.record_capture(
            {"url": f"{base_url}/thoi-su/bai-doc-{HOSTILE_ID}",
             "fetched_at": "2021-01-24T10:00:00+07:00", "status": 200,
             "content_type": "text/html", "payload_digest": "sha1:TEST",
             "record_type": "response", "warc_file": "warc/test.warc.gz", "offset": 0,
             "length": 100, "site": SITE, "article_id": HOSTILE_ID}
        )  # fmt: skip
    return records


def _die_with_parent() -> None:
    """In the child: SIGKILL when the test process dies (Linux), so a test run killed
    before its finally blocks leaves no server behind; the server holds nothing to save."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def start_serve(db: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """`vnarchive serve` in a subprocess, returned once it answers."""
    command = [sys.executable, "-m", "vnarchive", "serve", "--db", str(db), "--port", str(port)]
    return _start(db, port, [*command, *extra])


def start_datasette(db: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """A plain `datasette serve` (no vnarchive command, no metadata file): the plugin is
    loaded through its entry point only."""
    command = [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(port)]
    return _start(db, port, [*command, *extra])


def _start(db: Path, port: int, command: list[str]) -> subprocess.Popen[bytes]:
    # The child keeps its own copy of the log's descriptor.
    with open(db.with_suffix(".serve.log"), "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log_text = db.with_suffix(".serve.log").read_text(errors="replace")
            raise RuntimeError(f"{command[2]} exited {process.returncode}: {log_text[-1500:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{command[2]} did not answer within 60 s")


# The browse tests' names for the shared helpers.
stop = stop_process
