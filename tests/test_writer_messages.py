"""The writer's protocol: typed records in frames, each applied to ArchiveOps.

In process (no child): the frames a crawl sends are read back as the same records,
and the writer turns each into the rows and replies the single process made.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.protocol.frontier import Listed
from pipelines import messages as msg
from pipelines.archive import Archive
from pipelines.writer import Writer
from tests.archive_support import make_article

SITE = "tuyengiao.vn"


def _samples() -> list[object]:
    article = make_article(7)
    listed = [Listed(7, article.url, "2020-11-05")]
    return [
        msg.StoreArticle(article), msg.RecordFailure(article.url, "http_404", "HTTP 404"),
        msg.RecordRemoval(article.url, 301, "redirect", "http://elsewhere/"),
        msg.RecordCapture({"url": article.url, "status": 200}),
        msg.WriteWarc(None),  # type: ignore[arg-type]  # any picklable value travels
        msg.QueueLinks(listed, "thoi-su"), msg.MarkStarted([7]),
        msg.SetValidators(7, article.url, '"e"', None), msg.MarkFailed(7, article.url, "x", "y"),
        msg.StartWalk("thoi-su", "http://x/thoi-su", None),
        msg.ReadListing("thoi-su", 2, listed, listed, (3, "http://x/thoi-su?p=3")),
        msg.FinishRun({"status": "ok"}), msg.MergeSearch(8),
        msg.ArticleStored(7, "new"), msg.ArticleFailed(7, "storage"), msg.ArticleSkipped(7),
        msg.ErrorRecorded(article.url, "storage", "m"), msg.WarcWritten("response"),
        msg.WarcFailed(article.url, "m"), msg.DiskFull("m"), msg.RemovalRecorded("gone"),
        msg.WriteFailed("m"), msg.WriterCpu(1.5), msg.RunFinished(None), msg.Applied(3),
        msg.Refetch([Listed(7, article.url, None, "2020-11-06T09:30:00+07:00")]),
        msg.SitemapRead("/sitemaps/sitemap-2020-11.xml", "2020-11-06T10:30:00+07:00"),
    ]  # fmt: skip


def test_every_record_survives_its_frame() -> None:
    samples = _samples()
    assert {type(s) for s in samples} == set(msg._CLASSES)  # every class is sampled
    for sample in samples:
        data = msg.frame(sample)  # type: ignore[arg-type]
        (size,) = msg.HEADER.unpack_from(data)
        assert size == len(data) - msg.HEADER.size
        assert msg.decode(data[msg.HEADER.size :]) == sample


def _writer(path: Path) -> tuple[Archive, Writer]:
    archive = Archive(path)
    crawl_id = archive.start_crawl(spider="tuyengiao", start_url="http://127.0.0.1:8800/")
    return archive, Writer(archive, SITE, crawl_id, 3)


def test_a_gone_archived_article_is_a_failure_and_a_removal(tmp_path: Path) -> None:
    archive, writer = _writer(tmp_path / "a.db")
    article = make_article(130_656)
    assert writer.apply_batch([msg.StoreArticle(article)]) == [msg.ArticleStored(130_656, "new")]
    replies = writer.apply_batch([msg.RecordFailure(article.url, "http_404", "HTTP 404")])
    assert replies == [msg.RemovalRecorded("gone")]
    db = archive.db
    assert db.execute("SELECT kind FROM crawl_errors").fetchall() == [("http_404",)]
    assert db.execute("SELECT state FROM frontier WHERE article_id = 130656").fetchall() == [
        ("gone",)
    ]
    assert db.execute("SELECT status, kind FROM removals").fetchall() == [(404, "gone")]
    # Never archived: an error row and a frontier entry, no removal.
    other = make_article(130_657)
    assert writer.apply_batch([msg.RecordFailure(other.url, "http_410", "HTTP 410")]) == []
    assert db.execute("SELECT count(*) FROM removals").fetchone()[0] == 1
    archive.close()


def test_frontier_writes_reach_the_frontier(tmp_path: Path) -> None:
    archive, writer = _writer(tmp_path / "a.db")
    listed = [Listed(9, "http://127.0.0.1:8800/thoi-su/bai-9", "2020-11-05")]
    writer.apply_batch([
        msg.StartWalk("thoi-su", "http://127.0.0.1:8800/thoi-su", None),
        msg.ReadListing("thoi-su", 1, listed, listed, (2, None)),
        msg.MarkStarted([9]),
    ])  # fmt: skip
    db = archive.db
    assert db.execute("SELECT state, attempts FROM frontier").fetchall() == [("in_progress", 1)]
    walk = db.execute("SELECT last_page, finished_at IS NOT NULL FROM listing_walks").fetchall()
    assert walk == [(1, 1)]
    assert db.execute("SELECT listed_on FROM listing_entries").fetchall() == [("2020-11-05",)]
    archive.close()


def test_what_is_not_an_operation_is_refused(tmp_path: Path) -> None:
    archive, writer = _writer(tmp_path / "a.db")
    with pytest.raises(TypeError, match="not a writer operation"):
        writer.apply_batch([("article", make_article(7))])  # type: ignore[list-item]
    archive.close()


def test_discovery_writes_reach_the_frontier(tmp_path: Path) -> None:
    archive, writer = _writer(tmp_path / "a.db")
    url = "http://127.0.0.1:8800/thoi-su/bai-9"
    writer.apply_batch([
        msg.QueueLinks([Listed(9, url, "2020-11-05", "2020-11-05T08:00:00+07:00")], None),
        msg.MarkStarted([9]),
        msg.Refetch([Listed(9, url, None, "2020-11-06T09:30:00+07:00")]),
        msg.SitemapRead("/sitemaps/sitemap-2020-11.xml", "2020-11-06T10:30:00+07:00"),
    ])  # fmt: skip
    db = archive.db
    assert db.execute("SELECT state, changed_at FROM frontier").fetchall() == [
        ("pending", "2020-11-06T09:30:00+07:00")
    ]
    assert db.execute("SELECT site, url, lastmod FROM sitemaps_read").fetchall() == [
        (SITE, "/sitemaps/sitemap-2020-11.xml", "2020-11-06T10:30:00+07:00")
    ]
    archive.close()
