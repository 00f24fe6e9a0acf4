"""Pháp Luật TP.HCM (plo.vn): the 2020s layout, verified on a real page (a photo
story: picture groups share one caption)."""

from __future__ import annotations

from crawler.portals._common import FURNITURE
from crawler.portals.base import Layout, Portal, Source

DETAIL = Layout(
    name="article__title",
    detect=("h1.article__title",),
    title=("h1.article__title",),
    lead=("div.article__sapo",),
    date=("time.article__time",),
    body=("div.article__body",),
    # A picture group (`layout-image-2/3`) shares one caption: the group is one figure.
    figure=("div[class*=layout-image], figure",),
    shared_caption=True,
    figure_caption=("figcaption",),
    lead_figure=("figure.article__avatar",),
    lead_figure_caption=("figcaption",),
    tags=(".article__tag a",),
    byline=(".article__meta .author",),
    furniture=(
        *FURNITURE,
        ".ads_middle",
        ".banner",
        ".article-relate",
        ".related-topic",
        ".article__meta",
    ),
    listing_links=("h2.story__heading a", "h3.story__heading a", ".pagination a", "nav a"),
)

PORTAL = Portal(
    site="plo.vn",
    name="plo",
    hosts=("plo.vn", "www.plo.vn"),
    default_start_url="https://plo.vn/",
    layouts=(DETAIL,),
    # "/<slug>-post874982.html".
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.html$",
    paging="query",
    category_roots=("thoi-su", "phap-luat", "kinh-te", "do-thi"),
    lead_mark=r"\(\s*PLO\s*\)\s*[-–—:]?",
    sources=(
        Source("home", "https://plo.vn/"),
        Source("section", "https://plo.vn/thoi-su/", "{url}?page={n}"),
        Source("rss", "https://plo.vn/rss/home.rss"),
        Source("sitemap", "https://plo.vn/sitemaps/index.xml"),
    ),
    outlet="Báo Pháp Luật TP.HCM",
    # The People's Committee of Ho Chi Minh City.
    owner="Ủy ban Nhân dân TP.HCM",
)
