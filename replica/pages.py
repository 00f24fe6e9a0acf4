"""Routing: a request target in, a complete response out (no sockets here).

URL patterns served:
  /                                   home (top categories, 10 newest, search links)
  /<cat>[/<sub>]?p=N | ?page=N        listing, newest first, 20 a page, with subcategories
  /<cat>[/<sub>]/<slug>-<id>          article (canonical)
  /<slug>-<id>, /<other-cat>/<slug>-<id>, any ?query   the same article
  /tim-kiem?q=...&p=N                 endless search (robots.txt disallows it)
  /admin/...                          login page (robots.txt disallows it)
  /robots.txt, /images/blank.gif, /Uploads/...  robots, 1x1 gif, placeholder jpeg
Anything else, or an unknown id, is a 404 page in the site's layout.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from replica import render_new, render_old
from replica.categories import CATEGORY_NAMES
from replica.furniture import PAGE_SIZE, page_count
from replica.paths import BLANK_GIF
from replica.site import Site

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

_RENDERERS = {"old": render_old, "new": render_new}
_ARTICLE = re.compile(r"^(?P<slug>[A-Za-z0-9-]+)-(?P<id>\d+)(?:\.html?)?$")
# A transparent 1x1 GIF, the new layout's lazy-loading placeholder.
GIF_1X1 = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Not a real photo: the replica only promises a body with the right content type.
# A 1x1 grey JPEG a browser decodes (the pictures of the archive's article page load).
JPEG_PLACEHOLDER = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
    "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/a"
    "AAgBAQABPxA="
)


def placeholder_jpeg(path: str) -> bytes:
    """The placeholder with the path in a JPEG comment: each picture's bytes are its own,
    so a test can tell which capture an archive served."""
    comment = path.encode("utf-8")[:60000]
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return JPEG_PLACEHOLDER[:2] + segment + JPEG_PLACEHOLDER[2:]


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    content_type: str
    body: bytes
    # False for answers that must not be cached (control endpoints).
    cacheable: bool = True


def _html(status: int, text: str) -> Response:
    return Response(status, HTML, text.encode("utf-8"))


def robots_txt(crawl_delay: float | None) -> str:
    lines = ["User-agent: *", "Disallow: /tim-kiem", "Disallow: /admin/", "Disallow: /__replica__/"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    return "\n".join(lines) + "\n"


def not_found(site: Site) -> Response:
    return _html(404, _RENDERERS[site.listing_layout("404")].render_not_found(site))


def _page_number(query: dict[str, list[str]]) -> int | None:
    """`?p=N` (old) or `?page=N` (new); both layouts accept both. None if not a page."""
    raw = (query.get("p") or query.get("page") or ["1"])[0]
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


def route(site: Site, target: str, crawl_delay: float | None = None) -> Response:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    query = parse_qs(parts.query, keep_blank_values=True)
    if path == "/robots.txt":
        return Response(200, TEXT, robots_txt(crawl_delay).encode("utf-8"))
    if path == BLANK_GIF:
        return Response(200, "image/gif", GIF_1X1)
    if path.startswith(("/Uploads/", "/uploads/")):
        # `/uploads/`: the CDN's paths (`cdn_image_url`), which a crawl of the replica
        # asks of the replica in the CDN's place (crawler/extract/image_urls.py).
        return Response(200, "image/jpeg", placeholder_jpeg(path))
    if path == "/":
        return _html(200, _RENDERERS[site.listing_layout("")].render_home(site))
    if path == "/tim-kiem":
        text = (query.get("q") or [""])[0]
        return _html(
            200,
            _RENDERERS[site.listing_layout("tim-kiem")].render_search(
                site, text, _page_number(query) or 1
            ),
        )
    if path == "/admin" or path.startswith("/admin/"):
        return _html(200, "<!DOCTYPE html><html><body><h1>Đăng nhập quản trị</h1></body></html>")
    segments = [s for s in path.split("/") if s]
    match = _ARTICLE.match(segments[-1]) if segments else None
    if match:
        prefix = "/".join(segments[:-1])
        if prefix and prefix not in CATEGORY_NAMES:
            return not_found(site)
        article = site.article(int(match.group("id")))
        if article is None:
            return not_found(site)
        html = _RENDERERS[article.layout].render_article(site, article)
        return _html(200, drifted(html) if site.layout == "drift" else html)
    category = "/".join(segments)
    entries = site.listing(category)
    page = _page_number(query)
    if entries is None or page is None:
        return not_found(site)
    last = page_count(len(entries))
    if page > last:
        return not_found(site)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    renderer = _RENDERERS[site.listing_layout(category)]
    return _html(200, renderer.render_listing(site, category, shown, page, last))


# The new layout's article classes and what the "drift" layout calls them instead.
_DRIFT_CLASSES = {
    "story-headline": "tg-title",
    "story-teaser": "tg-sapo",
    "story-body": "tg-content",
    "ml-lg-auto": "tg-time",
    "story-author": "tg-author",
    "story-tags": "tg-tags",
    "picture": "tg-photo",
    "caption": "tg-photo-caption",
}
_CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')


def drifted(page: str) -> str:
    """An article page of the new layout after a redesign nobody announced."""
    return _CLASS_ATTRIBUTE.sub(
        lambda m: 'class="' + " ".join(_DRIFT_CLASSES.get(c, c) for c in m.group(1).split()) + '"',
        page,
    )
