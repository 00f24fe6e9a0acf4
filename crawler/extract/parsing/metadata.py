"""Structured metadata a page declares about itself: JSON-LD and `article:*` meta tags.

Used when the visible markup drifts: a redesign rarely drops the metadata that search
engines read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from crawler.extract.parsing.page import Page

_ARTICLE_TYPES = frozenset(("NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting"))


def json_ld_blocks(page: Page) -> Iterator[Any]:
    """The page's JSON-LD scripts, decoded (bad JSON is skipped)."""
    for script in page.by_tag("script"):
        if script.get("type") != "application/ld+json":
            continue
        try:
            yield json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue


def json_ld_articles(page: Page) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of an article type on the page."""
    for data in json_ld_blocks(page):
        yield from _article_objects(data)


def _article_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _article_objects(item)
    elif isinstance(data, dict):
        kind = data.get("@type")
        kinds = set(kind) if isinstance(kind, list) else {kind}
        if kinds & _ARTICLE_TYPES:
            yield data
        if "@graph" in data:
            yield from _article_objects(data["@graph"])


def breadcrumb_names(page: Page) -> list[str]:
    """The names of the page's JSON-LD BreadcrumbList, in order (empty without one)."""
    for data in json_ld_blocks(page):
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("@type") == "BreadcrumbList":
                return _crumbs(item.get("itemListElement"))
    return []


def _crumbs(items: Any) -> list[str]:
    names: list[str] = []
    for entry in items if isinstance(items, list) else []:
        if isinstance(entry, list):  # some sites wrap each item in a list
            names.extend(_crumbs(entry))
            continue
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        inner = entry.get("item")
        if not isinstance(name, str) and isinstance(inner, dict):
            name = inner.get("name")
        if isinstance(name, str) and name.strip():
            names.append(" ".join(name.split()))
    return names
