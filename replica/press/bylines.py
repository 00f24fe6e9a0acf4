"""Bylines: each real layout shows its authors its own way (links, cards, a line)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import lxml.html
from lxml.html import HtmlElement

from crawler.portals import Layout
from replica.press.dom import clear, drop, set_text, slug
from replica.press.site import PressArticle


def no_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    """The signature is written with the body (VnExpress)."""


def _tuoitre_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    for box in root.cssselect(".detail-author-bot"):
        clear(box)
        for k, name in enumerate(article.authors):
            link = lxml.html.Element("a", href=f"/tac-gia/{slug(name)}.htm", title=name)
            link.set("class", "name")
            link.text = name
            link.tail = " - " if k < len(article.authors) - 1 else ""
            box.append(link)
    _clone_per_author(root.cssselect(".author-item-name"), article.authors, "a.name")


def _dantri_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    name = article.authors[0]
    for link in root.cssselect(layout.byline[0]):
        link.set("href", f"https://dantri.com.vn/tac-gia/{slug(name)}.htm")
        image = link.find(".//img")
        if image is not None:
            image.set("alt", name)
        else:
            set_text(link, name)


def _vietnamnet_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    name = article.authors[0]
    for link in root.cssselect(".article-detail-author__info a"):
        link.set("href", f"/tac-gia/{slug(name)}.html")
        link.set("title", name)
        set_text(link, f" {name} ")


def _cafef_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    for element in root.cssselect("p.author"):
        set_text(element, ", ".join(article.authors))
    # A generated article credits no other outlet.
    for selector in ("p.source", ".link-source-wrapper"):
        for element in root.cssselect(selector):
            drop(element)


def _plo_byline(root: HtmlElement, layout: Layout, article: PressArticle) -> None:
    metas = root.cssselect(".article__meta")
    names = article.authors
    if metas:  # the line under the headline: "A - " "B"
        for box in metas[0].cssselect(".author"):
            clear(box)
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
        drop(extra)
    parent = first.getparent()
    position = parent.index(first)
    for k, name in enumerate(names):
        box = first if k == 0 else copy.deepcopy(first)
        for anchor in box.cssselect(link):
            anchor.set("title", name)
            set_text(anchor, name)
        if k:
            parent.insert(position + k, box)


BYLINES: dict[str, Callable[[HtmlElement, Layout, PressArticle], None]] = {
    "tuoitre": _tuoitre_byline,
    "dantri": _dantri_byline,
    "vietnamnet": _vietnamnet_byline,
    "cafef": _cafef_byline,
    "plo": _plo_byline,
}
