"""The archive library: round trips, upsert outcomes, one transaction per article."""

import sqlite3
from datetime import timedelta, timezone

import pytest

from crawler.extract.article import Image
from crawler.extract.errors import ArchiveVersionError, StorageError
from pipelines.archive import Archive
from pipelines.schema import SCHEMA_VERSION
from tests.archive_support import make_article

VN = timezone(timedelta(hours=7))


def test_round_trip_keeps_every_field(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        article = make_article()
        assert archive.upsert_article(article) == "new"
        stored = archive.get_article("tuyengiao.vn", 130656)
    assert stored is not None
    assert stored.to_record() == article.to_record()


def test_upsert_outcomes_and_images_replaced(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        assert archive.upsert_article(make_article()) == "new"
        # Another URL form of the same article is not a change.
        assert archive.upsert_article(make_article(url="http://x/khac-130656")) == "unchanged"
        changed = make_article(
            title="Tiêu đề mới", images=(Image("https://x/c.jpg", None, "TTXVN"),)
        )
        assert archive.upsert_article(changed) == "updated"
        assert archive.count_articles() == 1
        rows = list(archive.db.query("SELECT position, url, credit FROM images"))
    assert rows == [{"position": 0, "url": "https://x/c.jpg", "credit": "TTXVN"}]


def test_archive_is_in_wal_mode_and_versioned(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_archive_is_refused(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveVersionError, match="upgrade vnarchive"):
        Archive(path)


def test_failed_write_leaves_no_half_article(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.upsert_article(make_article(1001))
        # A trigger that fails on the images insert: the article row must roll back with it.
        archive.db.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON images WHEN NEW.article_id = 1002 "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
        with pytest.raises(StorageError, match="disk on fire"):
            archive.upsert_article(make_article(1002))
        ids = [r[0] for r in archive.db.execute("SELECT article_id FROM articles")]
        assert ids == [1001]
        assert archive.db.execute("SELECT count(*) FROM images").fetchone()[0] == 2


def test_ledger_rows(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        crawl_id = archive.start_crawl(spider="tuyengiao", start_url="http://127.0.0.1:1/")
        archive.record_error(
            crawl_id, url="http://127.0.0.1:1/x-123", kind="http_404", message="HTTP 404"
        )
        archive.finish_crawl(crawl_id, status="ok", pages_fetched=3, errors=1, stats={"a": 1})
        row = archive.crawl(crawl_id)
        assert row["status"] == "ok" and row["pages_fetched"] == 3 and row["finished_at"]
        assert archive.error_count(crawl_id) == 1
