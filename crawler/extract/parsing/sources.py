"""Which evidence each field of a declared portal's record came from (`Article.sources`).

The generic reader fills its own map as it reads; this one is for the portal path,
where the evidence follows from how the page was read: the layout's selectors, or,
for a drifted page, the page's metadata and a generic extractor.
"""

from __future__ import annotations

from typing import Any

from crawler.extract.parsing.published import Published

# How the body was found -> its evidence.
_BODY = {"selectors": "selector", "metadata": "json-ld", "generic": "trafilatura"}


def declared_sources(
    method: str,
    *,
    title_source: str,
    read: dict[str, str] | None = None,
    filled: dict[str, Any],
    published: Published,
) -> tuple[tuple[str, str], ...]:
    """Field -> evidence, for the fields that have a value, sorted."""
    by_selectors = method == "selectors"
    evidence = {
        "title": title_source,
        "article_id": "url",
        "lead": "selector" if by_selectors else "meta",
        "lead_prefix": "selector" if by_selectors else "meta",
        "body": _BODY.get(method, method),
        "images": "selector" if by_selectors else "figure",
        "authors": "byline",
        "source": "byline",
        "tags": "selector" if by_selectors else "meta",
        "category": "url",
    }
    # What the generic reader says it read a drifted page from wins (the URL still gives
    # the id and the category, the date its own reader).
    for name, source in (read or {}).items():
        if name in evidence and name not in ("article_id", "category", "tags"):
            evidence[name] = source
    sources = {
        name: source for name, source in evidence.items() if name not in filled or filled[name]
    }
    if published.source is not None:
        sources["published_at"] = published.source
    if published.updated_at is not None and published.updated_source is not None:
        sources["updated_at"] = published.updated_source
    return tuple(sorted(sources.items()))
