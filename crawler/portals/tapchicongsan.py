"""Tạp chí Cộng sản (tapchicongsan.org.vn): discovery only
(hosts, article ids, sources); its pages are read by the generic reader.
Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="tapchicongsan.org.vn",
    name="tapchicongsan",
    hosts=("tapchicongsan.org.vn", "www.tapchicongsan.org.vn"),
    default_start_url="https://www.tapchicongsan.org.vn/",
    layouts=(),
    # "/web/guest/<section>/-/2018/812345/<slug>.aspx".
    article_id_pattern=r"/-/\d{4}/(?P<id>\d+)/",
    sources=(
        Source("home", "https://www.tapchicongsan.org.vn/"),
        Source("rss", "https://www.tapchicongsan.org.vn/web/guest/rss"),
        Source("sitemap", "https://www.tapchicongsan.org.vn/sitemap.xml"),
    ),
    outlet="Tạp chí Cộng sản",
    owner="Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam",
)
