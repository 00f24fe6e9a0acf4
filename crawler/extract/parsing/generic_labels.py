"""The generic reader's labels of an article: its category (the breadcrumb), the tags
the page shows, and the JSON-LD authors."""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.bylines import looks_like_byline
from crawler.extract.parsing.dom import Element, element_text
from crawler.extract.parsing.generic_dom import Doc, GenericRead, key, str_or_none
from crawler.extract.text import normalize_optional, normalize_text

_BREADCRUMB_CLASS = re.compile(r"breadcrumb|bread-crumb|breadcrum", re.I)
_TAGS_CLASS = re.compile(
    r"(?:^|[\s_-])(?:tags?|keywords?|tag-list|tags-list|box-tag)(?:$|[\s_-])", re.I
)
_TAG_LABELS = frozenset(("tags", "tag", "từ khóa", "từ khoá", "xem thêm về", "chủ đề"))


def read_category(doc: Doc, found: GenericRead, ld: dict[str, Any], crumbs: list[str]) -> None:
    """The most specific breadcrumb item: the visible breadcrumb, or the JSON-LD one
    when it goes deeper (a visible trail often shows its first levels only)."""
    title_key = key(found.title or "")
    crumbs = [c for c in crumbs if key(c) != title_key and c.lower() not in ("trang chủ", "home")]
    visible: list[str] = []
    for element in doc.named(("bread",), _BREADCRUMB_CLASS):
        items = [element_text(a) for a in element.iter("a")]
        visible = [i for i in items if i and i.lower() not in ("trang chủ", "home")]
        if visible:
            break
    if visible and len(visible) >= len(crumbs):
        found.category, found.sources["category"] = visible[-1], "breadcrumb"
        return
    if crumbs:
        found.category, found.sources["category"] = crumbs[-1], "json-ld"
        return
    section = doc.meta("article:section") or str_or_none(ld.get("articleSection"))
    if section:
        found.category, found.sources["category"] = normalize_text(section), "meta"


def read_tags(doc: Doc) -> tuple[tuple[str, ...], str]:
    """Tags shown on the page (metadata keywords are not shown: not tags here): a box
    named as tags, links named as tags, or the links beside a "Từ khóa:" heading."""
    named = doc.named(("tag", "keyword"), _TAGS_CLASS)
    headed = [e for e in doc.elements if _is_tag_heading(e)]
    single: list[str] = []
    for element in sorted({*named, *headed}, key=doc.position.__getitem__):
        box: Element | None = element
        if element in headed:
            # The heading's box, or the box around it where the links are beside it.
            box = element.getparent()
            for _ in range(2):
                if box is None or any(True for _ in box.iter("a")):
                    break
                box = box.getparent()
        if box is None:
            continue
        if element.tag == "a":
            single.append(_tag_text(element))  # each link named as a tag
            continue
        tags = [_tag_text(a) for a in box.iter("a")]
        tags = [t for t in tags if t and t.lower().rstrip(":") not in _TAG_LABELS]
        if tags and len(tags) <= 30:
            return tuple(dict.fromkeys(tags)), "tags"
    single = [t for t in single if t]
    return tuple(dict.fromkeys(single)), "tags"


_TAG_HEADING = re.compile(
    r"^\s*(?:từ\s+khóa|từ\s+khoá|tags?|chủ\s+đề|xem\s+thêm\s+về)\s*:\s*$", re.I
)


def _is_tag_heading(element: Element) -> bool:
    text = element.text
    return (
        text is not None
        and ":" in text
        and len(text) < _MAX_TAG_HEADING
        and len(element) == 0
        and _TAG_HEADING.match(text) is not None
    )


_MAX_TAG_HEADING = 30


def _tag_text(element: Element) -> str:
    return normalize_text(element_text(element)).strip(" ,;#").strip()


def ld_authors(ld: dict[str, Any]) -> tuple[str, ...]:
    authors = ld.get("author")
    items = authors if isinstance(authors, list) else [authors] if authors else []
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and item.get("@type", "Person") == "Person":
            name = normalize_optional(str_or_none(item.get("name")))
        else:
            name = normalize_optional(item) if isinstance(item, str) else None
        if name and name not in names and looks_like_byline(name):
            names.append(name)
    return tuple(names)
