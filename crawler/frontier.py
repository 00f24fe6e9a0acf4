"""What the spider needs to know about listings and the frontier, without Scrapy.

- `MemoryFrontier`: the store a spider keeps when no pipeline hands it one (the
  pipeline that holds the archive's writer does, with `frontier_opened`).
- `listing_position`: which category and page a listing URL shows, in the portal's
  declared paging styles (`page_style`, `page_url`).
- `follow_head`: the incremental stop rule for a category's newest pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from urllib.parse import parse_qsl, urlsplit

from crawler.protocol.frontier import Frontier, Listed, Pending, Revisit, Walk

MODES = ("incremental", "backfill")


def listing_position(
    url: str, pager_params: Sequence[str] = ("page", "p"), pagings: Sequence[str] = ()
) -> tuple[str, int] | None:
    """(category path, page) of a listing URL; ("", 1) for the home page.

    `pagings` are the portal's declared paging templates (`Source.paging`): a path
    style (`{url}-p{n}`, `{url}/trang-{n}.htm`, `{url}-page{n}`) reads the page from
    the path; a query style (`{url}?trang={n}`) adds its parameter to `pager_params`.
    None when the URL carries any other query parameter (a search, a filter): only
    plain category pages are walked, so no trap of endless parameter combinations.
    """
    parts = urlsplit(url)
    params = tuple(pager_params)
    for template in pagings:
        name, pattern = page_style(template)
        if name is not None:
            params += (name,)
        elif pattern is not None and not parts.query:
            found = pattern.match(parts.path)
            if found and int(found["n"]) >= 1:
                return found["path"].strip("/"), int(found["n"])
    page = 1
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in params or not value.isdigit() or int(value) < 1:
            return None
        page = int(value)
    return parts.path.strip("/"), page


_TEMPLATE = re.compile(r"^\{url\}(?P<between>.*?)\{n\}(?P<after>.*)$")


@cache
def page_style(template: str) -> tuple[str | None, re.Pattern[str] | None]:
    """A paging template read: (its query parameter, None) for `{url}?page={n}`, or
    (None, a pattern of the path with groups `path` and `n`) for a path style; (None,
    None) for a template that is neither (it then pages nothing)."""
    found = _TEMPLATE.match(template)
    if found is None:
        return None, None
    between, after = found["between"], found["after"]
    if between[:1] in ("?", "&") and between.endswith("=") and not after:
        name = between[1:-1]
        return (name, None) if name and "=" not in name and "&" not in name else (None, None)
    if "?" in between or "?" in after or "#" in between + after or not between + after:
        return None, None
    return None, re.compile(
        rf"^(?P<path>/.*?){re.escape(between)}(?P<n>[0-9]{{1,6}}){re.escape(after)}$"
    )


def page_url(template: str, first: str, n: int) -> str:
    """Page `n` of the listing whose first page is `first`, in the template's style."""
    if n <= 1:
        return first
    name, _ = page_style(template)
    if name is not None:
        return f"{first}{'&' if '?' in first else '?'}{name}={n}"
    return template.replace("{url}", first).replace("{n}", str(n))


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


class MemoryFrontier(Frontier):
    """A `Frontier` that lives as long as the run: a bare `scrapy crawl` with the
    pipelines emptied still crawls, without resume and without revisits."""

    def __init__(self) -> None:
        self.entries: dict[int, tuple[str, str | None]] = {}  # id -> (url, category)
        self.in_progress: set[int] = set()
        self.walks: dict[str, Walk] = {}
        self.sitemaps: dict[str, str | None] = {}

    def pending(self) -> list[Pending]:
        return [
            Pending(article_id, url, category)
            for article_id, (url, category) in self.entries.items()
            if article_id not in self.in_progress
        ]

    def revisits(self, since: datetime) -> list[Revisit]:
        return []  # nothing is archived

    def unfinished_walks(self) -> int:
        return sum(not walk.finished for walk in self.walks.values())

    def known(self, ids: Iterable[int]) -> set[int]:
        return {i for i in ids if i in self.entries}

    def archived(self, ids: Iterable[int]) -> set[int]:
        return set()

    def archived_urls(self) -> list[str]:
        return []

    def add(self, entries: Sequence[Listed], category: str | None = None) -> None:
        for entry in entries:
            self.entries.setdefault(entry.article_id, (entry.url, category))

    def started(self, article_ids: Iterable[int]) -> None:
        self.in_progress.update(article_ids)

    def set_validators(
        self, article_id: int, url: str, etag: str | None, last_modified: str | None
    ) -> None:
        pass  # no revisits without an archive

    def walk(self, category: str) -> Walk | None:
        return self.walks.get(category)

    def start_walk(self, category: str, url: str, until: str | None = None) -> Walk:
        walk = self.walks[category] = Walk(category, 1, url, until, False)
        return walk

    def listing_read(
        self,
        category: str,
        page: int,
        entries: Sequence[Listed],
        *,
        new: Sequence[Listed] = (),
        walk_next: tuple[int, str | None] | None = None,
    ) -> None:
        self.add(new, category)
        walk = self.walks.get(category)
        if walk_next is not None and walk is not None:
            next_page, next_url = walk_next
            self.walks[category] = Walk(category, next_page, next_url, walk.until, next_url is None)

    def last_changed(self, ids: Iterable[int]) -> dict[int, str]:
        return {}  # nothing is archived

    def refetch(self, entries: Sequence[Listed]) -> None:
        for entry in entries:
            self.entries[entry.article_id] = (entry.url, None)
            self.in_progress.discard(entry.article_id)

    def sitemaps_read(self) -> dict[str, str | None]:
        return dict(self.sitemaps)

    def sitemap_read(self, url: str, lastmod: str | None) -> None:
        self.sitemaps[url] = lastmod
