"""A page nested deeper than libxml2 follows keeps its text (crawler/extract/parsing/deep.py).

libxml2 drops the text of a page from where it passes 256 levels of nesting to its end
(or all of it, depending on where); a browser shows it. The
body below is wrapped in N unclosed-looking `<font>` levels, as old CMS pages are; its
expected text is written here by hand.
"""

import time
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from crawler.extract.dates import VN_TZ
from crawler.extract.parsing import deep, parse_article
from crawler.extract.parsing.dom import parse_document

URL = "https://www.tuyengiao.vn/thoi-su/bai-viet-sau-130700"
FETCHED_AT = datetime(2026, 11, 26, 10, 0, tzinfo=VN_TZ)
PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(depth: int) -> str:
    return (
        "<html><head><title>Bài viết sâu</title></head><body>"
        '<div class="zonepage-l"><div class="storydetail">'
        '<div class="story_head"><span class="story_headline">Tiêu đề sâu</span></div>'
        '<div class="story_tools"><span class="story_date">Thứ Năm, 12/11/2020 - 15:42</span></div>'
        '<div class="story_teaser">Đoạn mở đầu.</div>'
        '<div class="story_body"><p>Đoạn một.</p>'
        + '<font face="Arial">' * depth
        + "<p>Đoạn sâu trong cây.</p>"
        + "</font>" * depth
        + "<p>Đoạn cuối.</p></div>"
        "</div></div></body></html>"
    )


def test_libxml2_loses_the_text_past_its_limit():
    # What this module works around: the plain parser stops where the nesting passes 256.
    text = etree.fromstring(page(300), etree.HTMLParser()).xpath("string()")
    assert "Đoạn một." in text
    assert "Đoạn sâu trong cây." not in text and "Đoạn cuối." not in text


@pytest.mark.parametrize("depth", [10, 300, 600, 3000])
def test_deep_body_is_read_in_full_and_in_order(depth):
    article = parse_article(page(depth), URL, FETCHED_AT)
    assert article.title == "Tiêu đề sâu"
    assert article.lead == "Đoạn mở đầu."
    assert article.body == ("Đoạn một.", "Đoạn sâu trong cây.", "Đoạn cuối.")
    assert article.published_at == datetime(2020, 11, 12, 15, 42, tzinfo=VN_TZ)


def test_flatten_caps_depth_as_chromium_does():
    html = "<div>" * 600 + "<b>x</b>" + "</div>" * 600
    tree = etree.fromstring(deep.flatten(html), etree.HTMLParser(huge_tree=True))
    depth = max(len(list(e.iterancestors())) for e in tree.iter())
    # html > body > 512 levels: nothing deeper, and the text is still there.
    assert depth <= deep.BROWSER_MAX_DEPTH + 2
    assert tree.xpath("string()") == "x"


def test_only_deep_pages_pay_for_the_second_reading(monkeypatch):
    calls = []
    real = deep.reparse_deep
    monkeypatch.setattr(deep, "reparse_deep", lambda html: calls.append(1) or real(html))
    pages = sorted(PAGES.glob("*.html"))
    assert pages
    started = time.perf_counter()
    for path in pages:
        parse_document(path.read_bytes().decode("utf-8", "replace"))
    per_page = (time.perf_counter() - started) / len(pages)
    assert calls == []
    parse_document(page(600))
    assert calls == [1]
    # The cost where it is paid (figures in the README's dependency notes): well under
    # a second for a page 3,000 levels deep, against ~1 ms for an ordinary page.
    started = time.perf_counter()
    parse_document(page(3000))
    assert time.perf_counter() - started < 5.0, per_page
