"""Which date is the publish date, and the source it is recorded with."""

from datetime import datetime, timedelta, timezone

from crawler.extract.parsing.dom import parse_document
from crawler.extract.parsing.page import Page
from crawler.extract.parsing.published import read_published
from crawler.portals.tuyengiao import NEW, OLD

VN = timezone(timedelta(hours=7))
FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=VN)
URL = "https://www.tuyengiao.vn/thoi-su/bai-viet-130000"


def read(html: str, layout=OLD, url: str = URL):
    root = parse_document(html)
    assert root is not None
    return read_published(Page(root), layout, FETCHED, url)


def test_selector_first_then_meta_then_json_ld():
    meta = '<meta property="article:published_time" content="2020-11-12T08:42:00Z">'
    ld = (
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2020-11-11T10:00:00+07:00"}</script>'
    )
    stamp = '<span class="story_date">Thứ Năm, 12/11/2020 - 15:42</span>'
    found = read(f"<html><head>{meta}{ld}</head><body>{stamp}</body></html>")
    assert (found.at, found.source) == (datetime(2020, 11, 12, 15, 42, tzinfo=VN), "selector")
    found = read(f"<html><head>{meta}{ld}</head><body><p>x</p></body></html>")
    assert (found.at, found.source, found.text) == (
        datetime(2020, 11, 12, 15, 42, tzinfo=VN),
        "meta",
        "2020-11-12T08:42:00Z",
    )
    found = read(f"<html><head>{ld}</head><body><p>x</p></body></html>")
    assert (found.at.hour, found.source) == (10, "json-ld")


def test_text_source_skips_the_header_today_and_paragraphs():
    html = (
        "<html><body><header><time>Thứ Ba, 24/11/2020</time></header>"
        "<article><p>Ngày <time>12/11/2020 - 09:00</time> đã qua.</p>"
        '<div class="meta">17:48 | 01/11/2020</div></article></body></html>'
    )
    found = read(html, layout=None)
    assert (found.at, found.source) == (datetime(2020, 11, 1, 17, 48, tzinfo=VN), "text")


def test_url_date_is_a_date_only_last_resort():
    found = read(
        "<html><body><p>x</p></body></html>", layout=None, url="https://x.vn/2020/11/5/bai-1"
    )
    assert (found.at, found.source, found.flags) == (
        datetime(2020, 11, 5, tzinfo=VN),
        "url",
        ["date:date_only"],
    )


def test_update_stamp_and_refusal():
    html = (
        '<html><head><meta property="article:published_time" content="2020-11-13T08:00:00+07:00">'
        '</head><body><div class="ml-lg-auto">Cập nhật: 08:15 ngày 05/01/2021</div>'
        '<div class="ml-lg-auto">Thứ Năm, 13/11/2020 - 08:00</div></body></html>'
    )
    found = read(html, layout=NEW)
    assert found.updated_at == datetime(2021, 1, 5, 8, 15, tzinfo=VN)
    # 13/11/2020 was a Friday: refused, flagged, and the metadata is not used instead.
    assert found.at is None and found.source == "selector"
    assert found.flags == ["date:weekday_mismatch"]


def test_after_fetch_is_refused():
    found = read('<html><body><span class="story_date">12/11/2027 - 15:42</span></body></html>')
    assert found.at is None and found.flags == ["date:after_fetch"]
