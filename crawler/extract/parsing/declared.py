"""Per-field hooks a layout declares where the body walk cannot find the field.

Some portals print the byline apart from the text (an author box under the
headline, one element per author) and the credited source in an element of its own
(CafeF's `p.source`). The layout's `byline` and `source` selectors name them.
"""

from __future__ import annotations

import re

from crawler.extract.bylines import Byline, parse_byline
from crawler.extract.parsing.dom import element_text
from crawler.extract.parsing.page import Page
from crawler.extract.text import normalize_optional
from crawler.portals.base import Layout

# Authors side by side in one byline element: "NHẬT XUÂN - NGHI VŨ", "A và B".
_SEPARATORS = re.compile(r"\s+[-–/]\s+|\s*,\s*|\s+và\s+")
_MAX_NAME_WORDS = 6


def declared_byline(page: Page, layout: Layout) -> Byline | None:
    """The byline the layout's `byline` elements print, each element read alone.

    An element the layout names as the byline is a byline: a name in capitals with
    no family name ("NHẬT XUÂN", a pen name), which a paragraph at the end of the
    body could not be told apart from a heading by, is an author here.
    """
    lines = [line for line in dict.fromkeys(map(element_text, page.select_all(layout.byline)))]
    lines = [line for line in lines if line]
    if not lines:
        return None
    authors: dict[str, None] = {}
    source: str | None = None
    for line in lines:
        parsed = parse_byline([line])
        names = parsed.authors or (() if parsed.source else _names(line))
        authors.update(dict.fromkeys(names))
        source = source or parsed.source
    return Byline(raw=" / ".join(lines), authors=tuple(authors), source=source)


def declared_source(page: Page, layout: Layout) -> str | None:
    """The credited source as the page prints it, "Theo " dropped."""
    for element in page.select_all(layout.source):
        text = normalize_optional(element_text(element))
        if text:
            return text.removeprefix("Theo ").strip() or None
    return None


def _names(line: str) -> tuple[str, ...]:
    parts = [part.strip() for part in _SEPARATORS.split(line)]
    if not all(parts) or not all(_name_shaped(part) for part in parts):
        return ()
    return tuple(parts)


def _name_shaped(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= _MAX_NAME_WORDS and all(
        word.isalpha() and word[0].isupper() and (word[1:].islower() or word.isupper())
        for word in words
    )
