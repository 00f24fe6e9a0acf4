"""Units of the scheduling side: the stop rule, listing positions, the frontier store,
Retry-After values, the lock, the ledger's degraded reasons, the progress line."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings

from crawler.frontier import follow_head, listing_position
from crawler.politeness import parse_retry_after
from crawler.progress import ProgressExtension, progress_text
from crawler.protocol.frontier import Listed
from pipelines.archive import Archive
from pipelines.frontier_store import FrontierStore
from pipelines.ledger import EXIT_DEGRADED, crawl_summary, degraded_reasons, run_columns
from tests.scrapy_support import project_settings
from vnarchive.lock import AlreadyRunning, CrawlLock


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h/", ("", 1)),
        ("http://h/thoi-su", ("thoi-su", 1)),
        ("http://h/thoi-su?p=3", ("thoi-su", 3)),
        ("http://h/nhip-cau-tuyen-giao/ban-tuyen-giao-tw?page=2",
         ("nhip-cau-tuyen-giao/ban-tuyen-giao-tw", 2)),
        ("http://h/tim-kiem?q=abc&p=2", None),  # a search is no listing
        ("http://h/thoi-su?p=0", None),
    ],
)  # fmt: skip
def test_listing_position(url, expected):
    assert listing_position(url) == expected


def test_follow_head_reads_one_overlap_page():
    # All new: go on, whatever the overlap.
    assert follow_head(has_known=False, has_new=True, quiet=0, overlap=0) == (True, 0)
    # New and archived on one page: the boundary; one overlap page more with overlap 1.
    assert follow_head(has_known=True, has_new=True, quiet=0, overlap=1) == (True, 0)
    assert follow_head(has_known=True, has_new=False, quiet=0, overlap=1) == (False, 1)
    assert follow_head(has_known=True, has_new=True, quiet=0, overlap=0) == (False, 0)
    assert follow_head(has_known=True, has_new=False, quiet=1, overlap=3) == (True, 2)
    # A late article on an overlap page resets the count.
    assert follow_head(has_known=True, has_new=True, quiet=2, overlap=3) == (True, 0)


def test_frontier_requeues_in_progress_and_marks_done_atomically(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        store = FrontierStore(archive.db, "tuyengiao.vn")
        store.add([Listed(1, "http://h/a-101"), Listed(2, "http://h/b-102")], "thoi-su")
        store.started([1, 2])
        assert store.counts() == {"in_progress": 2}
        assert store.requeue_in_progress() == 2
        assert [p.article_id for p in store.pending()] == [2, 1]
        # A failed write rolls the frontier entry back with the article's rows.
        with pytest.raises(RuntimeError), archive.db.atomic():
            store.mark_done(1, "http://h/a-101")
            raise RuntimeError("the article write failed")
        assert store.counts() == {"pending": 2}
        store.mark_done(1, "http://h/a-101")
        store.mark_failed(2, "http://h/b-102", "http_500", "HTTP 500")
        assert store.known([1, 2, 3]) == {1}
        assert [p.article_id for p in store.pending()] == [2]  # attempts left
        store.mark_failed(2, "http://h/b-102", "http_404", "HTTP 404")
        assert store.known([2]) == {2} and store.pending() == []  # gone: never again


def test_listing_walk_progress(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        store = FrontierStore(archive.db, "tuyengiao.vn")
        assert store.walk("thoi-su") is None
        store.start_walk("thoi-su", "http://h/thoi-su")
        entry = Listed(5, "http://h/x-105", "2020-11-05")
        store.listing_read("thoi-su", 1, [entry], new=[entry], walk_next=(2, "http://h/t?p=2"))
        walk = store.walk("thoi-su")
        assert walk is not None and (walk.next_page, walk.finished) == (2, False)
        assert store.unfinished_walks() == 1 and store.counts() == {"pending": 1}
        store.listing_read("thoi-su", 2, [], walk_next=(3, None))
        walk = store.walk("thoi-su")
        assert walk is not None and walk.finished and store.unfinished_walks() == 0


def test_parse_retry_after():
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert parse_retry_after(b"120") == 120.0
    assert parse_retry_after("Thu, 26 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 26 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_lock_is_exclusive_and_names_its_holder(tmp_path):
    db = tmp_path / "a.db"
    with CrawlLock(db):
        with pytest.raises(AlreadyRunning) as info:
            CrawlLock(db).acquire()
        assert "pid" in str(info.value)
    with CrawlLock(db) as again:  # released: free again
        assert again.taken_over is None


def test_degraded_reasons_and_run_columns():
    stats = {
        "downloader/response_count": 100,
        "downloader/request_count": 103,
        "downloader/response_status_count/200": 90,
        "downloader/response_status_count/404": 10,
        "vnarchive/errors": 10,
        "vnarchive/removals/gone": 6,
        "elapsed_time_seconds": 12.5,
    }
    # 10 errors, 6 of them removals of archived articles: 4% is under 5%.
    assert degraded_reasons(stats) == []
    assert degraded_reasons({**stats, "vnarchive/removals/gone": 0})[0].startswith("error rate")
    stale = degraded_reasons(stats, stale_days=7, days_since_new=8.5)
    assert stale == ["no new article for 8.5 days (> 7)"]
    summary = crawl_summary(stats, "finished", reasons=stale)
    assert summary["exit_code"] == EXIT_DEGRADED
    assert summary["stats"]["vnarchive/degraded_reasons"] == stale
    columns = run_columns(stats)
    assert columns["status_counts"] == '{"200": 90, "404": 10}'
    assert (columns["articles_removed"], columns["requests"], columns["duration_s"]) == (
        6,
        103,
        12.5,
    )


def test_progress_line():
    stats = {"downloader/response_count": 120, "vnarchive/articles_new": 90,
             "vnarchive/articles_unchanged": 10, "vnarchive/errors": 2}  # fmt: skip
    text = progress_text(stats, elapsed=60.0, category="thoi-su")
    assert text == "120 pages, 100 articles (90 new), 2 errors, 120 pages/min, in thoi-su"
    assert "\n" not in text


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_redraws_one_line_on_a_terminal():
    crawler = SimpleNamespace(
        settings=Settings(project_settings()),
        stats=SimpleNamespace(get_stats=lambda: {"downloader/response_count": 3}),
        spider=SimpleNamespace(current_category="the-gioi"),
    )
    stream = _Tty()
    extension = ProgressExtension(crawler, stream=stream)  # type: ignore[arg-type]
    extension.report()
    extension.report()
    assert extension.live and extension.interval == 1.0
    assert stream.getvalue().count("\r\x1b[2K3 pages") == 2 and "\n" not in stream.getvalue()
    assert stream.getvalue().endswith("in the-gioi")


def test_stored_urls_follow_the_site_being_crawled():
    from crawler.spiders.tuyengiao import TuyengiaoSpider

    spider = TuyengiaoSpider(start_url="http://127.0.0.1:9000/")
    # A replica that ran on another port: the same path, asked of this one.
    assert spider._here("http://127.0.0.1:8000/thoi-su/a-130001?p=2") == (
        "http://127.0.0.1:9000/thoi-su/a-130001?p=2"
    )
    assert spider._here("https://www.tuyengiao.vn/a-130001") == "https://www.tuyengiao.vn/a-130001"
    with pytest.raises(ValueError):
        TuyengiaoSpider(mode="sometimes")


def test_progress_logs_plain_lines_when_not_a_terminal(caplog):
    crawler = SimpleNamespace(
        settings=Settings(project_settings(PROGRESS_LOG_INTERVAL=5)),
        stats=SimpleNamespace(get_stats=lambda: {"vnarchive/articles_new": 4}),
        spider=SimpleNamespace(current_category=""),
    )
    stream = io.StringIO()
    extension = ProgressExtension(crawler, stream=stream)  # type: ignore[arg-type]
    with caplog.at_level("INFO", logger="crawler.progress"):
        extension.report()
    assert not extension.live and extension.interval == 5.0
    assert stream.getvalue() == ""
    assert caplog.messages == ["progress: 0 pages, 4 articles (4 new), 0 errors, 0 pages/min"]


def test_spider_callbacks_return_no_value():
    # WARN_ON_GENERATOR_RETURN_VALUE is off (it re-read the source at run time): a
    # generator callback's `return value` would be silently lost, so it is checked here.
    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.spiders.portal import PortalSpider

    callbacks = [PortalSpider.parse_listing, PortalSpider.parse_article_page]
    assert not any(is_generator_with_return_value(c) for c in callbacks)
