"""Báo Lao Động (laodong.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="laodong.vn",
    name="laodong",
    hosts=("laodong.vn", "www.laodong.vn"),
    default_start_url="https://laodong.vn/",
    layouts=(),
    # "/xa-hoi/<slug>-1234567.ldo".
    article_id_pattern=r"/[^/]*?-(?P<id>\d+)\.ldo$",
    sources=(
        Source("home", "https://laodong.vn/"),
        Source("section", "https://laodong.vn/thoi-su", "{url}?page={n}"),
        Source("rss", "https://laodong.vn/rss/home.rss"),
        Source("sitemap", "https://laodong.vn/sitemap.xml"),
    ),
    outlet="Báo Lao Động",
    owner="Tổng Liên đoàn Lao động Việt Nam",
)
