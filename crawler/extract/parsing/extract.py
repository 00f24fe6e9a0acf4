"""`parse_article`: a pure function of the page.

It imports nothing from Scrapy, so it runs the same in a crawl, in `vnarchive parse`,
in tests, and over stored captures when the parser improves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.extract.article import Article, Image
from crawler.extract.bylines import parse_byline
from crawler.extract.encoding import Decoded, check_text, decode_page
from crawler.extract.errors import ForeignPage, NoArticleId, NotAnArticle, UnknownPortal
from crawler.extract.image_urls import on_canonical_host
from crawler.extract.parsing.body import Body, read_body, read_figure
from crawler.extract.parsing.declared import declared_byline, declared_source
from crawler.extract.parsing.dom import Element, element_text, parse_document, text_content
from crawler.extract.parsing.fallback import declares_article
from crawler.extract.parsing.generic_article import generic_article, generic_fallback
from crawler.extract.parsing.page import Page
from crawler.extract.parsing.published import read_published
from crawler.extract.parsing.sources import declared_sources
from crawler.extract.text import normalize_optional, normalize_text
from crawler.extract.urls import join_url, normalize_url
from crawler.portals import Layout, Portal, portal_for_url


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """A page decoded and parsed, before extraction reads (and prunes) its tree."""

    decoded: Decoded
    root: Element


def read_page(html: str | bytes, url: str) -> ParsedPage:
    """Decode and parse a page: the first half of `parse_article`.

    A spider that also reads the page's links parses it once with this, reads the
    links, then extracts with `article_from_page`.

    Raises `NotAnArticle` for an empty page, `DecodingError` as `parse_article` does.
    """
    decoded = decode_page(html) if isinstance(html, bytes) else check_text(html)
    root = parse_document(decoded.text, decoded.utf8)
    if root is None:
        raise NotAnArticle(f"{url}: empty page")
    return ParsedPage(decoded, root)


def parse_article(
    html: str | bytes,
    url: str,
    fetched_at: datetime,
    *,
    portal: Portal | None = None,
) -> Article:
    """Read one article page into an `Article`.

    `portal` is known when a spider routes the page; otherwise it is found from the
    URL's host, or, for a replica or mirror host, from which layout matches (or, for
    a drifted page, from its canonical URL).

    When the portal's selectors find no headline or body, the page's metadata and a
    generic extractor read it instead (`extraction_method` says which).

    Raises `NotAnArticle` (a listing, an error page, no headline or body),
    `NoArticleId` (no numeric id in the URL or the canonical URL), `UnknownPortal`,
    or `DecodingError` (a legacy encoding, or mojibake that cannot be undone).
    """
    return article_from_page(read_page(html, url), url, fetched_at, portal=portal)


def article_from_page(
    parsed: ParsedPage,
    url: str,
    fetched_at: datetime,
    *,
    portal: Portal | None = None,
) -> Article:
    """The second half of `parse_article`, on a page `read_page` parsed.

    It removes the page's furniture from `parsed.root`: read anything else from the
    tree before, and extract from one `ParsedPage` once.
    """
    page = Page(parsed.root)
    try:
        portal, layout = _match(page, url, portal)
    except UnknownPortal:
        # No portal declares the host and no declared layout matches: any news site is
        # read by the generic reader, under its own host.
        return generic_article(page, parsed.decoded, url, fetched_at)
    return _read(page, parsed.decoded, url, fetched_at, portal, layout)


def _match(page: Page, url: str, portal: Portal | None) -> tuple[Portal, Layout | None]:
    """The portal and the layout whose selectors fit; layout None for a drifted article."""
    # The site is the truth (issue 15): the URL's host names the portal, or the caller
    # does (a replica or a mirror, told with --portal). Only that portal's layouts are
    # tried: a class name another site happens to share never claims its page.
    owner = portal or portal_for_url(url)
    if owner is None:
        # Read by the generic reader, under the page's own host (article_from_page).
        raise UnknownPortal(
            f"{url}: no portal is declared for this host (--portal NAME for a mirror)"
        )
    claimed = portal_for_url(_canonical_url(page, url))
    if claimed is not None and claimed is not owner:
        raise ForeignPage(f"{url}: the page says it is {claimed.site}'s, not {owner.site}'s")
    for layout in owner.layouts:
        if page.select_first(layout.detect) is not None:
            return owner, layout
    if declares_article(page):
        return owner, None
    if any(page.select_first(layout.listing_detect) is not None for layout in owner.layouts):
        raise NotAnArticle(f"{url}: a listing page of {owner.site}, not an article")
    raise NotAnArticle(f"{url}: no article headline found (listing, error page or new layout)")


def _read(
    page: Page,
    decoded: Decoded,
    url: str,
    fetched_at: datetime,
    portal: Portal,
    layout: Layout | None,
) -> Article:
    canonical = _canonical_url(page, url)
    article_id = portal.article_id(canonical) or portal.article_id(url)
    if article_id is None:
        raise NoArticleId(f"{url}: no numeric article id in the URL or canonical URL")

    selected = _by_selectors(page, layout, url) if layout is not None else None
    if selected is not None and layout is not None:
        title, body, body_element = selected
        method = "selectors"
        title_source = "selector"
        images = [*_lead_images(page, layout, url), *body.images]
        paragraphs = body.paragraphs
        byline = declared_byline(page, layout) or parse_byline(
            body.byline_lines or _top_byline(page, layout)
        )
        authors = byline.authors
        source = declared_source(page, layout) or byline.source
        lead = _first_text(page, layout.lead)
        tags = _tags(page, layout)
        skip = [body_element]
    else:
        if not declares_article(page):
            raise NotAnArticle(f"{url}: no headline or no body")
        found = generic_fallback(page, url, fetched_at)
        if not found.title or not found.body:
            raise NotAnArticle(f"{url}: no headline or no body, even from metadata")
        title, paragraphs, images, method = found.title, found.body, found.images, found.method
        title_source = found.title_source
        byline = parse_byline(found.byline_lines)
        authors = byline.authors or found.authors
        source = byline.source
        lead, tags, skip = found.lead, found.tags, found.skip
    lead_prefix = None
    if lead:
        lead, lead_prefix = _split_mark(portal, lead)
    published = read_published(page, layout, fetched_at, canonical, skip=skip)
    category = portal.category(canonical) or portal.category(url)

    return Article(
        url=url,
        canonical_url=canonical,
        site=portal.site,
        article_id=article_id,
        category=category,
        title=title,
        lead=lead,
        body=tuple(paragraphs),
        images=on_canonical_host(images, url, canonical),
        byline=byline.raw,
        authors=authors,
        source=source,
        published_at=published.at,
        published_text=published.text,
        published_source=published.source,
        updated_at=published.updated_at,
        tags=tags,
        layout=layout.name if layout is not None else "unknown",
        extraction_method=method,
        flags=tuple(sorted(set(decoded.flags) | set(published.flags))),
        fetched_at=fetched_at,
        lead_prefix=lead_prefix,
        sources=declared_sources(
            method,
            title_source=title_source,
            read=found.sources if method != "selectors" else {},
            filled={
                "lead": lead,
                "lead_prefix": lead_prefix,
                "body": paragraphs,
                "images": images,
                "authors": authors,
                "source": source,
                "tags": tags,
                "category": category,
            },
            published=published,
        ),
    )


def _split_mark(portal: Portal, lead: str) -> tuple[str | None, str | None]:
    """(lead without the portal's mark, the mark as printed or None)."""
    stripped = portal.strip_lead_mark(lead)
    if stripped == lead:
        return lead, None
    return stripped or None, lead[: len(lead) - len(stripped)].strip() or None


def _by_selectors(page: Page, layout: Layout, url: str) -> tuple[str, Body, Element] | None:
    """Headline, body and body element as the layout declares them; None if either is missing."""
    title = _first_text(page, layout.title) or normalize_optional(page.meta_content("og:title"))
    body_element = page.select_first(layout.body)
    if not title or body_element is None:
        return None
    _drop(page, body_element, layout.furniture)
    body = read_body(page, body_element, layout, url)
    if not body.paragraphs:
        return None
    return title, body, body_element


def _canonical_url(page: Page, url: str) -> str:
    declared = page.link_href("canonical") or page.meta_content("og:url")
    return normalize_url(join_url(url, declared) if declared else url)


def _first_text(page: Page, selectors: tuple[str, ...]) -> str | None:
    for element in page.select_all(selectors):
        text = element_text(element)
        if text:
            return text
    return None


def _drop(page: Page, container: Element, selectors: tuple[str, ...]) -> None:
    # One selector group: every match of any of them, in document order.
    for element in page.select_all((", ".join(selectors),), container) if selectors else ():
        page.drop(element)


def _lead_images(page: Page, layout: Layout, url: str) -> list[Image]:
    images: list[Image] = []
    for figure in page.select_all(layout.lead_figure):
        images.extend(read_figure(page, figure, layout.lead_figure_caption, url))
    return images


def _top_byline(page: Page, layout: Layout) -> list[str]:
    text = _first_text(page, layout.byline_top)
    return [text] if text else []


def _tags(page: Page, layout: Layout) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for element in page.select_all(layout.tags):
        # A tag as printed, without its list's punctuation ("#giá vàng", "FTSE,").
        text = normalize_text(text_content(element)).lstrip("#").rstrip(",;").strip()
        if text and text.lower() not in ("tags", "tags:", "từ khóa", "từ khóa:"):
            seen.setdefault(text)
    return tuple(seen)
