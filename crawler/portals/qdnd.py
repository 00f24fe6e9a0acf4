"""Báo Quân đội Nhân dân (qdnd.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="qdnd.vn",
    name="qdnd",
    hosts=("qdnd.vn", "www.qdnd.vn"),
    default_start_url="https://www.qdnd.vn/",
    layouts=(),
    # "/chinh-tri/tin-tuc/<slug>-812345" (with or without "post", ".html").
    article_id_pattern=r"/[^/]*?-(?:post)?(?P<id>\d{5,})(?:\.html?)?/?$",
    sources=(
        Source("home", "https://www.qdnd.vn/"),
        Source("section", "https://www.qdnd.vn/chinh-tri", "{url}/p/{n}"),
        Source("rss", "https://www.qdnd.vn/rss/cate/chinh-tri.rss"),
        Source("sitemap", "https://www.qdnd.vn/sitemap.xml"),
    ),
    outlet="Báo Quân đội Nhân dân",
    owner="Quân ủy Trung ương và Bộ Quốc phòng",
)
