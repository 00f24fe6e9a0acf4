"""Báo Công an Nhân dân (cand.com.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="cand.com.vn",
    name="cand",
    hosts=("cand.com.vn", "www.cand.com.vn"),
    default_start_url="https://cand.com.vn/",
    layouts=(),
    # "/<section>/<slug>-i712345/".
    article_id_pattern=r"/[^/]*?-i(?P<id>\d+)/?$",
    sources=(
        Source("home", "https://cand.com.vn/"),
        Source("section", "https://cand.com.vn/thoi-su/", "{url}?trang={n}"),
        Source("rss", "https://cand.com.vn/rss/trang-chu/"),
        Source("sitemap", "https://cand.com.vn/sitemap.xml"),
    ),
    outlet="Báo Công an Nhân dân",
    owner="Bộ Công an",
)
