"""A generated article written into a real page's DOM, the page's furniture kept.

The real page saved from the portal is the template. Where each field goes is read
from the portal's declaration (its first layout's selectors), so the page a crawl gets
is the portal's real markup with another article's text: headline, sapo (with the
portal's lead mark), the date line in the portal's own format, byline or signature,
body paragraphs and figures (cloned from the page's own figure), tags, and the
metadata (canonical, og:*, article:*, JSON-LD) updated to match.
"""

from __future__ import annotations

import copy
import html
import json
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.html import HtmlElement

from crawler.portals import Layout
from replica.model import Paragraph
from replica.press.site import PressArticle, PressImage, PressSite
from replica.press.specs import SPECS, PressSpec

DOCTYPE = "<!DOCTYPE html>"
_IMAGE_ATTRIBUTES = ("src", "data-src", "data-original", "srcset", "data-srcset")
# Metadata names of the publish and modification times (property, name or itemprop).
_DATE_META = {
    "article:published_time": "published",
    "pubdate": "published",
    "datePublished": "published",
    "dateCreated": "published",
    "article:modified_time": "modified",
    "lastmod": "modified",
    "dateModified": "modified",
}
_DESCRIPTION_META = {"og:description", "description", "twitter:description"}
_TITLE_META = {"og:title", "twitter:title", "headline", "title"}
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle"}
# Dân trí's page has no picture in its body: a figure in the markup its other pages use.
_PLAIN_FIGURE = (
    '<figure class="image align-center"><img src="" alt="">'
    "<figcaption><p></p></figcaption></figure>"
)


class Template:
    """The real page, parsed once, and what it said of its own article."""

    def __init__(self, spec: PressSpec) -> None:
        self.spec = spec
        self.layout: Layout = spec.portal.layouts[0]
        self.root = lxml.html.document_fromstring(spec.template_html())
        canonical = self.root.find(".//link[@rel='canonical']")
        self.canonical = canonical.get("href", "") if canonical is not None else spec.real_url
        self.title = _clean(
            _meta(self.root, "og:title") or _text(_first(self.root, self.layout.title))
        )
        self.lead = _clean(_meta(self.root, "og:description") or "")
        self.path = urlsplit(self.canonical).path
        real_id = spec.portal.article_id(self.canonical)
        self.id_pattern = re.compile(rf"(?<!\d){real_id}(?!\d)") if real_id else None
        body = _first(self.root, self.layout.body)
        self.figure = _figure_template(body, self.layout)
        self.paragraph = next(
            (copy.deepcopy(p) for p in body.iterchildren("p") if not p.get("style")), None
        )

    def fresh(self) -> HtmlElement:
        return copy.deepcopy(self.root)


@cache
def template(name: str) -> Template:
    return Template(SPECS[name])


def render_article(site: PressSite, article: PressArticle) -> str:
    """The article's page, in the portal's real markup."""
    spec, tpl = site.spec, template(site.spec.name)
    layout = tpl.layout
    root = tpl.fresh()
    canonical = site.canonical_url(article.entry.path)
    _set_text(_first(root, layout.title), article.title)
    lead_el = _first(root, layout.lead)
    _set_text(_inner_p(lead_el), article.lead_mark + article.lead)
    for selector, fmt in spec.date_lines:
        for element in root.cssselect(selector):
            _set_text(element, fmt(article.published_minute))
            if element.get("datetime"):
                element.set("datetime", _like(element.get("datetime", ""), article.published))
    images = list(article.images)
    lead_images = [i for i in images if i.lead] if layout.lead_figure else []
    _fill_lead_figures(root, layout, lead_images, spec, tpl)
    body_images = [i for i in images if i not in lead_images]
    _fill_body(root, layout, article, body_images, spec, tpl)
    _BYLINES.get(spec.name, _no_byline)(root, layout, article)
    _fill_tags(root, layout, article.tags)
    _fill_metadata(root, tpl, article, canonical)
    _sweep(root, tpl, article, canonical)
    _relink(root, site, article, canonical)
    return DOCTYPE + "\n" + lxml.html.tostring(root, encoding="unicode")


# -- body -------------------------------------------------------------------------


def _fill_body(
    root: HtmlElement,
    layout: Layout,
    article: PressArticle,
    images: list[PressImage],
    spec: PressSpec,
    tpl: Template,
) -> None:
    body = _first(root, layout.body)
    # Elements, not ids: a proxy lxml let go of may hand its id to another.
    furniture = {e for sel in layout.furniture for e in body.cssselect(sel)}
    slot = None
    for child in list(body):
        if not isinstance(child.tag, str) or child in furniture:
            continue
        if slot is None:
            slot = body.index(child)
        _drop(child)
    slot = len(body) if slot is None else slot
    nodes: list[HtmlElement] = []
    paragraphs = article.paragraphs
    for index in range(len(paragraphs) + 1):
        nodes += [_figure(tpl, image, spec) for image in images if image.position == index]
        if index < len(paragraphs):
            nodes.append(_paragraph(tpl, paragraphs[index]))
    if spec.name == "vnexpress":  # the signature closes the body, right-aligned
        nodes.append(_signature(tpl, article.authors))
    for offset, node in enumerate(nodes):
        body.insert(slot + offset, node)


def _paragraph(tpl: Template, paragraph: Paragraph) -> HtmlElement:
    p = copy.deepcopy(tpl.paragraph) if tpl.paragraph is not None else lxml.html.Element("p")
    _set_runs(p, paragraph)
    return p


def _signature(tpl: Template, authors: tuple[str, ...]) -> HtmlElement:
    p = _paragraph(tpl, ((" - ".join(authors), "strong"),))
    p.set("style", "text-align:right;")
    return p


def _set_runs(element: HtmlElement, runs: Paragraph) -> None:
    _clear(element)
    last: HtmlElement | None = None
    for text, style in runs:
        if style:
            last = lxml.html.Element(style)
            last.text = text
            element.append(last)
        elif last is None:
            element.text = (element.text or "") + text
        else:
            last.tail = (last.tail or "") + text


def _figure_template(body: HtmlElement, layout: Layout) -> HtmlElement:
    for selector in layout.figure:
        for element in body.cssselect(selector):
            if element.tag == "figure" and element.find(".//img") is not None:
                return copy.deepcopy(element)
    return lxml.html.fragment_fromstring(_PLAIN_FIGURE)


def caption_text(image: PressImage, spec: PressSpec) -> str:
    """Caption and credit as the portal writes them under a picture."""
    if image.credit and image.caption:
        return f"{image.caption}{spec.credit_join}{image.credit}"
    if image.credit:
        return f"Ảnh: {image.credit}"
    return image.caption or ""


def _figure(tpl: Template, image: PressImage, spec: PressSpec) -> HtmlElement:
    figure = copy.deepcopy(tpl.figure)
    _point_images(figure, image.url)
    text = caption_text(image, spec)
    caption = _first_or_none(figure, tpl.layout.figure_caption)
    if caption is not None:
        if text:
            _set_text(_inner_p(caption), text)
            for element in caption.iter():
                _drop_class(element, "NLPlaceholderShow")
        else:
            _drop(caption)
    _drop_class(figure, "noCaption" if text else "")
    for img in figure.iter("img"):
        img.set("alt", text)
        if img.get("title") is not None:
            img.set("title", text)
    return figure


def _point_images(element: HtmlElement, url: str) -> None:
    for node in element.iter():
        if node.tag == "meta" and node.get("itemprop") == "url":
            node.set("content", url)
        if node.tag == "img":
            node.set("src", url)
        # `<source>` too: libxml2 reads it as a container, the <img> may be inside.
        if node.tag in ("img", "source"):
            for name in _IMAGE_ATTRIBUTES[1:]:
                if node.get(name) is not None:
                    node.set(name, url)


def _fill_lead_figures(
    root: HtmlElement, layout: Layout, images: list[PressImage], spec: PressSpec, tpl: Template
) -> None:
    figures = [e for sel in layout.lead_figure for e in root.cssselect(sel)]
    for k, figure in enumerate(figures):
        if k >= len(images):
            _drop(figure)
            continue
        _point_images(figure, images[k].url)
        caption = _first_or_none(figure, layout.lead_figure_caption)
        text = caption_text(images[k], spec) if spec.lead_caption else ""
        if caption is not None:
            if text:
                _set_text(_inner_p(caption), text)
            else:
                _drop(caption)


# -- bylines: each layout shows its authors its own way ----------------------------


def _no_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    """The signature is written with the body (VnExpress)."""


def _tuoitre_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    for box in root.cssselect(".detail-author-bot"):
        _clear(box)
        for k, name in enumerate(article.authors):
            link = lxml.html.Element("a", href=f"/tac-gia/{_slug(name)}.htm", title=name)
            link.set("class", "name")
            link.text = name
            link.tail = " - " if k < len(article.authors) - 1 else ""
            box.append(link)
    _clone_per_author(root.cssselect(".author-item-name"), article.authors, "a.name")


def _dantri_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    name = article.authors[0]
    for link in root.cssselect(layout.byline[0]):
        link.set("href", f"https://dantri.com.vn/tac-gia/{_slug(name)}.htm")
        image = link.find(".//img")
        if image is not None:
            image.set("alt", name)
        else:
            _set_text(link, name)


def _vietnamnet_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    name = article.authors[0]
    for link in root.cssselect(".article-detail-author__info a"):
        link.set("href", f"/tac-gia/{_slug(name)}.html")
        link.set("title", name)
        _set_text(link, f" {name} ")


def _cafef_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    for element in root.cssselect("p.author"):
        _set_text(element, ", ".join(article.authors))
    # A generated article credits no other outlet.
    for selector in ("p.source", ".link-source-wrapper"):
        for element in root.cssselect(selector):
            _drop(element)


def _plo_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    metas = root.cssselect(".article__meta")
    names = article.authors
    if metas:  # the line under the headline: "A - " "B"
        for box in metas[0].cssselect(".author"):
            _clear(box)
            for k, name in enumerate(names):
                shown = f"{name} - " if k < len(names) - 1 else name
                link = lxml.html.Element("a", href="#", title=f" {shown}")
                link.set("class", "name")
                link.text = shown
                box.append(link)
    for meta in metas[1:]:  # the author cards
        _clone_per_author(meta.cssselect(".author"), names, "a.name")


def _clone_per_author(boxes: list[HtmlElement], names: tuple[str, ...], link: str) -> None:
    if not boxes:
        return
    first = boxes[0]
    for extra in boxes[1:]:
        _drop(extra)
    parent = first.getparent()
    position = parent.index(first)
    for k, name in enumerate(names):
        box = first if k == 0 else copy.deepcopy(first)
        for anchor in box.cssselect(link):
            anchor.set("title", name)
            _set_text(anchor, name)
        if k:
            parent.insert(position + k, box)


_BYLINES: dict[str, Callable[[HtmlElement, Layout, PressArticle], None]] = {
    "tuoitre": _tuoitre_byline,
    "dantri": _dantri_byline,
    "vietnamnet": _vietnamnet_byline,
    "cafef": _cafef_byline,
    "plo": _plo_byline,
}


# -- tags and metadata --------------------------------------------------------------


def _fill_tags(root: HtmlElement, layout: Layout, tags: tuple[str, ...]) -> None:
    anchors: list[HtmlElement] = []
    for selector in layout.tags:
        anchors += (a for a in root.cssselect(selector) if a not in anchors)
    if not anchors:  # the page shows no tags (loaded by script)
        return
    while len(anchors) < len(tags):  # more tags than the real page had: one more link
        extra = copy.deepcopy(anchors[-1])
        anchors[-1].addnext(extra)
        anchors.append(extra)
    for k, anchor in enumerate(anchors):
        if k >= len(tags):
            _drop(anchor)
            continue
        anchor.set("title", tags[k])
        _set_text(anchor, tags[k])


def _fill_metadata(root: HtmlElement, tpl: Template, article: PressArticle, canonical: str) -> None:
    shown_lead = article.lead_mark + article.lead
    times = {"published": article.published, "modified": article.modified}
    for link in root.iter("link"):
        if link.get("rel") == "canonical":
            link.set("href", canonical)
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        keys = {meta.get(a) for a in ("property", "name", "itemprop")} - {None}
        dated = next((_DATE_META[k] for k in keys if k in _DATE_META), None)
        if dated:
            meta.set("content", _like(content, times[dated]))
        elif content == tpl.canonical or "og:url" in keys:
            meta.set("content", canonical)
        elif keys & _TITLE_META or _clean(content) == tpl.title:
            meta.set("content", article.title)
        elif keys & _DESCRIPTION_META:
            meta.set("content", shown_lead)
        elif keys & {"article:tag", "keywords", "news_keywords"}:
            meta.set("content", ",".join(article.tags))
    title = root.find(".//title")
    if title is not None:
        text = title.text or ""
        title.text = text.replace(tpl.title, article.title) if tpl.title in text else article.title
    for script in root.iter("script"):
        if script.get("type") != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:  # as some portals print it: left alone but for the URL
            script.text = script.text.replace(tpl.canonical, canonical)
            continue
        for node in _dicts(data):
            _update_ld(node, tpl, article, canonical, shown_lead)
        script.text = json.dumps(data, ensure_ascii=False)


def _sweep(root: HtmlElement, tpl: Template, article: PressArticle, canonical: str) -> None:
    """The real article's path, id, title and lead wherever else the page repeats them
    (scripts' page data, share buttons, hidden inputs, a sticky title bar): replaced."""
    new_path = urlsplit(canonical).path
    pairs = [(tpl.path, new_path), (tpl.title, article.title)]
    if tpl.lead:
        pairs.append((tpl.lead, article.lead_mark + article.lead))
    new_id = str(article.article_id)

    def swap(text: str) -> str:
        for old, new in pairs:
            if old in text:
                text = text.replace(old, new)
        if tpl.id_pattern is not None:
            text = tpl.id_pattern.sub(new_id, text)
        return text

    for element in root.iter():
        if element.text:
            element.text = swap(element.text)
        if element.tail:
            element.tail = swap(element.tail)
        if isinstance(element.tag, str):
            for name, value in element.attrib.items():
                element.set(name, swap(value))


def _relink(root: HtmlElement, site: PressSite, article: PressArticle, canonical: str) -> None:
    """Links to the real portal's other articles (related boxes, most read, menus) point
    at the replica's own articles instead, so a crawl of the replica finds articles
    there, as on the real site, and no 404 for an article the replica never had.
    A link keeps its form: relative stays relative, absolute stays on the portal host."""
    portal = site.portal
    others = [e for e in site.newest() if e.article_id != article.article_id]
    for element in root.iter("a"):
        href = element.get("href")
        if not href or not others or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            target = urljoin(canonical, href)
            host = urlsplit(target).hostname or ""
        except ValueError:
            continue
        if host not in portal.hosts or portal.article_id(target) is None:
            continue
        other = others[zlib.crc32(href.encode("utf-8")) % len(others)]
        if other.path == urlsplit(target).path:
            continue
        element.set(
            "href", other.path if not urlsplit(href).netloc else site.canonical_url(other.path)
        )


def _update_ld(
    node: dict[str, Any], tpl: Template, article: PressArticle, canonical: str, lead: str
) -> None:
    kinds = node.get("@type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    for key, value in list(node.items()):
        if isinstance(value, str) and tpl.canonical in value:
            node[key] = value.replace(tpl.canonical, canonical)
    if not kinds & _ARTICLE_TYPES:
        return
    node["headline"] = article.title
    if "name" in node:
        node["name"] = article.title
    if "description" in node:
        node["description"] = lead
    node["datePublished"] = article.published.isoformat()
    node["dateModified"] = article.modified.isoformat()
    if "author" in node:
        node["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if "keywords" in node:
        node["keywords"] = ",".join(article.tags)


def _dicts(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _dicts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _dicts(value)


def _like(original: str, moment: datetime) -> str:
    """`moment` written the way `original` writes a time (the page keeps its style)."""
    original = original.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", original):
        return f"{moment:%Y-%m-%d %H:%M}"
    if re.search(r"[+-]\d{4}$", original):
        return f"{moment:%Y-%m-%dT%H:%M:%S%z}"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", original):
        return f"{moment:%Y-%m-%dT%H:%M:%S}"
    return moment.isoformat()


# -- small DOM helpers ---------------------------------------------------------------


def _first(root: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement:
    found = _first_or_none(root, selectors)
    if found is None:
        raise LookupError(f"the template has no element for {selectors}")
    return found


def _first_or_none(root: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement | None:
    for selector in selectors:
        found = root.cssselect(selector)
        if found:
            return found[0]
    return None


def _inner_p(element: HtmlElement) -> HtmlElement:
    inner = element.find(".//p")
    return inner if inner is not None else element


def _meta(root: HtmlElement, prop: str) -> str | None:
    for meta in root.iter("meta"):
        if meta.get("property") == prop or meta.get("name") == prop:
            return meta.get("content")
    return None


def _text(element: HtmlElement) -> str:
    return element.text_content()


def _clean(text: str) -> str:
    return " ".join(html.unescape(text).split())


def _clear(element: HtmlElement) -> None:
    for child in list(element):
        element.remove(child)
    element.text = None


def _set_text(element: HtmlElement, text: str) -> None:
    _clear(element)
    element.text = text


def _drop(element: HtmlElement) -> None:
    """Remove an element, keeping the text that follows it."""
    element.drop_tree()


def _drop_class(element: HtmlElement, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name and name in classes:
        element.set("class", " ".join(c for c in classes if c != name))


def _slug(name: str) -> str:
    from replica.paths import slugify

    return slugify(name)
