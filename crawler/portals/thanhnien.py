"""Báo Thanh Niên (thanhnien.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="thanhnien.vn",
    name="thanhnien",
    hosts=("thanhnien.vn", "www.thanhnien.vn"),
    default_start_url="https://thanhnien.vn/",
    layouts=(),
    # "/<slug>-185250307123456789.htm".
    article_id_pattern=r"/[^/]*?-(?P<id>\d{9,})\.html?$",
    sources=(
        Source("home", "https://thanhnien.vn/"),
        Source("section", "https://thanhnien.vn/thoi-su.htm", "{url}/trang-{n}.htm"),
        Source("rss", "https://thanhnien.vn/rss/home.rss"),
        Source("sitemap", "https://thanhnien.vn/sitemap.xml"),
    ),
    outlet="Báo Thanh Niên",
    owner="Hội Liên hiệp Thanh niên Việt Nam",
)
