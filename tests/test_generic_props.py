"""The generic reader on arbitrary markup: a record or a specific refusal, never a crash."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.errors import ExtractionError
from crawler.extract.parsing import parse_article
from crawler.extract.parsing.generic_article import generic_id
from crawler.extract.parsing.generic_parts import lead_mark
from crawler.extract.text import normalize_text

FETCHED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
PIECES = [
    "<h1>Khai mạc Kỳ họp thứ 20 HĐND tỉnh</h1>", "<h1>", "</h1>", "<p>", "</p>", "<div>",
    "</div>", "<div class='sapo'>", "<div class='tags'>Từ khóa:</div>", "<a href='/x-1.html'>",
    "</a>", "<figure><img src='/a.jpg'><figcaption>", "</figcaption></figure>", "<br>",
    "<table><tr><td><img src='/b.jpg' width='50'></td></tr><tr><td>", "</td></tr></table>",
    "<p style='text-align:right'><b>Trần Thị Bình</b><br><i>Phó Trưởng ban</i></p>",
    "Thứ Ba, 10/12/2024 - 14:20", "08:15 sáng 03/12/12", "(BĐP) - ", "Ảnh: PV", "Tin liên quan",
    "<meta property='og:type' content='article'>", "<time datetime='2024-12-10T14:20'>",
    "</time>", "<script type='application/ld+json'>{\"@type\":\"NewsArticle\"}</script>",
    "Các đại biểu thảo luận về kế hoạch năm 2025. ", "<span class='author'>", "</span>",
]  # fmt: skip
pages = st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(pages)
def test_any_page_of_an_undeclared_host_is_read_or_refused(html: str) -> None:
    try:
        article = parse_article(html, "https://www.vidu.example.vn/a/b-12345.html", FETCHED_AT)
    except ExtractionError:
        return
    assert article.site == "vidu.example.vn"
    assert article.title and article.body
    assert all(isinstance(v, str) for v in dict(article.sources).values())


@given(
    st.sampled_from(["", "(Dân trí) - ", "(PLO)-", "(NLĐO)- ", "(TG) - ", "TTO - "]),
    st.text(max_size=80),
)
def test_lead_mark_never_loses_text(mark: str, text: str) -> None:
    lead = mark + text
    found, rest = lead_mark(lead)
    if found is None:
        assert rest == normalize_text(lead)
    else:
        assert (found + rest).replace(" ", "") == normalize_text(lead).replace(" ", "")
        assert rest


@given(st.text(max_size=120))
def test_generic_id_is_a_positive_63_bit_integer(path: str) -> None:
    value, source = generic_id(f"https://vidu.example.vn/{path}")
    assert 0 <= value < 2**63 and source in ("url", "url_hash")
    assert generic_id(f"https://vidu.example.vn/{path}") == (value, source)
