"""VnExpress (vnexpress.net): the 2020s layout, verified on a real page; the 2012-2018
layout from public descriptions of its markup (fundus' VnExpress parser reads
`h1.title-detail`, `p.description`, `article.fck_detail`), unverified."""

from __future__ import annotations

from crawler.portals._common import FURNITURE
from crawler.portals.base import Layout, Portal, Source

_FURNITURE = (
    *FURNITURE,
    ".box_embed_video",
    ".box-tinlienquanv2",
    ".list-news",
    ".box_brief_info",
    "#article-end",
)

# tests/fixtures/portals/vnexpress/ (2026).
DETAIL = Layout(
    name="title-detail",
    detect=("h1.title-detail",),
    title=("h1.title-detail",),
    lead=("p.description",),
    date=("span.date",),
    body=("article.fck_detail",),
    figure=("figure",),
    figure_caption=("figcaption",),
    tags=(".tags h4 a", ".tags a"),
    furniture=_FURNITURE,
    listing_links=("h3.title-news a", "h2.title-news a", ".pagination a", "nav.main-nav a"),
)

# About 2018-2019, as public crawlers select it (`h1.title_news_detail`,
# `p.description`, `article.content_detail`, `span.time`). Unverified.
DETAIL_2018 = Layout(
    name="title_news_detail",
    detect=("h1.title_news_detail",),
    title=("h1.title_news_detail",),
    lead=("p.description",),
    date=("span.time",),
    body=("article.content_detail",),
    figure=("table.tplCaption", "figure"),
    figure_caption=("p.Image", "figcaption"),
    tags=(".tags a",),
    furniture=_FURNITURE,
    listing_links=("h3.title_news a", "#pagination a"),
    verified=False,
)

# The design of about 2012-2018: `div.title_news h1`, `h3.short_intro`, a
# `div.block_timer` date line ("Thứ hai, 17/12/2012 | 09:05 GMT+7"). Unverified.
LEGACY = Layout(
    name="title_news",
    detect=("div.title_news h1",),
    title=("div.title_news h1",),
    lead=("h3.short_intro", ".short_intro"),
    date=("div.block_timer", ".block_timer"),
    body=("div.fck_detail", "#left_calculator .fck_detail"),
    figure=("table.tplCaption",),
    figure_caption=("p.Image", "td p"),
    tags=(".block_tag a",),
    furniture=_FURNITURE,
    listing_links=(".title_news a", "#pagination a"),
    verified=False,
)

PORTAL = Portal(
    site="vnexpress.net",
    name="vnexpress",
    hosts=("vnexpress.net", "www.vnexpress.net"),
    default_start_url="https://vnexpress.net/",
    layouts=(DETAIL, DETAIL_2018, LEGACY),
    # "/<slug>-5047363.html": the id is the number before ".html".
    article_id_pattern=r"/[^/]*?-(?P<id>\d{5,})\.html$",
    # Article URLs carry no category (the breadcrumb does): sections are listings.
    category_pattern=r"^/(?P<category>[a-z0-9-]+)/[^/]+-\d{5,}\.html$",
    paging="path",
    category_roots=("thoi-su", "the-gioi", "kinh-doanh", "khoa-hoc", "giai-tri", "the-thao"),
    sources=(
        Source("home", "https://vnexpress.net/"),
        Source("section", "https://vnexpress.net/kinh-doanh", "{url}-p{n}"),
        Source("rss", "https://vnexpress.net/rss/tin-moi-nhat.rss"),
        Source("sitemap", "https://vnexpress.net/sitemap.xml"),
        Source("news_sitemap", "https://vnexpress.net/google-news-sitemap.xml"),
    ),
    outlet="Báo VnExpress",
    # VnExpress is run by FPT Online under the Ministry of Science and Technology.
    owner="Bộ Khoa học và Công nghệ",
)
