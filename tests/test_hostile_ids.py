"""Issue 16.1: an article id past 64 bits, or in another script's digits, is no id.

Before the fix, `/x-9223372036854775808` made `FrontierStore.known` raise OverflowError
inside the spider callback: a listing page lost every article it listed, an article page
linking to it was never archived.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scrapy.http import HtmlResponse, Request

from crawler.extract.urls import MAX_ARTICLE_ID, article_id_from_url, bounded_id
from crawler.spiders.tuyengiao import TuyengiaoSpider
from tests.scrapy_support import project_crawler

BASE = "http://127.0.0.1:8800"
HOSTILE = [
    f"/thoi-su/x-{2**63}",  # one past SQLite's INTEGER
    f"/thoi-su/x-{2**64 + 5}",
    "/thoi-su/x-" + "9" * 5000,  # a 5,000-digit "id"
    "/thoi-su/x-\u0661\u0663\u0660\u0660\u0660\u0661",  # Arabic-Indic digits: 130001
    "/thoi-su/x-\uff11\uff13\uff10\uff10\uff10\uff11",  # full-width digits
]


@pytest.mark.parametrize("path", HOSTILE)
def test_an_unreadable_id_is_a_url_without_an_id(path):
    assert article_id_from_url(BASE + path) is None


def test_the_largest_id_sqlite_holds_is_still_an_id():
    assert article_id_from_url(f"{BASE}/x-{MAX_ARTICLE_ID}") == MAX_ARTICLE_ID
    assert article_id_from_url(f"{BASE}/x-000130001") == 130001
    with sqlite3.connect(":memory:") as conn:
        assert conn.execute("SELECT ?", (MAX_ARTICLE_ID,)).fetchone()[0] == MAX_ARTICLE_ID


@given(st.text(max_size=40))
def test_bounded_id_never_raises_and_fits_sqlite(text):
    value = bounded_id(text)
    assert value is None or 0 <= value <= MAX_ARTICLE_ID


def _spider():
    crawler = project_crawler(TuyengiaoSpider)
    spider = TuyengiaoSpider.from_crawler(crawler, start_url=BASE + "/")
    crawler.spider = spider
    return crawler, spider


def _page(url: str, links: list[str], meta: dict | None = None) -> HtmlResponse:
    cards = "".join(f'<h4><a href="{href}">bài</a></h4>' for href in links)
    body = f'<html><body><div class="zonepage-l">{cards}</div></body></html>'
    return HtmlResponse(
        url, body=body.encode(), encoding="utf-8", request=Request(url, meta=meta or {})
    )


@pytest.mark.parametrize("hostile", HOSTILE[:3])
def test_a_hostile_link_on_a_listing_costs_no_other_article(hostile):
    crawler, spider = _spider()
    links = ["/thoi-su/a-130001", hostile, "/thoi-su/b-130002", "/thoi-su/c-130003"]
    requests = list(spider.parse_listing(_page(BASE + "/thoi-su", links)))
    ids = {r.meta.get("article_id") for r in requests}
    assert {130001, 130002, 130003} <= ids
    assert not crawler.stats.get_value("vnarchive/errors/spider_error")


def test_a_hostile_related_link_does_not_cost_the_article():
    _, spider = _spider()
    url = BASE + "/thoi-su/bai-130010"
    response = _page(url, [f"/thoi-su/x-{2**63}", "/thoi-su/d-130004"], {"article_id": 130010})
    # Not an article page: the link discovery still runs, and nothing raises.
    requests = [r for r in spider.parse_article_page(response) if isinstance(r, Request)]
    assert {r.meta["article_id"] for r in requests} == {130004}


def test_a_part_of_a_page_that_fails_costs_only_itself(monkeypatch):
    crawler, spider = _spider()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in link discovery")

    monkeypatch.setattr(spider, "_discover_articles", broken)
    links = ["/thoi-su/a-130001", "/thoi-su/b-130002"]
    requests = list(spider.parse_listing(_page(BASE + "/thoi-su", links)))
    assert {r.meta.get("article_id") for r in requests} >= {130001, 130002}
    assert crawler.stats.get_value("vnarchive/errors/spider_error") == 1


def test_the_article_page_route_answers_404_for_an_id_past_64_bits(tmp_path):
    from datasette.app import Datasette
    from datasette.plugins import pm

    import vnarchive.browse
    from pipelines.archive import Archive

    if not pm.has_plugin("vnarchive"):
        pm.register(vnarchive.browse, "vnarchive")
    db = tmp_path / "archive.db"
    Archive(db).close()

    async def fetch():
        ds = Datasette([str(db)])
        return [
            (await ds.client.get(f"/-/article/archive/tuyengiao.vn/{n}")).status_code
            for n in (2**63, "9" * 400, 130001)
        ] + [
            (await ds.client.get(f"/archive/articles{suffix}={2**64}")).status_code
            for suffix in ("?article_id__gt", ".json?article_id__lt")
        ]

    assert asyncio.run(fetch()) == [404, 404, 404, 400, 400]
