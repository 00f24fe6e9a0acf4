"""The expected record of each generated article of a real portal: built from the
content model and the portal's declaration, never from the HTML served.

Each record is `crawler.extract.article.Article.to_record()` of a perfect parse of the
page served at `base_url` (the replica names the portal's own URL as canonical).
"""

from __future__ import annotations

from typing import Any

from crawler.extract.article import Article, Image
from replica.press.site import PressArticle, PressSite
from replica.truth import _norm, _norm_optional


def press_record(site: PressSite, article: PressArticle, base_url: str) -> dict[str, Any]:
    spec, portal = site.spec, site.portal
    path = article.entry.path
    canonical = site.canonical_url(path)
    images = []
    for image in article.images:
        # A lead picture where the layout puts it above the sapo shows no caption
        # when the portal shows none there (CafeF, Pháp Luật).
        if image.lead and portal.layouts[0].lead_figure and not spec.lead_caption:
            images.append(Image(url=image.url))
        else:
            images.append(
                Image(
                    url=image.url,
                    caption=_norm_optional(image.caption),
                    credit=_norm_optional(image.credit),
                )
            )
    lead_first = [i for i in article.images if i.lead and portal.layouts[0].lead_figure]
    if lead_first:  # the lead figure comes before the body's pictures
        images = [images[article.images.index(lead_first[0])]] + [
            img for k, img in enumerate(images) if article.images[k] is not lead_first[0]
        ]
    authors = tuple(_norm(a) for a in article.authors)
    mark = spec.lead_mark.strip() or None
    record = Article(
        url=base_url.rstrip("/") + path,
        canonical_url=canonical,
        site=portal.site,
        article_id=article.article_id,
        category=portal.category(canonical),
        title=_norm(article.title),
        lead=_norm_optional(article.lead),
        lead_prefix=mark,
        body=tuple(text for text in (_norm(t) for t in article.body) if text),
        images=tuple(images),
        byline=" ".join(filter(None, (" - ".join(authors), article.signature_note))) or None,
        authors=authors,
        source=article.source,
        published_at=article.published_minute,
        published_text=_norm(spec.date_lines[0][1](article.published_minute)),
        published_source="selector",
        updated_at=article.modified,
        tags=tuple(_norm(t) for t in article.tags) if spec.tags_shown else (),
        layout=portal.layouts[0].name,
        extraction_method="selectors",
        flags=(),
    )
    return record.to_record()
