"""A full disk met by any writer of a crawl (the spider's frontier writes, a WARC
record, the pipeline) stops the crawl and makes it fail: never an "ok" run that lost
pages. The e2e counterpart fills a real tmpfs (tests/test_process_faults.py)."""

import sqlite3

from scrapy import signals
from scrapy.http import HtmlResponse
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from crawler.protocol.signals import page_failed
from pipelines.ledger import EXIT_FAILED, EXIT_OK
from tests.archive_support import BASE, open_pipeline


class Engine:
    """What the pipeline asks of Scrapy's engine: to close the spider."""

    def __init__(self) -> None:
        self.close_reasons: list[str] = []

    def close_spider_async(self, reason: str) -> Deferred:
        # Scrapy's is a coroutine; the pipeline only needs it asked, not run.
        self.close_reasons.append(reason)
        return succeed(None)


def _pipeline(tmp_path):
    crawler, pipeline = open_pipeline(tmp_path / "a.db")
    crawler.engine = Engine()
    return crawler, pipeline


def _spider_error(crawler, error: Exception) -> None:
    try:
        raise error
    except Exception:
        failure = Failure()
    response = HtmlResponse(f"{BASE}/thoi-su/a-1001", body=b"<html></html>")
    crawler.signals.send_catch_log(
        signals.spider_error, failure=failure, response=response, spider=crawler.spider
    )


def _finish(crawler, pipeline, reason: str = "finished") -> dict:
    pipeline.spider_closed(crawler.spider, reason)
    return crawler.stats.get_stats()


def test_a_spider_write_onto_a_full_disk_stops_the_crawl_and_fails_it(tmp_path):
    crawler, pipeline = _pipeline(tmp_path)
    _spider_error(crawler, sqlite3.OperationalError("database or disk is full"))
    assert crawler.engine.close_reasons == ["disk_full"]
    assert pipeline.disk_full
    # Even a run whose engine says "finished" lost pages: it fails.
    stats = _finish(crawler, pipeline)
    assert (stats["vnarchive/status"], stats["vnarchive/exit_code"]) == ("failed", EXIT_FAILED)


def test_a_warc_write_onto_a_full_disk_stops_the_crawl(tmp_path):
    crawler, pipeline = _pipeline(tmp_path)
    crawler.signals.send_catch_log(
        page_failed, url=f"{BASE}/thoi-su/a-1001", kind="warc_write",
        message="WARC write failed: [Errno 28] No space left on device",
    )  # fmt: skip
    assert crawler.engine.close_reasons == ["disk_full"]
    assert _finish(crawler, pipeline)["vnarchive/exit_code"] == EXIT_FAILED


def test_another_spider_error_is_recorded_and_counted_without_stopping(tmp_path):
    crawler, pipeline = _pipeline(tmp_path)
    _spider_error(crawler, ValueError("a selector broke"))
    assert crawler.engine.close_reasons == []
    archive = pipeline.archive
    rows = list(archive.db.query("SELECT url, kind, message FROM crawl_errors"))
    assert rows == [
        {"url": f"{BASE}/thoi-su/a-1001", "kind": "spider_error",
         "message": "ValueError: a selector broke"},
    ]  # fmt: skip
    assert crawler.stats.get_value("vnarchive/errors") == 1
    pipeline.spider_closed(crawler.spider, "finished")


def test_a_run_whose_end_cannot_be_recorded_is_not_ok(tmp_path):
    crawler, pipeline = _pipeline(tmp_path)
    crawler.stats.set_value("downloader/response_count", 1)

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    pipeline.archive.finish_crawl = full
    stats = _finish(crawler, pipeline)
    assert stats["vnarchive/exit_code"] == EXIT_FAILED


def test_a_clean_run_is_ok(tmp_path):
    # The control: the same pipeline, nothing going wrong.
    crawler, pipeline = _pipeline(tmp_path)
    crawler.stats.set_value("downloader/response_count", 1)
    assert _finish(crawler, pipeline)["vnarchive/exit_code"] == EXIT_OK
