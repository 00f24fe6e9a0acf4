"""Archives and pipelines for tests: one article builder, one pipeline opener."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crawler.extract.article import Article, Image
from crawler.spiders.tuyengiao import TuyengiaoSpider
from pipelines.archive import Archive
from pipelines.store import ArchivePipeline
from tests.scrapy_support import project_crawler

VN = timezone(timedelta(hours=7))
BASE = "http://127.0.0.1:8800"


def make_article(article_id: int = 130656, **changes: object) -> Article:
    article = Article(
        url=f"http://127.0.0.1:8800/thoi-su/bai-viet-{article_id}",
        canonical_url=f"https://www.tuyengiao.vn/thoi-su/bai-viet-{article_id}",
        site="tuyengiao.vn",
        article_id=article_id,
        category="thoi-su",
        title="Báo chí với thời cuộc",
        lead="Ngày 5/11/2020, tại Hà Nội.",
        body=("Đoạn một.", "Đoạn hai, có dấu: Hà Nội."),
        images=(
            Image("https://cdn.tuyengiao.vn/a.jpg", "Quang cảnh", "PV"),
            Image("https://x/b.jpg"),
        ),
        byline="Nhật Minh - Thu Hằng",
        authors=("Nhật Minh", "Thu Hằng"),
        source=None,
        published_at=datetime(2020, 11, 5, 15, 42, tzinfo=VN),
        published_text="Thứ Năm, 5/11/2020 - 15:42",
        tags=("báo chí",),
        layout="old",
        fetched_at=datetime(2026, 11, 26, 10, 0, tzinfo=VN),
    )
    return article.replace(**changes)


def open_pipeline(db, **settings):
    # No capture extension: these tests send the pipeline's signals themselves.
    crawler = project_crawler(TuyengiaoSpider, ARCHIVE_PATH=str(db), EXTENSIONS={}, **settings)
    crawler.spider = TuyengiaoSpider.from_crawler(crawler, start_url=BASE + "/")
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    return crawler, pipeline


def searchable_archive(tmp_path):
    archive = Archive(tmp_path / "a.db")
    archive.upsert_article(make_article(1, title="Hà Nội mùa thu", body=("Một đoạn.",)))
    archive.upsert_article(make_article(2, title="Hà nói gì", lead=None, body=("Khác.",)))
    archive.upsert_article(
        make_article(
            3,
            title="Tin khác",
            lead=None,
            body=("Đường phố.",),
            category="the-gioi",
            images=(Image("https://x/1.jpg", "Ảnh chụp ở HÀ NỘI"),),
        )
    )
    return archive
