"""Politeness Scrapy does not enforce: robots.txt `Crawl-delay` and `Retry-After`.

Scrapy parses robots.txt (Protego) but only obeys its Allow/Disallow lines, and its
RetryMiddleware retries a 429/503 at once, whatever `Retry-After` asked. This
downloader middleware keeps, per host, the earliest time the next request may start:

- `Crawl-delay` (read from the parser Scrapy's RobotsTxtMiddleware built, which it
  hands over with the `robots_parsed` signal: robots.txt is parsed once): the start
  of two requests to that host are at least that many seconds apart, whatever
  AutoThrottle or the concurrency settings would allow (capped by CRAWL_DELAY_MAX);
- `Retry-After` on a 429 or 503 (seconds or an HTTP date): no request to that host
  starts before it has passed (capped by RETRY_AFTER_MAX), and the request is retried
  (counted against RETRY_TIMES). A 429/503 without the header is left to Scrapy's
  RetryMiddleware.

A waiting request is parked here (before the downloader's slot), and checks again on
waking, so a pause set while it slept still holds it back.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)
RETRY_AFTER_CODES = frozenset({429, 503})
_DELAY_SECONDS = re.compile(r"[0-9]+")


def parse_retry_after(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip(" \t")
    # RFC 9110 10.2.3: delay-seconds = 1*DIGIT, ASCII digits only. str.isdigit() also
    # takes "²" or "٣", which float() then refuses: a download error, not a retry.
    if _DELAY_SECONDS.fullmatch(text):
        # Any number of digits is valid; past a day the caller's cap decides anyway.
        return float(text[-12:]) if len(text.lstrip("0")) <= 12 else 1e12
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class PolitenessMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.max_crawl_delay = settings.getfloat("CRAWL_DELAY_MAX")
        self.max_retry_after = settings.getfloat("RETRY_AFTER_MAX")
        self.crawl_delays: dict[str, float] = {}
        self.last_start: dict[str, float] = {}
        self.paused_until: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        middleware = cls(crawler)
        # Sent only when ROBOTSTXT_OBEY is on (the robots middleware is off otherwise).
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        return middleware

    def _wait(self, host: str, now: float) -> float:
        start = max(
            self.last_start.get(host, -1e18) + self.crawl_delays.get(host, 0.0),
            self.paused_until.get(host, 0.0),
        )
        return start - now

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).netloc
        if urlparse_cached(request).path == "/robots.txt":
            return None
        while (wait := self._wait(host, time.monotonic())) > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        self.last_start[host] = time.monotonic()
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        parsed = urlparse_cached(request)
        if response.status not in RETRY_AFTER_CODES or request.meta.get("dont_retry"):
            return response
        delay = parse_retry_after(response.headers.get(b"Retry-After"))
        if delay is None:
            return response
        delay = min(delay, self.max_retry_after)
        host = parsed.netloc
        self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.monotonic() + delay)
        self._count("politeness/retry_after")
        logger.info("%s answered %s, Retry-After %.1f s: pausing %s", request.url,
                    response.status, delay, host)  # fmt: skip
        spider = self.crawler.spider
        assert spider is not None
        retry = get_retry_request(request, spider=spider, reason=f"{response.status} Retry-After")
        return retry if retry is not None else response

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Take the host's Crawl-delay from the parser Scrapy built for its robots.txt."""
        host = urlparse_cached(request).netloc
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except Exception as error:  # a broken robots.txt must not stop the crawl
            logger.warning("robots.txt of %s: unreadable Crawl-delay (%s)", host, error)
            return
        if delay:
            self.crawl_delays[host] = min(float(delay), self.max_crawl_delay)
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("vnarchive/politeness/crawl_delay", float(delay))
            logger.info("robots.txt of %s asks Crawl-delay %s s: enforced", host, delay)

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"vnarchive/{key}")
