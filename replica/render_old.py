"""The old layout (2014-2021): the classes PORTAL.md documents for the old site.

Article: div.zonepage-l > div.storydetail with span.story_headline, span.story_date,
div.story_teaser, div.story_avatar_b, div.story_body#ArticleContent, table.tbl-image.
Listing: div.zonepage-l h4 a, pager div.datapager (span.active, a?p=N).
"""

from __future__ import annotations

from replica.captions import caption_html
from replica.categories import category_name
from replica.dates import old_date_text, today_text
from replica.furniture import (
    FOOTER_LINES,
    HOT_SEARCHES,
    HOTLINE,
    SITE_NAME,
    body_paragraphs,
    breadcrumb,
    byline_paragraphs,
    esc,
    feedback_form,
    lead_html,
    menu_entries,
    page_window,
    search_href,
    share_links,
)
from replica.model import ArticleImage, ReplicaArticle
from replica.paths import CANONICAL_ORIGIN
from replica.site import Entry, Site


def _page(site: Site, title: str, main: str, *, head: str = "") -> str:
    menu = []
    for path, name, subs in menu_entries():
        sub = "".join(f'<li><a href="{p}">{esc(n)}</a></li>' for p, n in subs)
        sub_html = f'<ul class="submenu">{sub}</ul>' if sub else ""
        menu.append(f'<li><a href="{path}">{esc(name)}</a>{sub_html}</li>')
    hot = " ".join(f'<a href="{esc(search_href(q))}">{esc(q)}</a>' for q in HOT_SEARCHES)
    most_read = "".join(f'<li><a href="{e.path}">{esc(e.title)}</a></li>' for e in site.most_read())
    footer = "".join(f"<p>{esc(line)}</p>" for line in FOOTER_LINES)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="vi">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(title)}</title>
{head}<link href="/Styles/style.css" rel="stylesheet" type="text/css" />
<script type="text/javascript">
var _zone = "tuyengiao"; var _today = "{site.today.isoformat()}";
</script>
</head>
<body>
<div id="wrapper">
<div class="header">
<div class="header_top"><span class="header_date">{today_text(site.today)}</span>
<span class="header_hotline">{HOTLINE}</span>
<form class="header_search" action="/tim-kiem" method="get">
<input type="text" name="q" /><input type="submit" value="Tìm kiếm" /></form>
<span class="header_hot">Tìm nhiều: {hot}</span></div>
<div class="header_logo"><a href="/"><img src="/images/logo.png" alt="{SITE_NAME}" /></a></div>
<ul class="menu"><li class="home"><a href="/">Trang chủ</a></li>{"".join(menu)}</ul>
</div>
<div class="container">
<div class="zonepage-l">
{main}
</div>
<div class="zonepage-r">
<div class="box_mostview"><div class="title_box">Xem nhiều nhất</div><ul>{most_read}</ul></div>
<div class="box_banner"><a href="/tu-lieu">
<img src="/images/banner-tu-lieu.jpg" alt="Tư liệu" /></a></div>
</div>
</div>
<div class="footer">{footer}<p><a href="/admin/login">Quản trị</a></p></div>
</div>
</body>
</html>
"""


def _image_table(image: ArticleImage) -> str:
    caption = caption_html(image.caption, image.credit, image.credit_style)
    desc = f'<tr><td class="td-image-desc">{caption}</td></tr>' if caption else ""
    return (
        '<table class="tbl-image" align="center" border="0" cellpadding="3" cellspacing="0">'
        f'<tr><td><img src="{esc(image.path)}" alt="" /></td></tr>{desc}</table>'
    )


def _body(article: ReplicaArticle) -> str:
    paragraphs = body_paragraphs(article)
    inline = article.inline_images()
    out: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        out += [_image_table(i) for i in inline if i.position == index]
        out.append(paragraph)
    out += [_image_table(i) for i in inline if i.position >= len(paragraphs)]
    if article.trailing_blank:
        out.append("<p>&nbsp;</p>")
    out += byline_paragraphs(article)
    return "\n".join(out)


def render_article(site: Site, article: ReplicaArticle) -> str:
    crumbs = " » ".join(f'<a href="{p}">{esc(n)}</a>' for p, n in breadcrumb(article.category))
    lead_image = article.lead_image()
    avatar = ""
    if lead_image:
        caption = caption_html(lead_image.caption, lead_image.credit, lead_image.credit_style)
        avatar = (
            '<div class="story_avatar_b">'
            f'<img src="{esc(lead_image.path)}" alt="{esc(article.title)}" />'
            f"<span>{caption}</span></div>"
        )
    tags = ""
    if article.tags:
        links = ", ".join(f'<a href="{esc(search_href(t))}">{esc(t)}</a>' for t in article.tags)
        tags = f'<div class="story_tags"><span class="tags_label">Từ khóa:</span> {links}</div>'
    related = "".join(
        f'<li><a href="{esc(href)}">{esc(e.title)}</a> <span>({e.published:%d/%m/%Y})</span></li>'
        for e, href in site.related(article.article_id)
    )
    main = f"""<div class="breadcrumb">{crumbs}</div>
<div class="storydetail">
<div class="story_head"><span class="story_headline">{esc(article.title)}</span></div>
<div class="story_tools"><span class="story_date">{old_date_text(article.published)}</span>
<div class="story_share">{share_links(article)}</div></div>
<div class="story_teaser">{lead_html(article)}</div>
{avatar}
<div class="story_body" id="ArticleContent">
{_body(article)}
</div>
{tags}
<div class="story_function"><a href="#send" class="send_friend">Gửi cho bạn bè</a>
<a href="#feedback" class="feedback_link">Phản hồi</a>
<a href="javascript:window.print()">In bài</a></div>
{feedback_form("story_")}
</div>
<div class="story_other"><div class="title_box">Các tin khác</div><ul>{related}</ul></div>"""
    canonical = esc(CANONICAL_ORIGIN + article.path)
    head = (
        f'<meta name="description" content="{esc(article.lead or article.title)}" />\n'
        f'<meta property="og:title" content="{esc(article.title)}" />\n'
        '<meta property="og:type" content="article" />\n'
        f'<meta property="og:url" content="{canonical}" />\n'
        f'<link rel="canonical" href="{canonical}" />\n'
    )
    return _page(site, article.title, main, head=head)


def _item(site: Site, entry: Entry) -> str:
    article = site.article(entry.article_id)
    thumb = ""
    images = article.images_in_page_order() if article else []
    if images:
        thumb = (
            f'<a class="story_thumb" href="{entry.path}">'
            f'<img src="{esc(images[0].path)}" alt="" /></a>'
        )
    teaser = esc(article.lead or "") if article else ""
    return (
        f'<div class="story_item">{thumb}<h4><a href="{entry.path}">{esc(entry.title)}</a></h4>'
        f'<span class="list_date">{old_date_text(entry.published)}</span>'
        f'<p class="story_sapo">{teaser}</p></div>'
    )


def _pager(base: str, page: int, last: int) -> str:
    def href(n: int) -> str:
        return base if n == 1 else f"{base}?p={n}"

    parts = [f'<a class="prev" href="{href(page - 1)}">«</a>'] if page > 1 else []
    for n in page_window(page, last):
        parts.append(
            f'<span class="active">{n}</span>' if n == page else f'<a href="{href(n)}">{n}</a>'
        )
    if page < last:
        parts.append(f'<a class="next" href="{href(page + 1)}">»</a>')
    return f'<div class="datapager">{" ".join(parts)}</div>'


def render_listing(site: Site, category: str, entries: list[Entry], page: int, last: int) -> str:
    items = "\n".join(_item(site, e) for e in entries)
    name = category_name(category)
    main = (
        f'<div class="zone_title"><h1><a href="/{category}">{esc(name)}</a></h1></div>\n'
        f'<div class="story_list">\n{items}\n</div>\n{_pager("/" + category, page, last)}'
    )
    title = f"{name} - Trang {page}" if page > 1 else name
    return _page(site, f"{title} - {SITE_NAME}", main)


def render_home(site: Site) -> str:
    items = "\n".join(_item(site, e) for e in site.newest(10))
    zones = "".join(f'<li><a href="{p}">{esc(n)}</a></li>' for p, n, _subs in menu_entries())
    main = (
        f'<div class="zone_title"><h1>Tin mới</h1></div>\n<div class="story_list">\n{items}\n</div>'
        f'\n<div class="zone_links"><ul>{zones}</ul></div>'
    )
    return _page(site, SITE_NAME, main)


def render_search(site: Site, query: str, page: int) -> str:
    """An endless search: always a next page and a longer query (robots.txt forbids it)."""
    items = "\n".join(_item(site, e) for e in site.newest(5))
    more = search_href(query, page + 1)
    wider = search_href(f"{query} {page}")
    main = (
        f'<div class="zone_title"><h1>Kết quả tìm kiếm: {esc(query)}</h1></div>\n'
        f'<div class="story_list">\n{items}\n</div>\n<div class="datapager">'
        f'<span class="active">{page}</span> <a href="{esc(more)}">{page + 1}</a> '
        f'<a href="{esc(wider)}">Tìm thêm</a></div>'
    )
    return _page(site, f"Tìm kiếm - {SITE_NAME}", main)


def render_not_found(site: Site) -> str:
    main = (
        '<div class="notfound"><h1>Không tìm thấy trang</h1>'
        "<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p>"
        '<p><a href="/">Về trang chủ</a></p></div>'
    )
    return _page(site, f"Không tìm thấy trang - {SITE_NAME}", main)
