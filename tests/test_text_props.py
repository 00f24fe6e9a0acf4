"""Normalising text or URLs twice changes nothing; the helpers never raise."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.text import normalize_text, strip_tg_mark
from crawler.extract.urls import article_id_from_url, normalize_url

PIECES = list("aăâeêioôơuưyđAĂÂĐ àáảãạằắẳẵặầấẩẫậềếểễệ&;\t\n\u00a0\u200b\ufeff\u0300\u0301")
PIECES += ["&amp;", "&nbsp;", "&amp;amp;", "&#x1EA1;", "(TG) - ", "(TG)-", " (TG) "]
VIETNAMESE = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@given(st.text() | VIETNAMESE)
def test_normalize_text_is_idempotent(value: str) -> None:
    once = normalize_text(value)
    assert normalize_text(once) == once


@given(st.text() | VIETNAMESE)
def test_normalized_text_is_nfc_and_single_spaced(value: str) -> None:
    text = normalize_text(value)
    assert unicodedata.is_normalized("NFC", text)
    assert "  " not in text and text == text.strip()
    assert "\u200b" not in text and "\u00a0" not in text


@given(st.text() | VIETNAMESE)
def test_strip_tg_mark_is_idempotent(value: str) -> None:
    once = strip_tg_mark(value)
    assert strip_tg_mark(once) == once


PATH_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
URLS = st.builds(
    lambda scheme, host, segs, query, frag: f"{scheme}://{host}/{'/'.join(segs)}{query}{frag}",
    st.sampled_from(["http", "https", "HTTP", "HttpS"]),
    st.sampled_from(["www.tuyengiao.vn", "TUYENGIAO.vn", "127.0.0.1:8800", "tuyengiao.vn:443"]),
    st.lists(PATH_SEGMENT, max_size=4),
    st.sampled_from(["", "?page=2", "?utm_source=fb&page=3", "?fbclid=x", "?a=1&b="]),
    st.sampled_from(["", "#top", "#"]),
)


@given(URLS)
def test_normalize_url_is_idempotent(url: str) -> None:
    once = normalize_url(url)
    assert normalize_url(once) == once


@given(URLS)
def test_normalize_url_keeps_the_article_id(url: str) -> None:
    assert article_id_from_url(normalize_url(url)) == article_id_from_url(url)


def test_examples() -> None:
    assert normalize_text("  Hà&nbsp;Nội\u200b  &amp;  TP.HCM ") == "Hà Nội & TP.HCM"
    assert normalize_text("Ho\u0300a") == "Hòa"  # decomposed input composes to NFC
    assert strip_tg_mark("(TG) - Ngày 5/11/2020, tại Hà Nội") == "Ngày 5/11/2020, tại Hà Nội"
    assert strip_tg_mark("(TG)-Sáng nay") == "Sáng nay"
    assert normalize_url("HTTPS://WWW.tuyengiao.vn:443/thoi-su/abc-130656?utm_source=fb#x") == (
        "https://www.tuyengiao.vn/thoi-su/abc-130656"
    )
    assert article_id_from_url("https://tuyengiao.vn/abc-130656") == 130656
    assert article_id_from_url("https://www.tuyengiao.vn/thoi-su?page=2") is None


def test_printable_text_has_nothing_to_delete_or_collapse() -> None:
    # normalize_text's quick path: str.isprintable() excludes every character that
    # normalize_text deletes and every space but U+0020, in the whole of Unicode.
    from crawler.extract.text import _DELETED

    for code in range(0x110000):
        char = chr(code)
        if char.isprintable():
            assert not _DELETED.match(char), hex(code)
            assert not char.isspace() or char == " ", hex(code)
