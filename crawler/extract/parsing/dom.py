"""Small lxml helpers shared by the extraction steps: compiled selectors and element text."""

from __future__ import annotations

import re
from functools import cache

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import ParserError
from lxml.etree import _Element as Element

from crawler.extract.parsing import deep
from crawler.extract.text import normalize_text
from crawler.extract.urls import join_url

# Plain lxml elements, not lxml.html's HtmlElement: lxml.html looks up a Python class
# for every element the code touches, which costs more than the parse.
_PARSER = etree.HTMLParser()
# For a page whose text is exactly its bytes read as UTF-8: libxml2 parses the bytes
# about a quarter faster than the same text as a Python str.
_UTF8_PARSER = etree.HTMLParser(encoding="utf-8")

_RIGHT_ALIGNED = re.compile(r"text-align\s*:\s*right", re.I)
# C0 control characters (tab, newline and carriage return aside) and NUL.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Every byte but those characters as UTF-8 (each is one byte there): `translate` deleting
# them leaves the unsafe ones, ~10x quicker than the regex searches the text, and twice
# as quick as mapping every byte (no copy of the page is made).
_SAFE_BYTES = bytes(b for b in range(256) if not _XML_UNSAFE.match(chr(b)))
# A `src` that only holds a placeholder while the real image loads lazily.
_PLACEHOLDER_SRC = re.compile(r"^(data:|about:)|blank\.gif|spacer|placeholder|lazy", re.I)


@cache
def compiled(selector: str) -> CSSSelector:
    """CSS compiled to XPath once per process: selectors are data, compiled lazily."""
    return CSSSelector(selector)


def parse_document(text: str, utf8: bytes | None = None) -> Element | None:
    """The page's element tree, or None when nothing parseable is there.

    `utf8`, when given, is the page's bytes whose UTF-8 reading is exactly `text`.
    """
    if not text or text.isspace():  # (`not text.strip()` without copying the page)
        return None
    source: str | bytes = text
    unsafe = has_unsafe_bytes(utf8) if utf8 is not None else _XML_UNSAFE.search(text) is not None
    if unsafe:
        # lxml keeps C0 controls it parsed but refuses them when text is set again (a
        # dropped element's tail joins its neighbour's): never text, so gone before.
        source = _XML_UNSAFE.sub("", text)
    elif utf8 is not None and not text.startswith("<?xml"):
        # (lxml refuses a str that starts with an XML declaration naming an encoding,
        # and such a page has always been "empty": it keeps the str path.)
        source = utf8
    parser = _UTF8_PARSER if source is utf8 else _PARSER
    try:
        root = etree.fromstring(source, parser)
        if root is not None and deep.lost_to_depth(parser):
            # libxml2 gave up past 256 levels and lost the text: read it as a browser does.
            root = deep.reparse_deep(source if isinstance(source, str) else text)
    except (ParserError, ValueError):
        return None
    if root is None:
        return None
    # <br> separates words visually; without this, text_content() glues them.
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    return root


def has_unsafe_bytes(utf8: bytes) -> bool:
    """The UTF-8 bytes hold a character of `_XML_UNSAFE`."""
    return bool(utf8.translate(None, _SAFE_BYTES))


def has_text(element: Element) -> bool:
    """`element_text(element) != ""`, without normalising a long text to learn it.

    A word character survives normalisation unless an entity could swallow it: with no
    "&" in the text, one is enough."""
    raw = text_content(element)
    if "&" not in raw and _WORD.search(raw) is not None:
        return True
    return bool(normalize_text(raw))


_WORD = re.compile(r"\w")


def element_text(element: Element) -> str:
    return normalize_text(text_content(element))


def text_content(element: Element) -> str:
    """All the text inside the element, as lxml.html's `text_content()`.

    The same libxml2 call (xmlNodeGetContent) as the XPath `string()` that lxml.html
    uses, without setting up an XPath evaluation: half the time per element.
    """
    return etree.tostring(element, method="text", encoding="unicode", with_tail=False)


def drop_tree(element: Element) -> None:
    """Remove the element and its content; its tail joins the text before it (as
    lxml.html's `drop_tree()`)."""
    parent = element.getparent()
    assert parent is not None
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def is_emphasized(element: Element, text: str | None = None) -> bool:
    """Right-aligned or wholly bold: how the portal sets a byline apart.

    `text` is the element's `element_text`, when the caller already has it.
    """
    for el in (element, *element.iterdescendants()):
        # `or ""`: a comment or processing instruction answers None whatever the default.
        style, align = el.get("style") or "", el.get("align") or ""
        if _RIGHT_ALIGNED.search(style) or align.lower() == "right":
            return True
    if text is None:
        text = element_text(element)
    if not text:
        return False
    bold = "".join(normalize_text(text_content(b)) for b in element.iter("strong", "b"))
    return bold == text


def image_url(img: Element, base_url: str) -> str | None:
    """The real picture of an <img>, lazy-loading attributes first, as an absolute URL."""
    candidates = [img.get(attr) for attr in ("data-src", "data-original", "data-lazy-src")]
    srcset = img.get("data-srcset") or img.get("srcset")
    if srcset:
        # The last srcset entry is conventionally the largest.
        candidates.append(srcset.split(",")[-1].strip().split(" ")[0])
    src = img.get("src")
    if (src and not _PLACEHOLDER_SRC.search(src)) or (src and not any(candidates)):
        candidates.append(src)
    for candidate in candidates:
        if candidate and candidate.strip():
            return join_url(base_url, candidate.strip())
    return None
