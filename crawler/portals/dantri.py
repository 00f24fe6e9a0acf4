"""Dân trí (dantri.com.vn): the 2025 layout (utility classes; `data-slot` marks the
parts), verified on a real page; the earlier `singular-*` layout, unverified."""

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

PORTAL = Portal(
    site="dantri.com.vn",
    name="dantri",
    hosts=("dantri.com.vn", "www.dantri.com.vn"),
    default_start_url="https://dantri.com.vn/",
    layouts=(SLOTS, SINGULAR),
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
    owner="Bộ Lao động - Thương binh và Xã hội (until the 2025 ministry merger)",
)
