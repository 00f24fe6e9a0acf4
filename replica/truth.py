"""The expected parse of each page: built from the content model, never from HTML.

Each record is exactly `crawler.extract.article.Article.to_record()` of a perfect parse of the
page as served at `base_url`, so tests compare a parser's output with it field by field.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urljoin

from crawler.extract.article import Article, Image
from crawler.extract.text import normalize_text
from replica.dates import date_text
from replica.model import ArticleImage, ReplicaArticle
from replica.paths import CANONICAL_ORIGIN, SITE, cdn_image_url

# Characters normalize_text could change: entities, invisible and control characters,
# every whitespace but the ASCII space (the Unicode whitespace of str.isspace()).
_MAY_CHANGE = re.compile(
    "[&\x00-\x1f\x7f-\xa0\xad\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
)


def _norm(text: str) -> str:
    """Exactly `crawler.extract.text.normalize_text`, faster on text that is already clean.

    Text with none of _MAY_CHANGE, no double or edge spaces, already NFC, is what
    normalize_text returns unchanged; anything else takes the full pass.
    """
    if (
        _MAY_CHANGE.search(text)
        or "  " in text
        or text != text.strip(" ")
        or not unicodedata.is_normalized("NFC", text)
    ):
        return normalize_text(text)
    return text


def _norm_optional(text: str | None) -> str | None:
    """Exactly `crawler.extract.text.normalize_optional`."""
    return None if text is None else (_norm(text) or None)


def image_url(image: ArticleImage, layout: str, base_url: str) -> str:
    """The image's URL as the archive stores it: the new `data-src` (the CDN), or the
    old `src` as a browser resolves it, on the portal's canonical host (a page served
    by the replica names the portal as its canonical URL)."""
    if layout == "new":
        return cdn_image_url(image.path)
    return urljoin(CANONICAL_ORIGIN + "/", image.path)


def article_record(article: ReplicaArticle, base_url: str) -> dict[str, Any]:
    base = base_url.rstrip("/")
    body = (_norm(text) for text in article.body)
    parsed = Article(
        url=base + article.path,
        canonical_url=CANONICAL_ORIGIN + article.path,
        site=SITE,
        article_id=article.article_id,
        category=article.category,
        title=_norm(article.title),
        lead=_norm_optional(article.lead),
        # The portal's mark as the page prints it before the lead.
        lead_prefix=_norm_optional(article.tg_mark),
        body=tuple(text for text in body if text),
        images=tuple(
            Image(
                url=image_url(image, article.layout, base),
                caption=_norm_optional(image.caption),
                credit=_norm_optional(image.credit),
            )
            for image in article.images_in_page_order()
        ),
        byline=_norm_optional(article.byline),
        authors=tuple(_norm(a) for a in article.authors),
        source=_norm_optional(article.source),
        published_at=article.published,
        published_text=date_text(article.published, article.layout),
        # Every replica page shows its date in the layout's date element, and both
        # layouts are read by their selectors: nothing to flag.
        published_source="selector",
        updated_at=None,
        tags=tuple(_norm(t) for t in article.tags),
        layout=article.layout,
        extraction_method="selectors",
        flags=(),
    )
    return parsed.to_record()
