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
from crawler.bylines import looks_like_byline, looks_like_role_line, parse_byline
from crawler.dates import read_date
from crawler.parsing.blocks import signature_lines
from crawler.parsing.dom import Element, element_text, is_emphasized
from crawler.parsing.generic_parts import (
    Pictures,
    is_furniture,
    lead_mark,
    read_pictures,
)
from crawler.parsing.metadata import breadcrumb_names, json_ld_articles
from crawler.parsing.page import Page
from crawler.text import normalize_optional, normalize_text

# Class/id words of the sapo (lead) element.
_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sapo|chapeau|lead|description|desc|summary|teaser|excerpt|intro|"
    r"tomtat|sumary)(?:$|[\s_-])",
    re.I,
)
# Class/id words of a byline element.
_AUTHOR_CLASS = re.compile(
    r"author|byline|writer|tacgia|tac-gia|signature|reporter|(?:^|[\s_-])(?:source|nguon)(?:$|[\s_-])",
    re.I,
)
_SOURCE_CLASS = re.compile(r"(?:^|[\s_-])(?:source|nguon)(?:$|[\s_-])", re.I)
_SOURCE_WORD = re.compile(r"^\s*(?:theo|nguồn)\b", re.I)
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
    # The byline lines come from elements the page names as its byline.
    byline_named: bool = False
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
    crumbs = breadcrumb_names(page)  # read before the scripts are dropped
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
    _read_category(page, found, ld, crumbs)
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
        found.byline_named = True
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
    # A related box holds its teasers a few levels down; further up are page columns.
    return any(is_furniture(a) for a in [element, *element.iterancestors()][:_FURNITURE_DEPTH])


_FURNITURE_DEPTH = 5


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
    after = _near_headline(page, headline)
    before = _before_headline(page, headline)
    for element in [*after, *before]:
        if container is not None and _inside(element, container):
            if element in after:
                continue  # inside the body: a date there is quoted, not the stamp
        if element.tag not in _DATE_TAGS or _has_block_child(element):
            continue
        found = _date_line(element, fetched_at)
        if found is None:
            continue
        text, reading = found
        # The smallest element that holds the same date line ("<p><span>date</span> |
        # Section</p>" gives the span's text).
        for inner in element.iterdescendants():
            if isinstance(inner.tag, str) and inner.tag in _DATE_TAGS:
                inner_found = _date_line(inner, fetched_at)
                if inner_found is not None and inner_found[1].value == reading.value:
                    text, reading = inner_found
                    break
        if not reading.date_only or reading.rejected is not None:
            return text, reading
        best = best or (text, reading)
    return best


_DATE_TAGS = frozenset(("time", "span", "div", "p", "li", "small", "em", "i", "b", "a", "strong"))
# How far before the headline a date line is looked for (elements, nearest first): some
# layouts print the date above the title, never as far as the page header.
_BEFORE_HEADLINE = 40


def _date_line(element: Element, fetched_at: datetime) -> tuple[str, Any] | None:
    text = element_text(element)
    if not text or len(text) > _MAX_DATE_LINE:
        return None
    reading = read_date(text, fetched_at=fetched_at)
    if reading.value is None and reading.rejected is None and element.tag == "time":
        stamp = element.get("datetime")
        if stamp:
            reading, text = read_date(stamp, fetched_at=fetched_at), stamp
    if reading.is_update or reading.relative:
        return None
    if reading.value is None and reading.rejected is None:
        return None
    if _in_page_header(element):
        return None
    return text, reading


def _in_page_header(element: Element) -> bool:
    # The page header shows *today*, the day of viewing: never a publish date.
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in ("header", "nav", "footer") or re.search(
            r"(?:^|[\s_-])(?:today|top-?bar)(?:$|[\s_-])",
            str(ancestor.get("class") or ""),
            re.I,
        ):
            return True
    return False


def _before_headline(page: Page, headline: Element | None) -> list[Element]:
    """Elements before the headline, nearest first (none without a headline)."""
    if headline is None:
        return []
    found: list[Element] = []
    for element in headline.itersiblings(preceding=True):
        if isinstance(element.tag, str):
            found.extend(reversed([e for e in element.iter() if isinstance(e.tag, str)]))
        if len(found) >= _BEFORE_HEADLINE:
            break
    if len(found) < _BEFORE_HEADLINE and headline.getparent() is not None:
        parent = headline.getparent()
        assert parent is not None
        for element in parent.itersiblings(preceding=True):
            if isinstance(element.tag, str):
                found.extend(reversed([e for e in element.iter() if isinstance(e.tag, str)]))
            if len(found) >= _BEFORE_HEADLINE:
                break
    return found[:_BEFORE_HEADLINE]


def _has_block_child(element: Element) -> bool:
    return any(
        child.tag in ("div", "p", "ul", "table", "section", "article") for child in element
    )


# --- byline, category, tags --------------------------------------------------------------


def _top_byline(page: Page, headline: Element | None, container: Element | None) -> list[str]:
    """Byline lines of the article: elements named as author/byline/source after the
    headline, within the block that holds headline and body (never a sidebar's).

    An element holding other byline elements gives way to them ("NHẬT XUÂN NGHI VŨ" is
    two names in two elements); a line that names no one new is left out."""
    scope = _common(headline, container)
    if scope is None:
        return []
    after = set(_near_headline(page, headline)) if headline is not None else None
    candidates: list[tuple[Element, str]] = []
    for element in scope.iter():
        if not isinstance(element.tag, str) or (after is not None and element not in after):
            continue
        if element.tag in ("img", "meta", "source") or not _AUTHOR_CLASS.search(
            _class_id(element)
        ):
            continue
        text = element_text(element)
        if text and _SOURCE_CLASS.search(_class_id(element)) and not _SOURCE_WORD.match(text):
            text = f"Theo {text}"  # a block named as the source names the source alone
        if text and looks_like_byline(text, caps_names=True):
            candidates.append((element, text))
    inner = {e for e, _ in candidates}
    lines: list[str] = []
    named: set[str] = set()
    has_source = False
    for element, text in candidates:
        if any(d in inner for d in element.iterdescendants()):
            continue
        byline = parse_byline([text], caps_names=True)
        new = [a for a in byline.authors if a not in named]
        if new or (byline.source and not has_source):
            lines.append(text)
            named.update(new)
            has_source = has_source or byline.source is not None
    return lines


def _common(a: Element | None, b: Element | None) -> Element | None:
    if a is None or b is None:
        return b or a
    chain = {a, *a.iterancestors()}
    for candidate in (b, *b.iterancestors()):
        if candidate in chain:
            return candidate
    return None


def _read_category(page: Page, found: GenericRead, ld: dict[str, Any], crumbs: list[str]) -> None:
    """The most specific breadcrumb item: the visible breadcrumb, or the JSON-LD one
    when it goes deeper (a visible trail often shows its first levels only)."""
    title_key = _key(found.title or "")
    crumbs = [c for c in crumbs if _key(c) != title_key and c.lower() not in ("trang chủ", "home")]
    visible: list[str] = []
    for element in page.root.iter():
        if not isinstance(element.tag, str) or not _BREADCRUMB_CLASS.search(_class_id(element)):
            continue
        items = [element_text(a) for a in element.iter("a")]
        visible = [i for i in items if i and i.lower() not in ("trang chủ", "home")]
        if visible:
            break
    if visible and len(visible) >= len(crumbs):
        found.category, found.sources["category"] = visible[-1], "breadcrumb"
        return
    if crumbs:
        found.category, found.sources["category"] = crumbs[-1], "json-ld"
        return
    section = page.meta_content("article:section") or _str(ld.get("articleSection"))
    if section:
        found.category, found.sources["category"] = normalize_text(section), "meta"


def _tags(page: Page, container: Element | None) -> tuple[tuple[str, ...], str]:
    """Tags shown on the page (metadata keywords are not shown: not tags here)."""
    single: list[str] = []
    for element in page.root.iter():
        if not isinstance(element.tag, str):
            continue
        if _TAGS_CLASS.search(_class_id(element)) or _is_tag_heading(element):
            box: Element | None = element
            if _is_tag_heading(element):
                # The heading's box, or the box around it where the links are beside it.
                box = element.getparent()
                for _ in range(2):
                    if box is None or any(True for _ in box.iter("a")):
                        break
                    box = box.getparent()
            if box is None:
                continue
            if element.tag == "a":
                single.append(_tag_text(element))  # each link named as a tag
                continue
            tags = [_tag_text(a) for a in box.iter("a")]
            tags = [t for t in tags if t and t.lower().rstrip(":") not in _TAG_LABELS]
            if tags and len(tags) <= 30:
                return tuple(dict.fromkeys(tags)), "tags"
    single = [t for t in single if t]
    return tuple(dict.fromkeys(single)), "tags"


_TAG_HEADING = re.compile(r"^\s*(?:từ\s+khóa|từ\s+khoá|tags?|chủ\s+đề|xem\s+thêm\s+về)\s*:\s*$", re.I)


def _is_tag_heading(element: Element) -> bool:
    text = element.text or ""
    return bool(text.strip()) and len(element) == 0 and _TAG_HEADING.match(text) is not None


def _tag_text(element: Element) -> str:
    return normalize_text(element_text(element)).strip(" ,;#").strip()


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
        if not byline and is_emphasized(element, text):
            signature = signature_lines(element)  # name<br>role in one block
            if signature is not None:
                byline = signature
                paragraphs.pop()
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


# Attributes besides class and id where sites name what a block is.
_ROLE_ATTRIBUTES = ("class", "id", "itemprop", "data-slot", "data-role", "data-content-name", "type")


def _class_id(element: Element) -> str:
    return " ".join(str(element.get(a) or "") for a in _ROLE_ATTRIBUTES)


def _inside(element: Element, ancestor: Element | None) -> bool:
    if ancestor is None:
        return False
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", normalize_text(text)).strip().lower()


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


__all__ = ["GenericRead", "read_generic"]
