"""The command line: `vnarchive parse` output and errors, crawl settings by target."""

import json
from pathlib import Path

import pytest

from crawler.extract.article import RECORD_FIELDS
from pipelines.normalize import normalize_article
from vnarchive.cli import main
from vnarchive.crawl import build_settings

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEED = PAGES / "replica-old-127364.html"
SEED_URL = json.loads(SEED.with_suffix(".json").read_text(encoding="utf-8"))["url"]


def test_parse_prints_exactly_the_record_fields(capsys):
    code = main(
        ["parse", str(SEED), "--url", SEED_URL, "--fetched-at", "2026-11-26T12:00:00+07:00"]
    )
    assert code == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == RECORD_FIELDS
    assert record["byline"] == "Hay Nguyễn"
    assert record["published_at"] == "2020-07-17T16:20:00+07:00"  # not the header's 24/1/2021
    assert all("(Ảnh" not in p and "Quang cảnh Kỳ họp" not in p for p in record["body"])


@pytest.mark.parametrize(
    ("page", "url"),
    [
        ("listing-old-thoi-su.html", "https://www.tuyengiao.vn/thoi-su"),
        ("empty-page.html", "https://www.tuyengiao.vn/a-130000"),
    ],
)
def test_parse_refuses_a_non_article_with_one_line(capsys, page, url):
    assert main(["parse", str(PAGES / page), "--url", url]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("vnarchive parse: error:")


def test_parse_missing_file_and_bad_date(capsys, tmp_path):
    assert main(["parse", str(tmp_path / "nope.html"), "--url", "https://x/a-1"]) == 2
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["parse", str(SEED), "--url", SEED_URL, "--fetched-at", "hôm qua"])
    assert info.value.code == 2
    assert "not an ISO 8601 date-time" in capsys.readouterr().err


def test_real_portal_is_crawled_politely_and_the_replica_quickly():
    real = build_settings(db="x.db", start_url=None)
    assert real.getbool("AUTOTHROTTLE_ENABLED") and real.getbool("ROBOTSTXT_OBEY")
    assert real.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert real.get("USER_AGENT").startswith("vnarchive/")
    # The spider relaxes politeness for a loopback start URL (crawler/loopback.py), as
    # Scrapy builds it: the same under `scrapy crawl` (tests/test_hostile_crawl.py).
    local = _spider_settings(build_settings(db="x.db", start_url="http://127.0.0.1:8800/"))
    assert not local.getbool("AUTOTHROTTLE_ENABLED") and local.getbool("ROBOTSTXT_OBEY")
    forced = build_settings(db="x.db", start_url="http://127.0.0.1:8800/", polite="on")
    assert _spider_settings(forced).getbool("AUTOTHROTTLE_ENABLED")


def _spider_settings(settings):
    from scrapy.crawler import Crawler

    from crawler.spiders.tuyengiao import TuyengiaoSpider

    crawler = Crawler(TuyengiaoSpider, settings)
    crawler._create_spider(start_url="http://127.0.0.1:8800/")
    return crawler.settings
    custom = build_settings(
        db="x.db", start_url=None, overrides=["USER_AGENT=lab-bot (me@example.org)"]
    )
    assert custom.get("USER_AGENT") == "lab-bot (me@example.org)"


def test_crawl_rejects_malformed_arguments(capsys):
    assert main(["crawl", "--set", "NOEQUALS", "--db", "x.db"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert main(["crawl", "--start-url", "ftp://127.0.0.1/", "--db", "x.db"]) == 2
    assert main(["crawl", "--portal", "nope", "--db", "x.db"]) == 2
    assert "unknown portal" in capsys.readouterr().err


def test_normalize_pipeline_is_idempotent_on_parsed_articles():
    from datetime import datetime, timedelta, timezone

    from crawler.extract.parsing import parse_article

    article = parse_article(
        SEED.read_bytes(), SEED_URL, datetime(2026, 11, 26, tzinfo=timezone(timedelta(hours=7)))
    )
    assert normalize_article(article) == article
    messy = article.replace(title=" Ban\u00a0Chỉ   đạo &amp; Ho\u0300a ", lead=" Sáng  nay\u200b")
    clean = normalize_article(messy)
    assert clean.title == "Ban Chỉ đạo & Hòa" and clean.lead == "Sáng nay"
    assert normalize_article(clean) == clean
