"""What the spider needs to know about listings and the frontier, without Scrapy.

- `frontier_opened`: the pipeline, which holds the archive's only writer, hands its
  `FrontierStore` to the spider with this signal (sent from `open_spider`, before the
  spider's `start()` runs).
- `listing_position`: which category and page a listing URL shows.
- `follow_head`: the incremental stop rule for a category's newest pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

# Sent with: frontier (pipelines.frontier_store.FrontierStore).
frontier_opened = object()

MODES = ("incremental", "backfill")


def listing_position(
    url: str, pager_params: Sequence[str] = ("page", "p")
) -> tuple[str, int] | None:
    """(category path, page) of a listing URL; ("", 1) for the home page.

    None when the URL carries any other query parameter (a search, a filter): only
    plain category pages are walked, so no trap of endless parameter combinations.
    """
    parts = urlsplit(url)
    page = 1
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in pager_params or not value.isdigit() or int(value) < 1:
            return None
        page = int(value)
    return parts.path.strip("/"), page


def follow_head(*, has_known: bool, has_new: bool, quiet: int, overlap: int) -> tuple[bool, int]:
    """Whether an incremental run reads the next page of a category; the new quiet count.

    Listings are newest first. Until a page shows an already archived article, the run
    is still among new articles and goes on. From then on each page that holds only
    archived articles is "quiet"; after `overlap` quiet pages paging stops (a page with
    a new article resets the count, in case an older article was published late).
    With overlap 1: a category with a few new articles costs its first page plus one
    overlap page, one without any costs one page.
    """
    if not has_known:
        return True, 0
    quiet = 0 if has_new else quiet + 1
    return quiet < overlap, quiet
