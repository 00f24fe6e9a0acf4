"""CafeF (cafef.vn): the 2020s layout, verified on a real page."""

from __future__ import annotations

from crawler.portals._common import FURNITURE
from crawler.portals.base import Layout, Portal, Source

DETAIL = Layout(
    name="totalcontentdetail",
    detect=("h1.title[data-role=title]", "div.totalcontentdetail h1.title"),
    title=("h1.title",),
    lead=("h2.sapo",),
    date=("span.pdate", "p.dateandcat"),
    body=("div.detail-content",),
    figure=("figure",),
    figure_caption=("figcaption",),
    # The cover picture, above the sapo, without a caption.
    lead_figure=("div.media[class*=VCSortableInPreviewMode]",),
    lead_figure_caption=("figcaption",),
    tags=(".row2 a", ".tagdetail a"),
    byline=("p.author",),
    source=("p.source", ".link-source-text-name"),
    furniture=(*FURNITURE, ".tindnd", ".h-show-pc", ".h-show-mobile", ".link-source-wrapper"),
    listing_links=("h3 a", ".pagination a", "nav a"),
)

PORTAL = Portal(
    site="cafef.vn",
    name="cafef",
    hosts=("cafef.vn", "www.cafef.vn"),
    default_start_url="https://cafef.vn/",
    layouts=(DETAIL,),
    # "/<slug>-18826030622484142.chn".
    article_id_pattern=r"/[^/]*?-(?P<id>\d{8,})\.chn$",
    paging="path",
    category_roots=("thi-truong-chung-khoan.chn", "bat-dong-san.chn", "doanh-nghiep.chn"),
    sources=(
        Source("home", "https://cafef.vn/"),
        Source("section", "https://cafef.vn/thi-truong-chung-khoan.chn", "{url}/trang-{n}.chn"),
        Source("rss", "https://cafef.vn/thi-truong-chung-khoan.rss"),
        Source("sitemap", "https://cafef.vn/sitemap.xml"),
    ),
    outlet="CafeF",
    # CafeF is operated by VCCorp; a citation names the company alone.
    owner="Công ty Cổ phần VCCorp",
)
