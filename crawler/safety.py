"""What the crawler refuses to fetch, and what it refuses to keep.

Scrapy's own guards leave gaps (measured with Scrapy 2.19): its offsite filter skips
start URLs and retried requests (`dont_filter`), so a redirect from those is followed
off-site; nothing stops a request to a private address; a gzip body cut in half
decompresses to a partial page without any error; a body without Content-Length that
is cut short is only flagged `partial`. Three downloader middlewares close them:

- `AddressGuardMiddleware` (before RobotsTxtMiddleware): every request's host must be
  one of the spider's hosts, and its addresses (resolved here, before any connection)
  must be public, or loopback when the start URL itself is loopback (the replica).
  The checked address is pinned in Scrapy's DNS cache, so the connection goes where
  the check looked (with DNSCACHE_ENABLED, IPv4). The lookup is synchronous, once per
  host: a portal has one or two hosts, and offsite hosts are refused unresolved. It
  also gives the download errors that end a request (after RetryMiddleware gave up) a
  kind of their own: timeout, truncated, too_large.
- `RedirectGuardMiddleware` (before RedirectMiddleware): each Location is checked the
  same way, and loops and chains over REDIRECT_MAX_TIMES are refused.
- `BodyGuardMiddleware` (before HttpCompressionMiddleware): a compressed body must be
  a complete stream and at most DOWNLOAD_MAXSIZE once decompressed (a bomb is cut off
  after DOWNLOAD_MAXSIZE bytes of output); a body flagged `partial`/`dataloss` must be
  an HTML page that reaches `</html>`. A truncated body is retried, then refused.

Each refusal is an exception of `crawler.extract.errors` (DownloadRefused and subclasses); the
spider's errback records its kind through `page_failed` (stats and `crawl_errors`).

Settings: SAFETY_ENABLED (True), SAFETY_ALLOWED_NETWORKS (CIDRs allowed although
private, e.g. a mirror on the LAN; default none).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import zlib
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.resolver import dnscache
from twisted.internet.defer import CancelledError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.extract.errors import (
    DownloadRefused,
    DownloadTimeout,
    OffsiteRedirect,
    PrivateAddress,
    RedirectLoop,
    TooLarge,
    TooManyRedirects,
    Truncated,
    VnarchiveError,
)
from crawler.extract.urls import normalize_url

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_HTML_END = re.compile(rb"</html\s*>\s*(?:<!--.*?-->\s*)*$", re.I | re.S)
_CHUNK = 64 * 1024


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: Address) -> bool:
    """An address on the public internet: not private, loopback, link-local, multicast,
    reserved or unspecified (an IPv4-mapped IPv6 address is judged as its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class AddressPolicy:
    """Which hosts and addresses a crawl may reach. Pure, apart from the resolver."""

    def __init__(
        self,
        hosts: Iterable[str] | None,
        *,
        allow_loopback: bool = False,
        allowed_networks: Iterable[str] = (),
        resolver: Resolver = system_resolver,
    ) -> None:
        # None: no host restriction (a spider that declares no hosts).
        self.hosts = {h.lower() for h in hosts} if hosts is not None else None
        self.allow_loopback = allow_loopback
        self.networks = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]
        self.resolver = resolver
        self.checked: dict[str, str] = {}  # host -> the address the check accepted

    def allowed_address(self, address: Address) -> bool:
        if any(address in network for network in self.networks):
            return True
        if self.allow_loopback and address.is_loopback:
            return True
        return is_public(address)

    def check(self, url: str, *, redirect_from: str | None = None) -> str | None:
        """Raise OffsiteRedirect or PrivateAddress for a URL the crawl must not fetch;
        else return the address to connect to (None: not resolved, e.g. no DNS)."""
        via = f" (redirected from {redirect_from})" if redirect_from else ""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:  # urllib refuses it (an unclosed IPv6 host, ...)
            raise OffsiteRedirect(f"{url}: not a valid URL{via}") from None
        if parts.scheme not in ("http", "https") or not host:
            raise OffsiteRedirect(f"{url}: not an http(s) URL{via}")
        literal = ip_literal(host)
        if self.hosts is not None and host not in self.hosts:
            if literal is not None and not self.allowed_address(literal):
                raise PrivateAddress(f"{url}: {literal} is not a public address{via}")
            raise OffsiteRedirect(f"{url}: host {host} is outside the crawled site{via}")
        if literal is not None:
            if not self.allowed_address(literal):
                raise PrivateAddress(f"{url}: {literal} is not a public address{via}")
            return str(literal)
        if host in self.checked:
            return self.checked[host]
        try:
            addresses = self.resolver(host, parts.port or (443 if parts.scheme == "https" else 80))
        except ValueError:  # a port out of range
            raise OffsiteRedirect(f"{url}: not a valid URL{via}") from None
        except OSError:
            return None  # unresolvable: the download fails on its own, nothing is reached
        bad = [
            a for a in addresses if (ip := ip_literal(a)) is None or not self.allowed_address(ip)
        ]
        if bad or not addresses:
            raise PrivateAddress(f"{url}: {host} resolves to {', '.join(bad)}{via}")
        ipv4 = [a for a in addresses if ":" not in a]
        chosen = (ipv4 or addresses)[0]
        self.checked[host] = chosen
        return chosen


def policy_for(crawler: Crawler, spider: Any) -> AddressPolicy:
    hosts = getattr(spider, "hosts", None) or getattr(spider, "allowed_domains", None) or None
    portal = getattr(spider, "portal", None)
    if hosts is not None and portal is not None:
        # The portal's picture hosts (its CDN): only image requests go there.
        hosts = {*hosts, *portal.image_hosts}
    # Our spiders name one start URL; a plain Scrapy spider lists them.
    start = getattr(spider, "start_url", None) or next(iter(getattr(spider, "start_urls", ())), "")
    start_host = urlsplit(start).hostname or ""
    literal = ip_literal(start_host)
    loopback = start_host == "localhost" or (literal is not None and literal.is_loopback)
    return AddressPolicy(
        hosts,
        allow_loopback=loopback,
        allowed_networks=crawler.settings.getlist("SAFETY_ALLOWED_NETWORKS"),
    )


class _Guard:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("SAFETY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self._policy: AddressPolicy | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    @property
    def policy(self) -> AddressPolicy:
        if self._policy is None:
            self._policy = policy_for(self.crawler, self.crawler.spider)
        return self._policy

    def refuse(self, error: DownloadRefused) -> DownloadRefused:
        logger.warning("refused: %s", error)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"vnarchive/safety/{error.kind}")
        return error


class AddressGuardMiddleware(_Guard):
    def process_request(self, request: Request) -> None:
        try:
            address = self.policy.check(request.url)
        except DownloadRefused as error:
            raise self.refuse(error) from None
        host = urlsplit(request.url).hostname
        if address is not None and host and ip_literal(host) is None and ":" not in address:
            # The connection resolves through Scrapy's cache: it must find what we checked.
            dnscache[host] = address
        return None

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Called after RetryMiddleware gave up: the final error gets its own kind."""
        if isinstance(exception, DownloadRefused):
            return None
        if isinstance(exception, DownloadTimeoutError | TwistedTimeoutError):
            raise self.refuse(DownloadTimeout(f"{request.url}: {exception}")) from exception
        if isinstance(exception, ResponseDataLossError):
            raise self.refuse(
                Truncated(f"{request.url}: connection closed before the whole body came")
            ) from exception
        if isinstance(exception, DownloadCancelledError | CancelledError):
            # Scrapy cancels a download once it passes DOWNLOAD_MAXSIZE.
            raise self.refuse(
                TooLarge(f"{request.url}: {str(exception) or 'over DOWNLOAD_MAXSIZE'}")
            )
        return None


class RedirectGuardMiddleware(_Guard):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_times = crawler.settings.getint("REDIRECT_MAX_TIMES")

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if (
            response.status not in REDIRECT_CODES
            or location is None
            or request.meta.get("dont_redirect")
        ):
            return response
        target = location.decode("latin-1").strip()
        try:
            target = urljoin(request.url, target)
            looped = normalize_url(target) in {
                normalize_url(u) for u in [*request.meta.get("redirect_urls", []), request.url]
            }
        except ValueError:
            raise self.refuse(OffsiteRedirect(f"{request.url}: redirects to {target!r}")) from None
        if looped:
            raise self.refuse(RedirectLoop(f"{request.url}: redirects back to {target}"))
        if request.meta.get("redirect_times", 0) + 1 > self.max_times:
            raise self.refuse(
                TooManyRedirects(f"{request.url}: more than {self.max_times} redirects")
            )
        try:
            self.policy.check(target, redirect_from=request.url)
        except DownloadRefused as error:
            raise self.refuse(error) from None
        return response


def compressed_size(body: bytes, encodings: list[bytes], max_size: int) -> tuple[int, bool]:
    """(bytes once decompressed, complete?) of a gzip/deflate body; stops past max_size.

    Scrapy's gunzip returns whatever decompressed before an error, so a cut stream
    looks like a page; here a stream must reach its end (every gzip member)."""
    total, data = 0, body
    # One header may list several codings ("gzip, gzip"), as several headers may:
    # the last one applied is undone first (RFC 9110 8.4).
    codings = [c.strip().lower() for e in encodings for c in e.split(b",") if c.strip()]
    for encoding in reversed(codings):
        if encoding not in (b"gzip", b"x-gzip", b"deflate"):
            return total, True  # br/zstd/identity: not checked here
        output = bytearray()
        while data:
            # 47: gzip or zlib header, detected; raw deflate (some servers) is tried next.
            inflater = zlib.decompressobj(47 if encoding != b"deflate" else 15)
            try:
                chunk = inflater.decompress(data, _CHUNK)
                while True:
                    output += chunk
                    if max_size and len(output) > max_size:
                        return len(output), True
                    if inflater.eof or not (chunk or inflater.unconsumed_tail):
                        break  # the end, or the input ran out before it (truncated)
                    chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            except zlib.error:
                if encoding == b"deflate":
                    inflater = zlib.decompressobj(-15)
                    try:
                        output += inflater.decompress(data, max_size + 1 if max_size else 0)
                    except zlib.error:
                        return len(output), False
                else:
                    return len(output), False
            if not inflater.eof:
                return len(output), False
            data = inflater.unused_data
        total, data = len(output), bytes(output)
    return total, True


def decompression_refusal(exception: BaseException) -> TooLarge | None:
    """Scrapy's own decompression cap (HttpCompressionMiddleware, for the codings this
    guard does not read, e.g. br) refuses with a bare IgnoreRequest: the same refusal
    as ours, so the same kind (`too_large`, not `download`)."""
    if isinstance(exception, IgnoreRequest) and "DOWNLOAD_MAXSIZE" in str(exception):
        return TooLarge(str(exception))
    return None


def failure_kind(failure: Any) -> tuple[str, str]:
    """A failed request's error kind and message, as the crawl records them: a refusal
    of this module (its own kind), Scrapy's decompression cap (`too_large`), an HTTP
    status (`http_404`), else a download error. `failure` is Twisted's Failure."""
    value = failure.value
    response = getattr(value, "response", None)
    refusal = decompression_refusal(value) if value is not None else None
    if refusal is not None:
        return refusal.kind, str(refusal)
    if isinstance(value, VnarchiveError):
        return value.kind, str(value)
    if response is not None:
        return f"http_{response.status}", f"HTTP {response.status}"
    name = failure.type.__name__ if failure.type else "error"
    return "download", f"{name}: {failure.getErrorMessage()}"


def html_complete(body: bytes) -> bool:
    """An HTML page that reaches its closing tag (comments and blanks may follow)."""
    return _HTML_END.search(body[-4096:]) is not None


class BodyGuardMiddleware(_Guard):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.method == "HEAD":
            return response
        encodings = response.headers.getlist(b"Content-Encoding")
        body = response.body
        if encodings and body:
            max_size = request.meta.get("download_maxsize", self.max_size)
            size, complete = compressed_size(body, encodings, max_size)
            if max_size and size > max_size:
                raise self.refuse(
                    TooLarge(f"{request.url}: over {max_size} bytes once decompressed "
                             f"({len(body)} bytes compressed)")
                )  # fmt: skip
            if not complete:
                return self._truncated(request, "the compressed stream stops before its end")
        flags = set(response.flags)
        if "dataloss" in flags:
            return self._truncated(request, "fewer bytes than Content-Length")
        if "partial" in flags and _is_html(response) and not encodings and not html_complete(body):
            return self._truncated(request, "no Content-Length, and the page stops before </html>")
        return response

    def _truncated(self, request: Request, why: str) -> Request:
        assert self.crawler.spider is not None
        retry = get_retry_request(request, spider=self.crawler.spider, reason="truncated")
        if retry is not None:
            return retry
        raise self.refuse(Truncated(f"{request.url}: truncated body: {why}"))


def _is_html(response: Response) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    return b"html" in content_type or response.body.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    )
