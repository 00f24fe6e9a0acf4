"""Dân trí (dantri.com.vn): the 2025 layout (utility classes; `data-slot` marks the
parts), verified on a real page; the earlier `singular-*` and `divNewsContent`
layouts, from public crawlers' selectors, unverified."""

from __future__ import annotations

from crawler.portals._common import FURNITURE
from crawler.portals.base import Layout, Portal, Source

_FURNITURE = (*FURNITURE, "[class*=dantri-widget]", ".article-related", "figure.author-avatar")

SLOTS = Layout(
    name="data-slot",
    detect=("h1[data-slot=title]",),
    title=("h1[data-slot=title]",),
    lead=("[data-slot=sapo]",),
    date=("article[data-slot=container] time", "time[datetime]"),
    body=("[data-slot=content]",),
    figure=("figure",),
    figure_caption=("figcaption",),
    tags=("a[data-content-name=article-tags]",),
    byline=("article[data-slot=container] a[href*='/tac-gia/']",),
    furniture=_FURNITURE,
    listing_links=("h3 a", "nav a", ".pagination a"),
)

# The 2021-2024 layout (`article.singular-container`, `h1.title-page`,
# `h2.singular-sapo`, `div.singular-content`, `time.author-time`). Unverified.
SINGULAR = Layout(
    name="singular",
    detect=("h1.title-page",),
    title=("h1.title-page",),
    lead=("h2.singular-sapo",),
    date=("time.author-time",),
    body=("div.singular-content",),
    figure=("figure",),
    figure_caption=("figcaption",),
    tags=(".tags-wrap a",),
    byline=("div.author-name",),
    furniture=_FURNITURE,
    listing_links=("h3.article-title a", "nav a"),
    verified=False,
)

# About 2014-2018, as public crawlers select it (`h1.fon31`, `div#divNewsContent`, a
# `span.fon7.tt-capitalize` date line). Unverified.
FON31 = Layout(
    name="divNewsContent",
    detect=("h1.fon31",),
    title=("h1.fon31",),
    lead=("h2.fon33", ".sapo"),
    date=("span.fon7.tt-capitalize", "span.fon7"),
    body=("div#divNewsContent",),
    figure=("table.VCSortableInPreviewMode", "figure"),
    figure_caption=("td.PhotoCMS_Caption", "figcaption"),
    tags=(".news-tag a",),
    furniture=_FURNITURE,
    listing_links=("a.fon6", "nav a"),
    verified=False,
)

PORTAL = Portal(
    site="dantri.com.vn",
    name="dantri",
    hosts=("dantri.com.vn", "www.dantri.com.vn"),
    default_start_url="https://dantri.com.vn/",
    layouts=(SLOTS, SINGULAR, FON31),
    # "/kinh-doanh/<slug>-20260307080054340.htm".
    article_id_pattern=r"/[^/]*?-(?P<id>\d{14,})\.html?$",
    paging="path",
    category_roots=("xa-hoi", "the-gioi", "kinh-doanh", "bat-dong-san", "the-thao"),
    lead_mark=r"\(\s*Dân\s*trí\s*\)\s*[-–—:]?",
    sources=(
        Source("home", "https://dantri.com.vn/"),
        Source("section", "https://dantri.com.vn/kinh-doanh.htm", "{url}/trang-{n}.htm"),
        Source("rss", "https://dantri.com.vn/rss/home.rss"),
        Source("sitemap", "https://dantri.com.vn/sitemap.xml"),
    ),
    outlet="Báo điện tử Dân trí",
    # The ministry that governed Dân trí until the 2025 ministry merger.
    owner="Bộ Lao động - Thương binh và Xã hội",
)
