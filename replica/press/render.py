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

import lxml.html
from lxml.html import HtmlElement

from crawler.portals import Layout
from replica.model import Paragraph
from replica.press.bylines import BYLINES, no_byline
from replica.press.dom import clear, drop, drop_class, first, first_or_none, inner_p, set_text
from replica.press.metadata import fill_metadata, fill_tags, like, relink, sweep
from replica.press.site import PressArticle, PressImage, PressSite
from replica.press.specs import PressSpec
from replica.press.template import Template, template

DOCTYPE = "<!DOCTYPE html>"
_IMAGE_ATTRIBUTES = ("src", "data-src", "data-original", "srcset", "data-srcset")


def render_article(site: PressSite, article: PressArticle) -> str:
    """The article's page, in the portal's real markup."""
    spec, tpl = site.spec, template(site.spec.name)
    layout = tpl.layout
    root = tpl.fresh()
    canonical = site.canonical_url(article.entry.path)
    set_text(first(root, layout.title), article.title)
    lead_el = first(root, layout.lead)
    set_text(inner_p(lead_el), article.lead_mark + article.lead)
    for selector, fmt in spec.date_lines:
        for element in root.cssselect(selector):
            set_text(element, fmt(article.published_minute))
            if element.get("datetime"):
                element.set("datetime", like(element.get("datetime", ""), article.published))
    images = list(article.images)
    lead_images = [i for i in images if i.lead] if layout.lead_figure else []
    _fill_lead_figures(root, layout, lead_images, spec, tpl)
    body_images = [i for i in images if i not in lead_images]
    _fill_body(root, layout, article, body_images, spec, tpl)
    BYLINES.get(spec.name, no_byline)(root, layout, article)
    fill_tags(root, layout, article.tags)
    fill_metadata(root, tpl, article, canonical)
    sweep(root, tpl, article, canonical)
    relink(root, site, article, canonical)
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
    body = first(root, layout.body)
    # Elements, not ids: a proxy lxml let go of may hand its id to another.
    furniture = {e for sel in layout.furniture for e in body.cssselect(sel)}
    slot = None
    for child in list(body):
        if not isinstance(child.tag, str) or child in furniture:
            continue
        if slot is None:
            slot = body.index(child)
        drop(child)
    slot = len(body) if slot is None else slot
    nodes: list[HtmlElement] = []
    paragraphs = article.paragraphs
    for index in range(len(paragraphs) + 1):
        nodes += [_figure(tpl, image, spec) for image in images if image.position == index]
        if index < len(paragraphs):
            nodes.append(_paragraph(tpl, paragraphs[index], spec.subheading))
    if spec.signature:  # the signature closes the body, right-aligned
        nodes.append(_signature(tpl, article))
    for offset, node in enumerate(nodes):
        body.insert(slot + offset, node)


def _paragraph(tpl: Template, paragraph: Paragraph, subheading: str = "") -> HtmlElement:
    if subheading and len(paragraph) == 1 and paragraph[0][1] == "strong":
        heading = lxml.html.Element(subheading)  # a subheading of its own element
        heading.text = paragraph[0][0]
        return heading
    p = copy.deepcopy(tpl.paragraph) if tpl.paragraph is not None else lxml.html.Element("p")
    _set_runs(p, paragraph)
    return p


def _signature(tpl: Template, article: PressArticle) -> HtmlElement:
    runs: Paragraph = ((" - ".join(article.authors), "strong"),)
    if article.signature_note:  # "<strong>Hà Thu</strong> <em>(tổng hợp)</em>"
        runs = (*runs, (" ", ""), (article.signature_note, "em"))
    p = _paragraph(tpl, runs)
    p.set("style", "text-align:right;")
    return p


def _set_runs(element: HtmlElement, runs: Paragraph) -> None:
    clear(element)
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
    caption = first_or_none(figure, tpl.layout.figure_caption)
    if caption is not None:
        if text:
            set_text(inner_p(caption), text)
            for element in caption.iter():
                drop_class(element, "NLPlaceholderShow")
        else:
            drop(caption)
    drop_class(figure, "noCaption" if text else "")
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
            drop(figure)
            continue
        _point_images(figure, images[k].url)
        caption = first_or_none(figure, layout.lead_figure_caption)
        text = caption_text(images[k], spec) if spec.lead_caption else ""
        if caption is not None:
            if text:
                set_text(inner_p(caption), text)
            else:
                drop(caption)
