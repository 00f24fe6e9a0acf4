"""Where an article's pictures belong, and where to ask for them.

An archive must not depend on the host it happened to read a page from: a replica or
a mirror serves the portal's pages under its own host, and a picture it serves from
its own host is the portal's picture. Two pure rules, one the inverse of the other:

- `canonical_image_url`: what the archive stores. When the page's canonical URL is on
  another host than the URL it was fetched from, a picture on the fetched host is
  stored on the canonical host (`http://127.0.0.1:8000/Uploads/a.jpg` ->
  `https://www.tuyengiao.vn/Uploads/a.jpg`).
- `image_fetch_url`: where a stored picture is fetched (the crawl) or looked up among
  the captures (the archive's article page). When the article was fetched from a host
  that is not one of the portal's (a replica or mirror standing in for it), a picture
  on one of the portal's hosts (its CDN included) is asked of the article's host, same
  path and query; otherwise it is fetched where it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from crawler.extract.article import Image


def canonical_image_url(image_url: str, fetched_url: str, canonical_url: str) -> str:
    """The image's URL on the page's canonical host when it points at the fetched host."""
    try:
        fetched, canonical = urlsplit(fetched_url), urlsplit(canonical_url)
        image = urlsplit(image_url)
    except ValueError:  # urllib refuses it (an unclosed IPv6 host): left as found
        return image_url
    if not canonical.netloc or fetched.netloc == canonical.netloc:
        return image_url
    if image.netloc != fetched.netloc or image.scheme not in ("http", "https"):
        return image_url
    return urlunsplit((canonical.scheme, canonical.netloc, image.path, image.query, ""))


def image_fetch_url(image_url: str, article_url: str, portal_hosts: Iterable[str]) -> str:
    """Where to fetch a stored image: on the article's own host when that host stands
    in for the portal (is not one of `portal_hosts`) and the image is on the portal."""
    hosts = {h.lower() for h in portal_hosts}
    try:
        article, image = urlsplit(article_url), urlsplit(image_url)
        image_host, article_host = image.hostname or "", article.hostname or ""
    except ValueError:  # not a URL urllib can read: asked of no one else
        return image_url
    if article_host in hosts or image_host not in hosts:
        return image_url
    if not article.netloc or article.scheme not in ("http", "https"):
        return image_url
    return urlunsplit((article.scheme, article.netloc, image.path, image.query, ""))


def on_canonical_host(
    images: Iterable[Image], fetched_url: str, canonical_url: str
) -> tuple[Image, ...]:
    """The article's images, each stored on the canonical host (`canonical_image_url`)."""
    return tuple(
        replace(image, url=canonical_image_url(image.url, fetched_url, canonical_url))
        for image in images
    )
