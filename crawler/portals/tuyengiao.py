"""tuyengiao.vn, as PORTAL.md describes it: the 2014–2021 layout and the 2022 redesign."""

from __future__ import annotations

from crawler.portals.base import Layout, Portal, Source

# Shared by both layouts: the seed page's furniture, which must never reach the text.
_FURNITURE = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    ".sharebar",
    ".share-bar",
    ".social",
    ".related",
    ".related-news",
    ".relate",
    ".feedback",
    ".mostread",
    ".most-read",
    ".story_tools_bottom",
    ".story-tools-bottom",
    ".hotline",
)

OLD = Layout(
    name="old",
    detect=("div.storydetail span.story_headline", "span.story_headline"),
    title=("span.story_headline", "div.story_head h1"),
    lead=(".story_teaser",),
    date=("span.story_date", "div.story_tools .story_date"),
    body=(".story_body", "#ArticleContent"),
    figure=("table.tbl-image",),
    figure_caption=("td.td-image-desc",),
    lead_figure=(".story_avatar_b",),
    lead_figure_caption=(".story_avatar_b span",),
    tags=(".story_tags a", ".tags a"),
    furniture=_FURNITURE,
    listing_links=("div.zonepage-l h4 a", "div.datapager a", ".menu a", "#menu a", "nav a"),
    listing_detect=("div.zonepage-l h4 a",),
)

NEW = Layout(
    name="new",
    detect=("h1.story-headline",),
    title=("h1.story-headline",),
    lead=("div.story-teaser",),
    date=("div.ml-lg-auto", ".story-meta time"),
    body=("div.story-body",),
    figure=("table.picture",),
    figure_caption=("td.caption",),
    byline_top=("div.story-author", ".story-meta .author"),
    tags=(".story-tags a",),
    furniture=_FURNITURE,
    listing_links=(".story-title a", "ul.pagination a", "nav a", ".menu a"),
    listing_detect=(".story-title a",),
)

# The redesign mock-up's class names: a parser must not depend on one class name alone.
MOCKUP = Layout(
    name="mockup",
    detect=(".article__title",),
    title=(".article__title",),
    lead=(".article__sapo",),
    date=(".article__meta time",),
    body=(".article__body",),
    figure=("figure", "table.picture"),
    figure_caption=("figcaption", "td.caption"),
    byline_top=(".article__author",),
    tags=(".article__tag a", ".article__tag"),
    furniture=_FURNITURE,
    listing_links=("nav a",),
)

TUYENGIAO = Portal(
    site="tuyengiao.vn",
    name="tuyengiao",
    hosts=("tuyengiao.vn", "www.tuyengiao.vn"),
    default_start_url="https://www.tuyengiao.vn/",
    layouts=(OLD, NEW, MOCKUP),
    lead_mark=r"\(\s*TG\s*\)\s*[-–—:]?",
    sources=(
        Source("home", "https://www.tuyengiao.vn/", verified=True),
        # PORTAL.md: "https://www.tuyengiao.vn/<category>?page=N"; the replica serves it.
        Source("section", "https://www.tuyengiao.vn/thoi-su", "{url}?page={n}", verified=True),
    ),
    # The masthead reads "Tuyên giáo"; the owner is the Party's Central Propaganda
    # Commission (PORTAL.md), merged in 2025 into the Central Propaganda and Mass
    # Mobilization Commission: the name it had when the archived articles appeared.
    outlet="Tuyên giáo",
    owner="Ban Tuyên giáo Trung ương",
    # The 2022 layout's lazy loader reads old uploads from here (PORTAL.md).
    image_hosts=("cdn.tuyengiao.vn",),
    # The menu of the real site (PORTAL.md), in its order.
    category_names=(
        ("thoi-su", "Thời sự"),
        ("thoi-su-chinh-tri", "Thời sự chính trị"),
        ("nhip-cau-tuyen-giao", "Nhịp cầu Tuyên giáo"),
        ("nhip-cau-tuyen-giao/ban-tuyen-giao-tw", "Ban Tuyên giáo Trung ương"),
        ("nhip-cau-tuyen-giao/tuyen-giao-cac-cap", "Tuyên giáo các cấp"),
        ("theo-guong-bac", "Theo gương Bác"),
        ("hoc-va-lam-theo-bac", "Học và làm theo Bác"),
        ("bao-ve-nen-tang-tu-tuong-cua-dang", "Bảo vệ nền tảng tư tưởng của Đảng"),
        ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
        ("khoa-giao", "Khoa giáo"),
        ("kinh-te", "Kinh tế"),
        ("the-gioi", "Thế giới"),
        ("tu-lieu", "Tư liệu"),
    ),
)

PORTAL = TUYENGIAO
