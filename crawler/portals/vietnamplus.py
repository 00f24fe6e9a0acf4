"""Báo điện tử VietnamPlus (vietnamplus.vn): discovery only
(hosts, article ids, sources); its pages are read by the generic reader.
Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="vietnamplus.vn",
    name="vietnamplus",
    hosts=("vietnamplus.vn", "www.vietnamplus.vn"),
    default_start_url="https://www.vietnamplus.vn/",
    layouts=(),
    # "/<slug>-post1023456.vnp".
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.vnp$",
    sources=(
        Source("home", "https://www.vietnamplus.vn/"),
        Source("section", "https://www.vietnamplus.vn/chinhtri/", "{url}trang{n}.vnp"),
        Source("rss", "https://www.vietnamplus.vn/rss/home.rss"),
        Source("sitemap", "https://www.vietnamplus.vn/sitemap.xml"),
    ),
    outlet="Báo điện tử VietnamPlus",
    # Thông tấn xã Việt Nam (TTXVN).
    owner="Thông tấn xã Việt Nam",
)
