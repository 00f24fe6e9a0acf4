"""Znews (formerly Zing News) (znews.vn): discovery only
(hosts, article ids, sources); its pages are read by the generic reader.
Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="znews.vn",
    name="znews",
    hosts=("znews.vn", "www.znews.vn", "zingnews.vn", "www.zingnews.vn"),
    default_start_url="https://znews.vn/",
    layouts=(),
    # "/<slug>-post1534567.html" (zingnews.vn before 2023).
    article_id_pattern=r"/[^/]*?-post(?P<id>\d+)\.html$",
    sources=(
        Source("home", "https://znews.vn/"),
        Source("section", "https://znews.vn/thoi-su.html", "{url}/trang{n}.html"),
        Source("rss", "https://znews.vn/rss/home.rss"),
        Source("sitemap", "https://znews.vn/sitemap/sitemap.xml"),
    ),
    outlet="Znews (formerly Zing News)",
    # Znews publishes under the licence of Tạp chí điện tử Tri thức.
    owner="Hội Xuất bản Việt Nam",
)
