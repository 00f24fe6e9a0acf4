"""`parse_article`: a pure function of the page.

It imports nothing from Scrapy, so it runs the same in a crawl, in `vnarchive parse`,
in tests, and over stored captures when the parser improves.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from crawler.article import Article, Image
from crawler.bylines import parse_byline
from crawler.dates import read_date
from crawler.encoding import decode_html
from crawler.errors import NoArticleId, NotAnArticle, UnknownPortal
from crawler.parsing.body import read_body, read_figure
from crawler.parsing.dom import (
    HtmlElement,
    element_text,
    link_href,
    meta_content,
    parse_document,
    select_all,
    select_first,
)
from crawler.parsing.metadata import structured_dates
from crawler.portals import PORTALS, Layout, Portal, portal_for_url
from crawler.text import normalize_optional, normalize_text, strip_tg_mark
from crawler.urls import article_id_from_url, category_from_url, normalize_url


def parse_article(
    html: str | bytes,
    url: str,
    fetched_at: datetime,
    *,
    portal: Portal | None = None,
) -> Article:
    """Read one article page into an `Article`.

    `portal` is known when a spider routes the page; otherwise it is found from the
    URL's host, or, for a replica or mirror host, from which layout matches.

    Raises `NotAnArticle` (a listing, an error page, no headline or body),
    `NoArticleId` (no numeric id in the URL or the canonical URL) or `UnknownPortal`.
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    root = parse_document(text)
    if root is None:
        raise NotAnArticle(f"{url}: empty page")
    portal, layout = _match(root, url, portal)
    return _read(root, url, fetched_at, portal, layout)


def _match(root: HtmlElement, url: str, portal: Portal | None) -> tuple[Portal, Layout]:
    candidates = [portal] if portal else [p for p in (portal_for_url(url),) if p] or list(PORTALS)
    for candidate in candidates:
        for layout in candidate.layouts:
            if select_first(root, layout.detect) is not None:
                return candidate, layout
    if portal or portal_for_url(url):
        raise NotAnArticle(f"{url}: no article headline found (listing, error page or new layout)")
    raise UnknownPortal(f"{url}: no known portal's layout matches this page")


def _read(
    root: HtmlElement, url: str, fetched_at: datetime, portal: Portal, layout: Layout
) -> Article:
    canonical = _canonical_url(root, url)
    article_id = article_id_from_url(canonical) or article_id_from_url(url)
    if article_id is None:
        raise NoArticleId(f"{url}: no numeric article id in the URL or canonical URL")

    title = _first_text(root, layout.title) or normalize_optional(meta_content(root, "og:title"))
    body_element = select_first(root, layout.body)
    if not title or body_element is None:
        raise NotAnArticle(f"{url}: no headline or no body")
    _drop(body_element, layout.furniture)

    body = read_body(body_element, layout, url)
    if not body.paragraphs:
        raise NotAnArticle(f"{url}: the article body is empty")

    byline_lines = body.byline_lines or _top_byline(root, layout)
    byline = parse_byline(byline_lines)
    published_at, published_text, updated_at = _dates(root, layout, fetched_at)
    lead = _first_text(root, layout.lead)
    if lead and portal.strip_lead_marks:
        lead = strip_tg_mark(lead) or None

    return Article(
        url=url,
        canonical_url=canonical,
        site=portal.site,
        article_id=article_id,
        category=category_from_url(canonical) or category_from_url(url),
        title=title,
        lead=lead,
        body=tuple(body.paragraphs),
        images=(*_lead_images(root, layout, url), *body.images),
        byline=byline.raw,
        authors=byline.authors,
        source=byline.source,
        published_at=published_at,
        published_text=published_text,
        updated_at=updated_at,
        tags=_tags(root, layout),
        layout=layout.name,
        fetched_at=fetched_at,
    )


def _canonical_url(root: HtmlElement, url: str) -> str:
    declared = link_href(root, "canonical") or meta_content(root, "og:url")
    return normalize_url(urljoin(url, declared) if declared else url)


def _first_text(root: HtmlElement, selectors: tuple[str, ...]) -> str | None:
    for element in select_all(root, selectors):
        text = element_text(element)
        if text:
            return text
    return None


def _drop(container: HtmlElement, selectors: tuple[str, ...]) -> None:
    for element in _select_every(container, selectors):
        element.drop_tree()


def _select_every(container: HtmlElement, selectors: tuple[str, ...]) -> list[HtmlElement]:
    """Every element matching any of the selectors (not only the first that matches)."""
    found: list[HtmlElement] = []
    for selector in selectors:
        found.extend(select_all(container, (selector,)))
    return found


def _lead_images(root: HtmlElement, layout: Layout, url: str) -> list[Image]:
    images: list[Image] = []
    for figure in select_all(root, layout.lead_figure):
        images.extend(read_figure(figure, layout.lead_figure_caption, url))
    return images


def _top_byline(root: HtmlElement, layout: Layout) -> list[str]:
    text = _first_text(root, layout.byline_top)
    return [text] if text else []


def _dates(
    root: HtmlElement, layout: Layout, fetched_at: datetime
) -> tuple[datetime | None, str | None, datetime | None]:
    """(published_at, published_text, updated_at) from the visible stamp, then metadata."""
    published_at: datetime | None = None
    published_text: str | None = None
    updated_at: datetime | None = None
    for element in select_all(root, layout.date):
        text = element_text(element)
        if not text:
            continue
        reading = read_date(text, fetched_at=fetched_at)
        if reading.is_update:
            updated_at = updated_at or (None if reading.rejected else reading.value)
            continue
        if published_text is None:
            published_text = text
            published_at = None if reading.rejected else reading.value
    if published_at is None and published_text is None:
        for text in structured_dates(root):
            reading = read_date(text, fetched_at=fetched_at)
            if reading.value is not None and not reading.rejected:
                return reading.value, text, updated_at
    return published_at, published_text, updated_at


def _tags(root: HtmlElement, layout: Layout) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for element in select_all(root, layout.tags):
        text = normalize_text(element.text_content())
        if text and text.lower() not in ("tags", "tags:", "từ khóa", "từ khóa:"):
            seen.setdefault(text)
    return tuple(seen)
