"""An `Article` from the generic reader, for a host no portal declares.

Identity for such a host: the trailing numeric id of the URL (`-5047363.html`,
`-20260307075519174.htm`, `-post874982.html`, `-18826030622484142.chn`) when it has one
and it fits in 63 bits (the archive's integer key); else a 63-bit hash of the canonical
URL, so the same page is one article however it was reached. `sources["article_id"]`
says which.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from urllib.parse import urlsplit

from crawler.extract.article import Article
from crawler.extract.bylines import parse_byline
from crawler.extract.encoding import Decoded
from crawler.extract.errors import NotAnArticle
from crawler.extract.parsing.fallback import GENERIC, Fallback, metadata_tags, read_fallback
from crawler.extract.parsing.generic import read_generic
from crawler.extract.parsing.generic_dom import GenericRead
from crawler.extract.parsing.page import Page
from crawler.extract.urls import join_url, normalize_url, site_host

# "<slug>-5047363.html", "-post874982.html", "/123456/", "?id=123456" is not used: a
# query id is often a listing's page number.
_TRAILING_ID = re.compile(r"(?P<id>\d{4,})(?:\.[a-z]{2,5})?/?$", re.I)
_MAX_ID = 2**63 - 1


def generic_id(url: str) -> tuple[int, str]:
    """(article id, "url" | "url_hash") for a URL of an undeclared host."""
    path = urlsplit(url).path
    match = _TRAILING_ID.search(path)
    if match:
        value = int(match["id"])
        if 0 < value <= _MAX_ID:
            return value, "url"
    digest = hashlib.blake2b(normalize_url(url).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _MAX_ID, "url_hash"


# Without article metadata, a page is an article only with a sentence for a headline
# ("Thời sự" heads a section), a date line, and a body that is not a column of links.
_MIN_TITLE_WORDS = 4
# Captioned pictures that make a page without body paragraphs a photo story.
_PHOTO_STORY = 3
_MAX_LINK_SHARE = 0.25


def _looks_like_listing(found: GenericRead) -> bool:
    if found.published_at is None or not found.title:
        return True
    if len(found.title.split()) < _MIN_TITLE_WORDS:
        return True
    return found.link_blocks > _MAX_LINK_SHARE * max(len(found.body), 1)


def generic_article(page: Page, decoded: Decoded, url: str, fetched_at: datetime) -> Article:
    """Read a page of an undeclared host. Raises `NotAnArticle` without headline or body."""
    declared = page.link_href("canonical") or page.meta_content("og:url")
    try:
        canonical = normalize_url(join_url(url, declared) if declared else url)
    except ValueError:  # a malformed canonical link ("//["): the page's own URL
        canonical = normalize_url(url)
    if site_host(canonical) != site_host(url):
        canonical = normalize_url(url)  # a canonical on another host is not this page's
    found = read_generic(page, url, fetched_at)
    photo_story = sum(1 for image in found.images if image.caption) >= _PHOTO_STORY
    if not found.title or not (found.body or photo_story):
        # (A photo story's text is the captions under its pictures: no body of its own.)
        raise NotAnArticle(f"{url}: no headline or no body")
    if not found.declared and _looks_like_listing(found):
        raise NotAnArticle(f"{url}: no article metadata, and the page reads as a listing")
    article_id, id_source = generic_id(canonical)
    byline = parse_byline(found.byline_lines, caps_names=found.byline_named)
    authors = byline.authors or found.ld_authors
    sources = dict(found.sources)
    sources["article_id"] = id_source
    if byline.source:
        sources["source"] = sources.get("authors", "byline")
    if not authors:
        sources.pop("authors", None)
    return Article(
        url=url,
        canonical_url=canonical,
        site=site_host(url),
        article_id=article_id,
        category=found.category,
        title=found.title,
        lead=found.lead,
        body=tuple(found.body),
        images=tuple(found.images),
        byline=byline.raw,
        authors=authors,
        source=byline.source,
        published_at=found.published_at,
        published_text=found.published_text,
        published_source=found.published_source,
        updated_at=found.updated_at,
        tags=found.tags,
        layout="generic",
        extraction_method="generic",
        flags=tuple(sorted(set(decoded.flags) | set(found.flags))),
        fetched_at=fetched_at,
        lead_prefix=found.lead_prefix,
        sources=tuple(sorted(sources.items())),
    )


def generic_fallback(page: Page, url: str, fetched_at: datetime) -> Fallback:
    """A declared portal's page whose layout no longer matches, read by the generic
    reader; the metadata fallback (JSON-LD `articleBody`, then trafilatura) only when it
    finds no headline or body. Tags stay the portal's convention (metadata keywords)."""
    tags = metadata_tags(page)  # before the reader prunes the page
    found = read_generic(page, url, fetched_at)
    if not found.title or not found.body:
        return read_fallback(page, url)
    lead = " ".join(p for p in (found.lead_prefix, found.lead) if p) or None
    return Fallback(
        title=found.title,
        lead=lead,
        body=found.body,
        images=found.images,
        byline_lines=found.byline_lines,
        authors=found.ld_authors,
        tags=tags,
        method=GENERIC,
        title_source=found.sources.get("title", "h1"),
        sources=found.sources,
    )
