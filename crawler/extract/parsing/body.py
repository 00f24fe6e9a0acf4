"""The article body: paragraphs in order, pictures with captions apart, byline split off.

The walk is structural: a figure block (declared per layout) yields pictures, any
other block yields text. Captions therefore never reach the body, whatever they say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.etree import _Comment, _ProcessingInstruction

from crawler.extract.article import Image
from crawler.extract.bylines import looks_like_byline, looks_like_role_line
from crawler.extract.captions import split_caption
from crawler.extract.parsing.blocks import caption_text, signature_lines
from crawler.extract.parsing.dom import Element, element_text, image_url, is_emphasized
from crawler.extract.parsing.page import Page
from crawler.extract.text import normalize_text
from crawler.portals.base import Layout

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "center",
    ]
)
_LIST_TAGS = frozenset(("ul", "ol"))
# Embedded players are not text: their fallback text ("Trình duyệt không hỗ trợ video")
# must not reach the body.
_SKIP_TAGS = frozenset(
    [
        *("script", "style", "noscript", "iframe", "form", "button", "svg"),
        *("video", "audio", "object", "embed"),
    ]
)
# Official texts close with "/." after the last sentence's own full stop ("... hơn./.").
_CLOSING_MARK = re.compile(r"\s*/\.\s*$")
# A byline is a name or two plus an optional role line: never more lines than this.
_MAX_BYLINE_LINES = 3


@dataclass(slots=True)
class _Paragraph:
    text: str
    # The element, to ask whether it is set apart (bold, right-aligned) only when the
    # byline search needs it: asking for every paragraph costs a sixth of the parse.
    element: Element | None = None

    @property
    def emphasized(self) -> bool:
        return self.element is not None and is_emphasized(self.element, self.text)


@dataclass(slots=True)
class Body:
    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    byline_lines: list[str] = field(default_factory=list)


def read_body(page: Page, container: Element, layout: Layout, base_url: str) -> Body:
    """Walk the body container once, in document order."""
    figures = set(page.select_all(layout.figure, container))
    walker = _Walker(page, figures, _holders(container, figures), layout, base_url)
    walker.walk(container)
    body = Body(images=walker.images)
    body.byline_lines = _pop_byline(walker.paragraphs)
    body.paragraphs = [p.text for p in walker.paragraphs]
    if body.paragraphs:
        body.paragraphs[-1] = _CLOSING_MARK.sub("", body.paragraphs[-1])
        if not body.paragraphs[-1]:
            body.paragraphs.pop()
    return body


def read_figure(
    page: Page,
    figure: Element,
    caption_selectors: tuple[str, ...],
    base_url: str,
    *,
    shared: bool = False,
) -> list[Image]:
    """The pictures of one figure block; its caption and credit go to the first one."""
    caption_element = page.select_first(caption_selectors, figure)
    caption, credit = (
        split_caption(caption_text(caption_element))
        if caption_element is not None
        else (None, None)
    )
    images: list[Image] = []
    for img in figure.iter("img"):
        url = image_url(img, base_url)
        if url is None:
            continue
        if images and not shared:
            images.append(Image(url=url))
        else:
            images.append(Image(url=url, caption=caption, credit=credit))
    return images


def _holders(container: Element, figures: set[Element]) -> set[Element | None]:
    """Elements of the container with a block or a figure as a child, or a picture
    inside: walked into, not read as one paragraph. Found once for the whole body (lxml
    finds the blocks and pictures), not by asking each block about its children."""
    holders = {e.getparent() for e in container.iter(*_BLOCK_TAGS)}
    holders.update(figure.getparent() for figure in figures)
    for img in container.iter("img"):
        for ancestor in img.iterancestors():
            holders.add(ancestor)
            if ancestor is container:
                break
    return holders


class _Walker:
    def __init__(
        self,
        page: Page,
        figures: set[Element],
        holders: set[Element | None],
        layout: Layout,
        base_url: str,
    ) -> None:
        self.page = page
        self.figures = figures
        self.holders = holders
        self.layout = layout
        self.base_url = base_url
        self.paragraphs: list[_Paragraph] = []
        self.images: list[Image] = []

    def walk(self, element: Element) -> None:
        self._loose_text(element.text)
        for child in element:
            tag = child.tag
            if type(tag) is not str:
                if isinstance(child, _Comment | _ProcessingInstruction):
                    self._loose_text(child.tail)
                    continue
                tag = ""
            if child in self.figures:
                layout = self.layout
                self.images.extend(
                    read_figure(
                        self.page, child, layout.figure_caption, self.base_url,
                        shared=layout.shared_caption,
                    )
                )  # fmt: skip
            elif tag in _SKIP_TAGS:
                pass
            elif tag == "img":
                url = image_url(child, self.base_url)
                if url:
                    self.images.append(Image(url=url))
            elif tag == "table":
                self._table(child)
            elif tag in _LIST_TAGS:
                for item in child.iterfind("li"):
                    self._block(item)
            elif tag in _BLOCK_TAGS:
                self._block(child)
            else:
                # Inline element directly in the container: its text is a paragraph of its own.
                self._add(child)
            self._loose_text(child.tail)

    def _block(self, element: Element) -> None:
        if element in self.holders:
            self.walk(element)
        else:
            self._add(element)

    def _table(self, table: Element) -> None:
        # A data table is read as text rows, cells joined by " | ".
        for row in table.iter("tr"):
            cells = [element_text(cell) for cell in row if cell.tag in ("td", "th")]
            line = " | ".join(c for c in cells if c)
            if line:
                self.paragraphs.append(_Paragraph(line))

    def _add(self, element: Element) -> None:
        text = element_text(element)
        if text:
            self.paragraphs.append(_Paragraph(text, element))

    def _loose_text(self, text: str | None) -> None:
        if text and text.strip():
            self.paragraphs.append(_Paragraph(normalize_text(text)))


def _pop_byline(paragraphs: list[_Paragraph]) -> list[str]:
    """Take the trailing byline block (a name, maybe a role line under it) off the body."""
    lines: list[str] = []
    while paragraphs and len(lines) < _MAX_BYLINE_LINES:
        last = paragraphs[-1]
        above = paragraphs[-2] if len(paragraphs) > 1 else None
        if not lines and above is not None and _is_role_under_name(last, above):
            lines.insert(0, paragraphs.pop().text)
            continue
        if looks_like_byline(last.text):
            lines.insert(0, paragraphs.pop().text)
        elif not lines and last.element is not None and last.emphasized:
            # One block holding name<br>role (issue 15 §7).
            signature = signature_lines(last.element)
            if signature is not None:
                paragraphs.pop()
                lines = signature
        break
    return lines


def _is_role_under_name(last: _Paragraph, above: _Paragraph) -> bool:
    return (
        last.emphasized
        and above.emphasized
        and looks_like_role_line(last.text)
        and looks_like_byline(above.text)
    )
