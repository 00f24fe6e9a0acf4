"""Listings in each portal's own paging style, as discovery walks them (issue 15 §3, §4):
a page the declared style makes, a pager's link, a 404 or an empty page that ends a
walk, and the declared sections entered after the start page answers."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from twisted.python.failure import Failure

from tests.discovery_support import MIRROR, make_spider, urls

LISTING = """<html><body>
<h3 class="title-news"><a href="/gia-vang-tang-manh-4190001.html">Giá vàng</a></h3>
<h3 class="title-news"><a href="/tau-hang-cap-cang-4190020.html">Tàu hàng</a></h3>
</body></html>"""


def listing(url: str, chain: dict, body: str = LISTING, status: int = 200) -> HtmlResponse:
    request = Request(url, meta={"chain": chain})
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", status=status,
                        request=request)  # fmt: skip


def test_a_walk_goes_on_to_the_page_its_paging_style_makes_and_a_404_ends_it():
    spider, _, _ = make_spider()
    list(spider.section_requests())
    walk = spider.store.walk("kinh-doanh")
    assert walk is not None and not walk.finished
    chain = {"category": "kinh-doanh", "page": 1, "kind": "walk", "quiet": 0, "until": None}
    requests = list(spider.parse_listing(listing(MIRROR + "/kinh-doanh", chain)))
    pages = [r for r in requests if "chain" in r.meta]
    assert [r.url for r in pages] == [MIRROR + "/kinh-doanh-p2"]
    assert pages[0].meta["chain"]["page"] == 2
    assert 404 in pages[0].meta["handle_httpstatus_list"]
    chain2 = pages[0].meta["chain"]
    assert list(spider.parse_listing(listing(MIRROR + "/kinh-doanh-p2", chain2, "", 404))) == []
    walk = spider.store.walk("kinh-doanh")
    assert walk is not None and walk.finished


def test_a_walk_resumed_from_a_menu_link_at_a_made_page_still_ends_on_its_404():
    # A killed run left the walk at page 2, a page the declared style made; the next
    # run meets the category in the home page's menu before it enters the sections.
    spider, _, _ = make_spider()
    spider.store.start_walk("kinh-doanh", MIRROR + "/kinh-doanh")
    spider.store.listing_read("kinh-doanh", 1, [], walk_next=(2, MIRROR + "/kinh-doanh-p2"))
    resumed = [r for r in spider._enter("kinh-doanh", MIRROR + "/kinh-doanh")
               if r.meta["chain"]["kind"] == "walk"]  # fmt: skip
    assert [r.url for r in resumed] == [MIRROR + "/kinh-doanh-p2"]
    assert 404 in resumed[0].meta["handle_httpstatus_list"]
    ended = listing(resumed[0].url, resumed[0].meta["chain"], "", 404)
    assert list(spider.parse_listing(ended)) == []
    walk = spider.store.walk("kinh-doanh")
    assert walk is not None and walk.finished


def test_a_pager_link_in_the_declared_style_is_followed():
    spider, _, _ = make_spider()
    list(spider.section_requests())
    body = LISTING.replace("</body>", '<div class="pagination"><a href="/kinh-doanh-p2">2</a>'
                                      "</div></body>")  # fmt: skip
    chain = {"category": "kinh-doanh", "page": 1, "kind": "walk", "quiet": 0, "until": None}
    requests = list(spider.parse_listing(listing(MIRROR + "/kinh-doanh", chain, body)))
    assert [r.url for r in requests if "chain" in r.meta] == [MIRROR + "/kinh-doanh-p2"]
    # The same URL the style makes: its 404 would end the walk too.
    assert 404 in requests[-1].meta["handle_httpstatus_list"]


def test_a_404_of_a_page_the_pager_links_in_another_form_stays_an_error():
    spider, _, _ = make_spider("tuyengiao")
    list(spider.section_requests())
    body = '<html><body><ul class="pagination"><a href="/thoi-su?p=2">2</a></ul></body></html>'
    chain = {"category": "thoi-su", "page": 1, "kind": "walk", "quiet": 0, "until": None}
    requests = list(spider.parse_listing(listing(MIRROR + "/thoi-su", chain, body)))
    pages = [r for r in requests if "chain" in r.meta]
    assert [r.url for r in pages] == [MIRROR + "/thoi-su?p=2"]
    assert "handle_httpstatus_list" not in pages[0].meta


def test_an_empty_page_in_a_made_style_ends_the_walk():
    spider, _, _ = make_spider()
    list(spider.section_requests())
    chain = {"category": "kinh-doanh", "page": 3, "kind": "walk", "quiet": 0, "until": None}
    body = "<html><body><p>Không có bài viết</p></body></html>"
    assert [r for r in spider.parse_listing(listing(MIRROR + "/kinh-doanh-p3", chain, body))
            if "chain" in r.meta] == []  # fmt: skip


def test_a_pager_without_a_link_onward_is_the_last_page():
    spider, _, _ = make_spider()
    list(spider.section_requests())
    body = LISTING.replace("</body>", '<div class="pagination"><a href="/kinh-doanh-p4">4</a>'
                                      "</div></body>")  # fmt: skip
    chain = {"category": "kinh-doanh", "page": 5, "kind": "walk", "quiet": 0, "until": None}
    requests = list(spider.parse_listing(listing(MIRROR + "/kinh-doanh-p5", chain, body)))
    assert [r.url for r in requests if "chain" in r.meta] == []


def test_the_sections_follow_the_start_pages_answer_or_its_failure():
    spider, _, failed = make_spider()
    home = HtmlResponse(MIRROR + "/", body=b"<html><body></body></html>", encoding="utf-8",
                        request=Request(MIRROR + "/", meta={"start_page": True}))  # fmt: skip
    assert MIRROR + "/kinh-doanh" in urls(spider.parse_listing(home))
    again, _, failed = make_spider()
    request = Request(MIRROR + "/", meta={"start_page": True})
    failure = Failure(ConnectionRefusedError("refused"))
    failure.request = request  # type: ignore[attr-defined]
    assert urls(again.start_failed(failure)) == [MIRROR + "/kinh-doanh"]
    assert [f["kind"] for f in failed] == ["download"]
