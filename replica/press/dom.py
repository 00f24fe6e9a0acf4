"""Small lxml helpers the writers of a real portal's page share."""

from __future__ import annotations

import html

from lxml.html import HtmlElement


def first(root: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement:
    found = first_or_none(root, selectors)
    if found is None:
        raise LookupError(f"the template has no element for {selectors}")
    return found


def first_or_none(root: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement | None:
    for selector in selectors:
        found = root.cssselect(selector)
        if found:
            return found[0]
    return None


def inner_p(element: HtmlElement) -> HtmlElement:
    inner = element.find(".//p")
    return inner if inner is not None else element


def meta(root: HtmlElement, prop: str) -> str | None:
    for meta in root.iter("meta"):
        if meta.get("property") == prop or meta.get("name") == prop:
            return meta.get("content")
    return None


def text(element: HtmlElement) -> str:
    return element.text_content()


def clean(text: str) -> str:
    return " ".join(html.unescape(text).split())


def clear(element: HtmlElement) -> None:
    for child in list(element):
        element.remove(child)
    element.text = None


def set_text(element: HtmlElement, text: str) -> None:
    clear(element)
    element.text = text


def drop(element: HtmlElement) -> None:
    """Remove an element, keeping the text that follows it."""
    element.drop_tree()


def drop_class(element: HtmlElement, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name and name in classes:
        element.set("class", " ".join(c for c in classes if c != name))


def slug(name: str) -> str:
    from replica.paths import slugify

    return slugify(name)
