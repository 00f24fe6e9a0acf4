"""The crawl's own Scrapy signals (plain objects, as Scrapy's are).

Storage's item pipelines connect to them; the crawl sends them. Arguments are given
with each one.
"""

# Every per-page failure, for the run ledger. Sent with: url (str), kind (str, an
# error's `kind`), message (str).
page_failed = object()

# The kind of a failed picture of an article starts with this (`image_http_404`,
# `image_too_large`): recorded as what it is, never as a failed or lost article.
IMAGE_FAILURE_PREFIX = "image_"


def is_image_failure(kind: str) -> bool:
    return kind.startswith(IMAGE_FAILURE_PREFIX)


# A 3xx with a Location, seen before RedirectMiddleware consumes it. Sent with:
# request, response, spider.
response_redirected = object()

# The pipeline that holds the archive's writer hands the spider its store. Sent with:
# frontier (a `crawler.protocol.frontier.Frontier`), from `open_spider`, before the
# spider's `start()` runs.
frontier_opened = object()

# The pipeline that writes the captures says where exchanges go. Sent with: send (a
# callable taking a `crawler.protocol.exchange.Exchange`). The capture extension
# hands every exchange to it; with no such pipeline nothing is written.
captures_delegated = object()
