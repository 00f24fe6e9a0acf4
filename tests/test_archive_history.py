"""Schema v2: versions, removals, migration from v1, search and streamed exports."""

import csv
import io
import json
import sqlite3
from datetime import date, datetime

import pytest
import sqlite_utils

from crawler.extract.article import Image
from pipelines import schema
from pipelines.archive import Archive
from pipelines.export import export_lines, iter_records
from pipelines.schema import SCHEMA_VERSION, create_v1_archive
from pipelines.search import Filters, SearchQueryError, search
from tests.archive_support import make_article, searchable_archive


def test_changed_article_keeps_its_previous_version(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        first = make_article()
        archive.upsert_article(first)
        changed = make_article(
            title="Tiêu đề đã sửa",
            byline="Nhật Minh",
            authors=("Nhật Minh",),
            images=(Image("https://cdn.tuyengiao.vn/a.jpg", "Quang cảnh hội nghị", "PV"),),
        )
        assert archive.upsert_article(changed, crawl_id=None) == "updated"
        # Unchanged content writes no version, whatever the URL form.
        assert archive.upsert_article(changed.replace(url="http://x/y-130656")) == "unchanged"
        versions = archive.versions("tuyengiao.vn", 130656)
        latest = archive.get_article("tuyengiao.vn", 130656)
    assert len(versions) == 1
    assert versions[0]["changed_fields"] == ["authors", "byline", "images", "title"]
    assert versions[0]["record"] == first.to_record()
    assert versions[0]["superseded_at"] == changed.fetched_at.isoformat()
    assert versions[0]["cause"] == "crawl"
    assert latest is not None and latest.title == "Tiêu đề đã sửa"


def test_removal_is_an_event_and_nothing_is_deleted(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.upsert_article(make_article())
        assert archive.archived_site(130656, preferred="tuyengiao.vn") == "tuyengiao.vn"
        assert archive.archived_site(999) is None
        archive.record_removal(
            "tuyengiao.vn", 130656, url="http://127.0.0.1:1/a-130656", status=410, kind="gone"
        )
        rows = list(archive.db.query("SELECT article_id, status, kind, seen_at FROM removals"))
        assert archive.count_articles() == 1
    assert rows[0]["article_id"] == 130656 and rows[0]["status"] == 410
    assert rows[0]["kind"] == "gone" and rows[0]["seen_at"]


def test_v1_archive_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    create_v1_archive(db)
    # A row exactly as the foundation wrote it.
    db.execute(
        "INSERT INTO articles (site, article_id, url, canonical_url, title, lead, body, "
        "authors, tags, content_hash, first_seen_at, last_seen_at, last_changed_at) VALUES "
        "('tuyengiao.vn', 7, 'http://x/a-7', 'http://x/a-7', 'Hà Nội mùa thu', NULL, "
        "'Đoạn một.', '[]', '[]', 'h', '2021-01-01', '2021-01-01', '2021-01-01')"
    )
    db.conn.commit()
    db.close()
    with Archive(path) as archive:
        assert archive.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert {"captures", "article_versions", "removals"} <= set(archive.db.table_names())
        # The existing article is searchable straight away, both ways.
        assert [h["article_id"] for h in search(archive.db, "ha noi")] == [7]
        assert [h["match"] for h in search(archive.db, "Hà Nội")] == ["exact"]


def test_failed_migration_leaves_the_v1_archive_untouched(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    create_v1_archive(db)
    db.close()

    def broken(_db):
        _db.execute("CREATE TABLE captures (id INTEGER)")
        raise sqlite3.OperationalError("disk on fire")

    steps = dict(schema.MIGRATIONS)
    monkeypatch.setattr(schema, "MIGRATIONS", tuple({**steps, 2: broken}.items()))
    with pytest.raises(sqlite3.OperationalError):
        Archive(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "captures" not in tables


def test_exact_hits_rank_before_folded_ones(tmp_path):
    with searchable_archive(tmp_path) as archive:
        hits = search(archive.db, "Hà Nội")
        folded = search(archive.db, "ha noi")
        duong = search(archive.db, "duong pho")
    # 1 and 3 (a caption, upper case) keep the accents; 2 only matches without them.
    assert [(h["article_id"], h["match"]) for h in hits][-1] == (2, "folded")
    assert {h["article_id"] for h in hits if h["match"] == "exact"} == {1, 3}
    assert {h["article_id"] for h in folded} == {1, 2, 3}
    assert [h["article_id"] for h in duong] == [3]  # đ folds to d


def test_search_filters_and_index_follows_updates(tmp_path):
    with searchable_archive(tmp_path) as archive:
        hits = search(archive.db, "ha noi", filters=Filters(category="the-gioi"))
        assert [h["article_id"] for h in hits] == [3]
        since = Filters(since=date(2020, 11, 6))
        assert search(archive.db, "ha noi", filters=since) == []
        archive.upsert_article(make_article(1, title="Sài Gòn", lead=None, body=("Một.",)))
        assert 1 not in {h["article_id"] for h in search(archive.db, "ha noi")}
        assert [h["article_id"] for h in search(archive.db, "sai gon")] == [1]
        count = archive.db.execute("SELECT count(*) FROM fts_folded").fetchone()[0]
    assert count == 3


@pytest.mark.parametrize("query", ['"Hà Nội', "AND", "ha OR", "NOT", "(ha"])
def test_malformed_query_is_a_clear_error(tmp_path, query):
    with searchable_archive(tmp_path) as archive, pytest.raises(SearchQueryError) as caught:
        search(archive.db, query)
    assert "Traceback" not in str(caught.value) and query.strip('"(') in str(caught.value)


def test_plain_words_with_punctuation_are_not_syntax(tmp_path):
    with searchable_archive(tmp_path) as archive:
        assert search(archive.db, "Covid-19 8/3") == []


def test_exports_stream_one_article_at_a_time(tmp_path):
    with searchable_archive(tmp_path) as archive:
        lines = export_lines(archive, "jsonl")
        first = next(lines)  # a generator: nothing more has been read yet
        rest = list(lines)
        records = [json.loads(line) for line in [first, *rest]]
        assert records[0]["title"] and records[0]["first_seen_at"]
        assert {r["article_id"] for r in records} == {1, 2, 3}
        assert records[0].keys() >= make_article().to_record().keys()
        rows = list(csv.DictReader(io.StringIO("".join(export_lines(archive, "csv")))))
        assert json.loads(rows[0]["body"]) == records[0]["body"]
        citations = json.loads("".join(export_lines(archive, "csl-json")))
        only = list(iter_records(archive, Filters(category="the-gioi")))
    assert len(citations) == 3 and len(only) == 1
    cite = citations[0]
    assert cite["type"] == "article-newspaper" and cite["publisher"] == "Ban Tuyên giáo Trung ương"
    assert cite["container-title"] == "Tuyên giáo"
    # Given names only (no family name first): kept whole, never split.
    assert cite["author"] == [{"literal": "Nhật Minh"}, {"literal": "Thu Hằng"}]
    assert cite["issued"]["date-parts"] == [[2020, 11, 5]]
    assert cite["URL"].startswith("https://www.tuyengiao.vn/")


def test_ranking_window_bounds_work_but_filters_still_find_everything(tmp_path, monkeypatch):
    monkeypatch.setattr("pipelines.search.WINDOW", 1)
    with searchable_archive(tmp_path) as archive:
        # Only the most recently indexed match of each tier is ranked (one word: two
        # tiers, the exact index then the folded one)...
        assert [h["article_id"] for h in search(archive.db, "Nội")] == [3, 2]
        # ...unless filters empty the window: then every match is.
        hits = search(archive.db, "Nội", filters=Filters(category="thoi-su"))
        assert [(h["article_id"], h["match"]) for h in hits] == [(1, "exact"), (2, "folded")]


def test_a_reparse_version_keeps_when_the_page_was_last_seen(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        archive.upsert_article(make_article(), crawl_id=None)
        before = archive.db.execute("SELECT last_seen_at, url FROM articles").fetchone()
        reparsed = make_article(title="Tiêu đề đọc lại", url="http://x/khac-130656")
        later = datetime(2027, 1, 1, tzinfo=reparsed.fetched_at.tzinfo)
        assert archive.upsert_article(reparsed, seen_at=later, cause="reparse") == "updated"
        after = archive.db.execute("SELECT last_seen_at, url, title FROM articles").fetchone()
        versions = archive.versions("tuyengiao.vn", 130656)
    assert after[:2] == before and after[2] == "Tiêu đề đọc lại"
    assert versions[0]["cause"] == "reparse" and versions[0]["superseded_at"] == later.isoformat()
