"""How a portal is declared: selectors per layout version, as data.

A parser never hard-codes a class name; it reads these declarations. A new portal
or a redesign is a new `Layout` (or `Portal`), not new extraction code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from crawler.extract.urls import (
    ARTICLE_ID_PATTERN,
    CATEGORY_PATTERN,
    article_id_from_url,
    category_from_url,
)

Selectors = tuple[str, ...]

# An article-id rule that reads no id: for a portal whose URLs carry no number.
NO_ID = r"(?!)"


@dataclass(frozen=True, slots=True)
class Layout:
    """One layout version of a portal's article and listing pages (CSS selectors)."""

    name: str
    # Any of these matching means the page is this layout's article page.
    detect: Selectors
    title: Selectors
    lead: Selectors
    date: Selectors
    body: Selectors
    # Blocks that hold one picture and its caption, inside or beside the body.
    figure: Selectors = ()
    figure_caption: Selectors = ()
    # The lead image, shown above the body with its caption in a sibling element.
    lead_figure: Selectors = ()
    lead_figure_caption: Selectors = ()
    # True: every picture of a figure block carries its one caption (a photo group
    # under a shared caption); False: the caption is the first picture's.
    shared_caption: bool = False
    # A byline placed above the body (some new-layout pages).
    byline_top: Selectors = ()
    tags: Selectors = ()
    # Elements inside the article container that are never article text.
    furniture: Selectors = ()
    # Links a spider follows to find more articles (menus, pagers, listing cards).
    listing_links: Selectors = ()
    # Any of these matching means the page is this layout's listing (its article cards):
    # a listing then says "not an article" on any host, the replica's too.
    listing_detect: Selectors = ()
    # Per-field hooks where the body walk cannot say it: the byline's elements (each
    # match one line, e.g. one author's name), and the credited source ("Theo ...").
    byline: Selectors = ()
    source: Selectors = ()
    # False: written from public knowledge (another project's declaration, an
    # archived page's description), not yet confirmed by a real page in tests/.
    verified: bool = True


SourceKind = Literal["home", "section", "rss", "sitemap", "news_sitemap"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a crawl finds a portal's articles: a page, a feed or a sitemap."""

    kind: SourceKind
    url: str
    # How a listing pages, as the page-2 URL's pattern ("{url}?page={n}",
    # "{url}-p{n}", "{url}/trang-{n}.htm"); empty for feeds and sitemaps.
    paging: str = ""
    # False: from public knowledge (the outlet's robots.txt, RSS page or another
    # project's configuration as documented), not fetched by this project.
    verified: bool = False


@dataclass(frozen=True, slots=True)
class Portal:
    """A news site: its identity, hosts, the layouts it has had, and its URL rules.

    Everything the crawl and the extractor know of one portal is here, so adding a
    portal is one declaration (and its fixtures), no change elsewhere.
    """

    site: str
    name: str
    hosts: tuple[str, ...]
    default_start_url: str
    layouts: tuple[Layout, ...]
    # How an article's id is read from its URL: a regular expression searched in the
    # path, whose group `id` is the number (the default: "<slug>-<digits>[.html]").
    article_id_pattern: str = ARTICLE_ID_PATTERN
    # How an article URL's category is read: matched against the path (empty segments
    # dropped), group `category` (the default: every segment before the slug).
    category_pattern: str = CATEGORY_PATTERN
    # How a listing pages: "query" (`?page=N`, with these parameter names).
    paging: str = "query"
    pager_params: tuple[str, ...] = ("page", "p")
    # The categories the portal is known to have, as paths, or as (path, the portal's
    # own Vietnamese name as its menu shows it) where the name is known: what a reader
    # sees in place of the path (vnarchive.browse, citations). Declare each category
    # once, in one of the two. The crawl reads other categories too, up to
    # CRAWL_MAX_EXTRA_CATEGORIES a run (crawler/limits.py).
    category_roots: tuple[str, ...] = field(default=())
    category_names: tuple[tuple[str, str], ...] = field(default=())
    # Hosts the portal serves its pictures from (a CDN), besides `hosts`: an article's
    # images there are fetched for the archive, but no page there is followed.
    image_hosts: tuple[str, ...] = field(default=())

    # The mark the outlet puts before its own leads ("(TG) - ", "(Dân trí) - "),
    # a regular expression matched at the lead's start; empty: none.
    lead_mark: str = ""
    # Discovery: home, section listings with their paging, feeds, sitemaps.
    sources: tuple[Source, ...] = ()
    # For citations: the outlet's own name and who publishes it (its governing body,
    # as public knowledge had it when declared: check the imprint before citing). CSL
    # `container-title` and `publisher`.
    outlet: str = ""
    owner: str = ""

    @property
    def status(self) -> str:
        """ "full": its layouts are declared; "discovery": found by it, read generically."""
        return "full" if self.layouts else "discovery"

    def strip_lead_mark(self, lead: str) -> str:
        """The lead without the outlet's leading mark (repeated marks too)."""
        if not self.lead_mark:
            return lead
        pattern = _lead_mark(self.lead_mark)
        previous = None
        while previous != lead:
            previous, lead = lead, pattern.sub("", lead, count=1)
        return lead

    @property
    def all_image_hosts(self) -> tuple[str, ...]:
        """Every host whose pictures are the portal's own."""
        return (*self.hosts, *self.image_hosts)

    def article_id(self, url: str) -> int | None:
        return article_id_from_url(url, self.article_id_pattern)

    def category(self, url: str) -> str | None:
        return category_from_url(url, self.category_pattern)

    @property
    def known_categories(self) -> tuple[str, ...]:
        return self.category_roots + tuple(path for path, _ in self.category_names)

    def category_name(self, path: str | None) -> str | None:
        """The portal's own name for a category path, if it declares one."""
        return dict(self.category_names).get(path or "")


@cache
def _lead_mark(mark: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{mark})\s*")
