"""URL identity: one article is one numeric id, whatever host, scheme or category path.

Idempotent helpers (hypothesis-tested): normalising a URL twice changes nothing.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# An article path ends in "<slug>-<id>" (sometimes with ".html"/".htm" or "/"): the
# rule of a portal that declares none, and of a page whose portal is not known. ASCII
# digits only: `\d` also matches other scripts' digits, which int() reads, so
# "/x-١٣٠٦٥٦" would have been article 130656.
ARTICLE_ID_PATTERN = r"/[^/]*?-(?P<id>[0-9]{3,})(?:\.html?)?/?$"
# The category of an article URL: every path segment before the slug.
CATEGORY_PATTERN = r"^/(?P<category>.+?)/[^/]+/?$"
# The largest id an archive can hold: SQLite's INTEGER is a signed 64-bit number, and
# a larger one raises OverflowError wherever it is bound (issue 16: one hostile link
# cost every article of its page). Leading zeros aside, 19 digits is the most it has.
MAX_ARTICLE_ID = 2**63 - 1
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
    in the path), or None for other pages.

    An id past MAX_ARTICLE_ID is no article id the archive can hold: the URL is read as
    one without an id (a listing or another page), never as an error."""
    match = re.compile(pattern).search(urlsplit(url).path)
    return bounded_id(match.group("id")) if match else None


def bounded_id(digits: str) -> int | None:
    """ASCII digits as an article id, or None when they are not one the archive can hold."""
    digits = digits.lstrip("0") or "0"
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None  # (checked before int(): a 10,000-digit "id" costs nothing)
    value = int(digits)
    return value if value <= MAX_ARTICLE_ID else None


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
