"""Material for the in-process figures: replica pages and replica articles, no sockets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

BASE_URL = "http://127.0.0.1:8800"
TODAY = date(2026, 11, 26)  # fixed, so the pages are the same from run to run


def replica_pages(count: int, layout: str = "mixed", seed: int = 1) -> list[tuple[str, bytes]]:
    """`count` article pages as the replica serves them: (url, body), both layouts."""
    from replica.pages import route
    from replica.site import Site

    site = Site(layout, count, seed, TODAY)
    pages: list[tuple[str, bytes]] = []
    for article_id in site.ids()[:count]:
        entry = site.entry(article_id)
        assert entry is not None
        response = route(site, entry.path, None)
        if response.status == 200:
            pages.append((BASE_URL + entry.path, response.body))
    return pages


def replica_articles(count: int, distinct: int = 20000) -> list[Any]:
    """`count` Articles as the parser reads replica pages (the replica's truth).

    At most `distinct` different articles are generated; beyond that they repeat with
    new ids and dates shifted back by a day per round, so facets and searches see a
    growing archive rather than one article many times over.
    """
    from crawler.extract.article import Article
    from replica.site import Site

    site = Site("mixed", min(count, distinct), 1, TODAY)
    base = [Article.from_record(record) for record in site.truth(BASE_URL)]
    fetched = datetime(2026, 11, 26, 12, 0)
    articles = []
    top = max(a.article_id for a in base) + 1
    for index in range(count):
        round_, position = divmod(index, len(base))
        article = base[position]
        if round_:
            shift = timedelta(days=round_ * 37)
            article = replace(
                article,
                article_id=article.article_id + round_ * top,
                published_at=article.published_at - shift if article.published_at else None,
                fetched_at=fetched,
            )
        else:
            article = replace(article, fetched_at=fetched)
        articles.append(article)
    return articles
