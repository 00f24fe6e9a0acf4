"""Báo Tiền Phong (tienphong.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="tienphong.vn",
    name="tienphong",
    hosts=("tienphong.vn", "www.tienphong.vn"),
    default_start_url="https://tienphong.vn/",
    layouts=(),
    # "/<slug>-post1712345.tpo".
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.tpo$",
    sources=(
        Source("home", "https://tienphong.vn/"),
        Source("section", "https://tienphong.vn/xa-hoi/", "{url}?page={n}"),
        Source("rss", "https://tienphong.vn/rss/home.rss"),
        Source("sitemap", "https://tienphong.vn/sitemaps/index.xml"),
    ),
    outlet="Báo Tiền Phong",
    owner="Trung ương Đoàn TNCS Hồ Chí Minh",
)
