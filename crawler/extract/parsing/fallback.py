"""When the portal's selectors find no headline or body: metadata, then a generic extractor.

A redesign rarely drops what search engines read, so the headline, lead, authors and
tags come from JSON-LD (`NewsArticle`) and OpenGraph / `article:*` meta. The body comes
from JSON-LD `articleBody` when the page has it ("metadata"), else from trafilatura, a
maintained generic extractor ("generic"). Pictures are the `<figure>`s of the page's
article element, captions split from credits as everywhere else.

Only a page that declares itself an article (a JSON-LD article object, `og:type`
article or an `article:published_time`) is read this way: a listing or an error page
must stay "not an article", not become one by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from crawler.extract.article import Image
from crawler.extract.bylines import looks_like_byline, looks_like_role_line
from crawler.extract.captions import split_caption
from crawler.extract.dates import find_dates_in_text
from crawler.extract.parsing.blocks import caption_text as text_of_caption
from crawler.extract.parsing.dom import Element, element_text, image_url
from crawler.extract.parsing.metadata import json_ld_articles
from crawler.extract.parsing.page import Page
from crawler.extract.text import normalize_optional, normalize_text, strip_tg_mark

METADATA = "metadata"
GENERIC = "generic"
# Where a drifted page most likely keeps its article, most specific first.
_ARTICLE_ROOTS = ("article", "[itemprop=articleBody]", "main", "#content", "body")
# A generic extractor keeps the date line under the headline; a line this short that
# reads as a date is that stamp, not a paragraph.
_MAX_DATE_LINE = 60
# How much longer than the metadata's description a visible sapo may be.
_LEAD_SLACK = 200
# Where a drifted page may put its byline above the body.
_AUTHOR_SELECTORS = ("[itemprop=author]", "[rel=author]", ".byline", "[class*=author]")
# A table holding a picture with more text than this is a data table, not a caption.
_MAX_CAPTION = 400
# Official texts close with "/." after the last sentence's own full stop.
_CLOSING_MARK = re.compile(r"\s*/\.\s*$")


@dataclass(slots=True)
class Fallback:
    title: str | None
    lead: str | None
    body: list[str]
    images: list[Image]
    byline_lines: list[str]
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    method: str
    skip: list[Element] = field(default_factory=list)
    # Where the headline was read: "json-ld", "og" or "h1".
    title_source: str = "json-ld"
    # Where each field was read, when the generic reader read the page (its `sources`).
    sources: dict[str, str] = field(default_factory=dict)


def declares_article(page: Page) -> bool:
    if any(True for _ in json_ld_articles(page)):
        return True
    if (page.meta_content("og:type") or "").lower() == "article":
        return True
    return page.meta_content("article:published_time") is not None


def read_fallback(page: Page, url: str) -> Fallback:
    """What metadata and a generic extractor make of the page (fields may be empty).

    The page's picture blocks are removed from `root` once read.
    """
    root = page.root
    ld = next(json_ld_articles(page), {})
    title = normalize_optional(_str(ld.get("headline")))
    title_source = "json-ld"
    if not title:
        title, title_source = normalize_optional(page.meta_content("og:title")), "og"
    if not title:
        h1 = page.select_first(("h1",))
        title, title_source = (element_text(h1) if h1 is not None else None), "h1"
    lead = _lead(page, title, ld)
    container = page.select_first(_ARTICLE_ROOTS)
    images, captions = _pictures(page, container, url) if container is not None else ([], set())
    article_body = _str(ld.get("articleBody"))
    if article_body:
        paragraphs = [normalize_text(p) for p in article_body.splitlines()]
        method = METADATA
    else:
        # The picture blocks were taken out of the tree: their captions are no text.
        paragraphs = _generic_paragraphs(lxml_html.tostring(root, encoding="unicode"), url)
        method = GENERIC
    drop = {title, lead, *captions}
    body = [
        p
        for p in paragraphs
        if p and p not in drop and not _is_date_line(p) and not (lead and strip_tg_mark(p) in lead)
    ]
    byline_lines: list[str] = []
    if len(body) > 1 and looks_like_role_line(body[-1]) and looks_like_byline(body[-2]):
        # A name and the role line under it; the generic text has lost the bold and
        # right alignment the selector path also asks for.
        byline_lines = body[-2:]
        del body[-2:]
    elif body and looks_like_byline(body[-1]):
        byline_lines.append(body.pop())
    elif container is not None:
        byline_lines = _top_byline(page, container)
    if body:
        body[-1] = _strip_closing(body[-1])
        if not body[-1]:
            body.pop()
    return Fallback(
        title=title,
        lead=lead,
        body=body,
        images=images,
        byline_lines=byline_lines,
        authors=_ld_authors(ld),
        tags=_tags(page, ld),
        method=method,
        skip=[],
        title_source=title_source,
    )


def metadata_tags(page: Page) -> tuple[str, ...]:
    """The tags the page's metadata gives (`article:tag`, JSON-LD `keywords`)."""
    return _tags(page, next(json_ld_articles(page), {}))


def _lead(page: Page, title: str | None, ld: dict[str, Any]) -> str | None:
    """The sapo: the page's description, read in full where the page shows it.

    Metadata often cuts the description short (the sapo's first line only), so the
    smallest visible element whose text starts with it gives the whole sapo. A
    description that only repeats the headline is no lead.
    """
    described = normalize_optional(_str(ld.get("description"))) or normalize_optional(
        page.meta_content("og:description", "description")
    )
    if not described or described == title:
        return None
    body = next(page.root.iter("body"), None)
    shown: str | None = None
    for element in body.iter() if body is not None else ():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        printed = element_text(element)
        text = strip_tg_mark(printed)
        if text.startswith(described) and len(text) <= 2 * len(described) + _LEAD_SLACK:
            # iter() is in document order: descendants come later, smaller. The lead is
            # kept as printed: the portal's mark is split off into `lead_prefix` later.
            shown = printed
    return shown or described


def _top_byline(page: Page, container: Element) -> list[str]:
    for element in page.select_all(_AUTHOR_SELECTORS, container):
        text = element_text(element)
        if text and looks_like_byline(text):
            return [text]
    return []


def _generic_paragraphs(html: str, url: str) -> list[str]:
    # Imported on first use: trafilatura is only needed when a layout has drifted.
    import trafilatura

    text = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    # trafilatura writes table rows as "| a | b |"; the selector path writes "a | b".
    return [normalize_text(line).strip("| ") for line in (text or "").splitlines()]


def _pictures(page: Page, container: Element, url: str) -> tuple[list[Image], set[str]]:
    """Pictures of the article in page order, captions apart; their blocks are removed.

    A picture block is a `<figure>`, or a table holding a picture and only a caption's
    worth of text (how most Vietnamese portals set a picture and its caption).
    """
    images: list[Image] = []
    captions: set[str] = set()
    blocks: list[Element] = []
    for element in container.iter("figure", "table"):
        if any(block in blocks for block in element.iterancestors()):
            continue
        pictures = list(element.iter("img"))
        if not pictures:
            continue
        if element.tag == "figure":
            caption_element = next(element.iter("figcaption"), None)
            caption_text = text_of_caption(caption_element) if caption_element is not None else ""
        else:
            caption_text = text_of_caption(element)
            if len(caption_text) > _MAX_CAPTION:
                continue  # a data table with an icon in it, not a picture
        blocks.append(element)
        caption, credit = split_caption(caption_text) if caption_text else (None, None)
        if caption_text:
            captions.add(caption_text)
        for index, img in enumerate(pictures):
            src = image_url(img, url)
            if src:
                images.append(Image(src, caption, credit) if index == 0 else Image(src))
    for block in blocks:
        page.drop(block)
    return images, captions


def _ld_authors(ld: dict[str, Any]) -> tuple[str, ...]:
    authors = ld.get("author")
    items = authors if isinstance(authors, list) else [authors] if authors else []
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and item.get("@type", "Person") == "Person":
            name = normalize_optional(_str(item.get("name")))
        else:
            name = normalize_optional(item) if isinstance(item, str) else None
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _tags(page: Page, ld: dict[str, Any]) -> tuple[str, ...]:
    tags = [
        normalize_text(str(m.get("content")))
        for m in page.by_tag("meta")
        if m.get("property") == "article:tag" and (m.get("content") or "").strip()
    ]
    keywords = ld.get("keywords")
    if not tags and isinstance(keywords, str):
        tags = [normalize_text(k) for k in keywords.split(",")]
    elif not tags and isinstance(keywords, list):
        tags = [normalize_text(str(k)) for k in keywords]
    return tuple(dict.fromkeys(t for t in tags if t))


def _is_date_line(text: str) -> bool:
    """A short line that is only a date stamp ("02/03/2022 10:15"): page furniture."""
    if len(text) > _MAX_DATE_LINE:
        return False
    # The date must be (nearly) the whole line: "Ngày 12/11/2020, tại Hà Nội." is text.
    dated = sum(len(found) for found in find_dates_in_text(text))
    return dated >= 0.7 * len(text)


def _strip_closing(text: str) -> str:
    # "... hơn./." keeps the sentence's own full stop, as in the selector path.
    return _CLOSING_MARK.sub("", text)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
