"""What both layouts share: escaping, body paragraphs, menus, boxes, forms, footer text.

Everything the portal shows around an article (hotline, "Gửi cho bạn bè", "Phản hồi",
the feedback form, "Xem nhiều nhất") is furniture: never article text, but present on
every page, exactly so a parser has to tell the two apart.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote_plus

from replica.categories import CATEGORY_NAMES, TOP_CATEGORIES, children
from replica.model import Paragraph, ReplicaArticle
from replica.paths import CANONICAL_ORIGIN

HOTLINE = "Hotline: 08045542 - 08045075"
SITE_NAME = "Tạp chí Tuyên giáo"
PAGE_SIZE = 20
# Searches the header links to: /tim-kiem is an endless trap that robots.txt forbids.
HOT_SEARCHES = ("Đại hội XIII", "chuyển đổi số", "học tập và làm theo Bác")
FOOTER_LINES = (
    "Tạp chí Tuyên giáo - Cơ quan của Ban Tuyên giáo Trung ương",
    "Giấy phép số 1099/GP-BTTTT do Bộ Thông tin và Truyền thông cấp",
    "Địa chỉ: Số 2 Nguyễn Thượng Hiền, quận Hai Bà Trưng, Hà Nội",
    "Ghi rõ nguồn “Tạp chí Tuyên giáo” khi phát hành lại thông tin từ website này.",
)
_STYLE_TAGS = {"em": "em", "strong": "strong"}


def esc(text: str) -> str:
    """Every text and attribute value goes through here: html.escape with quotes."""
    return html.escape(text, quote=True)


def search_href(query: str, page: int | None = None) -> str:
    suffix = f"&p={page}" if page else ""
    return f"/tim-kiem?q={quote_plus(query)}{suffix}"


def runs_html(paragraph: Paragraph) -> str:
    parts = []
    for text, style in paragraph:
        tag = _STYLE_TAGS.get(style)
        parts.append(f"<{tag}>{esc(text)}</{tag}>" if tag else esc(text))
    return "".join(parts)


def body_paragraphs(article: ReplicaArticle) -> list[str]:
    """`<p>` of each body paragraph; the official marker ends the last one."""
    out = [f"<p>{runs_html(p)}</p>" for p in article.paragraphs]
    if out and article.marker:
        out[-1] = out[-1][: -len("</p>")] + esc(article.marker) + "</p>"
    return out


def byline_paragraphs(article: ReplicaArticle) -> list[str]:
    """The byline as the portal writes it: last paragraphs, bold, right-aligned."""
    return [
        f'<p style="text-align: right;"><strong>{esc(line)}</strong></p>'
        for line in article.byline_lines
    ]


def lead_html(article: ReplicaArticle) -> str:
    """The sapo with the portal's mark; a lead that broke lines keeps its <br>."""
    if not article.lead_lines:
        return ""
    mark = esc(article.tg_mark or "")
    return mark + "<br>\n".join(esc(line) for line in article.lead_lines)


def menu_entries() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(path, name, [(sub path, sub name)]) for the category menu."""
    return [
        (f"/{top}", CATEGORY_NAMES[top], [(f"/{c}", CATEGORY_NAMES[c]) for c in children(top)])
        for top in TOP_CATEGORIES
    ]


def breadcrumb(category: str) -> list[tuple[str, str]]:
    parts = category.split("/")
    paths = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return [(f"/{p}", CATEGORY_NAMES.get(p, p)) for p in paths]


def feedback_form(prefix: str) -> str:
    """The reader feedback form under every article (posting is not served)."""
    return f"""<div class="{prefix}feedback" id="feedback">
<div class="{prefix}feedback-title">Thông tin người gửi phản hồi</div>
<form action="/phan-hoi" method="post">
<label>Họ và tên <input type="text" name="fullname"></label>
<label>Email <input type="email" name="email"></label>
<label>Nội dung <textarea name="content" rows="5"></textarea></label>
<input type="submit" value="Gửi phản hồi">
</form>
</div>"""


def share_links(article: ReplicaArticle) -> str:
    canonical = esc(CANONICAL_ORIGIN + article.path)
    return (
        f'<a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={canonical}"'
        ' rel="nofollow">Facebook</a> '
        '<a class="share-print" href="javascript:window.print()">In bài</a> '
        '<a class="send-friend" href="#send">Gửi cho bạn bè</a> '
        '<a class="send-feedback" href="#feedback">Phản hồi</a>'
    )


def json_ld(article: ReplicaArticle) -> str:
    """A NewsArticle block (new layout), safe to embed: `<` never appears raw."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "mainEntityOfPage": CANONICAL_ORIGIN + article.path,
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def page_window(page: int, last: int) -> range:
    return range(max(1, page - 2), min(last, page + 2) + 1)
