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
    """No portal's selectors match this page."""

    kind = "unknown_portal"


class DecodingError(ExtractionError):
    """The bytes could not be decoded to text we trust (wrong charset, mojibake)."""

    kind = "decoding"


class StorageError(VnarchiveError):
    """The archive refused a write; the article in flight is rolled back."""

    kind = "storage"


class ArchiveVersionError(StorageError):
    """The archive was written by a newer vnarchive than this one."""

    kind = "archive_version"
