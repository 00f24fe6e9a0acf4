"""Normalise every article before it is stored, whichever spider or queue it came from."""

from __future__ import annotations

from typing import Any

from crawler.extract.article import Article, Image
from crawler.extract.text import normalize_optional, normalize_text


def normalize_article(article: Article) -> Article:
    """NFC, single spaces, decoded entities, no empty paragraphs. (A portal's lead mark
    is the extractor's business: it reads it into `lead_prefix`, by the portal's rule.)

    Idempotent, and a no-op on what `parse_article` already produced; it is the
    guarantee at the archive's door for items from any other source.
    """
    lead = normalize_optional(article.lead)
    return article.replace(
        title=normalize_text(article.title),
        lead=lead,
        body=tuple(p for p in map(normalize_text, article.body) if p),
        images=tuple(
            Image(
                url=image.url.strip(),
                caption=normalize_optional(image.caption),
                credit=normalize_optional(image.credit),
            )
            for image in article.images
        ),
        byline=normalize_optional(article.byline),
        authors=tuple(a for a in map(normalize_text, article.authors) if a),
        source=normalize_optional(article.source),
        published_text=normalize_optional(article.published_text),
        tags=tuple(t for t in map(normalize_text, article.tags) if t),
        lead_prefix=normalize_optional(article.lead_prefix),
    )


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        return normalize_article(item) if isinstance(item, Article) else item
