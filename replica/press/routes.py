"""Routing of a real portal's replica: a request target in, a complete response out.

  /                                   home: the newest articles, a menu of the sections
                                      (every link of a listing absolute on the replica)
  <section>, <section paged>          a section's articles, PAGE_SIZE a page, newest first,
                                      paged as the declared section source says
                                      (`{url}-p{n}`, `{url}/trang-{n}.htm`, `{url}?page={n}`...)
  <article path>                      a generated article in the real page's markup
  <the real page's path>              the real page, byte for byte
  declared rss / sitemap / news_sitemap, /sitemaps/sitemap-YYYY-MM.xml, /robots.txt
  /uploads/...                        a placeholder picture
Anything else, a page past the last, or a removed article: 404.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources
from urllib.parse import unquote, urlsplit

from crawler.portals import Portal
from replica.pages import HTML, TEXT, Response, placeholder_jpeg
from replica.press import feeds
from replica.press.render import render_article
from replica.press.site import PAGE_SIZE, PressEntry, PressSite

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
_SIMPLE_PART = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?P<classes>(?:\.[\w-]+)*)$")


def route(site: PressSite, target: str, base_url: str, crawl_delay: float | None) -> Response:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    full = path + (f"?{parts.query}" if parts.query else "")
    if path == "/robots.txt":
        return Response(200, TEXT, feeds.robots_txt(site, base_url, crawl_delay).encode())
    if path.startswith("/uploads/"):
        return Response(200, "image/jpeg", placeholder_jpeg(path))
    feed = _feed(site, path, base_url)
    if feed is not None:
        return feed
    if path == site.real_path:
        return Response(200, HTML, real_page(site.spec.template))
    entry = site.entry_for_path(path)
    if entry is not None:
        article = site.article(entry.article_id)
        if article is not None:
            return Response(200, HTML, render_article(site, article).encode("utf-8"))
    listing = _listing(site, full, base_url.rstrip("/"))
    if listing is not None:
        return listing
    return not_found(site)


@cache
def real_page(template: str) -> bytes:
    """The saved real page, unchanged."""
    return resources.files("replica").joinpath("data", "portals", template).read_bytes()


def not_found(site: PressSite) -> Response:
    name = html.escape(site.portal.outlet or site.portal.site)
    page = (
        f"<!DOCTYPE html><html lang=vi><head><title>404 - {name}</title></head>"
        "<body><h1>Không tìm thấy trang</h1></body></html>"
    )
    return Response(404, HTML, page.encode("utf-8"))


def _feed(site: PressSite, path: str, base_url: str) -> Response | None:
    if path in feeds.source_paths(site, "rss"):
        if site.spec.feed == "atom":
            return Response(200, ATOM, feeds.atom(site, base_url).encode())
        return Response(200, RSS, feeds.rss(site, base_url).encode())
    if path in feeds.source_paths(site, "sitemap"):
        return Response(200, XML, feeds.sitemap_index(site, base_url).encode())
    if path in feeds.source_paths(site, "news_sitemap"):
        return Response(200, XML, feeds.news_sitemap(site, base_url).encode())
    month = feeds.month_of(path)
    if month is not None:
        text = feeds.month_sitemap(site, base_url, month)
        return Response(200, XML, text.encode()) if text is not None else not_found(site)
    return None


# -- listings -----------------------------------------------------------------------


def page_path(site: PressSite, section_path: str, page: int) -> str:
    """Page `page` of a section, as the declared section source pages."""
    if page == 1:
        return section_path
    return _paging(site.portal, section_path).format(url=section_path, n=page)


@cache
def _paging(portal: Portal, section_path: str) -> str:
    """The paging template of this section's own declaration, else the first declared
    section's (a category the declaration lists without a source pages alike)."""
    sections = [s for s in portal.sources if s.kind == "section" and s.paging]
    own = [s for s in sections if urlsplit(s.url).path == section_path]
    return (own or sections)[0].paging


def _listing(site: PressSite, full: str, base: str) -> Response | None:
    if full == "/":
        return _listing_page(site, base, None, site.newest(PAGE_SIZE), 1, 1)
    for stem, section_path in site.sections.items():
        page = _page_of(site, section_path, full)
        if page is None:
            continue
        entries = site.listing(stem)
        last = max(1, -(-len(entries) // PAGE_SIZE))
        if page > last:
            return not_found(site)
        shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return _listing_page(site, base, stem, shown, page, last)
    return None


def _page_of(site: PressSite, section_path: str, full: str) -> int | None:
    if full == section_path:
        return 1
    pattern = re.escape(
        _paging(site.portal, section_path).format(url=section_path, n="\0")
    ).replace("\0", r"(?P<n>[1-9][0-9]{0,5})")
    match = re.fullmatch(pattern, full)
    return int(match.group("n")) if match else None


def card_markup(portal: Portal) -> tuple[str, str]:
    """(opening, closing) tags around a card's link, from the first declared
    `listing_links` selector simple enough to write (`h3.title-news a`)."""
    for selector in portal.layouts[0].listing_links:
        found = [_SIMPLE_PART.match(part) for part in selector.split()]
        matches = [m for m in found if m is not None]
        if len(found) < 2 or len(matches) < len(found) or matches[-1]["tag"] not in (None, "a"):
            continue
        opening, closing = "", ""
        for match in matches[:-1]:
            tag = match["tag"] or "div"
            classes = " ".join(match["classes"].split(".")[1:])
            opening += f'<{tag} class="{classes}">' if classes else f"<{tag}>"
            closing = f"</{tag}>" + closing
        link_classes = " ".join(matches[-1]["classes"].split(".")[1:])
        return opening + (f'<a class="{link_classes}" ' if link_classes else "<a "), closing
    return "<h3><a ", "</h3>"


def _listing_page(
    site: PressSite, base: str, section: str | None, entries: list[PressEntry], page: int, last: int
) -> Response:
    portal = site.portal
    opening, closing = card_markup(portal)
    name = html.escape(portal.outlet or portal.site)
    names = {stem: html.escape(portal.category_name(stem) or stem) for stem in site.sections}
    menu = "".join(
        f'<li><a href="{html.escape(base + path)}">{names[stem]}</a></li>'
        for stem, path in site.sections.items()
    )
    cards = "\n".join(
        f'<article class="item-news">{opening}href="{html.escape(base + e.path)}" '
        f'title="{html.escape(e.title)}">{html.escape(e.title)}</a>{closing}</article>'
        for e in entries
    )
    pager = ""
    if section is not None:
        links = []
        if page > 1:
            previous = html.escape(base + page_path(site, site.sections[section], page - 1))
            links.append(f'<a class="prev" href="{previous}">‹</a>')
        if page < last:
            nxt = html.escape(base + page_path(site, site.sections[section], page + 1))
            links.append(f'<a class="next" href="{nxt}">{page + 1}</a>')
        pager = f'<div class="pagination">{"".join(links)}</div>'
    heading = html.escape(portal.category_name(section) or section or name)
    page_html = (
        "<!DOCTYPE html><html lang=vi><head><meta charset=utf-8>"
        f"<title>{heading} - {name}</title></head>"
        f'<body><nav class="main-nav"><ul><li><a href="{base}/">{name}</a></li>{menu}</ul></nav>'
        f'<main><h2 class="title-page">{heading}</h2>\n{cards}\n{pager}</main></body></html>'
    )
    return Response(200, HTML, page_html.encode("utf-8"))
