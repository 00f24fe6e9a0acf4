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


def json_ld_articles(page: Page) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of an article type on the page (bad JSON is skipped)."""
    for script in page.by_tag("script"):
        if script.get("type") != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
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
