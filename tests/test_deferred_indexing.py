"""Search entries made at the end of a batch (`Archive.deferred_indexing`): the same
search results as article-by-article indexing, one index segment per batch, and no
entry for a write that was rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.archive import Archive
from pipelines.fts import FTS_TABLES, segment_count
from pipelines.messages import ArticleStored, StoreArticle
from pipelines.search import search
from pipelines.writer import Writer
from tests.archive_support import make_article

QUERIES = ("Hà Nội", "ha noi", '"thời cuộc"', "bao chi", "Đoạn*", "riêng", "rieng")


def _articles(count: int, first: int = 140_000) -> list:
    return [
        make_article(
            first + n,
            title=f"Báo chí với thời cuộc số {n}",
            body=(f"Đoạn riêng của bài {n}.", "Hà Nội."),
        )
        for n in range(count)
    ]


def _results(archive: Archive) -> list[list[tuple[int, str]]]:
    return [[(h["article_id"], h["match"]) for h in search(archive.db, q)] for q in QUERIES]


def _writer(archive: Archive) -> Writer:
    crawl_id = archive.start_crawl(spider="tuyengiao", start_url="http://127.0.0.1:8800/")
    return Writer(archive, "tuyengiao.vn", crawl_id, 3)


def _ids(archive: Archive, word: str) -> set[int]:
    rows = archive.db.execute(
        "SELECT d.article_id FROM fts_folded f JOIN fts_docs d ON d.id = f.rowid "
        "WHERE fts_folded MATCH ?",
        (word,),
    )
    return {row[0] for row in rows}


def test_a_batch_is_searchable_as_articles_indexed_one_by_one(tmp_path: Path) -> None:
    articles = _articles(12)
    with Archive(tmp_path / "one.db") as one:
        for article in articles:
            one.upsert_article(article)
        expected = _results(one)
    with Archive(tmp_path / "batch.db") as batched:
        replies = _writer(batched).apply_batch([StoreArticle(a) for a in articles])
        assert [r for r in replies if isinstance(r, ArticleStored)] == [
            ArticleStored(a.article_id, "new") for a in articles
        ]
        assert _results(batched) == expected
        assert all(results for results in expected)


def test_a_batch_adds_one_segment_to_each_index(tmp_path: Path) -> None:
    # Each article of a batch has its own savepoint; FTS5 writes a segment at every
    # savepoint it has pending terms for, so indexing in the savepoints made one per
    # article.
    with Archive(tmp_path / "a.db") as archive:
        _writer(archive).apply_batch([StoreArticle(a) for a in _articles(20)])
        assert [segment_count(archive.db, table) for table in FTS_TABLES] == [1, 1]


def test_an_article_rolled_back_after_its_write_gets_no_search_entry(tmp_path: Path) -> None:
    kept, undone = _articles(2)
    with Archive(tmp_path / "a.db") as archive:
        conn = archive.db.conn
        conn.execute("BEGIN")
        with archive.deferred_indexing():
            archive.upsert_article(kept)
            # As the writer's article op: the upsert commits its own savepoint, then
            # something after it in the enclosing one fails.
            with pytest.raises(RuntimeError), archive.db.atomic():
                archive.upsert_article(undone)
                raise RuntimeError("the frontier write failed")
        conn.execute("COMMIT")
        assert _ids(archive, "rieng") == {kept.article_id}
        assert archive.get_article(undone.site, undone.article_id) is None
        assert archive.db.execute("SELECT count(*) FROM fts_docs").fetchone()[0] == 1


def test_an_update_rolled_back_keeps_the_previous_entries(tmp_path: Path) -> None:
    (article,) = _articles(1)
    with Archive(tmp_path / "a.db") as archive:
        archive.upsert_article(article)
        conn = archive.db.conn
        conn.execute("BEGIN")
        with archive.deferred_indexing(), pytest.raises(RuntimeError), archive.db.atomic():
            archive.upsert_article(article.replace(title="Tiêu đề mới hoàn toàn"))
            raise RuntimeError("rolled back")
        conn.execute("COMMIT")
        assert _ids(archive, "moi") == set()
        assert _ids(archive, "cuoc") == {article.article_id}


def test_the_last_version_written_in_a_batch_is_the_one_indexed(tmp_path: Path) -> None:
    (article,) = _articles(1)
    with Archive(tmp_path / "a.db") as archive:
        _writer(archive).apply_batch(
            [StoreArticle(article), StoreArticle(article.replace(title="Tiêu đề mới"))]
        )
        assert _ids(archive, "moi") == {article.article_id}
        assert _ids(archive, "cuoc") == set()


def test_an_error_in_the_block_indexes_nothing_and_later_writes_index_at_once(
    tmp_path: Path,
) -> None:
    first, second = _articles(2)
    with Archive(tmp_path / "a.db") as archive:
        conn = archive.db.conn
        conn.execute("BEGIN")
        with pytest.raises(RuntimeError), archive.deferred_indexing():
            archive.upsert_article(first)
            raise RuntimeError("the batch failed")
        conn.execute("ROLLBACK")
        archive.upsert_article(second)  # no block: indexed with its own transaction
        assert _ids(archive, "rieng") == {second.article_id}
