"""parse_article on arbitrary input: an Article or a specific ExtractionError, nothing else."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.errors import ExtractionError
from crawler.extract.parsing import parse_article

FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
URL = "https://www.tuyengiao.vn/thoi-su/bai-viet-130001"
FRAGMENTS = st.sampled_from(
    [
        '<span class="story_headline">Tiêu đề</span>',
        '<div class="story_body"><p>Đoạn văn.</p><p><strong>PV</strong></p></div>',
        '<span class="story_date">Thứ Năm, 12/11/2020 - 15:42</span>',
        '<h1 class="story-headline">Tiêu đề</h1><div class="story-body"><table class="picture">'
        '<tr><td><img data-src="/a.jpg"></td></tr><tr><td class="caption">Ảnh: TTXVN</td></tr>'
        "</table></div>",
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T",'
        ' "datePublished": "2020-11-12T15:42:00+07:00", "articleBody": "A\\nB"}</script>',
        '<meta property="og:type" content="article"><article><p>Một đoạn dài.</p></article>',
        "<figure><img src='x.jpg'><figcaption>Ảnh minh họa</figcaption></figure>",
        "<table><tr><td>a</td><td>b</td></tr></table>",
        "Há»™i nghá»‹",
        "\x00\ufffd\u0301",
    ]
)
PAGES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=8).map("".join)


@settings(max_examples=150, deadline=None)
@given(PAGES)
def test_text_pages(page):
    try:
        article = parse_article(f"<html><body>{page}</body></html>", URL, FETCHED)
    except ExtractionError:
        return
    assert article.title and article.body


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_byte_pages(data):
    try:
        parse_article(data, URL, FETCHED)
    except ExtractionError:
        return
