"""VTV (Báo điện tử VTV News) (vtv.vn): discovery only (hosts, article ids, sources); its pages are
read by the generic reader. Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import Portal, Source

PORTAL = Portal(
    site="vtv.vn",
    name="vtv",
    hosts=("vtv.vn", "www.vtv.vn"),
    default_start_url="https://vtv.vn/",
    layouts=(),
    # "/<section>/<slug>-20250307123456789.htm".
    article_id_pattern=r"/[^/]*?-(?P<id>\d{14,})\.htm$",
    sources=(
        Source("home", "https://vtv.vn/"),
        Source("section", "https://vtv.vn/chinh-tri.htm", "{url}/trang-{n}.htm"),
        Source("rss", "https://vtv.vn/rss/home.rss"),
        Source("sitemap", "https://vtv.vn/sitemap.xml"),
    ),
    outlet="VTV (Báo điện tử VTV News)",
    owner="Đài Truyền hình Việt Nam",
)
