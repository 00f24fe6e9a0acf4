"""The generic reader's rules, one small page each (issue 15 §2).

Each page is written here by hand, for one rule; the expected values are read off it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.extract.errors import NotAnArticle
from crawler.extract.parsing import parse_article
from crawler.extract.parsing.generic_parts import lead_mark

FETCHED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
URL = "https://www.vidu.example.vn/thoi-su/bai-viet-mau-123456.html"
PARAGRAPHS = "".join(
    f"<p>Đoạn văn thứ {n} của bài viết có đủ chữ để được đọc là nội dung chính.</p>"
    for n in range(1, 5)
)


def page(body: str, head: str = '<meta property="og:type" content="article">') -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def read(body: str, **kwargs: str):
    return parse_article(page(body, **kwargs), URL, FETCHED_AT)


@pytest.mark.parametrize(
    ("lead", "mark", "rest"),
    [
        ("(Dân trí) - Giá vàng giảm.", "(Dân trí) -", "Giá vàng giảm."),
        ("(PLO)- Phó Bí thư dâng hoa.", "(PLO)-", "Phó Bí thư dâng hoa."),
        ("(NLĐO)- Sáng 5-3, mưa lớn.", "(NLĐO)-", "Sáng 5-3, mưa lớn."),
        ("(TG) - Chiều 12/11, Quốc hội họp.", "(TG) -", "Chiều 12/11, Quốc hội họp."),
        ("TTO - Xung đột khiến giá hoa tăng.", "TTO -", "Xung đột khiến giá hoa tăng."),
        ("VTV.vn - Mưa lớn ở miền Trung.", "VTV.vn -", "Mưa lớn ở miền Trung."),
        # A real parenthesis opening the lead is text, not a mark.
        ("(Theo báo cáo của Bộ Tài chính, thu ngân sách tăng) và chi giảm.", None, None),
        ("TP.HCM - Mưa lớn chiều nay.", None, None),
    ],
)
def test_lead_marks(lead: str, mark: str | None, rest: str | None) -> None:
    assert lead_mark(lead) == (mark, rest if mark else lead)


def test_the_date_line_minute_wins_over_metadata_seconds() -> None:
    article = read(
        "<h1>Giá hoa nhập khẩu tăng mạnh dịp lễ</h1>"
        "<div class='detail-time'>07/03/2026 08:01 GMT+7</div>"
        f"<div class='content'>{PARAGRAPHS}</div>",
        head='<meta property="article:published_time" content="2026-03-07T08:01:53+07:00">',
    )
    assert article.published_at == datetime(2026, 3, 7, 8, 1, tzinfo=FETCHED_AT.tzinfo)
    assert article.published_text == "07/03/2026 08:01 GMT+7"
    assert dict(article.sources)["published_at"] == "text"


def test_related_boxes_and_read_more_lines_leave_the_body() -> None:
    article = read(
        "<h1>Giá hoa nhập khẩu tăng mạnh dịp lễ</h1><div>07/03/2026 08:01</div>"
        f"<div class='content'>{PARAGRAPHS}"
        "<p><strong>&gt;&gt; Xem thêm: </strong><a href='/a-1.html'>Giá vàng hôm nay</a></p>"
        "<div class='box'><b>Đọc thêm</b><ul><li><a href='/b-2.html'>Bài một</a></li>"
        "<li><a href='/c-3.html'>Bài hai</a></li></ul></div>"
        "<div class='share-tools'><a href='#'>Facebook</a> <a href='#'>Zalo</a></div></div>",
    )
    assert len(article.body) == 4
    assert all(p.startswith("Đoạn văn thứ") for p in article.body)


def test_a_caption_paragraph_after_a_picture() -> None:
    article = read(
        "<h1>Giá hoa nhập khẩu tăng mạnh dịp lễ</h1><div>07/03/2026 08:01</div>"
        f"<div class='content'>{PARAGRAPHS}"
        "<p><img src='/anh/hoa.jpg'></p><p><em>Hoa hồng nhập khẩu tại chợ hoa</em></p>"
        "<p style='text-align:center'><img src='/anh/cho.jpg'></p>"
        "<p>Một góc chợ hoa Hồ Thị Kỷ. Ảnh: Tự Trung</p></div>",
    )
    assert [(i.url.rsplit("/", 1)[-1], i.caption, i.credit) for i in article.images] == [
        ("hoa.jpg", "Hoa hồng nhập khẩu tại chợ hoa", None),
        ("cho.jpg", "Một góc chợ hoa Hồ Thị Kỷ.", "Tự Trung"),
    ]
    assert len(article.body) == 4


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("<div class='author'>Tác giả: Nguyễn Văn An</div>", ("Nguyễn Văn An",)),
        ("<p class='article-author'>Bài và ảnh: NGỌC THÀNH</p>", ("NGỌC THÀNH",)),
        ("<span class='byline'>Thu Hằng - Minh Anh</span>", ("Thu Hằng", "Minh Anh")),
    ],
)
def test_bylines_named_by_the_page(byline: str, authors: tuple[str, ...]) -> None:
    article = read(
        f"<h1>Giá hoa nhập khẩu tăng mạnh dịp lễ</h1>{byline}<div>07/03/2026 08:01</div>"
        f"<div class='content'>{PARAGRAPHS}</div>"
    )
    assert article.authors == authors


def test_a_listing_without_article_metadata_is_not_an_article() -> None:
    cards = "".join(
        f"<div class='item'><h3><a href='/tin-{n}-1000{n}.html'>Tin số {n} trong ngày hôm nay</a>"
        f"</h3><p>Tóm tắt của tin số {n}, đủ dài để giống một đoạn văn của bài.</p>"
        f"<span>0{n}/03/2026 08:0{n}</span></div>"
        for n in range(1, 8)
    )
    with pytest.raises(NotAnArticle):
        parse_article(page(f"<h1>Thời sự</h1>{cards}", head=""), URL, FETCHED_AT)


def test_the_site_is_the_host_and_a_url_without_an_id_is_hashed() -> None:
    url = "https://www.vidu.example.vn/thoi-su/bai-viet-mau/"
    body = f"<h1>Giá hoa nhập khẩu tăng mạnh dịp lễ</h1><div>07/03/2026 08:01</div>{PARAGRAPHS}"
    article = parse_article(page(body), url, FETCHED_AT)
    again = parse_article(page(body), url + "?utm_source=x", FETCHED_AT)
    assert article.site == "vidu.example.vn"
    assert dict(article.sources)["article_id"] == "url_hash"
    assert article.article_id == again.article_id and 0 < article.article_id < 2**63


def test_microdata_article_body_is_the_container() -> None:
    intro = "<p>Mở đầu bài viết nằm ngoài khối đoạn văn chính nhưng vẫn là nội dung bài.</p>"
    article = read(
        "<h1>Giá hoa nhập khẩu tăng mạnh dịp lễ</h1><div>07/03/2026 08:01</div>"
        f"<div itemprop='articleBody'>{intro}<div class='inner'>{PARAGRAPHS}</div></div>"
    )
    assert len(article.body) == 5 and article.body[0].startswith("Mở đầu")
