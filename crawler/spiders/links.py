"""Links on a page, found and resolved cheaply: the spider reads them on every page.

Measured on replica pages (issue 9): `response.css("a::attr(href)")` made a Selector
per result, and each href went through urljoin, normalize_url and urlsplit (about
0.8 ms of an article page's 1.3 ms of link discovery), although most are the same
navigation and box links on every page. Here the XPath runs on the lxml tree of the
response's selector, and a root-relative or absolute href is resolved once per origin.
The URLs found are exactly the ones the selectors gave (checked on every page of the
replica's layouts).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel.csstranslator import css2xpath
from scrapy.http import TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url

from crawler.extract.dates import iter_dates_in_text, parse_vietnamese_date
from crawler.extract.parsing.dom import Element
from crawler.extract.urls import article_id_from_url, normalize_url

Link = tuple[str, int | None]  # absolute, normalised URL; its article id, if any

# What `response.css("a::attr(href)")` selects, without a Selector per result.
ALL_HREFS = etree.XPath("descendant-or-self::a/@href", smart_strings=False)
# A listing card: the anchor's nearest div, article or li.
_CARD_TAGS = frozenset({"div", "article", "li"})
_TEXTS = etree.XPath(".//text()", smart_strings=False)
_MISSING = object()
# A site's repeated links (menus, boxes, pagers) are a few hundred; most article links
# are met a few times only. 100,000 entries cost ~75 MB in a 20,000-article crawl (peak
# RSS 185 MB against 108 at 5,000, bench/RESULTS.md): the bound keeps memory flat.
_RESOLVED_MAX = 10_000


class Links:
    """Resolves a page's hrefs to the portal's URLs (others give None)."""

    def __init__(
        self, hosts: set[str], article_id: Callable[[str], int | None] = article_id_from_url
    ) -> None:
        self.hosts = hosts
        self.article_id = article_id  # the portal's id rule
        self._resolved: dict[tuple[str, str], Link | None] = {}
        self._xpaths: dict[str, etree.XPath] = {}

    def absolute(self, base: str, href: str) -> str | None:
        link = self.link(base, href)
        return link[0] if link else None

    def link(self, base: str, href: str, skip_ids: Container[int] = ()) -> Link | None:
        """`base`: the page's base URL (`base_url(response)`), read once per page.

        A link not resolved before whose href ends in an article id of `skip_ids` is
        None, unresolved: joining keeps an href's last path segment, so it could only
        resolve to that article (or to no portal URL).
        """
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return None
        key: tuple[str, str] | None = None
        if href.startswith(("http://", "https://")):
            if _offsite(href, self.hosts):
                # A share button's, with the page's own URL in it: such hrefs differ on
                # every page, so they are neither joined nor cached.
                return None
            key = ("", href)  # absolute: the base plays no part
        elif href.startswith("/") and not href.startswith("//") and base.startswith("http"):
            # A root-relative link resolves the same from any page of the same origin.
            key = (origin(base), href)
        cached = self._resolved.get(key, _MISSING) if key is not None else _MISSING
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        if skip_ids and href_article_id(href, self.article_id) in skip_ids:
            return None
        resolved = self.resolve(base, href)
        if key is not None:
            if len(self._resolved) >= _RESOLVED_MAX:
                self._resolved.clear()
            self._resolved[key] = resolved
        return resolved

    def resolve(self, base: str, href: str) -> Link | None:
        try:
            url = normalize_url(urljoin(base, href))
            parts = urlsplit(url)
            ours = parts.scheme in ("http", "https") and parts.hostname in self.hosts
        except ValueError:
            # urllib refuses some hrefs (a port out of range, an unclosed IPv6 host):
            # no link, and the rest of the page is still read.
            return None
        return (url, self.article_id(url)) if ours else None

    def all_links(
        self, response: TextResponse, root: Element, skip_ids: Container[int] = ()
    ) -> Iterator[Link]:
        """Every `a` link to the portal, in page order (`a::attr(href)`), but links to
        the articles of `skip_ids` that were not resolved before (see `link`).

        Resolving the related-article boxes' links, mostly to articles the listings
        had queued under another URL form, was most of link discovery's cost."""
        base = get_base_url(response)
        for href in ALL_HREFS(root):
            link = self.link(base, href, skip_ids)
            if link is not None:
                yield link

    def anchors(self, root: HtmlElement, selectors: tuple[str, ...]) -> list[HtmlElement]:
        """The elements each CSS selector matches, selector by selector, in page order."""
        found: list[HtmlElement] = []
        for selector in selectors:
            xpath = self._xpaths.get(selector)
            if xpath is None:
                xpath = self._xpaths[selector] = etree.XPath(css2xpath(selector))
            found += xpath(root)
        return found

    def urls(self, response: TextResponse, anchors: list[HtmlElement]) -> list[str]:
        """The anchors' URLs, as `selector::attr(href)` over the same selectors gave."""
        base, found = get_base_url(response), []
        for anchor in anchors:
            href = anchor.get("href")
            url = self.absolute(base, href) if href is not None else None
            if url is not None:
                found.append(url)
        return found


def _offsite(href: str, hosts: Container[str]) -> bool:
    """An absolute http(s) href naming a host that is not the portal's: `resolve` would
    give None. (Without a host, "http:" and "http://" are relative to the page.)"""
    try:
        parts = urlsplit(href)
        return bool(parts.netloc) and parts.hostname not in hosts
    except ValueError:
        return True  # resolve gives None too: urllib refuses it


def href_article_id(
    href: str, article_id: Callable[[str], int | None] = article_id_from_url
) -> int | None:
    """The article id an href's path ends in, before it is resolved (None if unreadable)."""
    try:
        return article_id(href)
    except ValueError:
        return None


def base_url(response: TextResponse) -> str:
    """What hrefs on the page are relative to: `<base href>`, or the page's URL."""
    return get_base_url(response)


def page_tree(response: TextResponse) -> HtmlElement:
    """The page's tree as `response.selector` has it, but not kept on the response: a
    response stays in memory until the archive's writer has committed what it yielded,
    and its tree is ten times its size. (An article page's links are read from
    `read_page`'s tree instead; this one serves listings, and pages it cannot read.)"""
    root: HtmlElement = Selector(response=response).root
    return root


def origin(url: str) -> str:
    """`scheme://netloc` of an http(s) URL, as a cache key: everything before the
    first "/" after the scheme's "//" (two URLs with the same prefix have the same
    scheme and host, whatever else they hold)."""
    end = url.find("/", 8)
    return url if end < 0 else url[:end]


def card(anchor: HtmlElement) -> HtmlElement | None:
    """`ancestor::*[self::div or self::article or self::li][1]`."""
    for ancestor in anchor.iterancestors():
        if ancestor.tag in _CARD_TAGS:
            return ancestor
    return None


def listed_day(item: HtmlElement | None, fetched: datetime) -> str | None:
    """The day a listing card shows (its first complete date), ISO, or None."""
    text = " ".join(_TEXTS(item)) if item is not None else ""
    for found in iter_dates_in_text(text):
        moment = parse_vietnamese_date(found, fetched_at=fetched)
        if moment is not None:
            return moment.date().isoformat()
    return None
