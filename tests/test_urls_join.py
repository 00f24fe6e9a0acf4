"""`join_url` is `urllib.parse.urljoin`, quick paths included."""

from urllib.parse import urljoin

from hypothesis import example, given
from hypothesis import strategies as st

from crawler.extract.urls import join_url
from crawler.spiders.links import Links, href_article_id

BASES = [
    "http://127.0.0.1:8800/thoi-su/bai-viet-130000",
    "https://www.tuyengiao.vn/thoi-su/bai-viet-130000?page=2#top",
    "HTTP://Example.COM/a/b/",
    "http://host",
    "https://host:443/",
    " http://host/x",
    "http:///nohost/x",
    "ftp://host/a/b",
    "file:///tmp/x.html",
    "",
    "/relative/base",
    "http://host/a\tb/c",
]
PIECES = ["/", "//", ".", "..", "./", "../", "a", "Z9", "_", "-", "~", "%20", "+", ",", "="]
PIECES += [";p", "?q=1", "#f", ":", "@", " ", "\t", "\n", "\\", "ạ", "http:", "https:", "HTTP:"]
URLS = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(st.sampled_from(BASES), URLS)
def test_join_url_is_urljoin(base: str, url: str) -> None:
    assert join_url(base, url) == urljoin(base, url)


@given(st.sampled_from(BASES), st.text(max_size=30))
def test_join_url_is_urljoin_on_any_text(base: str, url: str) -> None:
    assert join_url(base, url) == urljoin(base, url)


def test_usual_cases() -> None:
    for base in BASES:
        for url in (
            "/Uploads/2017/1/23/28/tham-quan-114655-0.jpg",
            "/images/logo.png",
            "/a.b/c..d/e.",
            "/",
            "/a/",
            "https://www.tuyengiao.vn/the-gioi/le-phat-dong-114655",
            "http://www.tuyengiao.vn/x",
            "https://h/x/../y",
            "/x/./y",
            "/x/../y",
            "/x/..",
            "/x/.",
            "/.hidden",
            "/x//y",
        ):
            assert join_url(base, url) == urljoin(base, url), (base, url)


# Hrefs that end, or nearly end, in an article segment, with dot segments around it.
ARTICLE_PIECES = [*PIECES, "bai-viet-130656", "-130657", "x-999.html", "x-1234.htm", "/"]
HREFS = st.lists(st.sampled_from(ARTICLE_PIECES), max_size=10).map("".join)


@given(st.sampled_from(BASES), HREFS | st.text(max_size=30))
def test_an_href_ending_in_an_article_id_resolves_to_that_article_or_none(
    base: str, href: str
) -> None:
    # The spider leaves an unresolved link out when its href already ends in the id of
    # an article it queued (crawler.spiders.links.Links.link): that is only right if
    # resolving could not give another article.
    raw = href_article_id(href)
    if raw is None:
        return
    links = Links({"127.0.0.1", "www.tuyengiao.vn", "example.com", "host"})
    resolved = links.resolve(base.strip(), href.strip())
    assert resolved is None or resolved[1] == raw


ABSOLUTE = st.tuples(
    st.sampled_from(["http://", "https://"]),
    st.sampled_from(
        [
            "127.0.0.1:8800",
            "www.tuyengiao.vn",
            "WWW.TuyenGiao.vn",
            "host",
            "host:80",
            "other.example",
            "[::1]",
            "[bad",
            "host:99999",
            "user@host",
            "",
            "facebook.com",
        ]
    ),
    HREFS | st.text(max_size=20),
).map("".join)


@given(st.sampled_from(BASES), ABSOLUTE)
@example(BASES[0], "http://")  # no host: relative to the page, as "http:" is
@example(BASES[0], "http://[bad/x")  # refused by urllib
@example(BASES[0], "https://facebook.com/sharer?u=http://127.0.0.1:8800/a-1")
def test_an_absolute_href_links_where_resolving_it_leads(base: str, href: str) -> None:
    # Links.link answers an offsite absolute href without resolving it: that is only
    # right if resolving it could not give a portal URL.
    base = base.strip()
    links = Links({"127.0.0.1", "www.tuyengiao.vn", "host"})
    assert links.link(base, href) == links.resolve(base, href.strip())
