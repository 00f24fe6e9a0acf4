"""The generic reader's dates: the visible date line, read by the project's date reader.

The line under (or just above) the headline is what readers saw and what a researcher
cites: its minute wins over metadata seconds that disagree. Metadata
(`article:published_time`, JSON-LD `datePublished`) fills in where the page shows no
line or only a day; `<time datetime>` comes last.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import islice
from typing import Any

from crawler.extract.dates import read_date
from crawler.extract.parsing.dom import Element
from crawler.extract.parsing.generic_dom import Doc, GenericRead, has_block_child, str_or_none
from crawler.extract.parsing.generic_parts import is_related_box

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
        doc.meta("article:published_time")
        or str_or_none(ld.get("datePublished"))
        or doc.meta("pubdate", "datePublished")
    )
    meta_source = "meta" if doc.meta("article:published_time") else "json-ld"
    found.published_meta = meta_text
    meta = read_date(meta_text, fetched_at=fetched_at) if meta_text else None
    modified = doc.meta("article:modified_time") or str_or_none(ld.get("dateModified"))
    if modified:
        reading = read_date(modified, fetched_at=fetched_at)
        if reading.value is not None:
            found.updated_at = reading.value
            found.sources["updated_at"] = "meta"
    visible = _visible_date(doc, headline, container, fetched_at)
    if visible is not None:
        text, reading = visible
        if reading.rejected is not None:
            # A stamp that contradicts itself or the fetch is refused, never replaced.
            found.published_text, found.published_source = text, "text"
            found.flags.append(f"date:{reading.rejected}")
            found.sources["published_at"] = "text"
            return
        # A line with a time is what readers saw: its minute wins. A day alone never
        # overrides a metadata timestamp (it may be the header's "today").
        has_meta = meta is not None and meta.value is not None
        if not reading.date_only or not has_meta:
            found.published_at, found.published_text = reading.value, text
            found.published_source = found.sources["published_at"] = "text"
            if reading.date_only:
                found.flags.append("date:date_only")
            if reading.relative:
                found.flags.append("date:relative")
            if reading.is_update:
                # Only an update stamp is shown (older layouts): it is the best evidence.
                found.flags.append("date:update_line")
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
    """The date line of the article: the first short line after the headline (up to the
    body's end, outside it and outside furniture), else just before the headline.

    A line with a time wins over a day alone; a relative line ("3 giờ trước") and an
    update stamp ("Cập nhật: ...") count only when nothing else is shown. A `<time>`
    without readable text gives its `datetime` attribute."""
    end = _last_position(doc, container)
    start = doc.position[headline] + 1 if headline is not None and headline in doc.position else 0
    before = doc.before(headline, _BEFORE_HEADLINE)
    skip_body = container is not None and container.tag != "body"
    if skip_body and container in doc.position:
        # Inside the body a date is quoted, not the stamp: the body's elements are one
        # run of positions, left out at once.
        body_start, body_end = doc.span(container)
        candidates = [
            *doc.elements[start : min(end + 1, body_start)],
            *doc.elements[max(start, body_end + 1) : end + 1],
            *(e for e in before if not body_start <= doc.position[e] <= body_end),
        ]
        skip_body = False
    else:
        candidates = [*doc.elements[start : end + 1], *before]  # positions up to `end`
    fallbacks: list[tuple[str, Any]] = []
    for element in candidates:
        if skip_body and doc.within(element, container):
            continue  # inside the body: a date there is quoted, not the stamp
        if element.tag not in _DATE_TAGS or has_block_child(element):
            continue
        found = _date_line(element, fetched_at, doc)
        if found is None or _in_furniture(element):
            continue
        text, reading = found
        # The smallest element that holds the same date line ("<p><span>date</span> |
        # Section</p>" gives the span's text).
        for inner in element.iterdescendants():
            if isinstance(inner.tag, str) and inner.tag in _DATE_TAGS:
                inner_found = _date_line(inner, fetched_at, doc)
                if inner_found is not None and inner_found[1].value == reading.value:
                    text, reading = inner_found
                    break
        if reading.rejected is not None:
            return text, reading
        if reading.date_only or reading.relative or reading.is_update:
            fallbacks.append((text, reading))
            continue
        return text, reading
    # A day alone, then a relative line, then an update stamp.
    for wanted in ("date_only", "relative", "is_update"):
        for text, reading in fallbacks:
            if getattr(reading, wanted):
                return text, reading
    return None


def _last_position(doc: Doc, container: Element | None) -> int:
    """The position of the body's last element (the page's end without a body)."""
    if container is None:
        return len(doc.elements)
    last = container
    while len(last):  # the last node in document order, down the last children
        last = last[-1]
    while last is not None and last not in doc.position:
        last = last.getprevious() if last.getprevious() is not None else last.getparent()
    return doc.position.get(last, len(doc.elements)) if last is not None else len(doc.elements)


def _in_furniture(element: Element) -> bool:
    # Only a box of other articles: a date line often sits in a toolbar or share bar.
    if is_related_box(element):
        return True
    return any(is_related_box(a) for a in islice(element.iterancestors(), _FURNITURE_DEPTH - 1))


_FURNITURE_DEPTH = 6


_DATE_TAGS = frozenset(("time", "span", "div", "p", "li", "small", "em", "i", "b", "a", "strong"))
# How far before the headline a date line is looked for (elements, nearest first): some
# layouts print the date above the title, never as far as the page header.
_BEFORE_HEADLINE = 40


def _date_line(element: Element, fetched_at: datetime, doc: Doc) -> tuple[str, Any] | None:
    text = doc.text(element)
    if not text or len(text) > _MAX_DATE_LINE:
        return None
    reading = read_date(text, fetched_at=fetched_at)
    if reading.value is None and reading.rejected is None and element.tag == "time":
        stamp = element.get("datetime")
        if stamp:
            reading, text = read_date(stamp, fetched_at=fetched_at), stamp
    if reading.value is None and reading.rejected is None:
        return None
    if _in_page_header(element):
        return None
    return text, reading


def _in_page_header(element: Element) -> bool:
    # The page header shows *today*, the day of viewing: never a publish date.
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in ("header", "nav", "footer") or _TODAY_CLASS.search(
            str(ancestor.get("class") or "")
        ):
            return True
    return False


_TODAY_CLASS = re.compile(r"(?:^|[\s_-])(?:today|top-?bar)(?:$|[\s_-])", re.I)
