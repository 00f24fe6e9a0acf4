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
from datetime import datetime
from typing import Any

from crawler.extract.captions import split_caption
from crawler.extract.parsing.dom import Element, element_text, has_text, is_emphasized
from crawler.extract.parsing.generic_body import read_body, top_byline
from crawler.extract.parsing.generic_dates import read_dates
from crawler.extract.parsing.generic_dom import Doc, GenericRead, has_block_child, key, str_or_none
from crawler.extract.parsing.generic_labels import ld_authors, read_category, read_tags
from crawler.extract.parsing.generic_parts import is_furniture, lead_mark, read_pictures
from crawler.extract.parsing.metadata import breadcrumb_names, json_ld_articles
from crawler.extract.parsing.page import Page
from crawler.extract.text import normalize_optional

# Class/id words of the sapo (lead) element.
_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sapo|chapeau|chappeau|lead|description|desc|des|summary|sumary|teaser|"
    r"excerpt|intro|tomtat|tom-tat|abstract)(?:$|[\s_-])",
    re.I,
)


def read_generic(page: Page, url: str, fetched_at: datetime) -> GenericRead:
    """What the page says, by general rules; fields may be empty. Prunes `page.root`."""
    found = GenericRead()
    ld = next(json_ld_articles(page), {})
    crumbs = breadcrumb_names(page)  # read before the scripts are dropped
    _drop_invisible(page)
    doc = Doc(page)
    found.declared = bool(ld) or (
        (doc.meta("og:type") or "").lower() == "article"
        or doc.meta("article:published_time") is not None
    )
    headline = _headline(doc, ld)
    if headline is not None:
        found.title = element_text(headline)
        found.sources["title"] = "h1" if headline.tag == "h1" else "headline"
    else:
        found.title = normalize_optional(str_or_none(ld.get("headline")))
        found.sources["title"] = "json-ld"
        if not found.title:
            found.title = normalize_optional(doc.meta("og:title"))
            found.sources["title"] = "og"
    container = _container(doc, headline)
    _read_lead(doc, found, ld, headline, container)
    read_dates(doc, found, ld, headline, container, fetched_at)
    read_category(doc, found, ld, crumbs)
    found.tags, tags_source = read_tags(doc)
    if found.tags:
        found.sources["tags"] = tags_source
    top = top_byline(doc, headline, container)
    if container is not None:
        pictures = read_pictures(page, container, url, headline, doc.is_furniture)
        found.images = pictures.images
        if found.images:
            found.sources["images"] = "figure"
        read_body(found, container, pictures, doc, headline)
    if not found.byline_lines and top:
        found.byline_lines = top
        found.byline_named = True
        found.sources["authors"] = "byline"
    found.ld_authors = ld_authors(ld)
    if not found.byline_lines and found.ld_authors:
        found.sources["authors"] = "json-ld"
    return found


# --- the headline and the article container ---------------------------------------------


def _drop_invisible(page: Page) -> None:
    # One walk for every tag. The order of the drops does not change the page left: a
    # dropped element's tail joins the text before it, and the tails of two dropped
    # neighbours join in document order whichever goes first.
    for element in list(page.root.iter(*_INVISIBLE)):
        if element.get("type") == "application/ld+json":
            continue  # metadata a later reader (the publish date) may still ask for
        if element.getparent() is not None:
            page.drop(element)


_INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button")


def _headline(doc: Doc, ld: dict[str, Any]) -> Element | None:
    """The h1 that names the article: the one matching the metadata headline, or the
    first non-empty h1 (a site logo in an h1 is short and matches nothing)."""
    page = doc.page
    named = (str_or_none(ld.get("headline")), doc.meta("og:title"))
    wanted = {key(t) for t in named if t and key(t)}
    heads = [h for h in page.by_tag("h1") if element_text(h)]
    for head in heads:
        mine = key(element_text(head))
        if any(mine == w or (len(mine) > 20 and (mine in w or w in mine)) for w in wanted):
            return head
    long_heads = [h for h in heads if len(element_text(h).split()) >= 4]
    if long_heads or heads:
        return long_heads[0] if long_heads else heads[0]
    return _titled_element(doc, wanted)


# Class words of a headline set without an h1 (older layouts: `span.story_headline`).
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:headline|title|tieude|tieu-de)(?:$|[\s_-])", re.I)


def _titled_element(doc: Doc, wanted: set[str]) -> Element | None:
    """Without an h1: the element named as the headline whose text is the metadata's
    (or the `<title>`'s start), else the first such element with a sentence's worth."""
    title = next(iter(doc.page.by_tag("title")), None)
    title_key = key(element_text(title)) if title is not None else ""
    first: Element | None = None
    for element in doc.named(("title", "headline", "tieu"), _TITLE_CLASS):
        if element.tag in ("meta", "link", "title"):
            continue
        if next(element.iterdescendants("a"), None) is not None or is_furniture(element):
            continue  # a listing card's title links elsewhere
        text = element_text(element)
        if not 3 <= len(text.split()) <= 60:
            continue
        mine = key(text)
        if mine in wanted or (title_key and title_key.startswith(mine)):
            return element
        first = first or element
    return first


def _container(doc: Doc, headline: Element | None) -> Element | None:
    """The element holding most of the article's paragraph text.

    Each paragraph gives its length to its parent and half to its grandparent; an
    element after the headline in document order is preferred (a sidebar's teasers
    come before or far from it)."""
    page = doc.page
    scores: dict[Element, float] = {}
    for p in page.root.iter("p"):
        text = doc.text(p)
        if len(text) < 25 or _in_furniture(p, doc):  # (the length first: it costs less)
            continue
        parent = p.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + len(text)
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + len(text) / 2
    best = max(scores, key=scores.__getitem__) if scores else None
    declared = _declared_body(doc)
    if declared is not None and (best is None or doc.within(best, declared)):
        return declared  # microdata's articleBody, when the paragraphs are in it
    if best is None or scores[best] < _MIN_BODY:
        # Older layouts set text as lines between <br>s in a div or a table cell.
        lines = _br_container(doc)
        if lines is not None:
            return lines
    if best is None:
        return page.select_first(("article", "main", "body"))
    return best


# Less paragraph text than this and a block of <br>-separated lines is looked for; such
# a block needs this much text of its own.
_MIN_BODY = 300
_MIN_LINES = 100


def _declared_body(doc: Doc) -> Element | None:
    for element in doc.with_attribute("itemprop", "articleBody"):
        if has_text(element):
            return element
    return None


def _br_container(doc: Doc) -> Element | None:
    """The div or table cell with the most text of its own between `<br>`s."""
    best, best_length = None, _MIN_LINES
    for br in doc.page.root.iter("br"):
        holder = br.getparent()
        if holder is None or holder.tag not in ("div", "td", "span", "font", "section"):
            continue
        if _in_furniture(holder, doc):
            continue
        own = len((holder.text or "").strip()) + sum(
            len((child.tail or "").strip()) + len(element_text(child))
            for child in holder
            if child.tag in ("br", "b", "strong", "i", "em", "a", "span", "font")
        )
        if own > best_length:
            best, best_length = holder, own
    return best


def _in_furniture(element: Element, doc: Doc) -> bool:
    # A related box holds its teasers a few levels down; further up are page columns.
    return doc.in_furniture(element, _FURNITURE_DEPTH)


_FURNITURE_DEPTH = 5


# --- lead --------------------------------------------------------------------------------


def _read_lead(
    doc: Doc,
    found: GenericRead,
    ld: dict[str, Any],
    headline: Element | None,
    container: Element | None,
) -> None:
    described = normalize_optional(str_or_none(ld.get("description"))) or normalize_optional(
        doc.meta("og:description", "description")
    )
    lead: str | None = None
    first = _first_paragraph(container) if container is not None else None
    body_starts = doc.position.get(first, len(doc.elements)) if first is not None else None
    for element in doc.matching(_LEAD_CLASS, after=headline):
        if doc.within(element, container) and (
            body_starts is None or doc.position[element] >= body_starts
        ):
            continue  # inside the body, after its first paragraph: not the sapo
        if _in_picture_block(element):
            continue  # a picture's description ("td-image-desc"), not the sapo
        text = element_text(element)
        if len(text.split()) >= 6 and text != found.title and split_caption(text)[1] is None:
            lead, found.sources["lead"] = text, "sapo"
            break
    if (
        lead is None
        and first is not None
        and is_emphasized(first)
        and len(element_text(first).split()) >= 8
    ):
        lead, found.sources["lead"] = element_text(first), "bold"
    if lead is None and described and described != found.title:
        shown = _shown(doc, headline, described)
        if shown is not None:
            lead, found.sources["lead"] = shown, "meta+text"
    if lead is None and described and described != found.title:
        lead, found.sources["lead"] = described, "meta"
    if lead:
        found.lead_prefix, lead = lead_mark(lead)
        if found.lead_prefix:
            found.sources["lead_prefix"] = found.sources["lead"]
    found.lead = lead or None


def _in_picture_block(element: Element) -> bool:
    """Inside a figure, or a table holding a picture and only a caption's worth of text
    (a layout table of an older page holds the whole article: not a picture block)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("figure", "figcaption"):
            return True
        if ancestor.tag == "table":
            has_picture = next(ancestor.iterdescendants("img"), None) is not None
            return has_picture and len(element_text(ancestor)) <= 400
    return False


# How much longer than the metadata's description the visible sapo may be (metadata
# often cuts it short).
_LEAD_SLACK = 200


def _shown(doc: Doc, headline: Element | None, described: str) -> str | None:
    """The sapo as the page shows it: the smallest element after the headline whose
    text (without the portal's mark) starts with the metadata description."""
    wanted = described[:60]
    shown: str | None = None
    for element in doc.after(headline)[:_LEAD_SCAN]:
        if element.tag in ("script", "style", "meta") or has_block_child(element):
            continue
        text = doc.text(element)
        if not text or len(text) > 2 * len(described) + _LEAD_SLACK:
            continue
        # (The text without its mark is the end of the text: `in` rules most out cheaply.)
        if wanted in text and lead_mark(text)[1].startswith(wanted):
            shown = text  # document order: a descendant comes later and is smaller
    return shown


# The sapo stands near the headline: elements after it that are searched for it.
_LEAD_SCAN = 400


def _first_paragraph(container: Element) -> Element | None:
    for p in container.iter("p"):
        if element_text(p):
            return p
    return None


# --- small helpers -----------------------------------------------------------------------


__all__ = ["GenericRead", "read_generic"]
