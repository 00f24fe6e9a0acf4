"""The new layout (2022 onward): Bootstrap-style markup with structured metadata.

Article: h1.story-headline, div.ml-lg-auto date (`01/04/2022 - 15:28 GMT+7`),
div.story-teaser, div.story-body with table.picture (lazy images: src is a blank gif,
data-src the CDN URL) and td.caption; optional div.story-author above the date.
Head: og:title, canonical, article:published_time and a JSON-LD NewsArticle.
Listing: h3.story-title a cards, ul.pagination with `?page=N` links.
"""

from __future__ import annotations

from replica.captions import caption_html
from replica.categories import category_name
from replica.dates import new_date_text, today_text
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
    json_ld,
    lead_html,
    menu_entries,
    page_window,
    search_href,
    share_links,
)
from replica.model import ArticleImage, ReplicaArticle
from replica.paths import BLANK_GIF, CANONICAL_ORIGIN, cdn_image_url
from replica.site import Entry, Site


def _page(site: Site, title: str, main: str, *, head: str = "") -> str:
    menu = []
    for path, name, subs in menu_entries():
        sub = "".join(f'<a class="dropdown-item" href="{p}">{esc(n)}</a>' for p, n in subs)
        sub_html = f'<div class="dropdown-menu">{sub}</div>' if sub else ""
        menu.append(
            f'<li class="nav-item"><a class="nav-link" href="{path}">{esc(name)}</a>{sub_html}</li>'
        )
    hot = "".join(
        f'<li class="nav-item"><a class="nav-link" href="{esc(search_href(q))}">#{esc(q)}</a></li>'
        for q in HOT_SEARCHES
    )
    most_read = "".join(f'<li><a href="{e.path}">{esc(e.title)}</a></li>' for e in site.most_read())
    footer = "".join(f"<p>{esc(line)}</p>" for line in FOOTER_LINES)
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}<link rel="stylesheet" href="/css/main.min.css">
</head>
<body>
<header class="site-header">
<div class="topbar container d-flex align-items-center">
<time class="today" datetime="{site.today.isoformat()}">{today_text(site.today)}</time>
<span class="hotline ml-3">{HOTLINE}</span>
<ul class="navbar-nav flex-row ml-lg-auto hot-tags">{hot}</ul>
</div>
<div class="container"><a class="logo" href="/">
<img src="/images/logo-new.png" alt="{SITE_NAME}"></a>
<form class="search-form" action="/tim-kiem" method="get">
<input class="form-control" name="q" placeholder="Tìm kiếm"></form></div>
<nav class="main-nav navbar navbar-expand-lg"><ul class="navbar-nav">
<li class="nav-item"><a class="nav-link" href="/">Trang chủ</a></li>{"".join(menu)}</ul></nav>
</header>
<main class="container">
<div class="row">
<div class="col-lg-8">
{main}
</div>
<aside class="col-lg-4">
<section class="box most-read"><h2 class="box-title">Xem nhiều nhất</h2>
<ol>{most_read}</ol></section>
</aside>
</div>
</main>
<footer class="site-footer"><div class="container">{footer}
<p><a href="/admin/login">Quản trị</a></p></div></footer>
<script src="/js/lazyload.min.js"></script>
</body>
</html>
"""


def _picture(image: ArticleImage) -> str:
    caption = caption_html(image.caption, image.credit, image.credit_style)
    row = f'<tr><td class="caption">{caption}</td></tr>' if caption else ""
    return (
        '<table class="picture" align="center"><tr><td class="pic">'
        f'<img class="lazyload" src="{BLANK_GIF}" '
        f'data-src="{esc(cdn_image_url(image.path))}" alt="">'
        f"</td></tr>{row}</table>"
    )


def _body(article: ReplicaArticle) -> str:
    paragraphs = body_paragraphs(article)
    lead_image = article.lead_image()
    inline = article.inline_images()
    # The new site has no separate avatar block: the lead picture opens the body.
    out: list[str] = [_picture(lead_image)] if lead_image else []
    for index, paragraph in enumerate(paragraphs):
        out += [_picture(i) for i in inline if i.position == index]
        out.append(paragraph)
    out += [_picture(i) for i in inline if i.position >= len(paragraphs)]
    if not article.author_on_top:
        out += byline_paragraphs(article)
    return "\n".join(out)


def render_article(site: Site, article: ReplicaArticle) -> str:
    crumbs = "".join(
        f'<li class="breadcrumb-item"><a href="{p}">{esc(n)}</a></li>'
        for p, n in breadcrumb(article.category)
    )
    author = ""
    if article.author_on_top:
        author = f'<div class="story-author">{esc(article.byline_lines[0])}</div>'
    tags = ""
    if article.tags:
        links = "".join(
            f'<a class="tag" href="{esc(search_href(t))}">{esc(t)}</a>' for t in article.tags
        )
        tags = f'<div class="story-tags"><span>Từ khóa:</span> {links}</div>'
    related = "".join(
        '<article class="story-card"><h3 class="story-title">'
        f'<a href="{esc(href)}">{esc(e.title)}</a></h3></article>'
        for e, href in site.related(article.article_id)
    )
    main = f"""<nav aria-label="breadcrumb"><ol class="breadcrumb">{crumbs}</ol></nav>
<article class="story-detail">
<h1 class="story-headline">{esc(article.title)}</h1>
<div class="story-meta d-flex flex-wrap align-items-center">
{author}<div class="ml-lg-auto">{new_date_text(article.published)}</div>
</div>
<div class="story-teaser">{lead_html(article)}</div>
<div class="story-body">
{_body(article)}
</div>
{tags}
<div class="story-share">{share_links(article)}</div>
</article>
{feedback_form("story-")}
<section class="box story-related"><h2 class="box-title">Tin liên quan</h2>{related}</section>"""
    canonical = esc(CANONICAL_ORIGIN + article.path)
    head = (
        f'<meta name="description" content="{esc(article.lead or article.title)}">\n'
        f'<meta property="og:title" content="{esc(article.title)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:url" content="{canonical}">\n'
        f'<meta property="article:published_time" content="{article.published.isoformat()}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        f'<script type="application/ld+json">{json_ld(article)}</script>\n'
    )
    return _page(site, article.title, main, head=head)


def _card(site: Site, entry: Entry) -> str:
    article = site.article(entry.article_id)
    images = article.images_in_page_order() if article else []
    thumb = ""
    if images:
        thumb = (
            f'<a class="story-thumb" href="{entry.path}"><img class="lazyload" src="{BLANK_GIF}" '
            f'data-src="{esc(cdn_image_url(images[0].path))}" alt=""></a>'
        )
    summary = esc(article.lead or "") if article else ""
    return (
        f'<article class="story-card">{thumb}'
        f'<h3 class="story-title"><a href="{entry.path}">{esc(entry.title)}</a></h3>'
        f'<div class="story-summary">{summary}</div>'
        f'<div class="story-time">{new_date_text(entry.published)}</div></article>'
    )


def _pagination(base: str, page: int, last: int) -> str:
    def item(n: int, label: str, active: bool = False) -> str:
        if active:
            return f'<li class="page-item active"><span class="page-link">{label}</span></li>'
        return f'<li class="page-item"><a class="page-link" href="{base}?page={n}">{label}</a></li>'

    parts = [item(page - 1, "«")] if page > 1 else []
    parts += [item(n, str(n), n == page) for n in page_window(page, last)]
    if page < last:
        parts.append(item(page + 1, "»"))
    return f'<nav aria-label="pagination"><ul class="pagination">{"".join(parts)}</ul></nav>'


def render_listing(site: Site, category: str, entries: list[Entry], page: int, last: int) -> str:
    cards = "\n".join(_card(site, e) for e in entries)
    name = category_name(category)
    main = (
        f'<h1 class="category-title"><a href="/{category}">{esc(name)}</a></h1>\n'
        f'<div class="story-list">\n{cards}\n</div>\n{_pagination("/" + category, page, last)}'
    )
    title = f"{name} - Trang {page}" if page > 1 else name
    return _page(site, f"{title} - {SITE_NAME}", main)


def render_home(site: Site) -> str:
    cards = "\n".join(_card(site, e) for e in site.newest(10))
    zones = "".join(f'<li><a href="{p}">{esc(n)}</a></li>' for p, n, _subs in menu_entries())
    main = (
        f'<h2 class="box-title">Tin mới</h2>\n<div class="story-list">\n{cards}\n</div>'
        f'\n<ul class="zone-links">{zones}</ul>'
    )
    return _page(site, SITE_NAME, main)


def render_search(site: Site, query: str, page: int) -> str:
    """An endless search: always a next page and a longer query (robots.txt forbids it)."""
    cards = "\n".join(_card(site, e) for e in site.newest(5))
    more, wider = search_href(query, page + 1), search_href(f"{query} {page}")
    main = (
        f'<h1 class="category-title">Kết quả tìm kiếm: {esc(query)}</h1>\n'
        f'<div class="story-list">\n{cards}\n</div>\n<ul class="pagination">'
        f'<li class="page-item active"><span class="page-link">{page}</span></li>'
        f'<li class="page-item"><a class="page-link" href="{esc(more)}">{page + 1}</a></li>'
        f'<li class="page-item"><a class="page-link" href="{esc(wider)}">Tìm thêm</a></li></ul>'
    )
    return _page(site, f"Tìm kiếm - {SITE_NAME}", main)


def render_not_found(site: Site) -> str:
    main = (
        '<div class="not-found text-center"><h1>404</h1><p>Không tìm thấy trang bạn yêu cầu.</p>'
        '<a class="btn btn-primary" href="/">Về trang chủ</a></div>'
    )
    return _page(site, f"Không tìm thấy trang - {SITE_NAME}", main)
