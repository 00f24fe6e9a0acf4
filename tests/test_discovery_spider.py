"""Discovery's callbacks fed hand-written XML (tests/fixtures/discovery/) as Scrapy
responses (issue 15 §4): sitemap indexes, urlsets, news sitemaps, gzipped sitemaps, RSS
and Atom feeds, robots.txt, broken ones; what a run fetches against what the archive
holds; declared sources rebased onto a mirror. (Listings in their own paging style:
tests/test_discovery_listings.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.robotstxt import ProtegoRobotParser
from twisted.python.failure import Failure

from crawler.extract.errors import TooLarge
from crawler.protocol.frontier import Listed
from crawler.spiders.portal import PortalSpider
from pipelines.archive import Archive
from pipelines.frontier_store import FrontierStore
from tests.discovery_support import MIRROR, make_spider, urls
from tests.scrapy_support import project_crawler

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def stat(crawler: Crawler, key: str) -> int:
    return crawler.stats.get_value(f"vnarchive/{key}", 0)


def xml(url: str, name: str, **meta) -> XmlResponse:
    request = Request(url, meta={"source_kind": "sitemap", **meta})
    return XmlResponse(url, body=fixture(name), request=request)


@pytest.fixture
def archive(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        yield archive


def archived(archive: Archive, article_id: int, url: str, published: str, updated=None) -> None:
    archive.db.execute(
        "INSERT INTO articles (site, article_id, url, title, body, content_hash, published_at,"
        " updated_at) VALUES ('vnexpress.net', ?, ?, 't', 'b', 'h', ?, ?)",
        (article_id, url, published, updated),
    )
    archive.db.conn.commit()


# -- sitemaps -----------------------------------------------------------------------------


def test_an_index_asks_for_its_dated_children_newest_first_rebased_onto_the_mirror():
    spider, crawler, failed = make_spider()
    requests = list(spider.parse_sitemap(xml(MIRROR + "/sitemap.xml", "sitemap-index.xml")))
    assert urls(requests) == [
        MIRROR + "/sitemaps/sitemap-2020-11.xml",
        MIRROR + "/sitemaps/sitemap-2020-10.xml.gz",
        MIRROR + "/sitemaps/sitemap-2020-09.xml",
    ]  # the child on another host is not this crawl's
    assert requests[0].meta["sitemap_lastmod"] == "2020-11-06T10:30:00+07:00"
    assert all(r.callback == spider.parse_sitemap for r in requests)
    assert stat(crawler, "sitemaps/children") == 3 and not failed


def test_a_urlset_queues_its_articles_with_their_lastmod():
    spider, crawler, failed = make_spider()
    url = MIRROR + "/sitemaps/sitemap-2020-11.xml"
    response = xml(url, "sitemap-2020-11.xml", sitemap_lastmod="2020-11-06T10:30:00+07:00")
    requests = list(spider.parse_sitemap(response))
    assert urls(requests) == [
        MIRROR + "/gia-vang-tang-manh-4190001.html",
        MIRROR + "/chung-khoan-hoi-phuc-4190002.html",
        MIRROR + "/xuat-khau-gao-4190003.html",
    ]
    assert [r.meta["article_id"] for r in requests] == [4190001, 4190002, 4190003]
    queued = spider.store.entries  # a MemoryFrontier: no archive in this test
    assert set(queued) == {4190001, 4190002, 4190003}
    assert stat(crawler, "discovered/sitemap") == 3
    assert stat(crawler, "discovered/sitemap/new") == 3
    assert stat(crawler, "discovered/sitemap/not_article") == 1
    # Read to its end: remembered with the lastmod its index gave it.
    assert spider.store.sitemaps_read() == {
        "/sitemaps/sitemap-2020-11.xml": "2020-11-06T10:30:00+07:00"
    }
    assert not failed


def test_a_news_sitemap_gives_publication_dates_and_counts_as_news():
    spider, _crawler, _ = make_spider()
    entries: list[Listed] = []
    spider._queue_dated = lambda listed, kind: entries.extend(listed) or iter(())  # type: ignore[method-assign]
    list(spider.parse_sitemap(xml(MIRROR + "/google-news-sitemap.xml", "news-sitemap.xml")))
    assert [(e.article_id, e.listed_on, e.changed_at) for e in entries] == [
        (4190010, "2020-11-06", "2020-11-06T08:00:00+07:00"),
        # Published the evening before, edited in the morning: listed on its publish day,
        # changed at its lastmod.
        (4190011, "2020-11-05", "2020-11-06T11:45:00+07:00"),
    ]


def test_the_news_extension_fields_are_read_by_scrapys_reader():
    from crawler.spiders.sitemaps import read_sitemap

    read = read_sitemap(fixture("news-sitemap.xml"))
    assert read.type == "urlset" and read.error is None
    assert read.entries[1]["news_title"] == "Lãi suất tiết kiệm"
    assert read.entries[1]["news_publication_date"] == "2020-11-05T20:10:00+07:00"


def test_a_gzipped_sitemap_is_read():
    spider, _crawler, failed = make_spider()
    url = MIRROR + "/sitemaps/sitemap-2020-10.xml.gz"
    response = Response(url, body=fixture("sitemap-2020-10.xml.gz"),
                        request=Request(url, meta={"source_kind": "sitemap"}))  # fmt: skip
    assert urls(spider.parse_sitemap(response)) == [
        MIRROR + "/ngan-hang-giam-lai-suat-4180001.html",
        MIRROR + "/bat-dong-san-phia-nam-4180002.html",
    ]
    assert not failed


def test_a_broken_sitemap_is_a_recorded_error_and_what_it_gave_is_read():
    spider, crawler, failed = make_spider()
    url = MIRROR + "/sitemaps/sitemap-2020-08.xml"
    response = xml(url, "broken-sitemap.xml", sitemap_lastmod="2020-08-31")
    requests = list(spider.parse_sitemap(response))
    assert [f["kind"] for f in failed] == ["bad_sitemap"] and failed[0]["url"] == url
    assert stat(crawler, "errors/bad_sitemap") == 1
    assert MIRROR + "/mot-4170001.html" in urls(requests)
    # Not read to its end: the next run reads it again.
    assert spider.store.sitemaps_read() == {}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "empty"),
        (b"\x1f\x8b\x08\x00garbage", "broken gzip"),
        (b"<html><body>Not found</body></html>", "not a sitemap"),
        (b"\xff\xfe<<<", "not XML"),
        # Declared UTF-8, written in Windows-1258: a wrong charset.
        (b'<?xml version="1.0" encoding="utf-8"?><urlset><url><loc>https://vnexpress.net/'
         b"gi\xe1-4190001.html</loc></url></urlset>", "Invalid bytes"),
    ],
)  # fmt: skip
def test_what_is_not_a_sitemap_is_a_bad_sitemap(body, why):
    spider, _, failed = make_spider()
    url = MIRROR + "/sitemap.xml"
    response = Response(url, body=body, request=Request(url, meta={"source_kind": "sitemap"}))
    assert list(spider.parse_sitemap(response)) == []
    assert [f["kind"] for f in failed] == ["bad_sitemap"] and why in failed[0]["message"]


def test_a_sitemap_over_its_size_bound_is_a_bad_sitemap():
    spider, _crawler, failed = make_spider(settings={"SITEMAP_MAX_SIZE": 200})
    assert list(spider.parse_sitemap(xml(MIRROR + "/s.xml", "sitemap-2020-11.xml"))) == []
    assert "too big" in failed[0]["message"]


def test_a_missing_sitemap_or_feed_is_its_own_kind_of_error():
    spider, _crawler, failed = make_spider()
    for url, kind in ((MIRROR + "/sitemap.xml", "sitemap"), (MIRROR + "/rss.rss", "rss")):
        request = Request(url, meta={"source_kind": kind})
        response = HtmlResponse(url, status=404, body=b"", request=request)
        from scrapy.spidermiddlewares.httperror import HttpError

        failure = Failure(HttpError(response))
        failure.request = request  # type: ignore[attr-defined]
        spider.source_failed(failure)
    assert [(f["kind"], f["message"]) for f in failed] == [
        ("bad_sitemap", "HTTP 404"),
        ("bad_feed", "HTTP 404"),
    ]


def test_a_sitemap_refused_as_too_large_while_downloading_says_so():
    spider, _, failed = make_spider()
    request = Request(MIRROR + "/sitemap.xml", meta={"source_kind": "sitemap"})
    failure = Failure(TooLarge(f"{request.url}: over DOWNLOAD_MAXSIZE"))
    failure.request = request  # type: ignore[attr-defined]
    spider.source_failed(failure)
    assert [f["kind"] for f in failed] == ["bad_sitemap"]
    assert failed[0]["message"].startswith("too_large: ")


def test_a_feed_over_its_size_bound_is_a_bad_feed():
    spider, _crawler, failed = make_spider(settings={"FEED_MAX_SIZE": 100})
    response = feed(MIRROR + "/rss/tin-moi-nhat.rss", "rss.xml", "application/rss+xml")
    assert list(spider.parse_feed(response)) == []
    assert [f["kind"] for f in failed] == ["bad_feed"] and "too big" in failed[0]["message"]


# -- incremental: what the archive holds decides ------------------------------------------


def test_new_changed_and_unchanged_articles(archive):
    store = FrontierStore(archive.db, "vnexpress.net")
    # Archived, published at its lastmod: unchanged.
    archived(archive, 4190001, "https://vnexpress.net/gia-vang-tang-manh-4190001.html",
             "2020-11-06T10:30:00+07:00")  # fmt: skip
    # Archived before its edit (lastmod 2020-11-05T01:15Z = 08:15 in Hanoi): changed.
    archived(archive, 4190002, "https://vnexpress.net/chung-khoan-hoi-phuc-4190002.html",
             "2020-11-04T20:00:00+07:00")  # fmt: skip
    spider, crawler, _ = make_spider()
    spider.frontier = store
    requests = list(spider.parse_sitemap(xml(MIRROR + "/s-2020-11.xml", "sitemap-2020-11.xml")))
    assert [r.meta["article_id"] for r in requests] == [4190003, 4190002]
    assert (stat(crawler, "discovered/sitemap/new"), stat(crawler, "discovered/sitemap/changed"),
            stat(crawler, "discovered/sitemap/skipped")) == (1, 1, 1)  # fmt: skip
    # The refetch is recorded with its new date: a kill leaves it pending, and the next
    # run does not take the same lastmod for a change again.
    assert store.last_changed([4190002]) == {4190002: "2020-11-05T08:15:00+07:00"}
    again, crawler2, _ = make_spider()
    again.frontier = store
    store.mark_done(4190002, MIRROR + "/chung-khoan-hoi-phuc-4190002.html")
    store.mark_done(4190003, MIRROR + "/xuat-khau-gao-4190003.html")
    archived(archive, 4190003, "https://vnexpress.net/xuat-khau-gao-4190003.html",
             "2020-11-02T00:00:00+07:00")  # fmt: skip
    assert list(again.parse_sitemap(xml(MIRROR + "/s-2020-11.xml", "sitemap-2020-11.xml"))) == []
    assert stat(crawler2, "discovered/sitemap/skipped") == 3


def test_an_updated_time_on_the_page_counts_as_what_the_archive_holds(archive):
    store = FrontierStore(archive.db, "vnexpress.net")
    archived(archive, 4190002, "https://vnexpress.net/chung-khoan-hoi-phuc-4190002.html",
             "2020-11-04T20:00:00+07:00", updated="2020-11-05T08:15:00+07:00")  # fmt: skip
    spider, _, _ = make_spider()
    spider.frontier = store
    requests = list(spider.parse_sitemap(xml(MIRROR + "/s-2020-11.xml", "sitemap-2020-11.xml")))
    assert 4190002 not in [r.meta["article_id"] for r in requests]


def test_an_unchanged_child_is_not_fetched_again_and_a_moved_one_is(archive):
    store = FrontierStore(archive.db, "vnexpress.net")
    store.sitemap_read("/sitemaps/sitemap-2020-09.xml", "2020-09-30T21:00:00+07:00")
    store.sitemap_read("/sitemaps/sitemap-2020-11.xml", "2020-11-05T00:00:00+07:00")
    store.sitemap_read("/sitemaps/sitemap-2020-10.xml.gz", "2020-10-31T18:00:00+07:00")
    spider, crawler, _ = make_spider()
    spider.frontier = store
    requests = list(spider.parse_sitemap(xml(MIRROR + "/sitemap.xml", "sitemap-index.xml")))
    assert urls(requests) == [MIRROR + "/sitemaps/sitemap-2020-11.xml"]
    assert stat(crawler, "sitemaps/unchanged") == 2


def test_a_backfill_walks_the_dated_archives_back_to_until(archive):
    store = FrontierStore(archive.db, "vnexpress.net")
    for name, lastmod in (("2020-09.xml", "2020-09-30T21:00:00+07:00"),
                          ("2020-11.xml", "2020-11-06T10:30:00+07:00")):  # fmt: skip
        store.sitemap_read(f"/sitemaps/sitemap-{name}", lastmod)
    spider, crawler, _ = make_spider(mode="backfill", until="2020-10-25")
    spider.frontier = store
    requests = list(spider.parse_sitemap(xml(MIRROR + "/sitemap.xml", "sitemap-index.xml")))
    # Read before, unchanged: a backfill reads it again; 2020-09 ends before `until`.
    assert urls(requests) == [
        MIRROR + "/sitemaps/sitemap-2020-11.xml",
        MIRROR + "/sitemaps/sitemap-2020-10.xml.gz",
    ]
    assert stat(crawler, "sitemaps/before_until") == 1
    # Inside the boundary month, articles older than `until` are left out too.
    url = MIRROR + "/sitemaps/sitemap-2020-10.xml.gz"
    gz = Response(url, body=fixture("sitemap-2020-10.xml.gz"),
                  request=Request(url, meta={"source_kind": "sitemap"}))  # fmt: skip
    assert urls(spider.parse_sitemap(gz)) == [MIRROR + "/ngan-hang-giam-lai-suat-4180001.html"]


def test_sitemap_children_per_run_are_bounded():
    spider, crawler, failed = make_spider(settings={"SITEMAP_MAX_CHILDREN": 2})
    requests = list(spider.parse_sitemap(xml(MIRROR + "/sitemap.xml", "sitemap-index.xml")))
    assert len(requests) == 2 and [f["kind"] for f in failed] == ["bound_sitemap_children"]
    # The bound is the run's: a second index gets nothing more read.
    assert list(spider.parse_sitemap(xml(MIRROR + "/sitemap-2.xml", "sitemap-index.xml"))) == []
    assert crawler.stats.get_value("vnarchive/bounds/sitemap_children") == 2


# -- feeds --------------------------------------------------------------------------------


def feed(url: str, name: str, content_type: str) -> TextResponse:
    request = Request(url, meta={"source_kind": "rss"})
    return TextResponse(url, body=fixture(name), headers={"Content-Type": content_type},
                        request=request)  # fmt: skip


def test_an_rss_feed_queues_its_items_with_their_pubdate():
    spider, crawler, failed = make_spider()
    entries: list[Listed] = []
    real = spider._queue_dated
    spider._queue_dated = lambda listed, kind: entries.extend(listed) or real(listed, kind)  # type: ignore[method-assign]
    response = feed(MIRROR + "/rss/tin-moi-nhat.rss", "rss.xml", "application/rss+xml")
    requests = list(spider.parse_feed(response))
    assert urls(requests) == [
        MIRROR + "/gia-vang-tang-manh-4190001.html",
        MIRROR + "/tau-hang-cap-cang-4190020.html",
    ]  # the other site's item is not this crawl's
    assert [(e.listed_on, e.changed_at) for e in entries] == [
        ("2020-11-06", "2020-11-06T09:05:00+07:00"),
        ("2020-11-05", "2020-11-05T22:40:00+07:00"),
    ]
    assert stat(crawler, "discovered/rss") == 2 and not failed


def test_an_atom_feed_gives_published_and_updated():
    spider, _crawler, failed = make_spider("dantri")
    entries: list[Listed] = []
    spider._queue_dated = lambda listed, kind: entries.extend(listed) or iter(())  # type: ignore[method-assign]
    response = feed(MIRROR + "/rss/home.rss", "atom.xml", "application/atom+xml")
    list(spider.parse_feed(response))
    assert [(e.article_id, e.url, e.listed_on, e.changed_at) for e in entries] == [
        (20201106080000123, MIRROR + "/giao-duc/hoc-sinh-tro-lai-truong-20201106080000123.htm",
         "2020-11-06", "2020-11-06T10:00:00+07:00"),
        (20201105153000456, MIRROR + "/kinh-doanh/gia-rau-tang-20201105153000456.htm",
         "2020-11-05", "2020-11-05T15:30:00+07:00"),
    ]  # fmt: skip
    assert not failed


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Trang l\xc3\xb4i</body></html>",
        b"not a feed at all",
        # Declared UTF-8, written in Windows-1258: a wrong charset.
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><item>'
        b"<title>Gi\xe1 v\xe0ng</title><link>https://vnexpress.net/a-4190001.html</link>"
        b"</item></channel></rss>",
    ],
)
def test_a_broken_feed_is_a_bad_feed_and_never_a_crash(body):
    spider, crawler, failed = make_spider()
    url = MIRROR + "/rss/tin-moi-nhat.rss"
    response = TextResponse(url, body=body, request=Request(url, meta={"source_kind": "rss"}))
    list(spider.parse_feed(response))
    assert [f["kind"] for f in failed] == ["bad_feed"]
    assert stat(crawler, "errors/bad_feed") == 1


# -- robots.txt and declared sources ------------------------------------------------------


def test_robots_sitemap_lines_are_walked_once_with_the_declared_ones():
    spider, crawler, _ = make_spider(settings={"ROBOTSTXT_OBEY": False})
    first = list(spider.discovery_requests())
    declared = {
        MIRROR + "/sitemap.xml": spider.parse_sitemap,
        MIRROR + "/google-news-sitemap.xml": spider.parse_sitemap,
        MIRROR + "/rss/tin-moi-nhat.rss": spider.parse_feed,
        # Not obeyed, so not fetched by Scrapy's middleware: asked here.
        MIRROR + "/robots.txt": spider.parse_robots,
    }
    assert {r.url: r.callback for r in first} == declared
    # The declared section is walked in its own paging style, rebased, once the start
    # page has answered.
    assert urls(spider.section_requests()) == [MIRROR + "/kinh-doanh"]
    assert spider.section_paging == {"kinh-doanh": ("{url}-p{n}", MIRROR + "/kinh-doanh")}
    assert list(spider.section_requests()) == []  # entered once
    url = MIRROR + "/robots.txt"
    robots = TextResponse(url, body=fixture("robots.txt"), request=Request(url))
    # /sitemap.xml is asked already; the relative line is resolved; the other host dropped.
    assert urls(spider.parse_robots(robots)) == [MIRROR + "/sitemaps/extra.xml"]
    assert crawler.stats.get_value("vnarchive/robots/sitemaps") == 2


class Engine:
    def __init__(self) -> None:
        self.crawled: list[Request] = []

    def crawl(self, request: Request) -> None:
        self.crawled.append(request)


def test_an_obeyed_robots_txt_is_read_from_scrapys_own_fetch():
    spider, crawler, _ = make_spider()
    assert MIRROR + "/robots.txt" not in urls(spider.discovery_requests())  # fetched once
    crawler.engine = Engine()
    parser = ProtegoRobotParser(fixture("robots.txt"), spider)
    # Another host's robots.txt (a picture host's) says nothing of this site.
    spider.robots_parsed(parser, Request("http://127.0.0.1:9/robots.txt"))
    assert crawler.engine.crawled == []
    spider.robots_parsed(parser, Request(MIRROR + "/robots.txt"))
    # The real host's /sitemap.xml, rebased onto the mirror, is the declared one, asked
    # already; the relative line is resolved against robots.txt's URL.
    assert urls(crawler.engine.crawled) == [MIRROR + "/sitemaps/extra.xml"]
    assert all(r.callback == spider.parse_sitemap for r in crawler.engine.crawled)


def test_the_real_portal_is_asked_as_declared():
    crawler = project_crawler(PortalSpider)
    spider = PortalSpider.from_crawler(crawler, start_url="https://vnexpress.net/")
    crawler.spider = spider
    assert "https://vnexpress.net/rss/tin-moi-nhat.rss" in urls(spider.discovery_requests())


def test_sources_can_be_turned_off():
    spider, _crawler, _ = make_spider(
        settings={"DISCOVERY_SITEMAPS": False, "DISCOVERY_FEEDS": False}
    )
    assert urls(spider.discovery_requests()) == []
    assert urls(spider.section_requests()) == [MIRROR + "/kinh-doanh"]


# -- listings in their declared paging style ------------------------------------------------


def test_a_sitemap_of_fifty_thousand_urls_is_decided_in_batches(archive):
    urls_ = "".join(
        f"<url><loc>https://vnexpress.net/bai-{n}.html</loc><lastmod>2020-11-05</lastmod></url>"
        for n in range(4_000_000, 4_050_000)
    )
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls_}</urlset>'
    spider, _, failed = make_spider()
    store = spider.frontier = FrontierStore(archive.db, "vnexpress.net")
    asked: list[int] = []
    known = store.known
    store.known = lambda ids: asked.append(len(ids := list(ids))) or known(ids)  # type: ignore[method-assign]
    url = MIRROR + "/sitemaps/sitemap-2020-11.xml"
    response = XmlResponse(url, body=body.encode(), request=Request(url))
    assert sum(1 for _ in spider.parse_sitemap(response)) == 50_000
    assert store.counts() == {"in_progress": 50_000} and not failed
    # SQLite takes a bounded number of parameters per statement (32,766 by default).
    assert len(asked) == 100 and max(asked) == 500
