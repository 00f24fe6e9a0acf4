"""Which date is the publish date, and where it was read.

Sources, most trusted first: the layout's date element ("selector"), the page's
metadata ("meta": `article:published_time`; "json-ld": `datePublished`), a date line
of the article found outside the body when the layout drifted ("text"), the URL
("url"). The header's *today* and dates quoted in the body are never read: the
selectors do not reach them, and the "text" scan skips the page header and the body.

A date that is read and refused (weekday contradicts it, later than the fetch, before
1990) stays refused: no other source replaces it, and the record says why in `flags`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from crawler.extract.dates import VN_TZ, DateReading, read_date
from crawler.extract.parsing.dom import Element, element_text
from crawler.extract.parsing.metadata import json_ld_articles
from crawler.extract.parsing.page import Page
from crawler.portals.base import Layout

# Elements that may carry the article's date line on a page whose layout drifted.
_TEXT_CANDIDATES = (
    "article time",
    "main time",
    "[itemprop=datePublished]",
    ".date",
    ".time",
    ".meta",
    ".article-meta",
    ".post-date",
    ".publish-date",
)
# A calendar date in a URL path: /2020/11/12/ or -20201112- (never the article id).
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})/")


@dataclass(slots=True)
class Published:
    at: datetime | None = None
    text: str | None = None
    source: str | None = None
    updated_at: datetime | None = None
    flags: list[str] = field(default_factory=list)
    # Where `updated_at` was read, as `source` says for the publish date.
    updated_source: str | None = None


def read_published(
    page: Page,
    layout: Layout | None,
    fetched_at: datetime,
    url: str,
    *,
    skip: Iterable[Element] = (),
) -> Published:
    """The publish date of the page; `skip` are subtrees (the body) never scanned.

    The update time is the visible "Cập nhật" line, or else the page's metadata
    (`article:modified_time`, JSON-LD `dateModified`): portals rarely print it."""
    found = _published(page, layout, fetched_at, url, skip)
    if found.updated_at is None:
        found.updated_at = _modified(page, fetched_at)
    return found


def _published(
    page: Page, layout: Layout | None, fetched_at: datetime, url: str, skip: Iterable[Element]
) -> Published:
    found = Published()
    for text, source in _candidates(page, layout):
        if not text:
            continue
        reading = read_date(text, fetched_at=fetched_at)
        if reading.is_update:
            if found.updated_at is None and reading.rejected is None:
                found.updated_at = reading.value
                found.updated_source = source if reading.value is not None else None
            continue
        if _take(found, reading, text, source):
            return found
    for text in _text_dates(page, set(skip)):
        reading = read_date(text, fetched_at=fetched_at)
        if reading.is_update:
            if found.updated_at is None and reading.value is not None:
                found.updated_at, found.updated_source = reading.value, "text"
            continue
        if reading.value is not None and _take(found, reading, text, "text"):
            return found
    match = _URL_DATE.search(url)
    if match:
        try:
            day = datetime(int(match["y"]), int(match["m"]), int(match["d"]), tzinfo=VN_TZ)
        except ValueError:
            return found
        if day <= fetched_at:
            found.at, found.text, found.source = day, match.group(0), "url"
            found.flags.append("date:date_only")
    return found


def _candidates(page: Page, layout: Layout | None) -> Iterator[tuple[str, str]]:
    """(text, source), most trusted first; read lazily: the first one usually decides."""
    if layout is not None:
        for element in page.select_all(layout.date):
            yield element_text(element), "selector"
    for text in _meta_dates(page):
        yield text, "meta"
    for text in _json_ld_dates(page):
        yield text, "json-ld"


def _take(found: Published, reading: DateReading, text: str, source: str) -> bool:
    """Record the first publish stamp; True when the search is over."""
    if reading.rejected is not None:
        # A stamp that contradicts itself or the fetch is refused, never replaced.
        found.text, found.source = text, source
        found.flags.append(f"date:{reading.rejected}")
        return True
    if reading.value is None:
        return False
    found.at, found.text, found.source = reading.value, text, source
    if reading.relative:
        found.flags.append("date:relative")
    if reading.date_only:
        found.flags.append("date:date_only")
    return True


def _modified(page: Page, fetched_at: datetime) -> datetime | None:
    stamps = [page.meta_content("article:modified_time", "dateModified")]
    stamps += [str(o["dateModified"]) for o in json_ld_articles(page) if o.get("dateModified")]
    for text in stamps:
        reading = read_date(text, fetched_at=fetched_at) if text else None
        if reading is not None and reading.value is not None and reading.rejected is None:
            return reading.value
    return None


def _meta_dates(page: Page) -> list[str]:
    found = page.meta_content("article:published_time", "datePublished", "pubdate")
    return [found] if found else []


def _json_ld_dates(page: Page) -> list[str]:
    return [str(o["datePublished"]) for o in json_ld_articles(page) if o.get("datePublished")]


def _text_dates(page: Page, skip: set[Element]) -> list[str]:
    texts: list[str] = []
    for selector in _TEXT_CANDIDATES:
        for element in page.select_all((selector,)):
            # Skipped: the body, a paragraph (a date quoted in text), the page header.
            if _inside(element, skip) or _in_paragraph(element) or _in_header(element):
                continue
            text = element.get("datetime") or element_text(element)
            if text and len(text) < 120:
                texts.append(text)
    return texts


def _in_paragraph(element: Element) -> bool:
    return any(a.tag == "p" for a in element.iterancestors())


def _inside(element: Element, ancestors: set[Element]) -> bool:
    return any(a in ancestors for a in (element, *element.iterancestors()))


def _in_header(element: Element) -> bool:
    # The page header shows *today*, the day of viewing: never a publish date.
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag == "header" and not any(
            a.tag == "article" for a in ancestor.iterancestors()
        ):
            return True
        if "today" in (ancestor.get("class") or "").split():
            return True
    return False
