"""Pages nested deeper than libxml2 follows, read again the way a browser reads them.

libxml2's HTML parser stops building the tree at 256 levels of nesting (2048 with
XML_PARSE_HUGE), and the page's text from there to its end is lost (all of it, when the
deep part starts right under <body>). Browsers show such pages: Chromium
caps the depth at 512 and attaches deeper elements to the element at that depth, so
their text still shows, in order. Old CMS pages with unclosed `<font>` or `<div>`
tags nest like this without meaning to.

So when libxml2 reports that it hit its depth limit, the page is read again by
BeautifulSoup's `html.parser` (pure Python: no depth limit), every element deeper than
BROWSER_MAX_DEPTH is unwrapped (its children move up to the element at that depth, as
in Chromium), and the flattened HTML goes back to lxml, with XML_PARSE_HUGE so that
512 levels fit. Only these pages pay for it (tests/test_deep_pages.py measures it);
bs4 is imported on the first such page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from lxml import etree

# Chromium's HTMLConstructionSite::kMaximumHTMLParserDOMTreeDepth.
BROWSER_MAX_DEPTH = 512
# libxml2 names the limit in this message (ERR_RESOURCE_LIMIT).
_DEPTH_ERROR = "Excessive depth in document"
# The re-read tree is at most BROWSER_MAX_DEPTH deep: over 256, so XML_PARSE_HUGE.
_DEEP_PARSER = etree.HTMLParser(huge_tree=True)


def lost_to_depth(parser: etree.HTMLParser) -> bool:
    """Whether the parser's last document went past libxml2's nesting limit."""
    return any(_DEPTH_ERROR in entry.message for entry in parser.error_log)


def flatten(html: str, max_depth: int = BROWSER_MAX_DEPTH) -> str:
    """The page with every element deeper than `max_depth` unwrapped, as HTML.

    Written out by walking bs4's tree with an explicit stack (the tree is deeper than
    Python's recursion limit); bs4's own `unwrap` walks up the ancestors on every
    call, which made 3,000 levels take seconds.
    """
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    # (node, depth) to write, or a closing tag (a str) to write once its children are.
    stack: list[tuple[Tag | NavigableString, int] | str] = [
        (child, 1) for child in reversed(soup.contents) if isinstance(child, Tag | NavigableString)
    ]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, depth = item
        if isinstance(node, NavigableString):
            out.append(node.output_ready("minimal"))
            continue
        if depth <= max_depth:
            out.append(_start_tag(node))
            if node.is_empty_element:
                continue
            stack.append(f"</{node.name}>")
        children = [c for c in node.contents if isinstance(c, Tag | NavigableString)]
        stack.extend((child, depth + 1) for child in reversed(children))
    return "".join(out)


def _start_tag(tag: Any) -> str:
    attributes = "".join(
        f' {name}="{escape(" ".join(value) if isinstance(value, list) else str(value))}"'
        for name, value in tag.attrs.items()
    )
    return f"<{tag.name}{attributes}>"


def reparse_deep(html: str) -> etree._Element | None:
    """The page's tree as a browser would build it, for a page libxml2 gave up on."""
    return etree.fromstring(flatten(html), _DEEP_PARSER)
