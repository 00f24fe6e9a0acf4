"""Báo Sài Gòn Giải Phóng (sggp.org.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="sggp.org.vn",
    name="sggp",
    hosts=("sggp.org.vn", "www.sggp.org.vn"),
    default_start_url="https://www.sggp.org.vn/",
    layouts=(),
    # "/<slug>-post781234.html".
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.html$",
    sources=(
        Source("home", "https://www.sggp.org.vn/"),
        Source("section", "https://www.sggp.org.vn/chinhtri/", "{url}?page={n}"),
        Source("rss", "https://www.sggp.org.vn/rss/home.rss"),
        Source("sitemap", "https://www.sggp.org.vn/sitemaps/index.xml"),
    ),
    outlet="Báo Sài Gòn Giải Phóng",
    # Sài Gòn Giải Phóng is the organ of the city's Party committee (Đảng bộ TP.HCM).
    owner="Thành ủy TP.HCM",
)
