"""VietnamNet (vietnamnet.vn): the 2020s layout, verified on a real page."""

from __future__ import annotations

from crawler.portals._common import FURNITURE
from crawler.portals.base import Layout, Portal, Source

DETAIL = Layout(
    name="content-detail",
    detect=("h1.content-detail-title",),
    title=("h1.content-detail-title",),
    lead=("h2.content-detail-sapo",),
    date=("div.publish-date", ".bread-crumb-detail__time"),
    body=("div.maincontent",),
    figure=("figure",),
    figure_caption=("figcaption",),
    tags=(".tag-cotnent a", ".tag-content a"),
    byline=(".article-detail-author__info a", ".article-detail-author__info"),
    furniture=(*FURNITURE, ".article-relate", ".related-news", ".insert-wiki-content"),
    listing_links=("h3 a", ".pagination a", "nav a"),
)

PORTAL = Portal(
    site="vietnamnet.vn",
    name="vietnamnet",
    hosts=("vietnamnet.vn", "www.vietnamnet.vn"),
    default_start_url="https://vietnamnet.vn/",
    layouts=(DETAIL,),
    # "/<slug>-2495349.html"; older URLs "/vn/<section>/<slug>-123456.html" alike.
    article_id_pattern=r"/[^/]*?-(?P<id>\d{5,})\.html$",
    paging="path",
    category_roots=("thoi-su", "kinh-doanh", "the-gioi", "giao-duc"),
    sources=(
        Source("home", "https://vietnamnet.vn/"),
        Source("section", "https://vietnamnet.vn/kinh-doanh", "{url}-page{n}"),
        Source("rss", "https://vietnamnet.vn/rss/tin-moi-nhat.rss"),
        Source("sitemap", "https://vietnamnet.vn/sitemap.xml"),
    ),
    outlet="Báo VietNamNet",
    # The ministry that governed VietnamNet until the 2025 ministry merger.
    owner="Bộ Thông tin và Truyền thông",
)
