"""Shared pieces of the generic reader: what it found so far, and the page in document
order (computed once: every step asks "after the headline?", "inside the body?")."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from lxml import etree

from crawler.extract.article import Image
from crawler.extract.parsing.dom import Element, element_text
from crawler.extract.parsing.generic_parts import is_furniture
from crawler.extract.parsing.page import Page
from crawler.extract.text import normalize_text


@dataclass(slots=True)
class GenericRead:
    title: str | None = None
    lead: str | None = None
    lead_prefix: str | None = None
    body: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    byline_lines: list[str] = field(default_factory=list)
    # The byline lines come from elements the page names as its byline.
    byline_named: bool = False
    ld_authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    published_text: str | None = None
    published_meta: str | None = None
    published_source: str | None = None
    updated_at: datetime | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None
    flags: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    # The page declares itself an article (JSON-LD article, og:type article or
    # article:published_time), as `fallback.declares_article` asks.
    declared: bool = False
    # Body blocks whose text is one link: a listing's card titles, not article text.
    link_blocks: int = 0


class Doc:
    """The page after its invisible parts are dropped, with each element's position."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.elements = list(page.root.iter(etree.Element))  # elements only, in C
        self.position = dict(zip(self.elements, range(len(self.elements)), strict=True))
        # The attributes naming each element's role (class, id, ...) as written, for the
        # elements that have any, in document order: every scan for a sapo, a byline,
        # tags or a breadcrumb reads this instead of the attributes of every element
        # again. What a scan matches is worked out once per distinct string (`_words`):
        # a page repeats the same class strings on every card and list item. (Three
        # lists side by side, not one of tuples: the garbage collector walks every tuple
        # that lives as long as the page, and it did so for a tenth of the reader's time.)
        self._raw_elements: list[Element] = []
        self._raw: list[str] = []
        self._raw_positions: list[int] = []
        wanted = _ROLE_SET
        raw_elements, raw, raw_positions = self._raw_elements, self._raw, self._raw_positions
        for index, element in enumerate(self.elements):
            # Attribute names first: values (long hrefs, srcs, styles) are read only for
            # the role attributes.
            keys = element.keys()
            if not keys:
                continue
            if len(keys) == 1:  # one attribute, the usual case
                if keys[0] in wanted and (value := element.get(keys[0])):
                    raw_elements.append(element)
                    raw.append(value)
                    raw_positions.append(index)
                continue
            words = [value for k in keys if k in wanted and (value := element.get(k))]
            if words:
                raw_elements.append(element)
                raw.append(" ".join(words))
                raw_positions.append(index)
        self._raw_of: dict[Element, str] | None = None
        self._joined: tuple[list[str], str, list[int], list[int]] | None = None

        # <meta property|name> -> content, the first non-empty one of each.
        self.metas: dict[str, str] = {}
        for meta in page.root.iter("meta"):
            content = (meta.get("content") or "").strip()
            for attribute in ("property", "name", "itemprop"):
                name = meta.get(attribute)
                if name and content:
                    self.metas.setdefault(name, content)

        self._furniture: dict[Element, bool] = {}
        # Per depth (a dict each: tuple keys would be more objects for the collector).
        self._above: dict[int, dict[Element, bool]] = {}
        self._texts: dict[Element, str] = {}
        self._ends: dict[Element, int] = {}

    def is_furniture(self, element: Element) -> bool:
        """`generic_parts.is_furniture`, asked once per element."""
        known = self._furniture.get(element)
        if known is None:
            known = self._furniture[element] = is_furniture(element)
        return known

    def in_furniture(self, element: Element, depth: int) -> bool:
        """The element or one of its `depth - 1` nearest ancestors is furniture.

        Asked of every paragraph: the answer above a paragraph is kept per parent, which
        the paragraphs of one body share."""
        if self.is_furniture(element):
            return True
        parent = element.getparent()
        if parent is None or depth <= 1:
            return False
        above = self._above.get(depth - 1)
        if above is None:
            above = self._above[depth - 1] = {}
        known = above.get(parent)
        if known is None:
            known = above[parent] = self.in_furniture(parent, depth - 1)
        return known

    def within(self, element: Element, ancestor: Element | None) -> bool:
        """`element` is `ancestor` or inside it (by document positions, no walk)."""
        if ancestor is None or ancestor not in self.position or element not in self.position:
            return inside(element, ancestor)
        start, end = self.span(ancestor)
        return start <= self.position[element] <= end

    def span(self, element: Element) -> tuple[int, int]:
        """The positions of the element and of its last descendant (an element of the
        Doc): a subtree's elements are consecutive in document order."""
        start = self.position[element]
        end = self._ends.get(element)
        if end is None:
            # Its last element, found down the last children (not by counting them all).
            last, child = element, _last_child(element)
            while child is not None:
                last, child = child, _last_child(child)
            end = self._ends[element] = self.position[last]
        return start, end

    def text(self, element: Element) -> str:
        """`element_text(element)`, worked out once per element: the tree no longer
        changes once the Doc is made, and the steps ask the same blocks again."""
        known = self._texts.get(element)
        if known is None:
            known = self._texts[element] = element_text(element)
        return known

    def role(self, element: Element) -> str:
        """The words naming the element's role, camelCase words apart ("" for none)."""
        if self._raw_of is None:
            self._raw_of = dict(zip(self._raw_elements, self._raw, strict=True))
        raw = self._raw_of.get(element)
        return _words(raw)[0] if raw else ""

    def named(self, stems: tuple[str, ...], pattern: re.Pattern[str]) -> list[Element]:
        """Elements whose role words, in lower case, match `pattern`, in document order;
        `stems` are substrings every match contains (lower case), tested first: a plain
        substring test is far cheaper than the pattern on long utility-class strings."""
        lowered, joined, starts, which = self._distinct()
        # One scan of every distinct role string for the stems, in C, instead of a
        # search per string: a match never spans the "\n" between two strings.
        candidates = {bisect_right(starts, m.start()) - 1 for m in _any_of(stems).finditer(joined)}
        hits = {i for i in candidates if pattern.search(lowered[i]) is not None}
        if not hits:
            return []
        return [e for e, i in zip(self._raw_elements, which, strict=True) if i in hits]

    def _distinct(self) -> tuple[list[str], str, list[int], list[int]]:
        """The distinct role strings in lower case, joined by "\n" with where each starts,
        and which of them each element of `_raw` has."""
        if self._joined is None:
            index: dict[str, int] = {}
            which = [index.setdefault(raw, len(index)) for raw in self._raw]
            lowered = [_words(raw)[1] for raw in index]
            starts, at = [], 0
            for text in lowered:
                starts.append(at)
                at += len(text) + 1
            self._joined = (lowered, "\n".join(lowered), starts, which)
        return self._joined

    def matching(self, pattern: re.Pattern[str], after: Element | None = None) -> Iterator[Element]:
        """Elements after `after` (all without it) whose role words `pattern` finds
        (`pattern.search(doc.role(e))`), in document order, one at a time: a reader
        looking for the first one leaves the rest of the page unsearched."""
        start = 0
        if after is not None and after in self.position:
            start = bisect_right(self._raw_positions, self.position[after])
        seen: dict[str, bool] = {}
        for element, raw in zip(self._raw_elements[start:], self._raw[start:], strict=True):
            hit = seen.get(raw)
            if hit is None:
                hit = seen[raw] = pattern.search(_words(raw)[0]) is not None
            if hit:
                yield element

    def with_attribute(self, name: str, value: str) -> list[Element]:
        """Elements whose role attribute `name` is `value` (`//*[@name='value']`), in
        document order."""
        assert name in _ROLE_SET
        return [
            e
            for e, raw in zip(self._raw_elements, self._raw, strict=True)
            if value in raw and e.get(name) == value
        ]

    def meta(self, *names: str) -> str | None:
        """The first of `names` the page's meta tags give (as `Page.meta_content`)."""
        for name in names:
            if name in self.metas:
                return self.metas[name]
        return None

    def after(self, anchor: Element | None) -> list[Element]:
        """Elements after `anchor` in document order (all of them without one)."""
        if anchor is None or anchor not in self.position:
            return self.elements
        return self.elements[self.position[anchor] + 1 :]

    def before(self, anchor: Element | None, limit: int) -> list[Element]:
        """Up to `limit` elements before `anchor`, nearest first, never its ancestors."""
        if anchor is None or anchor not in self.position:
            return []
        ancestors = set(anchor.iterancestors())
        found: list[Element] = []
        for element in reversed(self.elements[: self.position[anchor]]):
            if element in ancestors:
                continue
            found.append(element)
            if len(found) >= limit:
                break
        return found


def _last_child(element: Element) -> Element | None:
    """The element's last child element (comments and the like are not elements)."""
    return next(element.iterchildren(etree.Element, reversed=True), None)


def has_block_child(element: Element) -> bool:
    return next(element.iterchildren(*_BLOCK_TAGS), None) is not None


_BLOCK_TAGS = ("div", "p", "ul", "table", "section", "article")


def common_ancestor(a: Element | None, b: Element | None) -> Element | None:
    if a is None or b is None:
        return b if a is None else a
    chain = {a, *a.iterancestors()}
    for candidate in (b, *b.iterancestors()):
        if candidate in chain:
            return candidate
    return None


# Attributes besides class and id where sites name what a block is.
ROLE_ATTRIBUTES = (
    "class",
    "id",
    "itemprop",
    "data-slot",
    "data-role",
    "data-content-name",
    "type",
)


_ROLE_SET = frozenset(ROLE_ATTRIBUTES)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@cache
def _any_of(stems: tuple[str, ...]) -> re.Pattern[str]:
    """Finds any of the substrings (one regex search instead of a test per stem)."""
    return re.compile("|".join(map(re.escape, stems)))


def _words(raw: str) -> tuple[str, str]:
    """(role words, the same in lower case) of an element's role attributes as joined.

    "ArticleLead", "boxAuthor": camelCase words apart, as "-" parts are. Kept per
    distinct string for the process: a site writes the same class strings on every page.
    """
    words = _WORDS.get(raw)
    if words is None:
        if len(_WORDS) > _WORDS_MAX:
            _WORDS.clear()
        role = raw if raw.islower() else _CAMEL.sub("-", raw)
        words = _WORDS[raw] = (role, role.lower())
    return words


# Sites' class strings number in the thousands; the bound keeps a long crawl's memory flat.
_WORDS: dict[str, tuple[str, str]] = {}
_WORDS_MAX = 20_000


def class_id(element: Element) -> str:
    return " ".join(str(element.get(a) or "") for a in ROLE_ATTRIBUTES)


def inside(element: Element, ancestor: Element | None) -> bool:
    if ancestor is None:
        return False
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def key(text: str) -> str:
    return _NON_WORDS.sub(" ", normalize_text(text)).strip().lower()


_NON_WORDS = re.compile(r"\W+")


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
