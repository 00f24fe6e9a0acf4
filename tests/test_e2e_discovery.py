"""Discovery end to end (issue 15 §4): `vnarchive crawl` of a small mirror of a portal
served on 127.0.0.1 by a stdlib server: robots.txt names the sitemap index, whose
dated children and the RSS feed list the articles; the declared news sitemap is
missing. A second run fetches only the article whose lastmod moved, and reads only the
sitemap child whose lastmod moved."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.crawl_support import crawl

ARTICLE = """<html><head><title>{title}</title></head><body>
<h1 class="title-detail">{title}</h1>
<span class="date">Thứ năm, 5/11/2020, 08:15 (GMT+7)</span>
<p class="description">Tóm tắt bài {id}.</p>
<article class="fck_detail"><p class="Normal">Nội dung thứ nhất của bài {id}.</p>
<p class="Normal">Nội dung thứ hai của bài {id}, đủ dài để là một đoạn văn.</p>
<p class="Normal" style="text-align:right;"><strong>Minh Sơn</strong></p></article>
</body></html>"""


class Mirror:
    """The mirror's pages, which a test changes between runs."""

    def __init__(self) -> None:
        self.lastmod = {4190001: "2020-11-05T08:15:00+07:00", 4190002: "2020-11-04T10:00:00+07:00",
                        4180001: "2020-10-20T09:00:00+07:00"}  # fmt: skip
        self.log: list[str] = []
        self.base = ""

    def urlset(self, ids: list[int]) -> str:
        urls = "".join(
            f"<url><loc>{self.base}/bai-viet-{i}.html</loc><lastmod>{self.lastmod[i]}</lastmod></url>"
            for i in ids
        )
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def page(self, path: str) -> tuple[int, str, str]:
        xml = "application/xml; charset=utf-8"
        november, october = [4190001, 4190002], [4180001]
        if path == "/robots.txt":
            return (
                200,
                "text/plain",
                f"User-agent: *\nDisallow: /tim-kiem\nSitemap: {self.base}/sitemap.xml\n",
            )
        if path == "/sitemap.xml":
            children = "".join(
                f"<sitemap><loc>{self.base}/sitemaps/sitemap-{month}.xml</loc>"
                f"<lastmod>{max(self.lastmod[i] for i in ids)}</lastmod></sitemap>"
                for month, ids in (("2020-11", november), ("2020-10", october))
            )
            return (
                200,
                xml,
                (
                    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"{children}</sitemapindex>"
                ),
            )
        if path == "/sitemaps/sitemap-2020-11.xml":
            return 200, xml, self.urlset(november)
        if path == "/sitemaps/sitemap-2020-10.xml":
            return 200, xml, self.urlset(october)
        if path == "/rss/tin-moi-nhat.rss":
            return (
                200,
                "application/rss+xml; charset=utf-8",
                (
                    '<rss version="2.0"><channel><title>t</title><item><title>Mới</title>'
                    f"<link>{self.base}/bai-viet-4190003.html</link>"
                    "<pubDate>Fri, 06 Nov 2020 09:05:00 +0700</pubDate></item></channel></rss>"
                ),
            )
        if path in ("/", "/kinh-doanh"):
            return 200, "text/html; charset=utf-8", "<html><body><p>Trang chủ</p></body></html>"
        found = re.fullmatch(r"/bai-viet-(\d+)\.html", path)
        if found:
            page = ARTICLE.format(id=found[1], title=f"Bài {found[1]}")
            return 200, "text/html; charset=utf-8", page
        return 404, "text/html; charset=utf-8", "<html><body>404</body></html>"


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    site = Mirror()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.log.append(self.path)
            status, content_type, text = site.page(self.path)
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def run(mirror: Mirror, db: Path, *extra: str) -> str:
    mirror.log.clear()
    result = crawl(mirror.base + "/", db, "--portal", "vnexpress", "--set", "REVISIT_DAYS=0",
                   "--set", "WARC_ENABLED=False", *extra)  # fmt: skip
    assert result.returncode in (0, 3), result.stderr[-3000:]
    return result.stderr


def test_sitemaps_and_feeds_find_the_articles_and_a_second_run_fetches_only_changes(
    mirror, tmp_path
):
    db = tmp_path / "a.db"
    summary = run(mirror, db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT site, article_id FROM articles ORDER BY article_id").fetchall()
        errors = conn.execute("SELECT kind, url FROM crawl_errors").fetchall()
        read = dict(conn.execute("SELECT url, lastmod FROM sitemaps_read").fetchall())
    assert rows == [("vnexpress.net", 4180001), ("vnexpress.net", 4190001),
                    ("vnexpress.net", 4190002), ("vnexpress.net", 4190003)]  # fmt: skip
    # The declared news sitemap is missing on this mirror: a bad_sitemap row, no crash.
    assert errors == [("bad_sitemap", mirror.base + "/google-news-sitemap.xml")]
    assert read == {"/sitemaps/sitemap-2020-11.xml": "2020-11-05T08:15:00+07:00",
                    "/sitemaps/sitemap-2020-10.xml": "2020-10-20T09:00:00+07:00"}  # fmt: skip
    assert "found: 3 in sitemaps, 1 in feeds" in summary, summary
    # Declared and named by robots.txt: read once; robots.txt too (Scrapy's fetch).
    assert mirror.log.count("/sitemap.xml") == 1 and mirror.log.count("/robots.txt") == 1

    # An edit of one November article: its lastmod and its month's move.
    mirror.lastmod[4190002] = "2020-11-06T11:45:00+07:00"
    run(mirror, db)
    fetched = [p for p in mirror.log if p.startswith("/bai-viet-")]
    assert fetched == ["/bai-viet-4190002.html"]
    assert "/sitemaps/sitemap-2020-11.xml" in mirror.log
    assert "/sitemaps/sitemap-2020-10.xml" not in mirror.log  # its lastmod has not moved
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        state = conn.execute(
            "SELECT state, changed_at FROM frontier WHERE article_id = 4190002"
        ).fetchone()
    assert count == 4 and state == ("done", "2020-11-06T11:45:00+07:00")

    # Nothing moved: no article, no child fetched again.
    run(mirror, db)
    assert [p for p in mirror.log if p.startswith(("/bai-viet-", "/sitemaps/"))] == []

    # A backfill reads the dated archives back to --until, read before or not; what it
    # finds is archived already.
    run(mirror, db, "--backfill", "--until", "2020-11-01")
    assert [p for p in mirror.log if p.startswith(("/bai-viet-", "/sitemaps/"))] == [
        "/sitemaps/sitemap-2020-11.xml"
    ]
