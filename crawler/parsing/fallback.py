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

from crawler.article import Image
from crawler.bylines import looks_like_byline
from crawler.captions import split_caption
from crawler.dates import find_dates_in_text
from crawler.parsing.dom import HtmlElement, element_text, image_url, meta_content, select_first
from crawler.parsing.metadata import json_ld_articles
from crawler.text import normalize_optional, normalize_text

METADATA = "metadata"
GENERIC = "generic"
# Where a drifted page most likely keeps its article, most specific first.
_ARTICLE_ROOTS = ("article", "[itemprop=articleBody]", "main", "#content", "body")
# A generic extractor keeps the date line under the headline; a line this short that
# reads as a date is that stamp, not a paragraph.
_MAX_DATE_LINE = 60
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
    skip: list[HtmlElement] = field(default_factory=list)


def declares_article(root: HtmlElement) -> bool:
    if any(True for _ in json_ld_articles(root)):
        return True
    if (meta_content(root, "og:type") or "").lower() == "article":
        return True
    return meta_content(root, "article:published_time") is not None


def read_fallback(root: HtmlElement, html: str, url: str) -> Fallback:
    """What metadata and a generic extractor make of the page (fields may be empty)."""
    ld = next(json_ld_articles(root), {})
    title = normalize_optional(_str(ld.get("headline"))) or normalize_optional(
        meta_content(root, "og:title")
    )
    if not title:
        h1 = select_first(root, ("h1",))
        title = element_text(h1) if h1 is not None else None
    lead = normalize_optional(_str(ld.get("description"))) or normalize_optional(
        meta_content(root, "og:description", "description")
    )
    container = select_first(root, _ARTICLE_ROOTS)
    images, captions = _figures(container, url) if container is not None else ([], set())
    article_body = _str(ld.get("articleBody"))
    if article_body:
        paragraphs = [normalize_text(p) for p in article_body.splitlines()]
        method = METADATA
    else:
        paragraphs = _generic_paragraphs(html, url)
        method = GENERIC
    drop = {title, lead, *captions}
    body = [p for p in paragraphs if p and p not in drop and not _is_date_line(p)]
    byline_lines: list[str] = []
    if body and looks_like_byline(body[-1]):
        byline_lines.append(body.pop())
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
        tags=_tags(root, ld),
        method=method,
        skip=[container] if container is not None and container.tag != "body" else [],
    )


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
    return [normalize_text(line) for line in (text or "").splitlines()]


def _figures(container: HtmlElement, url: str) -> tuple[list[Image], set[str]]:
    images: list[Image] = []
    captions: set[str] = set()
    for figure in container.iter("figure"):
        caption_element = next(figure.iter("figcaption"), None)
        caption_text = element_text(caption_element) if caption_element is not None else ""
        caption, credit = split_caption(caption_text) if caption_text else (None, None)
        if caption_text:
            captions.add(caption_text)
        for index, img in enumerate(figure.iter("img")):
            src = image_url(img, url)
            if src:
                images.append(Image(src, caption, credit) if index == 0 else Image(src))
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


def _tags(root: HtmlElement, ld: dict[str, Any]) -> tuple[str, ...]:
    tags = [
        normalize_text(str(m.get("content")))
        for m in root.iterfind(".//meta[@property='article:tag']")
        if (m.get("content") or "").strip()
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
