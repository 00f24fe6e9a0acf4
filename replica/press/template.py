"""The real page of a portal, parsed once: the DOM every generated article is written
into, and what the page said of its own (real) article, so that can be replaced."""

from __future__ import annotations

import copy
import re
import threading
from urllib.parse import urlsplit

import lxml.html
from lxml.html import HtmlElement

from crawler.portals import Layout
from replica.press.dom import clean, first, meta, text
from replica.press.specs import SPECS, PressSpec

# Dân trí's page has no picture in its body: a figure in the markup its other pages use.
PLAIN_FIGURE = (
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
        self.title = clean(meta(self.root, "og:title") or text(first(self.root, self.layout.title)))
        self.lead = clean(meta(self.root, "og:description") or "")
        self.path = urlsplit(self.canonical).path
        real_id = spec.portal.article_id(self.canonical)
        self.id_pattern = re.compile(rf"(?<!\d){real_id}(?!\d)") if real_id else None
        body = first(self.root, self.layout.body)
        self.figure = figure_template(body, self.layout)
        self.paragraph = next(
            (copy.deepcopy(p) for p in body.iterchildren("p") if not p.get("style")), None
        )

    def fresh(self) -> HtmlElement:
        return copy.deepcopy(self.root)


# The server answers each connection in a thread of its own, and many at once: a tree
# copied by one thread while another copies it too crashed the process (libxml2's
# dictionaries are not shared safely across threads). Each thread parses its own.
_local = threading.local()


def template(name: str) -> Template:
    """The portal's real page, parsed once per thread."""
    parsed: dict[str, Template] | None = getattr(_local, "templates", None)
    if parsed is None:
        parsed = _local.templates = {}
    if name not in parsed:
        parsed[name] = Template(SPECS[name])
    return parsed[name]


def figure_template(body: HtmlElement, layout: Layout) -> HtmlElement:
    for selector in layout.figure:
        for element in body.cssselect(selector):
            if element.tag == "figure" and element.find(".//img") is not None:
                return copy.deepcopy(element)
    return lxml.html.fragment_fromstring(PLAIN_FIGURE)
