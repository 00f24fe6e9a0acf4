"""Fuzzing with hypothesis: arbitrary bytes and arbitrary HTML into everything a crawled
page reaches before it is stored.

- `parse_article` returns an Article or raises its own documented errors
  (`ExtractionError` and subclasses), nothing else, on bytes and on generated HTML
  built from the portal's own classes, scripts, charsets, controls and broken nesting;
- the date reader never raises on arbitrary text;
- the safety checks (crawler/safety.py) never raise anything but their refusals;
- URL helpers never raise on what a page's links may hold.

tests/test_parse_props.py and tests/test_dates_props.py hold the earlier properties;
these add structure (nested portal markup) and the crawl-side helpers. The budget per
test is FUZZ_EXAMPLES (default 200); bench/reliability raises it and reads the count
of inputs tried from FUZZ_COUNT_FILE.
"""

from __future__ import annotations

import os
from collections import Counter
from contextlib import suppress
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.dates import find_dates_in_text, read_date
from crawler.extract.errors import DownloadRefused, ExtractionError
from crawler.extract.parsing import parse_article
from crawler.extract.urls import article_id_from_url, category_from_url, normalize_url
from crawler.safety import AddressPolicy, compressed_size, html_complete

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
URL = "https://www.tuyengiao.vn/thoi-su/bai-viet-130001"
TRIED: Counter[str] = Counter()

TAGS = [
    "div",
    "span",
    "p",
    "h1",
    "table",
    "tr",
    "td",
    "img",
    "a",
    "script",
    "style",
    "figure",
    "figcaption",
    "article",
    "strong",
    "em",
    "br",
    "meta",
    "link",
    "iframe",
    "svg",
    "noscript",
    "template",
    "html",
    "body",
    "head",
    "title",
]
CLASSES = [
    "storydetail",
    "story_headline",
    "story_teaser",
    "story_body",
    "story_date",
    "story-headline",
    "story-teaser",
    "story-body",
    "picture",
    "caption",
    "tbl-image",
    "story-author",
    "story-tags",
    "ml-lg-auto",
    "article__title",
    "",
]
ATTRIBUTE_VALUES = st.one_of(
    st.sampled_from(CLASSES),
    st.sampled_from(
        [
            "javascript:alert(1)",
            "/a-130001",
            "//evil.example/x",
            "data:,x",
            "http://[::1",
            "http://a:99999/",
            "\x00",
            "ảnh.jpg",
            "#",
            "",
        ]
    ),
    st.text(max_size=12),
)
ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        [
            "class",
            "href",
            "src",
            "data-src",
            "onerror",
            "id",
            "charset",
            "content",
            "property",
            "rel",
            "style",
        ]
    ),
    ATTRIBUTE_VALUES,
    max_size=3,
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "Hà Nội",
            "Thứ Năm, 12/11/2020 - 15:42",
            "Ảnh: TTXVN",
            "PV",
            "TTXVN",
            "Há»™i nghá»‹",
            "\ufffd",
            "\u0301",
            "&amp;",
            "&#0;",
            "<!--",
            "]]>",
            "\x00",
        ]
    ),
)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attributes: dict[str, str], inner: list[str], closed: bool) -> str:
        attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
        return f"<{tag}{attrs}>{''.join(inner)}" + (f"</{tag}>" if closed else "")

    return st.builds(
        render, st.sampled_from(TAGS), ATTRIBUTES, st.lists(children, max_size=4), st.booleans()
    )


HTML = st.recursive(TEXT, _element, max_leaves=30)
PAGES = st.builds(
    lambda head, body: f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>",
    st.sampled_from(
        [
            "",
            '<meta charset="utf-8">',
            '<meta charset="windows-1258">',
            '<meta charset="x-viet-tcvn3">',
            '<meta property="og:type" content="article">',
            '<link rel="canonical" href="/thoi-su/x-130002">',
        ]
    ),
    st.lists(HTML, max_size=6).map("".join),
)
ENCODINGS = st.sampled_from(["utf-8", "cp1258", "latin-1", "utf-16"])


def _parse(page: str | bytes) -> None:
    try:
        article = parse_article(page, URL, FETCHED)
    except ExtractionError:
        return
    assert article.title and article.body
    assert not any("\x00" in p for p in article.body)


@FUZZ
@given(PAGES)
def test_parse_article_on_generated_html(page):
    TRIED["parse_article(html)"] += 1
    _parse(page)


@FUZZ
@given(PAGES, ENCODINGS)
def test_parse_article_on_generated_html_as_bytes(page, encoding):
    TRIED["parse_article(html bytes)"] += 1
    _parse(page.encode(encoding, errors="replace"))


@FUZZ
@given(st.binary(max_size=2000))
def test_parse_article_on_arbitrary_bytes(data):
    TRIED["parse_article(bytes)"] += 1
    _parse(data)


@FUZZ
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_date_reading_never_raises(text):
    TRIED["dates"] += 1
    read_date(text, fetched_at=FETCHED)
    read_date(text)
    find_dates_in_text(text, include_partial=True)


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.sampled_from([b"gzip", b"deflate", b"br", b"x"])))
def test_compressed_size_never_raises(data, encodings):
    TRIED["safety(body)"] += 1
    size, complete = compressed_size(data, encodings, 100_000)
    assert size >= 0 and isinstance(complete, bool)
    html_complete(data)


def _no_lookup(host: str, port: int) -> list[str]:
    raise OSError("no lookups while fuzzing")


@FUZZ
@given(
    st.one_of(
        st.text(max_size=80),
        st.builds(
            "{}://{}/{}".format,
            st.sampled_from(["http", "https", "ftp", ""]),
            st.text(max_size=30),
            st.text(max_size=10),
        ),
    )
)
def test_the_address_policy_only_ever_refuses(url):
    TRIED["safety(url)"] += 1
    policy = AddressPolicy({"www.tuyengiao.vn"}, resolver=_no_lookup)
    with suppress(DownloadRefused):
        policy.check(url)


@FUZZ
@given(st.text(max_size=80))
def test_url_helpers_never_raise_on_link_text(href):
    TRIED["urls"] += 1
    url = "https://www.tuyengiao.vn/" + href
    for candidate in (url, href):
        # urllib refuses some netlocs ("http://[::1"): the spider reads such a link as
        # no link (the fault matrix's bad_links case checks that the crawl goes on).
        with suppress(ValueError):
            normalize_url(candidate)
        article_id_from_url(candidate)
        category_from_url(candidate)


@pytest.fixture(scope="module", autouse=True)
def _count_inputs():
    yield
    path = os.environ.get("FUZZ_COUNT_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            for name, count in sorted(TRIED.items()):
                out.write(f"{name}\t{count}\n")
