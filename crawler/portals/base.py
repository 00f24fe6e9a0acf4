"""How a portal is declared: selectors per layout version, as data.

A parser never hard-codes a class name; it reads these declarations. A new portal
or a redesign is a new `Layout` (or `Portal`), not new extraction code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    """A news site: its identity, hosts, and the layouts it has had."""

    site: str
    name: str
    hosts: tuple[str, ...]
    default_start_url: str
    layouts: tuple[Layout, ...]
    # Leading marks the portal puts on its own leads, e.g. "(TG) - ".
    strip_lead_marks: bool = True
    # Query parameters that page through a listing.
    pager_params: tuple[str, ...] = ("page", "p")
    category_roots: tuple[str, ...] = field(default=())
    # How citations name the outlet and its owner (CSL `container-title`, `publisher`).
    outlet_name: str = ""
    publisher: str = ""
    # Category path -> the name the portal shows for it (CSL `section`, browse labels).
    category_names: Mapping[str, str] = field(default_factory=dict, hash=False)
