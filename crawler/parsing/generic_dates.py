"""The generic reader's dates: the visible date line, read by the project's date reader.

The line under (or just above) the headline is what readers saw and what a researcher
cites: its minute wins over metadata seconds that disagree. Metadata
(`article:published_time`, JSON-LD `datePublished`) fills in where the page shows no
line or only a day; `<time datetime>` comes last.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from crawler.dates import read_date
from crawler.parsing.dom import Element, element_text
from crawler.parsing.generic_dom import Doc, GenericRead, has_block_child, inside, str_or_none

# A date line is short.
_MAX_DATE_LINE = 120


def read_dates(
    doc: Doc,
    found: GenericRead,
    ld: dict[str, Any],
    headline: Element | None,
    container: Element | None,
    fetched_at: datetime,
) -> None:
    page = doc.page
    meta_text = (
        page.meta_content("article:published_time")
        or str_or_none(ld.get("datePublished"))
        or page.meta_content("pubdate", "datePublished")
    )
    meta_source = "meta" if page.meta_content("article:published_time") else "json-ld"
    found.published_meta = meta_text
    meta = read_date(meta_text, fetched_at=fetched_at) if meta_text else None
    modified = page.meta_content("article:modified_time") or str_or_none(ld.get("dateModified"))
    if modified:
        reading = read_date(modified, fetched_at=fetched_at)
        if reading.value is not None:
            found.updated_at = reading.value
            found.sources["updated_at"] = "meta"
    visible = _visible_date(doc, headline, container, fetched_at)
    if visible is not None:
        text, reading = visible
        if reading.rejected is not None:
            found.published_text, found.published_source = text, "text"
            found.flags.append(f"date:{reading.rejected}")
            found.sources["published_at"] = "text"
            return
        if not reading.date_only or meta is None or meta.value is None:
            found.published_at, found.published_text = reading.value, text
            found.published_source = found.sources["published_at"] = "text"
            if reading.date_only:
                found.flags.append("date:date_only")
            return
        if meta.value.date() != reading.value.date() if reading.value else True:
            # The visible day contradicts the metadata: the visible day is shown to readers.
            found.published_at, found.published_text = reading.value, text
            found.published_source = found.sources["published_at"] = "text"
            found.flags.append("date:date_only")
            return
    if meta is not None and meta.value is not None:
        found.published_at, found.published_text = meta.value, meta_text
        found.published_source = found.sources["published_at"] = meta_source
        if meta.date_only:
            found.flags.append("date:date_only")
        return
    for time in page.by_tag("time"):
        stamp = time.get("datetime")
        attribute = read_date(stamp, fetched_at=fetched_at) if stamp else None
        if attribute is not None and attribute.value is not None:
            found.published_at, found.published_text = attribute.value, stamp
            found.published_source = found.sources["published_at"] = "time"
            return


def _visible_date(
    doc: Doc, headline: Element | None, container: Element | None, fetched_at: datetime
) -> tuple[str, Any] | None:
    """The first short date line after the headline, outside the body's paragraphs; a
    `<time>` without readable text gives its `datetime` attribute."""
    best: tuple[str, Any] | None = None
    after = doc.after(headline)
    before = doc.before(headline, _BEFORE_HEADLINE)
    for element in [*after, *before]:
        if container is not None and inside(element, container):
            continue  # inside the body: a date there is quoted, not the stamp
        if element.tag not in _DATE_TAGS or has_block_child(element):
            continue
        found = _date_line(element, fetched_at)
        if found is None:
            continue
        text, reading = found
        # The smallest element that holds the same date line ("<p><span>date</span> |
        # Section</p>" gives the span's text).
        for inner in element.iterdescendants():
            if isinstance(inner.tag, str) and inner.tag in _DATE_TAGS:
                inner_found = _date_line(inner, fetched_at)
                if inner_found is not None and inner_found[1].value == reading.value:
                    text, reading = inner_found
                    break
        if not reading.date_only or reading.rejected is not None:
            return text, reading
        best = best or (text, reading)
    return best


_DATE_TAGS = frozenset(("time", "span", "div", "p", "li", "small", "em", "i", "b", "a", "strong"))
# How far before the headline a date line is looked for (elements, nearest first): some
# layouts print the date above the title, never as far as the page header.
_BEFORE_HEADLINE = 40


def _date_line(element: Element, fetched_at: datetime) -> tuple[str, Any] | None:
    text = element_text(element)
    if not text or len(text) > _MAX_DATE_LINE:
        return None
    reading = read_date(text, fetched_at=fetched_at)
    if reading.value is None and reading.rejected is None and element.tag == "time":
        stamp = element.get("datetime")
        if stamp:
            reading, text = read_date(stamp, fetched_at=fetched_at), stamp
    if reading.is_update or reading.relative:
        return None
    if reading.value is None and reading.rejected is None:
        return None
    if _in_page_header(element):
        return None
    return text, reading


def _in_page_header(element: Element) -> bool:
    # The page header shows *today*, the day of viewing: never a publish date.
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in ("header", "nav", "footer") or re.search(
            r"(?:^|[\s_-])(?:today|top-?bar)(?:$|[\s_-])",
            str(ancestor.get("class") or ""),
            re.I,
        ):
            return True
    return False
