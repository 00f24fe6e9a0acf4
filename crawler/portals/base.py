"""How a portal is declared: selectors per layout version, as data.

A parser never hard-codes a class name; it reads these declarations. A new portal
or a redesign is a new `Layout` (or `Portal`), not new extraction code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extract.urls import (
    ARTICLE_ID_PATTERN,
    CATEGORY_PATTERN,
    article_id_from_url,
    category_from_url,
)

Selectors = tuple[str, ...]


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
    # A byline placed above the body (some new-layout pages).
    byline_top: Selectors = ()
    tags: Selectors = ()
    # Elements inside the article container that are never article text.
    furniture: Selectors = ()
    # Links a spider follows to find more articles (menus, pagers, listing cards).
    listing_links: Selectors = ()


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
    # Leading marks the portal puts on its own leads, e.g. "(TG) - ".
    strip_lead_marks: bool = True
    # How an article's id is read from its URL: a regular expression searched in the
    # path, whose group `id` is the number (the default: "<slug>-<digits>[.html]").
    article_id_pattern: str = ARTICLE_ID_PATTERN
    # How an article URL's category is read: matched against the path (empty segments
    # dropped), group `category` (the default: every segment before the slug).
    category_pattern: str = CATEGORY_PATTERN
    # How a listing pages: "query" (`?page=N`, with these parameter names).
    paging: str = "query"
    pager_params: tuple[str, ...] = ("page", "p")
    # The portal's top-level categories, as its menu lists them.
    category_roots: tuple[str, ...] = field(default=())
    # Category path -> the portal's own (Vietnamese) name, as its menu shows it; what
    # a reader sees in place of the path (vnarchive.browse).
    category_names: tuple[tuple[str, str], ...] = field(default=())
    # Hosts the portal serves its pictures from (a CDN), besides `hosts`: an article's
    # images there are fetched for the archive, but no page there is followed.
    image_hosts: tuple[str, ...] = field(default=())

    @property
    def all_image_hosts(self) -> tuple[str, ...]:
        """Every host whose pictures are the portal's own."""
        return (*self.hosts, *self.image_hosts)

    def article_id(self, url: str) -> int | None:
        return article_id_from_url(url, self.article_id_pattern)

    def category(self, url: str) -> str | None:
        return category_from_url(url, self.category_pattern)
