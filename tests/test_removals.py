"""Removals: an archived article that answers 404/410 or redirects away gets an event."""

from scrapy.http import HtmlResponse, Request

from crawler.protocol.signals import page_failed, response_redirected
from pipelines.archive import Archive
from tests.archive_support import BASE, make_article, open_pipeline


def redirect(url: str, location: str, status: int = 301):
    request = Request(url)
    return request, HtmlResponse(
        url, status=status, headers={"Location": location}, request=request
    )


def test_gone_and_redirected_articles_get_removal_events(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        for article_id in (1001, 1002, 1003):
            archive.upsert_article(make_article(article_id))
    crawler, pipeline = open_pipeline(db)
    send = crawler.signals.send_catch_log
    send(page_failed, url=f"{BASE}/thoi-su/a-1001", kind="http_410", message="HTTP 410")
    # Never archived: a 404 is only an error, not a removal.
    send(page_failed, url=f"{BASE}/thoi-su/a-9999", kind="http_404", message="HTTP 404")
    request, response = redirect(f"{BASE}/thoi-su/a-1002", "https://elsewhere.example/")
    send(response_redirected, request=request, response=response, spider=crawler.spider)
    # Another URL form of the same article is not a removal.
    request, response = redirect(f"{BASE}/a-1003", "/thoi-su/a-1003")
    send(response_redirected, request=request, response=response, spider=crawler.spider)
    archive = pipeline.archive
    assert archive is not None
    rows = list(archive.db.query("SELECT article_id, status, kind, location FROM removals"))
    assert rows == [
        {"article_id": 1001, "status": 410, "kind": "gone", "location": None},
        {"article_id": 1002, "status": 301, "kind": "redirect",
         "location": "https://elsewhere.example/"},
    ]  # fmt: skip
    assert archive.count_articles() == 3
    assert archive.db.execute("SELECT count(*) FROM crawl_errors").fetchone()[0] == 2
    archive.close()
