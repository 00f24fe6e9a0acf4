"""Báo Nhân Dân (nhandan.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="nhandan.vn",
    name="nhandan",
    hosts=("nhandan.vn", "www.nhandan.vn"),
    default_start_url="https://nhandan.vn/",
    layouts=(),
    # "/<slug>-post812345.html".
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.html$",
    sources=(
        Source("home", "https://nhandan.vn/"),
        Source("section", "https://nhandan.vn/chinhtri/", "{url}?page={n}"),
        Source("rss", "https://nhandan.vn/rss/home.rss"),
        Source("sitemap", "https://nhandan.vn/sitemaps/index.xml"),
    ),
    outlet="Báo Nhân Dân",
    # Nhân Dân is the Party Central Committee's central organ.
    owner="Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam",
)
