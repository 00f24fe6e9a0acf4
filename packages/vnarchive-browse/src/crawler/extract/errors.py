"""Specific, countable errors.

Each has a short `kind` that becomes a crawl stat (`vnarchive/errors/<kind>`) and
the `kind` column of a row in the run ledger, so no failure turns into silence.
"""

from __future__ import annotations


class VnarchiveError(Exception):
    kind = "error"


class ExtractionError(VnarchiveError):
    """The page could not be read as an article."""

    kind = "extraction"


class NotAnArticle(ExtractionError):
    """A listing, an error page or a page without headline or body."""

    kind = "not_an_article"


class NoArticleId(ExtractionError):
    """The URL carries no numeric article id, so the article has no identity."""

    kind = "no_article_id"


class UnknownPortal(ExtractionError):
    """No portal is declared for the page's host, and none was named for it."""

    kind = "unknown_portal"


class ForeignPage(ExtractionError):
    """The page's canonical URL is another declared portal's: served under a host that
    is not its own, it is never stored under the serving host's portal."""

    kind = "foreign_page"


class DecodingError(ExtractionError):
    """The bytes could not be decoded to text we trust (wrong charset, mojibake)."""

    kind = "decoding"


class StorageError(VnarchiveError):
    """The archive refused a write; the article in flight is rolled back."""

    kind = "storage"


class ArchiveVersionError(StorageError):
    """The archive was written by a newer vnarchive than this one."""

    kind = "archive_version"


class DownloadRefused(VnarchiveError):
    """The crawler refused a download, or refused to keep what it got (crawler/safety.py).

    Raised in downloader middlewares; the spider's errback records the `kind`.
    """

    kind = "refused"


class OffsiteRedirect(DownloadRefused):
    """A redirect (or any request) to a host outside the crawled site."""

    kind = "offsite_redirect"


class PrivateAddress(DownloadRefused):
    """A host that is, or resolves to, a private, loopback or reserved address."""

    kind = "private_address"


class RedirectLoop(DownloadRefused):
    """A redirect back to a URL already visited in the same chain."""

    kind = "redirect_loop"


class TooManyRedirects(DownloadRefused):
    """A redirect chain longer than REDIRECT_MAX_TIMES."""

    kind = "too_many_redirects"


class TooLarge(DownloadRefused):
    """A body over DOWNLOAD_MAXSIZE, as sent or once decompressed (a bomb)."""

    kind = "too_large"


class Truncated(DownloadRefused):
    """A body cut short: fewer bytes than Content-Length, a gzip stream without its
    end, or a page without Content-Length whose HTML stops before `</html>`."""

    kind = "truncated"


class DownloadTimeout(DownloadRefused):
    """No complete answer within DOWNLOAD_TIMEOUT (a hung server, a slow drip)."""

    kind = "timeout"


class PathEscape(VnarchiveError, ValueError):
    """A file path built from data or an argument would leave its folder, or would
    overwrite the archive itself (pipelines/pathguard.py)."""

    kind = "path_escape"


def is_disk_full(error: BaseException | str) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"), or the OS's ENOSPC."""
    text = str(error)
    return "database or disk is full" in text or "No space left" in text


# -- distributed mode (each one a crawl stat and, where a page is concerned, a
# `crawl_errors` row written by the ingest) -----------------------------------


class DistributedError(VnarchiveError):
    kind = "distributed"


class RedisUnavailable(DistributedError):
    """No Redis to talk to: not installed, not started, or not answering."""

    kind = "redis_unavailable"


class WriterBusy(DistributedError):
    """Another `vnarchive ingest` holds the writer lock of this Redis crawl."""

    kind = "writer_busy"


class BadMessage(DistributedError):
    """A queue message the ingest cannot read (unknown kind, broken JSON, bad record)."""

    kind = "bad_message"
