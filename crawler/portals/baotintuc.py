"""Báo Tin tức (TTXVN) (baotintuc.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="baotintuc.vn",
    name="baotintuc",
    hosts=("baotintuc.vn", "www.baotintuc.vn"),
    default_start_url="https://baotintuc.vn/",
    layouts=(),
    # "/<section>/<slug>-20250307123456789.htm".
    article_id_pattern=r"/[^/]*?-(?P<id>\d{14,})\.htm$",
    sources=(
        Source("home", "https://baotintuc.vn/"),
        Source("section", "https://baotintuc.vn/thoi-su-472ct0.htm", "{url}?trang={n}"),
        Source("rss", "https://baotintuc.vn/rss.htm"),
        Source("sitemap", "https://baotintuc.vn/sitemap.xml"),
    ),
    outlet="Báo Tin tức (TTXVN)",
    # Thông tấn xã Việt Nam (TTXVN).
    owner="Thông tấn xã Việt Nam",
)
