"""URL identity: one article is one numeric id, whatever host, scheme or category path.

Idempotent helpers (hypothesis-tested): normalising a URL twice changes nothing.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# An article path ends in "<slug>-<id>" (sometimes with ".html"/".htm" or "/"): the
# rule of a portal that declares none, and of a page whose portal is not known.
ARTICLE_ID_PATTERN = r"/[^/]*?-(?P<id>\d{3,})(?:\.html?)?/?$"
# The category of an article URL: every path segment before the slug.
CATEGORY_PATTERN = r"^/(?P<category>.+?)/[^/]+/?$"
# A path from the root that urljoin would keep as it is: no "//", no dot segment,
# no parameters, query or fragment, nothing urlsplit strips or removes.
_PLAIN_ROOT_PATH = re.compile(r"/(?!/)(?:[A-Za-z0-9_~%+,=-]|\.(?![./]|$)|/(?![/.]))*")
# Parameters that only track the reader; they never change what a page says.
_TRACKING = re.compile(r"^(utm_\w*|fbclid|gclid|zarsrc|zacc|ref|_ga|mc_\w+|itm_\w+)$", re.I)


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment, default port and tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)
        ]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def join_url(base: str, url: str) -> str:
    """`urllib.parse.urljoin(base, url)`, with quick answers for the two usual cases.

    An absolute http(s) URL on another scheme than the base's comes back unchanged, and
    a plain path from the root gets the base's scheme and host: exactly what urljoin
    returns for them (tests/test_urls_join.py compares the two), without its parsing.
    """
    parts = urlsplit(base)  # (cached by urllib: one page's base is split once)
    if parts.scheme in ("http", "https") and parts.netloc:
        if url.startswith(("http://", "https://")):
            if not url.startswith(parts.scheme + "://"):
                return url
        elif _PLAIN_ROOT_PATH.fullmatch(url):
            return f"{parts.scheme}://{parts.netloc}{url}"
    return urljoin(base, url)


def article_id_from_url(url: str, pattern: str = ARTICLE_ID_PATTERN) -> int | None:
    """The numeric article id of an article URL (the `id` group of `pattern`, searched
    in the path), or None for other pages."""
    match = re.compile(pattern).search(urlsplit(url).path)
    return int(match.group("id")) if match else None


def category_from_url(url: str, pattern: str = CATEGORY_PATTERN) -> str | None:
    """The category path of an article URL (the `category` group of `pattern`, matched
    against the path with empty segments dropped), or None."""
    path = "/" + "/".join(s for s in urlsplit(url).path.split("/") if s)
    match = re.compile(pattern).search(path)
    return match.group("category") if match else None


def site_host(url: str) -> str:
    """The host without "www.", the portal's name in the archive (`tuyengiao.vn`)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
