"""The pictures a spider asks for after an article is parsed (crawler/spiders/images.py),
and what a failed one is: an image error, never a failed article (issue 17.9)."""

from __future__ import annotations

from datetime import datetime

from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.extract.article import Article, Image
from crawler.extract.dates import VN_TZ
from crawler.protocol.signals import page_failed
from crawler.spiders.tuyengiao import TuyengiaoSpider
from pipelines.archive import Archive
from pipelines.ops import ArchiveOps
from tests.scrapy_support import project_crawler

REPLICA = "http://127.0.0.1:8800"


def spider_for(start_url: str, **settings):
    crawler = project_crawler(TuyengiaoSpider, **settings)
    spider = TuyengiaoSpider.from_crawler(crawler, start_url=start_url)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def article(url: str, *urls: str) -> Article:
    return Article(
        url=url, canonical_url="https://www.tuyengiao.vn/thoi-su/bai-viet-130001",
        site="tuyengiao.vn", article_id=130001, category="thoi-su", title="Bài",
        lead=None, body=("Đoạn.",), images=tuple(Image(u) for u in urls),
        fetched_at=datetime(2026, 12, 1, tzinfo=VN_TZ),
    )  # fmt: skip


def test_on_a_replica_every_portal_picture_is_asked_of_the_replica():
    spider = spider_for(REPLICA + "/")
    requests = list(spider.image_requests(article(
        f"{REPLICA}/thoi-su/bai-viet-130001",
        "https://www.tuyengiao.vn/Uploads/2020/11/1/1/a.jpg",
        "https://cdn.tuyengiao.vn/uploads/2020/11/01/01/b.jpg?s=1",
        "https://www.tuyengiao.vn/Uploads/2020/11/1/1/a.jpg",  # twice on the page: once
        "https://example.org/c.jpg",  # not the portal's: never fetched
    )))  # fmt: skip
    assert [r.url for r in requests] == [
        f"{REPLICA}/Uploads/2020/11/1/1/a.jpg",
        f"{REPLICA}/uploads/2020/11/01/01/b.jpg?s=1",
    ]
    for request in requests:
        assert request.meta["download_maxsize"] == spider.crawler.settings.getint("IMAGE_MAXSIZE")
        assert request.meta["allow_offsite"] is True
        assert request.priority < 0
        # Callbacks are the spider's methods: a distributed crawl queues it in Redis.
        assert request.to_dict(spider=spider)["callback"] == "image_fetched"
    stats = spider.crawler.stats
    assert stats.get_value("vnarchive/images/requested") == 2
    assert stats.get_value("vnarchive/images/foreign") == 1


def test_on_the_portal_a_cdn_picture_is_fetched_from_the_cdn_and_the_guard_allows_it():
    from crawler.safety import policy_for

    spider = spider_for("https://www.tuyengiao.vn/")
    cdn = "https://cdn.tuyengiao.vn/uploads/2020/11/01/01/b.jpg?s=1"
    (request,) = spider.image_requests(
        article("https://www.tuyengiao.vn/thoi-su/bai-viet-130001", cdn)
    )
    assert request.url == cdn and request.meta["allow_offsite"] is True
    assert "cdn.tuyengiao.vn" in policy_for(spider.crawler, spider).hosts
    # ...but no page there is followed.
    assert "cdn.tuyengiao.vn" not in spider.hosts


def test_pictures_per_article_are_capped_and_off_without_warc_images():
    spider = spider_for(REPLICA + "/", IMAGES_PER_ARTICLE_MAX=3)
    urls = [f"{REPLICA}/Uploads/2020/11/1/1/anh-{n}.jpg" for n in range(10)]
    assert len(list(spider.image_requests(article(f"{REPLICA}/a-130001", *urls)))) == 3
    assert spider.crawler.stats.get_value("vnarchive/images/over_cap") == 7
    off = spider_for(REPLICA + "/", WARC_IMAGES=False)
    assert list(off.image_requests(article(f"{REPLICA}/a-130001", *urls))) == []


def test_a_failed_picture_is_an_image_error_and_never_a_failed_article(tmp_path):
    spider = spider_for(REPLICA + "/")
    sent: list[dict] = []
    spider.crawler.signals.connect(lambda **kw: sent.append(kw), signal=page_failed, weak=False)
    # A picture whose name looks like an article URL (a slug and a number).
    url = f"{REPLICA}/Uploads/2020/11/1/1/anh-130001"
    request = Request(url, meta={"vnarchive_image_of": f"{REPLICA}/thoi-su/bai-viet-130001"})
    response = Response(url, status=404, request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request  # type: ignore[attr-defined]
    spider.image_failed(failure)
    spider.image_fetched(Response(url, headers={"Content-Type": "text/html"}, request=request))
    assert [s["kind"] for s in sent] == ["image_http_404", "image_not_image"]
    assert "bai-viet-130001" in sent[0]["message"]
    stats = spider.crawler.stats
    assert stats.get_value("vnarchive/images/failed") == 2
    assert stats.get_value("vnarchive/images/responses") == 2  # left out of the error rate
    assert stats.get_value("vnarchive/errors") is None  # no page failed

    with Archive(tmp_path / "a.db") as archive:
        ops = ArchiveOps(
            archive, archive.start_crawl(spider="t", start_url=REPLICA), "tuyengiao.vn"
        )
        for s in sent:
            assert ops.failure(s["url"], s["kind"], s["message"]) is None
        errors = [r["kind"] for r in archive.db.query("SELECT kind FROM crawl_errors")]
        failed = list(archive.db.query("SELECT * FROM frontier WHERE article_id = 130001"))
    assert errors == ["image_http_404", "image_not_image"]
    assert failed == []  # the article it looked like is not marked failed
