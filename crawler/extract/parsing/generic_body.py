"""The generic reader's body and byline: the article container's paragraphs, without
furniture, pictures, the lead or the signature; the byline at the top or the end."""

from __future__ import annotations

import re
from itertools import islice

from crawler.extract.bylines import looks_like_byline, looks_like_role_line, parse_byline
from crawler.extract.dates import find_dates_in_text
from crawler.extract.parsing.blocks import signature_lines, text_lines
from crawler.extract.parsing.dom import Element, element_text, is_emphasized
from crawler.extract.parsing.generic_dom import (
    Doc,
    GenericRead,
    common_ancestor,
    has_block_child,
    key,
)
from crawler.extract.parsing.generic_parts import Pictures, lead_mark

# Class/id words of a byline element, and of a block naming the source.
_AUTHOR_CLASS = re.compile(
    r"author|byline|writer|tacgia|tac-gia|signature|reporter|(?:^|[\s_-])(?:source|nguon)(?:$|[\s_-])",
    re.I,
)
_AUTHOR_STEMS = ("author", "byline", "writer", "tacgia", "tac-gia", "signature", "reporter",
                 "source", "nguon")  # fmt: skip
_SOURCE_CLASS = re.compile(r"(?:^|[\s_-])(?:source|nguon)(?:$|[\s_-])", re.I)
_SOURCE_WORD = re.compile(r"^\s*(?:theo|nguồn)\b", re.I)
# Blocks of text: a paragraph-like element is read whole.
_TEXT_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre")
_MIN_PARAGRAPH = 2
_CLOSING_MARK = re.compile(r"\s*/\.\s*$")
# Tags walked into when they hold blocks, read whole when they hold text only.
_CONTAINERS = frozenset(
    ("div", "section", "article", "center", "td", "tr", "tbody", "table", "ul", "ol",
     "span", "font", "figure", "main")
)  # fmt: skip
_WALKED = frozenset(("ul", "ol", "table", "tbody", "tr"))
_TEXT_HOLDERS = frozenset(("div", "section", "td", "center"))


def top_byline(doc: Doc, headline: Element | None, container: Element | None) -> list[str]:
    """Byline lines of the article: elements named as author/byline/source after the
    headline, within the block that holds headline and body (never a sidebar's).

    An element holding other byline elements gives way to them ("NHẬT XUÂN NGHI VŨ" is
    two names in two elements); a line that names no one new is left out."""
    scope = common_ancestor(headline, container)
    if scope is None:
        return []
    start = doc.position.get(headline, -1) if headline is not None else -1
    candidates: list[tuple[Element, str]] = []
    for element in doc.named(_AUTHOR_STEMS, _AUTHOR_CLASS):
        role = doc.role(element)
        if doc.position[element] <= start:
            continue
        if element.tag in ("img", "meta", "source") or not doc.within(element, scope):
            continue
        text = unlabel(doc.text(element))
        if text and _SOURCE_CLASS.search(role) and not _SOURCE_WORD.match(text):
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


def read_body(
    found: GenericRead,
    container: Element,
    pictures: Pictures,
    doc: Doc,
    headline: Element | None = None,
) -> None:
    paragraphs: list[tuple[str, Element]] = []
    skip = {*pictures.blocks}
    lead_key = key(found.lead or "")
    # Without an article element the container may be the whole page: nothing above
    # the headline (site name, menus) is article text.
    start = doc.position.get(headline, -1) if headline is not None else -1
    for element in _blocks(container, skip, doc):
        if doc.position.get(element, start + 1) <= start:
            continue
        if element.tag != "p" and _is_line_block(element):
            for line in text_lines(element):
                if len(line) >= _MIN_PARAGRAPH and line != found.title:
                    paragraphs.append((line, element))
            continue
        text = _row_text(element) if element.tag == "tr" else doc.text(element)
        if len(text) < _MIN_PARAGRAPH or text == found.title:
            continue
        if lead_key and _same_length(text, lead_key) and key(lead_mark(text)[1]) == lead_key:
            continue  # the sapo repeated in the body
        if text in pictures.caption_texts or _is_date_line(text, found):
            continue
        if _all_link(element, text, doc):
            found.link_blocks += 1
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
        if looks_like_byline(unlabel(text)) and _short_signature(text):
            byline.insert(0, unlabel(text))
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
        # Official texts close with "/." after the last sentence's own full stop.
        found.body[-1] = _CLOSING_MARK.sub("", found.body[-1])
        if not found.body[-1]:
            found.body.pop()
    if found.body:
        found.sources["body"] = "container"
    if byline:
        found.byline_lines = byline
        found.sources["authors"] = "signature"


def _short_signature(text: str) -> bool:
    return len(text.split()) <= 8


def _blocks(container: Element, skip: set[Element], doc: Doc) -> list[Element]:
    """The container's paragraph-like elements in order, furniture and pictures left out.

    A text block is read whole; a `div` holding only text and inline elements is one
    paragraph too (older layouts set paragraphs as `div`s)."""
    if _is_line_block(container):
        return [container]  # one block of <br>-separated lines: read as lines below
    found: list[Element] = []
    _walk(container, skip, doc, found)
    return found


def _walk(element: Element, skip: set[Element], doc: Doc, found: list[Element]) -> None:
    # A function of its own, not a closure that calls itself: such a closure is a
    # reference cycle, and it kept the whole page tree alive until the garbage collector
    # came by (a collection that walked every element of the page, each page).
    for child in element:
        if not isinstance(child.tag, str) or child in skip or doc.is_furniture(child):
            continue
        if child.tag == "table" and not _is_layout_table(child):
            found.extend(child.iter("tr"))  # a data table: a row is a paragraph
            continue
        if child.tag in _TEXT_BLOCKS and (child.tag == "li" or not has_block_child(child)):
            if not _is_link_list(child, doc):
                found.append(child)
            continue
        if child.tag in ("ul", "ol") and _is_link_list(child, doc):
            continue
        if child.tag in _CONTAINERS:
            if has_block_child(child) or child.tag in _WALKED:
                _walk(child, skip, doc, found)
            elif child.tag in _TEXT_HOLDERS and doc.text(child) and not _is_link_list(child, doc):
                found.append(child)
            continue


# A line this short that is mostly a date is the date line, not a paragraph.
_MAX_DATE_LINE = 60


def _is_date_line(text: str, found: GenericRead) -> bool:
    if text == found.published_text:
        return True
    if len(text) > _MAX_DATE_LINE:
        return False
    if _DIGIT.search(text) is None:
        return not text  # every written date has digits (`dates._patterns.FULL`)
    # The date must be (nearly) the whole line: "Ngày 12/11/2020, tại Hà Nội." is text.
    return sum(len(d) for d in find_dates_in_text(text)) >= 0.7 * len(text)


_DIGIT = re.compile(r"[0-9]")


def _is_line_block(element: Element) -> bool:
    """Text set as lines between <br>s, with no paragraph blocks (older layouts)."""
    return next(element.iterchildren("br"), None) is not None and not has_block_child(element)


# Labels printed before a byline: "Tác giả:", "Bài và ảnh:", "Phóng viên:".
_BYLINE_LABEL = re.compile(
    r"^\s*(?:tác\s+giả|bài\s+và\s+ảnh|bài,?\s+ảnh|bài|tin\s+và\s+ảnh|tin,?\s+ảnh|"
    r"phóng\s+viên|người\s+viết|thực\s+hiện|nhóm\s+thực\s+hiện)\s*:\s*",
    re.I,
)


def unlabel(text: str) -> str:
    """A byline without the label printed before it."""
    return _BYLINE_LABEL.sub("", text, count=1)


def _same_length(text: str, lead_key: str) -> bool:
    # Only a paragraph about the lead's length may be the lead again (and `key` is
    # costly on long text).
    return 0.8 * len(lead_key) <= len(text) <= 1.3 * len(lead_key) + 30


def _all_link(element: Element, text: str, doc: Doc) -> bool:
    links = list(islice(element.iter("a"), 2))
    return len(links) == 1 and len(doc.text(links[0])) >= 0.9 * len(text)


def _row_text(row: Element) -> str:
    """A data table's row as "a | b | c", as the portal path writes it."""
    cells = [element_text(cell) for cell in row if cell.tag in ("td", "th")]
    return " | ".join(c for c in cells if c)


def _is_layout_table(table: Element) -> bool:
    # A table whose cells hold paragraphs is page layout (old portals), not data.
    return any(next(cell.iterchildren("p", "div"), None) is not None for cell in table.iter("td"))


def _is_link_list(element: Element, doc: Doc) -> bool:
    """Text that is mostly links: a related-articles list, not article text."""
    if next(element.iter("a"), None) is None:
        return False  # no link: 0 characters linked is never 80% of a text
    text = doc.text(element)
    if not text:
        return False
    links = [doc.text(a) for a in element.iter("a")]
    linked = sum(len(t) for t in links)
    return linked >= 0.8 * len(text) and (len(links) >= 2 or element.tag in ("ul", "ol", "li"))
