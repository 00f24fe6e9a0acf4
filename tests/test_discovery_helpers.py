"""Discovery's pure helpers (issue 15 §4): paging styles, rebasing declared URLs, dates
of sitemaps, which children of a sitemap index a run reads."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.discovery import (
    Child,
    is_newer,
    parse_when,
    period_end,
    plan_children,
    rebase,
    sitemap_key,
)
from crawler.frontier import listing_position, page_style, page_url
from crawler.portals import PORTALS

# -- paging styles ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "first", "page2", "category"),
    [
        ("{url}-p{n}", "https://vnexpress.net/kinh-doanh",
         "https://vnexpress.net/kinh-doanh-p2", "kinh-doanh"),
        ("{url}/trang-{n}.htm", "https://dantri.com.vn/kinh-doanh.htm",
         "https://dantri.com.vn/kinh-doanh.htm/trang-2.htm", "kinh-doanh.htm"),
        ("{url}/trang-{n}.chn", "https://cafef.vn/thi-truong-chung-khoan.chn",
         "https://cafef.vn/thi-truong-chung-khoan.chn/trang-2.chn", "thi-truong-chung-khoan.chn"),
        ("{url}-page{n}", "https://vietnamnet.vn/kinh-doanh",
         "https://vietnamnet.vn/kinh-doanh-page2", "kinh-doanh"),
        ("{url}trang{n}.vnp", "https://www.vietnamplus.vn/chinhtri/",
         "https://www.vietnamplus.vn/chinhtri/trang2.vnp", "chinhtri"),
        ("{url}/p/{n}", "https://www.qdnd.vn/chinh-tri", "https://www.qdnd.vn/chinh-tri/p/2",
         "chinh-tri"),
        ("{url}/trang{n}.html", "https://znews.vn/thoi-su.html",
         "https://znews.vn/thoi-su.html/trang2.html", "thoi-su.html"),
        ("{url}?trang={n}", "https://baotintuc.vn/thoi-su-472ct0.htm",
         "https://baotintuc.vn/thoi-su-472ct0.htm?trang=2", "thoi-su-472ct0.htm"),
        ("{url}?page={n}", "https://www.tuyengiao.vn/thoi-su",
         "https://www.tuyengiao.vn/thoi-su?page=2", "thoi-su"),
    ],
)  # fmt: skip
def test_each_declared_paging_style_reads_and_makes_its_pages(template, first, page2, category):
    assert page_url(template, first, 2) == page2
    assert page_url(template, first, 1) == first
    assert listing_position(page2, ("page", "p"), (template,)) == (category, 2)
    assert listing_position(first, ("page", "p"), (template,)) == (category, 1)
    assert listing_position(page_url(template, first, 37), ("page", "p"), (template,)) == (
        category,
        37,
    )


def test_a_path_style_is_unknown_without_its_template():
    # The old reader took "-p2" for a category of its own: a walk never saw page 2.
    assert listing_position("https://vnexpress.net/kinh-doanh-p2") == ("kinh-doanh-p2", 1)
    assert listing_position("https://baotintuc.vn/a.htm?trang=2") is None


def test_article_urls_and_searches_are_no_pages():
    styles = ("{url}-p{n}", "{url}/trang-{n}.htm")
    assert listing_position("https://h/a/slug-5047363.html", pagings=styles) == (
        "a/slug-5047363.html",
        1,
    )
    assert listing_position("https://h/tim-kiem?q=x", pagings=styles) is None
    assert listing_position("https://h/kinh-doanh-p2?q=x", pagings=styles) is None


def test_every_declared_portal_paging_template_is_understood():
    for portal in PORTALS:
        for source in portal.sources:
            if source.paging:
                assert page_style(source.paging) != (None, None), (portal.name, source.paging)


slugs = st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z]", fullmatch=True)


@given(
    category=slugs,
    n=st.integers(min_value=1, max_value=99999),
    template=st.sampled_from(
        ["{url}-p{n}", "{url}/trang-{n}.htm", "{url}-page{n}", "{url}/p/{n}", "{url}?trang={n}"]
    ),
)
def test_a_made_page_reads_back_as_its_category_and_number(category, n, template):
    first = f"https://h.vn/{category}"
    assert listing_position(page_url(template, first, n), (), (template,)) == (category, n)


@given(st.text(max_size=80), st.sampled_from(["{url}-p{n}", "{url}?page={n}", "{n}{url}", ""]))
def test_listing_position_never_raises(text, template):
    listing_position(f"http://h/{text}", ("page",), (template,) if template else ())


# -- rebasing ---------------------------------------------------------------------------


def test_declared_urls_are_rebased_onto_a_mirror_only():
    hosts = ("vnexpress.net", "www.vnexpress.net")
    declared = "https://vnexpress.net/rss/tin-moi-nhat.rss?x=1"
    assert rebase(declared, "http://127.0.0.1:41234/", hosts) == (
        "http://127.0.0.1:41234/rss/tin-moi-nhat.rss?x=1"
    )
    # Crawling the portal itself: as declared.
    assert rebase(declared, "https://vnexpress.net/", hosts) == declared
    # Another host's URL is never moved onto the mirror.
    assert rebase("https://cdn.example/a.xml", "http://127.0.0.1:1/", hosts) == (
        "https://cdn.example/a.xml"
    )
    assert sitemap_key("http://127.0.0.1:9/sitemaps/s-2020-11.xml?p=1") == (
        "/sitemaps/s-2020-11.xml?p=1"
    )


@given(
    path=st.from_regex(r"(/[a-z0-9.-]{0,12}){0,4}", fullmatch=True),
    query=st.from_regex(r"([a-z]{1,5}=[0-9]{1,3})?", fullmatch=True),
    host=st.sampled_from(["vnexpress.net", "www.vnexpress.net", "cdn.example"]),
)
def test_rebasing_keeps_path_and_query_and_is_idempotent(path, query, host):
    hosts = ("vnexpress.net", "www.vnexpress.net")
    url = f"https://{host}{path}" + (f"?{query}" if query else "")
    once = rebase(url, "http://127.0.0.1:41234/", hosts)
    assert rebase(once, "http://127.0.0.1:41234/", hosts) == once
    if host in hosts:
        assert once.startswith("http://127.0.0.1:41234/") and once.endswith(
            path + (f"?{query}" if query else "")
        )
    else:
        assert once == url


# -- dates ------------------------------------------------------------------------------


def test_w3c_dates_are_read_with_their_offset():
    assert parse_when("2020-11-05T01:15:00Z").isoformat() == "2020-11-05T01:15:00+00:00"
    assert parse_when("2020-11-05").isoformat() == "2020-11-05T00:00:00+07:00"
    assert parse_when("2020-11").isoformat() == "2020-11-01T00:00:00+07:00"
    assert parse_when("yesterday") is None and parse_when(None) is None


@given(st.text(max_size=40))
def test_parse_when_never_raises(text):
    parse_when(text)


def test_newer_is_decided_to_the_minute():
    held = "2020-11-05T08:15:00+07:00"
    assert is_newer("2020-11-05T08:16:00+07:00", held)
    assert not is_newer("2020-11-05T08:15:59+07:00", held)  # the page shows minutes
    assert not is_newer("2020-11-05T01:15:00Z", held)  # the same moment in UTC
    assert is_newer("2020-11-05T01:16:00Z", held)
    assert not is_newer(None, held) and not is_newer("garbage", held)


@pytest.mark.parametrize(
    ("url", "lastmod", "end"),
    [
        ("http://h/sitemaps/sitemap-2020-11.xml", None, date(2020, 11, 30)),
        ("http://h/sitemap/2020/02/index.xml", None, date(2020, 2, 29)),
        ("http://h/sitemap-2020-11-05.xml", "2021-01-01", date(2020, 11, 5)),
        ("http://h/sitemap.xml?month=2019_12", None, date(2019, 12, 31)),
        ("http://h/sitemap-news.xml", "2020-11-06T10:30:00+07:00", date(2020, 11, 6)),
        ("http://h/sitemap-news.xml", None, None),
    ],
)
def test_a_childs_period_is_its_urls_date_else_its_lastmod(url, lastmod, end):
    assert period_end(url, lastmod) == end


@given(st.text(max_size=60), st.one_of(st.none(), st.text(max_size=30)))
def test_period_end_never_raises(path, lastmod):
    period_end(f"http://h/{path}", lastmod)


# -- which children are read --------------------------------------------------------------

CHILDREN = [
    Child("http://h/s-2020-09.xml", "2020-09-30T21:00:00+07:00"),
    Child("http://h/s-2020-11.xml", "2020-11-06T10:30:00+07:00"),
    Child("http://h/s-2020-10.xml", "2020-10-31T18:00:00+07:00"),
]


def test_a_first_run_reads_every_child_newest_first():
    plan = plan_children(CHILDREN, {}, backfill=False, until=None, limit=None)
    assert [c.url[-11:] for c in plan.read] == ["2020-11.xml", "2020-10.xml", "2020-09.xml"]


def test_an_incremental_run_reads_only_new_or_moved_children():
    read = {
        "/s-2020-09.xml": "2020-09-30T21:00:00+07:00",  # unchanged
        "/s-2020-11.xml": "2020-11-05T22:00:00+07:00",  # moved since: an edit or a new one
    }
    plan = plan_children(CHILDREN, read, backfill=False, until=None, limit=None)
    assert [c.url for c in plan.read] == ["http://h/s-2020-11.xml", "http://h/s-2020-10.xml"]
    assert [c.url for c in plan.unchanged] == ["http://h/s-2020-09.xml"]


def test_a_backfill_reads_back_to_until_whatever_was_read():
    read = {sitemap_key(c.url): c.lastmod for c in CHILDREN}
    plan = plan_children(CHILDREN, read, backfill=True, until="2020-10-15", limit=None)
    assert [c.url for c in plan.read] == ["http://h/s-2020-11.xml", "http://h/s-2020-10.xml"]
    assert [c.url for c in plan.before_until] == ["http://h/s-2020-09.xml"]


def test_children_past_the_limit_are_left_for_the_next_run():
    plan = plan_children(CHILDREN, {}, backfill=False, until=None, limit=2)
    assert len(plan.read) == 2 and [c.url for c in plan.over_limit] == ["http://h/s-2020-09.xml"]
    spent = plan_children(CHILDREN, {}, backfill=False, until=None, limit=0)
    assert spent.read == [] and len(spent.over_limit) == 3


def test_a_child_without_lastmod_is_read_again_only_if_newest():
    children = [Child("http://h/s-2020-11.xml"), Child("http://h/s-2020-10.xml")]
    read = {"/s-2020-11.xml": None, "/s-2020-10.xml": None}
    plan = plan_children(children, read, backfill=False, until=None, limit=None)
    assert [c.url for c in plan.read] == ["http://h/s-2020-11.xml"]
