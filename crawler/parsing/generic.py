"""The generic reader: an article page of any Vietnamese news site, no profile needed.

Used for a host no portal declares. Evidence, most trusted first:
- structured data: JSON-LD `NewsArticle`/`Article` (with `@graph`), OpenGraph and
  `article:*` meta, `<time datetime>`;
- the visible page: the headline element, the sapo, the date line under the headline
  (read by the project's date reader: the minute shown wins over metadata seconds), the
  byline at the top or the signature at the end, captions, and the body as the article
  container's paragraphs, without related-article boxes, link lists, tags, share and
  comment widgets or ads.

Every field says where it came from (`sources`), so a researcher can filter on it. The
rules are general (class-name words, document structure), never one site's markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.article import Image
from crawler.bylines import looks_like_byline, looks_like_role_line
from crawler.dates import read_date
from crawler.parsing.dom import Element, element_text, is_emphasized
from crawler.parsing.generic_parts import (
    Pictures,
    is_furniture,
    lead_mark,
    read_pictures,
)
from crawler.parsing.metadata import json_ld_articles
from crawler.parsing.page import Page
from crawler.text import normalize_optional, normalize_text

# Class/id words of the sapo (lead) element.
_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sapo|chapeau|lead|description|desc|summary|teaser|excerpt|intro|"
    r"tomtat|sumary)(?:$|[\s_-])",
    re.I,
)
# Class/id words of a byline element.
_AUTHOR_CLASS = re.compile(r"author|byline|writer|tacgia|tac-gia|signature|reporter", re.I)
_BREADCRUMB_CLASS = re.compile(r"breadcrumb|bread-crumb|breadcrum", re.I)
_TAGS_CLASS = re.compile(r"(?:^|[\s_-])(?:tags?|keywords?|tag-list|tags-list|box-tag)(?:$|[\s_-])", re.I)
_TAG_LABELS = frozenset(("tags", "tag", "từ khóa", "từ khoá", "xem thêm về", "chủ đề"))
# Blocks of text: a paragraph-like element is read whole.
_TEXT_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre")
# A date line is short.
_MAX_DATE_LINE = 120
_MIN_PARAGRAPH = 2


@dataclass(slots=True)
class GenericRead:
    title: str | None = None
    lead: str | None = None
    lead_prefix: str | None = None
    body: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    byline_lines: list[str] = field(default_factory=list)
    ld_authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    published_text: str | None = None
    published_meta: str | None = None
    published_source: str | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None
    flags: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def read_generic(page: Page, url: str, fetched_at: datetime) -> GenericRead:
    """What the page says, by general rules; fields may be empty. Prunes `page.root`."""
    found = GenericRead()
    ld = next(json_ld_articles(page), {})
    _drop_invisible(page)
    headline = _headline(page, ld)
    if headline is not None:
        found.title, found.sources["title"] = element_text(headline), "h1"
    else:
        found.title = normalize_optional(_str(ld.get("headline")))
        found.sources["title"] = "json-ld"
        if not found.title:
            found.title = normalize_optional(page.meta_content("og:title"))
            found.sources["title"] = "og"
    container = _container(page, headline)
    _read_lead(page, found, ld, headline, container)
    _read_dates(page, found, ld, headline, container, fetched_at)
    _read_category(page, found, ld)
    found.tags, tags_source = _tags(page, container)
    if found.tags:
        found.sources["tags"] = tags_source
    top_byline = _top_byline(page, headline, container)
    if container is not None:
        pictures = read_pictures(page, container, url, headline)
        found.images = pictures.images
        if found.images:
            found.sources["images"] = "figure"
        _read_body(page, found, container, pictures)
    if not found.byline_lines and top_byline:
        found.byline_lines = top_byline
        found.sources["authors"] = "byline"
    found.ld_authors = _ld_authors(ld)
    if not found.byline_lines and found.ld_authors:
        found.sources["authors"] = "json-ld"
    return found


# --- the headline and the article container ---------------------------------------------


def _drop_invisible(page: Page) -> None:
    for tag in ("script", "style", "noscript", "template", "svg", "iframe", "form", "button"):
        for element in page.by_tag(tag):
            if element.getparent() is not None:
                page.drop(element)


def _headline(page: Page, ld: dict[str, Any]) -> Element | None:
    """The h1 that names the article: the one matching the metadata headline, or the
    first non-empty h1 (a site logo in an h1 is short and matches nothing)."""
    wanted = {
        _key(t)
        for t in (_str(ld.get("headline")), page.meta_content("og:title"))
        if t and _key(t)
    }
    heads = [h for h in page.by_tag("h1") if element_text(h)]
    for head in heads:
        key = _key(element_text(head))
        if any(key == w or (len(key) > 20 and (key in w or w in key)) for w in wanted):
            return head
    long_heads = [h for h in heads if len(element_text(h).split()) >= 4]
    return long_heads[0] if long_heads else (heads[0] if heads else None)


def _container(page: Page, headline: Element | None) -> Element | None:
    """The element holding most of the article's paragraph text.

    Each paragraph gives its length to its parent and half to its grandparent; an
    element after the headline in document order is preferred (a sidebar's teasers
    come before or far from it)."""
    scores: dict[Element, float] = {}
    for p in page.root.iter("p"):
        if _in_furniture(p):
            continue
        text = element_text(p)
        if len(text) < 25:
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + len(text)
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + len(text) / 2
    if not scores:
        return page.select_first(("article", "main", "body"))
    return max(scores, key=scores.__getitem__)


def _in_furniture(element: Element) -> bool:
    return any(is_furniture(a) for a in (element, *element.iterancestors()))


# --- lead --------------------------------------------------------------------------------


def _read_lead(
    page: Page,
    found: GenericRead,
    ld: dict[str, Any],
    headline: Element | None,
    container: Element | None,
) -> None:
    described = normalize_optional(_str(ld.get("description"))) or normalize_optional(
        page.meta_content("og:description", "description")
    )
    lead: str | None = None
    for element in _near_headline(page, headline):
        if not _LEAD_CLASS.search(_class_id(element)) or _inside(element, container):
            continue
        text = element_text(element)
        if len(text.split()) >= 6 and text != found.title:
            lead, found.sources["lead"] = text, "sapo"
            break
    if lead is None and container is not None:
        first = _first_paragraph(container)
        if first is not None and is_emphasized(first) and len(element_text(first).split()) >= 8:
            lead, found.sources["lead"] = element_text(first), "bold"
    if lead is None and described and described != found.title:
        lead, found.sources["lead"] = described, "meta"
    if lead:
        found.lead_prefix, lead = lead_mark(lead)
        if found.lead_prefix:
            found.sources["lead_prefix"] = found.sources["lead"]
    found.lead = lead or None


def _first_paragraph(container: Element) -> Element | None:
    for p in container.iter("p"):
        if element_text(p):
            return p
    return None


def _near_headline(page: Page, headline: Element | None) -> list[Element]:
    """Elements after the headline in document order (the whole page without one)."""
    elements = [e for e in page.root.iter() if isinstance(e.tag, str)]
    if headline is None:
        return elements
    try:
        start = elements.index(headline)
    except ValueError:
        return elements
    return elements[start + 1 :]


# --- dates -------------------------------------------------------------------------------


def _read_dates(
    page: Page,
    found: GenericRead,
    ld: dict[str, Any],
    headline: Element | None,
    container: Element | None,
    fetched_at: datetime,
) -> None:
    meta_text = (
        page.meta_content("article:published_time")
        or _str(ld.get("datePublished"))
        or page.meta_content("pubdate", "datePublished")
    )
    meta_source = "meta" if page.meta_content("article:published_time") else "json-ld"
    found.published_meta = meta_text
    meta = read_date(meta_text, fetched_at=fetched_at) if meta_text else None
    modified = page.meta_content("article:modified_time") or _str(ld.get("dateModified"))
    if modified:
        reading = read_date(modified, fetched_at=fetched_at)
        if reading.value is not None:
            found.updated_at = reading.value
            found.sources["updated_at"] = "meta"
    visible = _visible_date(page, headline, container, fetched_at)
    if visible is not None:
        text, reading = visible
        if reading.rejected is not None:
            found.published_text, found.published_source = text, "text"
            found.flags.append(f"date:{reading.rejected}")
            found.sources["published_at"] = "text"
            return
        if not reading.date_only or meta is None or meta.value is None:
            found.published_at, found.published_text = reading.value, text
            found.published_source = found.sources["published_at"] = "text"
            if reading.date_only:
                found.flags.append("date:date_only")
            return
        if meta.value.date() != reading.value.date() if reading.value else True:
            # The visible day contradicts the metadata: the visible day is shown to readers.
            found.published_at, found.published_text = reading.value, text
            found.published_source = found.sources["published_at"] = "text"
            found.flags.append("date:date_only")
            return
    if meta is not None and meta.value is not None:
        found.published_at, found.published_text = meta.value, meta_text
        found.published_source = found.sources["published_at"] = meta_source
        if meta.date_only:
            found.flags.append("date:date_only")
        return
    for time in page.by_tag("time"):
        stamp = time.get("datetime")
        reading = read_date(stamp, fetched_at=fetched_at) if stamp else None
        if reading is not None and reading.value is not None:
            found.published_at, found.published_text = reading.value, stamp
            found.published_source = found.sources["published_at"] = "time"
            return


def _visible_date(
    page: Page, headline: Element | None, container: Element | None, fetched_at: datetime
) -> tuple[str, Any] | None:
    """The first short date line after the headline, outside the body's paragraphs; a
    `<time>` without readable text gives its `datetime` attribute."""
    best: tuple[str, Any] | None = None
    for element in _near_headline(page, headline):
        if container is not None and _inside(element, container):
            break  # the body begins: a date in it is quoted, not the stamp
        if element.tag not in ("time", "span", "div", "p", "li", "small", "em", "i", "b", "a"):
            continue
        text = element_text(element)
        if not text or len(text) > _MAX_DATE_LINE or _has_block_child(element):
            continue
        reading = read_date(text, fetched_at=fetched_at)
        if reading.value is None and reading.rejected is None and element.tag == "time":
            stamp = element.get("datetime")
            if stamp:
                reading, text = read_date(stamp, fetched_at=fetched_at), stamp
        if reading.is_update or reading.relative:
            continue
        if reading.value is None and reading.rejected is None:
            continue
        if not reading.date_only or reading.rejected is not None:
            return text, reading
        best = best or (text, reading)
    return best


def _has_block_child(element: Element) -> bool:
    return any(
        child.tag in ("div", "p", "ul", "table", "section", "article") for child in element
    )


# --- byline, category, tags --------------------------------------------------------------


def _top_byline(page: Page, headline: Element | None, container: Element | None) -> list[str]:
    """A byline element between the headline and the body's end (never a sidebar)."""
    names: list[str] = []
    for element in _near_headline(page, headline):
        if not _AUTHOR_CLASS.search(_class_id(element)) or element.tag in ("img", "meta"):
            continue
        text = element_text(element)
        if text and looks_like_byline(text) and text not in names:
            if any(text in other for other in names):
                continue
            names.append(text)
        if container is not None and _inside(element, container) and names:
            break
    # Several byline elements nested in one another give the innermost names only.
    return [n for n in names if not any(n != o and o in n for o in names)]


def _read_category(page: Page, found: GenericRead, ld: dict[str, Any]) -> None:
    for element in page.root.iter():
        if not isinstance(element.tag, str) or not _BREADCRUMB_CLASS.search(_class_id(element)):
            continue
        items = [element_text(a) for a in element.iter("a")]
        items = [i for i in items if i and i.lower() not in ("trang chủ", "home")]
        if items:
            found.category, found.sources["category"] = items[-1], "breadcrumb"
            return
    section = page.meta_content("article:section") or _str(ld.get("articleSection"))
    if section:
        found.category, found.sources["category"] = normalize_text(section), "meta"


def _tags(page: Page, container: Element | None) -> tuple[tuple[str, ...], str]:
    for element in page.root.iter():
        if not isinstance(element.tag, str) or not _TAGS_CLASS.search(_class_id(element)):
            continue
        links = [normalize_text(element_text(a)) for a in element.iter("a")]
        links = [t.lstrip("#").strip() for t in links]
        tags = [t for t in links if t and t.lower().rstrip(":") not in _TAG_LABELS]
        if tags and len(tags) <= 30:
            return tuple(dict.fromkeys(tags)), "tags"
    metas = [
        normalize_text(str(m.get("content")))
        for m in page.by_tag("meta")
        if m.get("property") == "article:tag" and (m.get("content") or "").strip()
    ]
    return tuple(dict.fromkeys(metas)), "meta"


def _ld_authors(ld: dict[str, Any]) -> tuple[str, ...]:
    authors = ld.get("author")
    items = authors if isinstance(authors, list) else [authors] if authors else []
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and item.get("@type", "Person") == "Person":
            name = normalize_optional(_str(item.get("name")))
        else:
            name = normalize_optional(item) if isinstance(item, str) else None
        if name and name not in names and looks_like_byline(name):
            names.append(name)
    return tuple(names)


# --- the body ----------------------------------------------------------------------------


def _read_body(page: Page, found: GenericRead, container: Element, pictures: Pictures) -> None:
    paragraphs: list[tuple[str, Element]] = []
    skip = {*pictures.blocks}
    lead_key = _key(found.lead or "")
    for element in _blocks(container, skip):
        text = element_text(element)
        if len(text) < _MIN_PARAGRAPH or text == found.title:
            continue
        if lead_key and _key(lead_mark(text)[1]) == lead_key:
            continue
        if text in pictures.caption_texts:
            continue
        paragraphs.append((text, element))
    # The signature at the end: a name (bold or right-aligned), maybe a role line under it.
    byline: list[str] = []
    while paragraphs and len(byline) < 3:
        text, element = paragraphs[-1]
        if not byline and len(paragraphs) > 1 and looks_like_role_line(text):
            above, above_el = paragraphs[-2]
            if looks_like_byline(above) and (
                is_emphasized(above_el, above) or is_emphasized(element, text)
            ):
                byline = [above, text]
                del paragraphs[-2:]
                break
        if looks_like_byline(text) and _short_signature(text):
            byline.insert(0, text)
            paragraphs.pop()
            continue
        break
    found.body = [t for t, _ in paragraphs]
    if found.body:
        found.sources["body"] = "container"
    if byline:
        found.byline_lines = byline
        found.sources["authors"] = "signature"


def _short_signature(text: str) -> bool:
    return len(text.split()) <= 8


def _blocks(container: Element, skip: set[Element]) -> list[Element]:
    """The container's paragraph-like elements in order, furniture and pictures left out.

    A text block is read whole; a `div` holding only text and inline elements is one
    paragraph too (older layouts set paragraphs as `div`s)."""
    found: list[Element] = []

    def walk(element: Element) -> None:
        for child in element:
            if not isinstance(child.tag, str) or child in skip or is_furniture(child):
                continue
            if child.tag in ("table",) and not _is_layout_table(child):
                for row in child.iter("tr"):
                    found.append(row)
                continue
            if child.tag in _TEXT_BLOCKS:
                if child.tag == "li" or not _has_block_child(child):
                    if not _is_link_list(child):
                        found.append(child)
                    continue
            if child.tag in ("ul", "ol") and _is_link_list(child):
                continue
            if child.tag in ("div", "section", "article", "center", "td", "tr", "tbody",
                             "table", "ul", "ol", "span", "font", "figure", "main"):
                if _has_block_child(child) or child.tag in ("ul", "ol", "table", "tbody", "tr"):
                    walk(child)
                elif child.tag in ("div", "section", "td", "center"):
                    if element_text(child) and not _is_link_list(child):
                        found.append(child)
                continue

    walk(container)
    return found


def _is_layout_table(table: Element) -> bool:
    # A table whose cells hold paragraphs is page layout (old portals), not data.
    return any(cell.find("p") is not None or cell.find("div") is not None for cell in table.iter("td"))


def _is_link_list(element: Element) -> bool:
    """Text that is mostly links: a related-articles list, not article text."""
    text = element_text(element)
    if not text:
        return False
    links = [element_text(a) for a in element.iter("a")]
    linked = sum(len(t) for t in links)
    return linked >= 0.8 * len(text) and (len(links) >= 2 or element.tag in ("ul", "ol", "li"))


# --- small helpers -----------------------------------------------------------------------


def _class_id(element: Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _inside(element: Element, ancestor: Element | None) -> bool:
    if ancestor is None:
        return False
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", normalize_text(text)).strip().lower()


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


__all__ = ["GenericRead", "read_generic"]
