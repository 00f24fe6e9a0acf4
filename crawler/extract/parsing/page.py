"""A parsed page with an index of its elements, so a CSS selector is a lookup, not a walk.

Each selector compiled to XPath walks the whole tree (about 11 walks per page, more
than the parse itself). One walk instead indexes the elements by class token; a
selector made of tags, classes, ids and descendant combinators (every portal selector
today) is then answered from that index, or for a bare tag by lxml's own `iter(tag)`.
Any other selector runs as the XPath cssselect makes of it, on the live tree.

The answers are exactly the XPath's: the same elements in document order, class
tokens split on XML whitespace as `normalize-space()` does, and elements removed
with `Page.drop` never found again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from cssselect import SelectorError, parse
from cssselect.parser import Class, CombinedSelector, Hash
from cssselect.parser import Element as CssElement
from lxml import etree

from crawler.extract.parsing.dom import Element, compiled, drop_tree

# XPath's whitespace: what normalize-space() collapses in @class (not str.split()'s).
_XML_SPACE = re.compile(r"[ \t\n\r]+")


@dataclass(frozen=True, slots=True)
class _Compound:
    """One step of a selector: `tag.class1.class2#id` (each part optional)."""

    tag: str | None
    classes: tuple[str, ...]
    id: str | None


# A selector as its descendant chain, leftmost first; None when the index cannot answer.
_Chain = tuple[_Compound, ...]


@cache
def _chains(selector: str) -> tuple[_Chain, ...] | None:
    """The selector group as descendant chains, or None: run it as XPath instead."""
    try:
        parsed = parse(selector)
    except SelectorError:
        return None
    chains = []
    for item in parsed:
        if item.pseudo_element is not None:
            return None
        chain = _chain(item.parsed_tree)
        if chain is None:
            return None
        chains.append(chain)
    return tuple(chains)


def _chain(tree: object) -> _Chain | None:
    if isinstance(tree, CombinedSelector):
        if tree.combinator != " ":
            return None
        left, right = _chain(tree.selector), _compound(tree.subselector)
        return None if left is None or right is None else (*left, right)
    compound = _compound(tree)
    return None if compound is None else (compound,)


def _compound(tree: object) -> _Compound | None:
    classes: list[str] = []
    id_: str | None = None
    while not isinstance(tree, CssElement):
        if isinstance(tree, Class):
            classes.append(tree.class_name)
            tree = tree.selector
        elif isinstance(tree, Hash) and id_ is None:
            id_ = tree.id
            tree = tree.selector
        else:
            return None
    if tree.namespace is not None:
        return None
    return _Compound(tree.element, tuple(reversed(classes)), id_)


@cache
def _group(selector: str) -> tuple[tuple[str, ...], tuple[_Chain, ...]] | None:
    """The group's bare tags (`script`, `form`) apart from its other chains."""
    chains = _chains(selector)
    if chains is None:
        return None
    bare = [c[0] for c in chains if len(c) == 1 and not c[0].classes and c[0].id is None]
    if len(bare) < 2 or any(c.tag is None for c in bare):
        return (), chains
    rest = tuple(c for c in chains if not (len(c) == 1 and c[0] in bare))
    return tuple(dict.fromkeys(str(c.tag) for c in bare)), rest


class Page:
    """The root element of a parsed page and its element index."""

    def __init__(self, root: Element) -> None:
        self.root = root
        # The class index is built on the first selector asked, not here: a page that
        # no declared layout reads (the generic reader, any undeclared host) never asks
        # one, and the walk cost as much as a third of its parse.
        self._class_index: dict[str, list[Element]] | None = None
        # Each index with the number of drops when it was built: only the elements
        # dropped after that can be in it (a walk of the tree never finds a dropped one).
        self._class_built = 0
        self._by_tag: dict[str, tuple[list[Element], int]] = {}
        self._by_id: dict[str, list[Element]] | None = None
        self._ids_built = 0
        self._order: dict[Element, int] | None = None
        # The dropped subtrees, and every node in them once some index asks.
        self._drops: list[Element] = []
        self._dropped_nodes: set[Element] | None = None

    @property
    def _by_class(self) -> dict[str, list[Element]]:
        """The elements that carry each class token, in document order.

        Only they are kept: holding every node would keep ~150 lxml proxies alive per
        page for the garbage collector to walk. Built after a `drop` the index never
        holds the dropped elements; built before, `_dropped_since` filters them out.
        """
        if self._class_index is not None:
            return self._class_index
        self._class_built = len(self._drops)
        by_class: dict[str, list[Element]] = {}
        for node in self.root.iter():
            value = node.get("class")
            if not value:
                continue
            if " " not in value and value.isprintable():  # one token, the usual case
                same = by_class.get(value)
                if same is None:
                    by_class[value] = [node]
                else:
                    same.append(node)
                continue
            for token in _tokens(value):
                same = by_class.get(token)
                if same is None:
                    by_class[token] = [node]
                else:
                    same.append(node)
        self._class_index = by_class
        return by_class

    def select_all(self, selectors: Iterable[str], within: Element | None = None) -> list[Element]:
        """Elements of the first selector that matches anything, in document order.

        Searched in `within` and its descendants (as XPath's descendant-or-self), or
        in the whole page.
        """
        for selector in selectors:
            found = self._select(selector, self.root if within is None else within)
            if found:
                return found
        return []

    def select_first(
        self, selectors: Iterable[str], within: Element | None = None
    ) -> Element | None:
        found = self.select_all(selectors, within)
        return found[0] if found else None

    def drop(self, element: Element) -> None:
        """Remove the element and its content from the page (lxml.html's `drop_tree`)."""
        self._drops.append(element)
        self._dropped_nodes = None
        drop_tree(element)

    def by_tag(self, tag: str) -> list[Element]:
        """The page's `tag` elements still in the tree, in document order."""
        known = self._by_tag.get(tag)
        if known is None:
            known = self._by_tag[tag] = (list(self.root.iter(tag)), len(self._drops))
        same, built = known
        if built == len(self._drops):
            return same
        dropped = self._dropped_since(built)
        return [e for e in same if e not in dropped]

    def _dropped_since(self, built: int) -> AbstractSet[Element]:
        """The nodes an index built after `built` drops may hold but the page no longer
        does (every dropped node; none when nothing was dropped since)."""
        if built == len(self._drops):
            return frozenset()
        if self._dropped_nodes is None:
            self._dropped_nodes = {node for root in self._drops for node in root.iter()}
        return self._dropped_nodes

    def meta_content(self, *names: str) -> str | None:
        """The first non-empty <meta property|name=...> content among `names`."""
        metas = self.by_tag("meta")
        for name in names:
            for attribute in ("property", "name"):
                for meta in metas:
                    if meta.get(attribute) == name and (meta.get("content") or "").strip():
                        return str(meta.get("content")).strip()
        return None

    def link_href(self, rel: str) -> str | None:
        for link in self.by_tag("link"):
            if (link.get("rel") or "").lower() == rel and (link.get("href") or "").strip():
                return str(link.get("href")).strip()
        return None

    # -- answering selectors -----------------------------------------------------

    def _select(self, selector: str, scope: Element) -> list[Element]:
        group = _group(selector)
        if group is None:
            return list(compiled(selector)(scope))
        tags, chains = group
        if not tags and len(chains) == 1:
            return self._chain(chains[0], scope)  # one selector, the usual case
        # Every bare tag of the group in one walk of lxml's (in document order).
        parts = [list(scope.iter(*tags))] if tags else []
        by_class = self._by_class
        for chain in chains:
            first = chain[0]
            if first.classes and first.classes[0] not in by_class:
                continue  # a class the page does not have (most of a furniture group)
            parts.append(self._chain(chain, scope))
        parts = [found for found in parts if found]
        if len(parts) < 2:
            return parts[0] if parts else []
        return sorted({e for found in parts for e in found}, key=self._positions().__getitem__)

    def _chain(self, chain: _Chain, scope: Element) -> list[Element]:
        # Left to right: each step searches the subtrees the step before found.
        if len(chain) == 1:
            return self._in_subtree(chain[0], scope, True)
        roots, found = [scope], list[Element]()
        for step, compound in enumerate(chain):
            found = []
            for root in roots:
                found += self._in_subtree(compound, root, step == 0)
            if not found or step == len(chain) - 1:
                break
            # An element inside another one found is searched with it: the subtrees
            # searched next are disjoint, and their matches come in document order.
            outer = set(found)
            roots = [e for e in found if not any(a in outer for a in e.iterancestors())]
        return found

    def _in_subtree(self, compound: _Compound, root: Element, with_root: bool) -> list[Element]:
        """Matches among root's descendants (and root itself when `with_root`)."""
        if compound.id is None and not compound.classes:
            # A tag alone: lxml walks the subtree in C (a dropped node is not in it).
            tag = compound.tag if compound.tag is not None else etree.Element  # any element
            return [e for e in root.iter(tag) if with_root or e is not root]
        if compound.id is not None:
            candidates = self._ids().get(compound.id, [])
            dropped = self._dropped_since(self._ids_built)
        else:
            candidates = self._by_class.get(compound.classes[0], [])
            dropped = self._dropped_since(self._class_built)
        if not candidates:
            return []
        if compound.id is None and len(compound.classes) == 1:  # `.class` or `tag.class`
            tag = compound.tag
            found = [e for e in candidates if (tag is None or e.tag == tag) and e not in dropped]
        else:
            found = [e for e in candidates if e not in dropped and self._matches(e, compound)]
        if root is self.root and with_root:
            return found
        return [e for e in found if _inside(e, root, with_root)]

    def _matches(self, element: Element, compound: _Compound) -> bool:
        # (A candidate from the class index has the first class: the rest is checked.)
        if compound.tag is not None and element.tag != compound.tag:
            return False
        if (compound.id is not None or len(compound.classes) > 1) and not set(
            _tokens(element.get("class") or "")
        ).issuperset(compound.classes):
            return False
        return compound.id is None or element.get("id") == compound.id

    def _positions(self) -> dict[Element, int]:
        """Document order of the nodes, to merge a group's matches (rarely needed)."""
        if self._order is None:
            self._order = {node: index for index, node in enumerate(self.root.iter())}
        return self._order

    def _ids(self) -> dict[str, list[Element]]:
        if self._by_id is None:
            self._by_id = {}
            self._ids_built = len(self._drops)
            for element in self.root.iter(etree.Element):
                value = element.get("id")
                if value is not None:
                    self._by_id.setdefault(value, []).append(element)
        return self._by_id


def _inside(element: Element, root: Element, with_root: bool) -> bool:
    if element is root:
        return with_root
    return any(ancestor is root for ancestor in element.iterancestors())


def _tokens(value: str) -> list[str] | dict[str, None]:
    """The distinct class tokens of a class attribute, as XPath's normalize-space splits."""
    if value.isprintable():  # no whitespace but ASCII spaces: split() splits alike
        tokens = value.split()
        return tokens if len(tokens) < 2 else dict.fromkeys(tokens)
    return dict.fromkeys(t for t in _XML_SPACE.split(value) if t)
