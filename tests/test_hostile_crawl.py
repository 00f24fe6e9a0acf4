"""Issue 16 in isolation: odd Retry-After values, bombs in a comma list, redirect loops
between two articles, URLs past URLLENGTH_LIMIT, crawl bounds and how a run that hit
one is reported; issue 17.4: politeness relaxed by the spider, whichever way it starts."""

from __future__ import annotations

import argparse
import gzip
from datetime import UTC, datetime

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler.extract.errors import RedirectLoop, TooLarge
from crawler.limits import CrawlBounds, UrlLengthGuardMiddleware
from crawler.loopback import apply_politeness, relaxed
from crawler.politeness import parse_retry_after
from crawler.protocol.signals import page_failed
from crawler.report import describe_run
from crawler.safety import BodyGuardMiddleware, compressed_size, decompression_refusal
from crawler.spiders.tuyengiao import TuyengiaoSpider
from pipelines.ledger import EXIT_DEGRADED, crawl_summary
from tests.scrapy_support import project_crawler
from vnarchive.argtypes import duration
from vnarchive.crawl import build_settings

BASE = "http://127.0.0.1:8800"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7\t", 7.0),
        ("007", 7.0),
        ("\u00b2", None),  # superscript two: str.isdigit() says yes, float() says no
        ("\u0663", None),  # Arabic-Indic three
        ("\uff13", None),  # full-width three
        ("-5", None),
        ("+5", None),
        ("1.5", None),
        ("1e3", None),
        ("", None),
        ("9" * 400, 1e12),  # valid, enormous: the caller's RETRY_AFTER_MAX caps it
        ("Thu, 26 Nov 2026 12:00:30 GMT", 30.0),
        ("Thursday, 26-Nov-26 12:00:30 GMT", 30.0),  # RFC 850, obsolete but valid
        ("Thu, 26 Nov 99999 12:00:30 GMT", None),
        (b"\xb2", None),
    ],
)
def test_retry_after_is_read_as_rfc_9110_says(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


def recorded(crawler: Crawler) -> list[dict]:
    """What the crawl sends with `page_failed` (the archive pipeline's rows)."""
    failed: list[dict] = []
    crawler.signals.connect(lambda **kw: failed.append(kw), signal=page_failed, weak=False)
    return failed


def _crawler(**settings) -> Crawler:
    crawler = project_crawler(TuyengiaoSpider, **settings)
    crawler.spider = TuyengiaoSpider.from_crawler(crawler, start_url=BASE + "/")
    return crawler


@pytest.mark.parametrize("header", [[b"gzip, gzip"], [b"gzip", b"gzip"], [b"GZIP ,gzip"]])
def test_a_bomb_gzipped_twice_is_too_large_however_the_codings_are_listed(header):
    packed = gzip.compress(gzip.compress(b"\0" * (20 * 1024 * 1024)))
    assert compressed_size(packed, header, 1024 * 1024)[0] > 1024 * 1024
    guard = BodyGuardMiddleware(_crawler(DOWNLOAD_MAXSIZE=1024 * 1024))
    url = BASE + "/a-123456"
    response = Response(url, body=packed, headers={"Content-Encoding": header})
    with pytest.raises(TooLarge):
        guard.process_response(Request(url), response)


def test_scrapys_own_decompression_cap_is_filed_as_too_large():
    crawler = _crawler()
    failed = recorded(crawler)
    cap = IgnoreRequest("Ignored response <200 x> because its body exceeded DOWNLOAD_MAXSIZE")
    assert isinstance(decompression_refusal(cap), TooLarge)
    assert decompression_refusal(IgnoreRequest("robots.txt")) is None
    failure = Failure(cap)
    failure.request = Request(BASE + "/a-123456")  # type: ignore[attr-defined]
    crawler.spider.failed(failure)
    assert [f["kind"] for f in failed] == ["too_large"]


def test_a_redirect_loop_between_two_articles_is_filed_under_the_one_asked_for():
    crawler = _crawler()
    failed = recorded(crawler)
    asked, unlisted = BASE + "/thoi-su/a-130001", BASE + "/thoi-su/b-990002"
    # RedirectMiddleware's request for B carries A in redirect_urls; the loop is seen there.
    request = Request(unlisted, meta={"redirect_urls": [asked], "article_id": 130001})
    failure = Failure(RedirectLoop(f"{unlisted}: redirects back to {asked}"))
    failure.request = request  # type: ignore[attr-defined]
    crawler.spider.failed(failure)
    assert [(f["url"], f["kind"]) for f in failed] == [(asked, "redirect_loop")]
    assert unlisted in failed[0]["message"]


def test_a_url_past_urllength_limit_is_recorded_not_dropped_in_silence():
    crawler = project_crawler(TuyengiaoSpider, URLLENGTH_LIMIT=100)
    failed = recorded(crawler)
    guard = UrlLengthGuardMiddleware(crawler)
    long = Request(BASE + "/thoi-su/" + "dai-" * 30 + "990001")
    short = Request(BASE + "/thoi-su/a-130001")
    assert guard.get_processed_request(short, None) is short
    assert guard.get_processed_request(long, None) is None
    assert [(f["url"], f["kind"]) for f in failed] == [(long.url, "url_too_long")]


def test_the_url_length_guard_runs_before_scrapys_own():
    settings = Settings()
    settings.setmodule("crawler.settings")
    ours = settings.getdict("SPIDER_MIDDLEWARES")["crawler.limits.UrlLengthGuardMiddleware"]
    scrapys = settings.getdict("SPIDER_MIDDLEWARES_BASE")[
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware"
    ]
    assert ours > scrapys  # spider output passes the higher orders first


def test_crawl_bounds():
    settings = Settings(
        {"CRAWL_MAX_EMPTY_PAGES": 3, "CRAWL_MAX_LISTING_DEPTH": 4, "CRAWL_MAX_EXTRA_CATEGORIES": 2}
    )
    bounds = CrawlBounds(settings, ["thoi-su"])
    assert [bounds.enter_category(c) for c in ["thoi-su", "a", "b", "c", "thoi-su"]] == [
        True, True, True, False, True,
    ]  # fmt: skip
    assert bounds.empty_pages([], [], 0) == 1
    assert bounds.empty_pages([1, 2], [1, 2, 3], 1) == 2  # the same articles again
    assert bounds.empty_pages([4], [1, 2], 2) == 0
    assert not bounds.too_empty(2) and bounds.too_empty(3)
    assert not bounds.too_deep(3) and bounds.too_deep(4)
    unbounded = CrawlBounds(Settings({"CRAWL_MAX_EMPTY_PAGES": 0, "CRAWL_MAX_LISTING_DEPTH": 0,
                                      "CRAWL_MAX_EXTRA_CATEGORIES": 0}), [])  # fmt: skip
    assert unbounded.enter_category("x") and not unbounded.too_deep(10**6)
    assert not unbounded.too_empty(10**6)


def _listing(url: str, next_url: str | None, links: list[str], meta: dict) -> HtmlResponse:
    cards = "".join(f'<h4><a href="{href}">bài</a></h4>' for href in links)
    pager = f'<div class="datapager"><a href="{next_url}">sau</a></div>' if next_url else ""
    body = f'<html><body><div class="zonepage-l">{cards}</div>{pager}</body></html>'
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=Request(url, meta=meta))


def test_an_empty_pager_stops_at_the_bound_and_says_so():
    crawler = _crawler(CRAWL_MAX_EMPTY_PAGES=3)
    failed = recorded(crawler)
    spider = crawler.spider
    meta = {"chain": {"category": "bay", "page": 1, "kind": "head", "quiet": 0, "until": None}}
    pages = 0
    url = BASE + "/bay"
    while url and pages < 50:
        pages += 1
        page = meta["chain"]["page"]
        out = list(spider.parse_listing(_listing(url, f"{BASE}/bay?page={page + 1}", [], meta)))
        follow = [r for r in out if r.meta.get("chain")]
        url, meta = (follow[0].url, follow[0].meta) if follow else (None, {})
    assert pages == 3
    assert crawler.stats.get_value("vnarchive/bounds/empty_pages") == 1
    assert [f["kind"] for f in failed] == ["bound_empty_pages"]


def test_a_run_that_hit_a_bound_is_degraded_and_says_which():
    stats = {"downloader/response_count": 40, "vnarchive/bounds/listing_depth": 1}
    summary = crawl_summary(stats, "finished")
    assert summary["exit_code"] == EXIT_DEGRADED
    assert "listing_depth" in " ".join(summary["stats"]["vnarchive/degraded_reasons"])
    timed = crawl_summary({**stats, "vnarchive/bounds/max_duration": 1}, "max_duration")
    assert timed["status"] == "degraded" and timed["exit_code"] == EXIT_DEGRADED
    assert "stopped by crawl bounds: listing_depth" in describe_run(stats, "a.db")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("90s", 90.0), ("45m", 2700.0), ("2h", 7200.0),
                          ("0", 0.0), ("1.5m", 90.0)],
)  # fmt: skip
def test_max_duration_takes_seconds_minutes_or_hours(text, seconds):
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["", "m", "-5", "5d", "\u00b2", "1.2.3", "soon"])
def test_a_malformed_max_duration_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        duration(text)


def _scrapy_settings(settings: Settings, start_url: str | None) -> Settings:
    """The settings a crawl of `TuyengiaoSpider` runs with, as Scrapy builds them."""
    crawler = Crawler(TuyengiaoSpider, settings)
    crawler.spider = crawler._create_spider(start_url=start_url)
    return crawler.settings


def test_politeness_is_relaxed_by_the_spider_for_loopback_only():
    project = Settings()
    project.setmodule("crawler.settings", priority="project")
    local = _scrapy_settings(project, BASE + "/")  # what `scrapy crawl -a start_url=` does
    assert not local.getbool("AUTOTHROTTLE_ENABLED") and local.getfloat("DOWNLOAD_DELAY") == 0
    assert local.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 16
    real = _scrapy_settings(project, None)
    assert real.getbool("AUTOTHROTTLE_ENABLED") and real.getfloat("DOWNLOAD_DELAY") == 0.5
    cli = _scrapy_settings(build_settings(db="x.db", start_url=BASE + "/"), BASE + "/")
    for name in ("AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS_PER_DOMAIN"):
        assert cli[name] == local[name], name
    forced = build_settings(db="x.db", start_url=BASE + "/", polite="on")
    assert _scrapy_settings(forced, BASE + "/").getbool("AUTOTHROTTLE_ENABLED")
    # -s / --set wins over the relaxation.
    mine = build_settings(db="x.db", start_url=BASE + "/", overrides=["DOWNLOAD_DELAY=2"])
    assert _scrapy_settings(mine, BASE + "/").getfloat("DOWNLOAD_DELAY") == 2


def test_polite_choices():
    assert relaxed("auto", "http://localhost:1/") and relaxed("auto", "http://[::1]:8/")
    assert not relaxed("auto", "https://www.tuyengiao.vn/") and not relaxed("auto", None)
    assert relaxed("off", "https://www.tuyengiao.vn/") and not relaxed("on", BASE)
    with pytest.raises(ValueError):
        relaxed("sometimes", BASE)
    frozen = Settings({"CRAWL_POLITE": "auto"})
    frozen.freeze()
    assert apply_politeness(frozen, BASE) is False  # a built crawler's: left as it is


@pytest.mark.parametrize(("bound", "resumes"), [("listing_depth", True), ("empty_pages", False)])
def test_a_walk_cut_by_depth_resumes_next_run_and_an_empty_one_is_finished(bound, resumes):
    crawler = _crawler(CRAWL_MAX_LISTING_DEPTH=2, CRAWL_MAX_EMPTY_PAGES=2)
    spider = crawler.spider
    spider.store.start_walk("bay", BASE + "/bay")
    chain = {"category": "bay", "page": 1, "kind": "walk", "quiet": 0, "until": None}
    meta, url, pages = {"chain": chain}, BASE + "/bay", 0
    while url and pages < 10:
        pages += 1
        page = meta["chain"]["page"]
        cards = [f"/bay/bai-{130000 + page}"] if bound == "listing_depth" else []
        response = _listing(url, f"{BASE}/bay?page={page + 1}", cards, meta)
        follow = [r for r in spider.parse_listing(response) if r.meta.get("chain")]
        url, meta = (follow[0].url, follow[0].meta) if follow else (None, {})
    walk = spider.store.walk("bay")
    assert pages == 2 and crawler.stats.get_value(f"vnarchive/bounds/{bound}") == 1
    assert walk is not None and walk.finished is not resumes
    assert (walk.next_url == f"{BASE}/bay?page=3") is resumes


def test_article_requests_skip_scrapys_url_filter():
    # Deduplicated by id; the URL filter only dropped redirects to fetched pages silently.
    spider = _crawler().spider
    requests = list(spider._article_requests([(130001, BASE + "/thoi-su/a-130001")]))
    assert [r.dont_filter for r in requests] == [True]
