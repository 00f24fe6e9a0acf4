"""Merging the search indexes' segments: fewer segments, the very same results.

Each commit adds a segment to both FTS5 indexes; a crawl or reparse that wrote
articles ends by merging an index that holds more than FTS_MAX_SEGMENTS of them."""

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.archive import Archive
from pipelines.fts import FTS_TABLES, segment_count
from pipelines.search import search
from tests.archive_support import make_article, open_pipeline

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("Hà Nội", "ha noi", '"thời cuộc"', "bao chi", "Đoạn*")


def _fill(archive: Archive, count: int = 30) -> None:
    for n in range(count):
        # One transaction per article, as a crawl writes them.
        archive.upsert_article(make_article(140_000 + n, title=f"Báo chí với thời cuộc số {n}"))


def _segments(archive: Archive) -> list[int]:
    return [segment_count(archive.db, table) for table in FTS_TABLES]


def _results(archive: Archive) -> list[list[tuple[int, str]]]:
    return [[(h["article_id"], h["match"]) for h in search(archive.db, q)] for q in QUERIES]


def test_merging_leaves_one_segment_per_index_and_the_same_results(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        _fill(archive)
        before = _results(archive)
        assert min(_segments(archive)) > 1
        assert all(before), before  # every query finds something, or the check is empty
        merged = archive.optimize_search()
        assert set(merged) == set(FTS_TABLES)
        assert _segments(archive) == [1, 1]
        assert _results(archive) == before
        for table in FTS_TABLES:
            archive.db.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


def test_after_a_run_only_an_index_over_the_limit_is_merged(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        _fill(archive)
        counts = _segments(archive)
        archive.merge_search_after_run(max_segments=max(counts))
        assert _segments(archive) == counts
        archive.merge_search_after_run(max_segments=0)  # 0: never
        assert _segments(archive) == counts
        limit = min(counts) - 1
        archive.merge_search_after_run(max_segments=limit)
        assert _segments(archive) == [1 if count > limit else count for count in counts]


def test_a_crawl_that_wrote_articles_ends_by_merging(tmp_path):
    db = tmp_path / "a.db"
    crawler, pipeline = open_pipeline(db, FTS_MAX_SEGMENTS=2)
    for n in range(12):
        pipeline.process_item(make_article(150_000 + n))
    assert min(_segments(pipeline.archive)) > 2
    crawler.stats.set_value("downloader/response_count", 12)
    pipeline.spider_closed(crawler.spider, "finished")
    with Archive(db) as archive:
        assert _segments(archive) == [1, 1]
        assert archive.count_articles() == 12


def test_the_optimize_command_reports_and_merges(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        _fill(archive, 12)
    command = [sys.executable, "-m", "vnarchive", "optimize", "--db", str(db)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "segments now fts_exact: 1, fts_folded: 1" in result.stderr
    missing = subprocess.run(
        [*command[:-1], str(tmp_path / "none.db")], cwd=ROOT, capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no archive at" in missing.stderr


@pytest.mark.e2e
def test_a_real_crawl_through_the_writer_process_ends_merged(tmp_path):
    from harness.crawl_support import crawl_command as command
    from replica.server import start_replica

    db = tmp_path / "a.db"
    with start_replica(layout="mixed", generated=30) as replica:
        crawl = [*command(replica.base_url, db), "--set", "FTS_MAX_SEGMENTS=1"]
        result = subprocess.run(crawl, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    with Archive(db) as archive:
        assert archive.count_articles() > 30
        assert _segments(archive) == [1, 1]
