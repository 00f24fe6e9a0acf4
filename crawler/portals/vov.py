"""Báo điện tử VOV (vov.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="vov.vn",
    name="vov",
    hosts=("vov.vn", "www.vov.vn"),
    default_start_url="https://vov.vn/",
    layouts=(),
    # "/xa-hoi/<slug>-post1123456.vov".
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.vov$",
    sources=(
        Source("home", "https://vov.vn/"),
        Source("section", "https://vov.vn/chinh-tri", "{url}?page={n}"),
        Source("rss", "https://vov.vn/rss/tin-moi-nhat.rss"),
        Source("sitemap", "https://vov.vn/sitemap.xml"),
    ),
    outlet="Báo điện tử VOV",
    # Voice of Vietnam.
    owner="Đài Tiếng nói Việt Nam",
)
