"""What `vnarchive export --format wacz` packages, without a crawl: one page per
captured article, the WARC files its replay needs (a revisit's original too), and a
one-line error when a WARC file named by a capture is gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract.article import Article
from pipelines.archive import Archive
from pipelines.export_wacz import WaczError, _pages, page_timestamp, write_wacz
from pipelines.search import Filters
from tests.browse_helpers import build_archive

SITE = "tuyengiao.vn"


def _capture(archive: Archive, article: Article, **fields: object) -> None:
    archive.record_capture({
        "url": article.url, "fetched_at": "2021-01-24T10:00:00+07:00", "status": 200,
        "content_type": "text/html", "payload_digest": "sha1:A", "record_type": "response",
        "warc_file": "warc/a.warc.gz", "offset": 0, "length": 100, "site": SITE,
        "article_id": article.article_id, **fields,
    })  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path):
    db = tmp_path / "archive.db"
    build_archive(db, generated=2)
    with Archive(db) as archive:
        yield archive


def test_a_revisit_brings_the_file_of_the_response_it_refers_to(archive):
    first, second, *_ = archive.iter_articles()
    _capture(archive, first)
    _capture(archive, second, record_type="revisit", warc_file="warc/b.warc.gz",
             fetched_at="2021-02-01T08:00:00+07:00")  # fmt: skip
    entries = {page.url: files for page, files in _pages(archive.db.conn, Filters()) if page}
    assert entries[first.url] == ("warc/a.warc.gz",)
    assert entries[second.url] == ("warc/b.warc.gz", "warc/a.warc.gz")


def test_articles_without_a_capture_have_no_page(archive):
    entries = list(_pages(archive.db.conn, Filters()))
    captured = archive.db.execute(
        "SELECT count(DISTINCT article_id) FROM captures WHERE status = 200 AND article_id > 0"
    ).fetchone()[0]
    assert sum(1 for page, _ in entries if page) == captured
    assert sum(1 for page, _ in entries if page is None) == len(entries) - captured


def test_a_missing_warc_file_is_one_clear_error_and_no_package(archive, tmp_path):
    out = tmp_path / "x.wacz"
    with pytest.raises(WaczError, match=r"1 WARC file\(s\) named by captures are missing"):
        write_wacz(archive, out, title="t", description="d")
    assert not out.exists()


def test_page_timestamps_are_the_warc_date():
    assert page_timestamp("2021-01-24T10:00:00.123456+07:00") == "2021-01-24T03:00:00Z"
