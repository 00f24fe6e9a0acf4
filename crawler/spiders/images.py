"""An article's pictures, fetched for the archive once the article is parsed.

The capture extension (`crawler.warc`) keeps every image response it sees in the WARC
files (WARC_IMAGES); this asks for them. Bounded: at most IMAGES_PER_ARTICLE_MAX
pictures of one article (a page with thousands of `<img>` stays one page), each at
most IMAGE_MAXSIZE bytes (Scrapy's per-request `download_maxsize`). Deduplicated:
Scrapy's dupefilter drops a picture asked for twice in a run, and the WARC recorder
stores a payload kept before as a revisit record.

Where each picture is asked for: `crawler.extract.image_urls.image_fetch_url` (on a
replica, the replica's own copy of the portal's picture). A picture on the portal's
CDN host (`Portal.image_hosts`) passes Scrapy's offsite filter (`allow_offsite`); the
safety middlewares still check its address. A picture on a host that is not the
portal's is not fetched (counted as `images/foreign`).

A picture that fails is counted (`vnarchive/images/failed/<kind>`) and recorded as an
`image_<kind>` error (`crawl_errors`): it never marks its article failed and never
counts as a lost article (`crawler.protocol.signals.is_image_failure`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extract.article import Article
from crawler.extract.image_urls import image_fetch_url
from crawler.portals import Portal
from crawler.protocol.signals import IMAGE_FAILURE_PREFIX, page_failed
from crawler.safety import failure_kind

logger = logging.getLogger(__name__)

# request.meta key: the article URL a picture belongs to (for its error message).
ARTICLE = "vnarchive_image_of"
# Below the articles' priority (0): pages first, their pictures as the queue allows.
PRIORITY = -10


class ImageSettings:
    """What `ArticleImagesMixin` reads from the crawl's settings, once."""

    def __init__(self, settings: Any, portal: Portal) -> None:
        self.enabled = settings.getbool("WARC_ENABLED") and settings.getbool("WARC_IMAGES")
        self.max_size = settings.getint("IMAGE_MAXSIZE")
        self.per_article = settings.getint("IMAGES_PER_ARTICLE_MAX")
        self.hosts = {h.lower() for h in portal.all_image_hosts}


class ArticleImagesMixin:
    """A portal spider's image requests and their outcome. The callbacks are the
    spider's own methods, so a distributed crawl can queue the requests in Redis."""

    crawler: Crawler
    portal: Portal
    _image_settings: ImageSettings | None = None

    @property
    def image_settings(self) -> ImageSettings:
        if self._image_settings is None:
            self._image_settings = ImageSettings(self.crawler.settings, self.portal)
        return self._image_settings

    def image_requests(self, article: Article) -> Iterator[scrapy.Request]:
        config = self.image_settings
        if not config.enabled:
            return
        urls = list(dict.fromkeys(image.url for image in article.images))
        if len(urls) > config.per_article:
            self._count_image("images/over_cap", len(urls) - config.per_article)
            urls = urls[: config.per_article]
        article_host = urlsplit(article.url).hostname or ""
        for url in urls:
            fetch = image_fetch_url(url, article.url, config.hosts)
            try:
                host = (urlsplit(fetch).hostname or "").lower()
            except ValueError:
                host = ""
            if host != article_host and host not in config.hosts:
                self._count_image("images/foreign")
                continue
            self._count_image("images/requested")
            yield scrapy.Request(
                fetch, callback=self.image_fetched, errback=self.image_failed,
                priority=PRIORITY,
                meta={"download_maxsize": config.max_size, "allow_offsite": True,
                      ARTICLE: article.url},
            )  # fmt: skip

    def image_fetched(self, response: Response) -> None:
        self._count_image("images/responses")  # the run's error rate leaves them out
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if content_type.lower().startswith("image/"):
            self._count_image("images/fetched")
            return
        self._image_fail(response.url, response.meta.get(ARTICLE), "not_image",
                         f"not an image ({content_type or 'no Content-Type'})")  # fmt: skip

    def image_failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        article = request.meta.get(ARTICLE) if request is not None else None
        response = getattr(failure.value, "response", None)
        if response is not None:
            self._count_image("images/responses")
        kind, message = failure_kind(failure)
        self._image_fail(url, article, kind, message)

    def _image_fail(self, url: str, article: str | None, kind: str, message: str) -> None:
        of = f" (a picture of {article})" if article else ""
        logger.warning("image %s: %s%s", url, message, of)
        self._count_image("images/failed")
        self._count_image(f"images/failed/{kind}")
        self.crawler.signals.send_catch_log(
            page_failed, url=url, kind=IMAGE_FAILURE_PREFIX + kind, message=message + of
        )

    def _count_image(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"vnarchive/{key}", n)
