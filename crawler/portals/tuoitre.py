"""Tuổi Trẻ (tuoitre.vn): the 2020s layout, verified on a real page."""

from __future__ import annotations

from crawler.portals._common import FURNITURE
from crawler.portals.base import Layout, Portal, Source

DETAIL = Layout(
    name="detail-title",
    detect=("h1.detail-title",),
    title=("h1.detail-title",),
    lead=("h2.detail-sapo",),
    date=("div.detail-time", "[data-role=publishdate]"),
    body=("div.detail-content",),
    figure=("figure",),
    figure_caption=("figcaption",),
    tags=(".detail-tab a",),
    byline=(".detail-author-bot", ".author-item-name"),
    furniture=(
        *FURNITURE,
        ".VCObjectBoxRelatedNewsContentWrapper",
        "[type=RelatedOneNews]",
        ".readmore-body-box",
        ".detail__related",
    ),
    listing_links=("h3 a.box-category-link-title", ".box-category-link-title", "nav a"),
)

PORTAL = Portal(
    site="tuoitre.vn",
    name="tuoitre",
    hosts=("tuoitre.vn", "www.tuoitre.vn"),
    default_start_url="https://tuoitre.vn/",
    layouts=(DETAIL,),
    # "/<slug>-20260307075519174.htm": the id is a 17-digit timestamp-like number.
    article_id_pattern=r"/[^/]*?-(?P<id>\d{14,})\.html?$",
    category_pattern=r"^/(?P<category>[a-z0-9-]+)/[^/]+-\d{14,}\.html?$",
    paging="path",
    category_roots=("thoi-su", "the-gioi", "kinh-doanh", "phap-luat", "giao-duc"),
    sources=(
        Source("home", "https://tuoitre.vn/"),
        Source("section", "https://tuoitre.vn/kinh-doanh.htm", "{url}/trang-{n}.htm"),
        Source("rss", "https://tuoitre.vn/rss/tin-moi-nhat.rss"),
        Source("sitemap", "https://tuoitre.vn/sitemap.xml"),
    ),
    outlet="Báo Tuổi Trẻ",
    # The Ho Chi Minh Communist Youth Union of Ho Chi Minh City.
    owner="Thành Đoàn TP.HCM",
)
