"""Shared pieces of the generic reader: what it found so far, and the page in document
order (computed once: every step asks "after the headline?", "inside the body?")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from crawler.extract.article import Image
from crawler.extract.parsing.dom import Element
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
        self.position = {e: i for i, e in enumerate(self.elements)}
        # The words naming each element's role (class, id, ...), for the elements that
        # have any, in document order: every scan for a sapo, a byline, tags or a
        # breadcrumb reads this instead of the attributes of every element again.
        self.roles: dict[Element, str] = {}
        wanted = _ROLE_SET
        for element in self.elements:
            attributes = element.attrib
            if attributes:
                words = [v for k, v in attributes.items() if k in wanted and v]
                if words:
                    role = " ".join(words)
                    # "ArticleLead", "boxAuthor": camelCase words apart, as "-" parts are.
                    if not role.islower():
                        role = _CAMEL.sub("-", role)
                    self.roles[element] = role

        # <meta property|name> -> content, the first non-empty one of each.
        self.metas: dict[str, str] = {}
        for meta in page.root.iter("meta"):
            content = (meta.get("content") or "").strip()
            for attribute in ("property", "name", "itemprop"):
                name = meta.get(attribute)
                if name and content:
                    self.metas.setdefault(name, content)

        self._furniture: dict[Element, bool] = {}
        self._lowered: list[tuple[Element, str]] | None = None
        self._ends: dict[Element, int] = {}

    def is_furniture(self, element: Element) -> bool:
        """`generic_parts.is_furniture`, asked once per element."""
        known = self._furniture.get(element)
        if known is None:
            from crawler.extract.parsing.generic_parts import is_furniture

            known = self._furniture[element] = is_furniture(element)
        return known

    def within(self, element: Element, ancestor: Element | None) -> bool:
        """`element` is `ancestor` or inside it (by document positions, no walk)."""
        if ancestor is None or ancestor not in self.position or element not in self.position:
            return inside(element, ancestor)
        start = self.position[ancestor]
        end = self._ends.get(ancestor)
        if end is None:
            end = self._ends[ancestor] = start + sum(
                1 for _ in ancestor.iterdescendants(etree.Element)
            )
        return start <= self.position[element] <= end

    def role(self, element: Element) -> str:
        return self.roles.get(element, "")

    def named(self, stems: tuple[str, ...], pattern: re.Pattern[str]) -> list[Element]:
        """Elements whose role words match `pattern`, in document order; `stems` are
        substrings every match contains (lower case), tested first: a plain substring
        test is far cheaper than the pattern on long utility-class strings."""
        if self._lowered is None:
            self._lowered = [(e, role.lower()) for e, role in self.roles.items()]
        return [
            element
            for element, lowered in self._lowered
            if any(stem in lowered for stem in stems) and pattern.search(lowered)
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


def has_block_child(element: Element) -> bool:
    return any(child.tag in ("div", "p", "ul", "table", "section", "article") for child in element)


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


def class_id(element: Element) -> str:
    return " ".join(str(element.get(a) or "") for a in ROLE_ATTRIBUTES)


def inside(element: Element, ancestor: Element | None) -> bool:
    if ancestor is None:
        return False
    return element is ancestor or any(a is ancestor for a in element.iterancestors())


def key(text: str) -> str:
    return re.sub(r"\W+", " ", normalize_text(text)).strip().lower()


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
