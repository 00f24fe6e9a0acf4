"""What each table and column of the archive means: the one place it is written down.

Datasette's metadata (the browse plugin's `get_metadata` hook) is generated from this
and the live schema, so a column added without a line here shows up as undocumented, and
tests/test_browse_metadata.py fails until it is described.
"""

from __future__ import annotations

# table -> (title, description)
TABLES: dict[str, tuple[str, str]] = {
    "articles": (
        "Articles",
        "One row per article (site, article_id): its latest version as extracted from "
        "the portal. Earlier versions are in article_versions.",
    ),
    "images": ("Images", "Each picture of an article, in page order, with caption and credit."),
    "article_authors": (
        "Authors of articles",
        "One row per (article, author), kept in step with articles.authors by triggers: "
        "what the author facet counts.",
    ),
    "crawls": ("Crawl runs", "The run ledger: one row per crawl, with its outcome."),
    "crawl_errors": ("Crawl errors", "One row per page a crawl failed to fetch or read."),
    "captures": (
        "Captures",
        "One row per WARC record the crawler wrote: where the raw HTTP response is kept.",
    ),
    "article_versions": (
        "Article versions",
        "Superseded versions of articles, with when they were replaced and what changed.",
    ),
    "removals": (
        "Removals",
        "Each time an archived article answered 404/410 or redirected away. Nothing is "
        "deleted from the archive.",
    ),
    "fts_docs": ("Search documents", "The stable key of each article in the search indexes."),
    "fts_cuts": (
        "Search index cuts",
        "Articles whose field was longer than the search indexes take (pipelines/fts_cuts.py): "
        "searchable only in its first part; the article itself is stored whole.",
    ),
    "fts_exact": ("Search index (with accents)", "FTS5 over title, lead, body and captions."),
    "fts_folded": (
        "Search index (accents folded)",
        "FTS5 over the same text without diacritics (đ read as d): 'ha noi' finds 'Hà Nội'.",
    ),
    "frontier": ("Frontier", "What is left to fetch, one row per known article URL."),
    "listing_walks": ("Listing walks", "How far a full walk of each category listing got."),
    "sitemaps_read": (
        "Sitemaps read",
        "Each sitemap a run read to its end, with the lastmod its index gave it then: a "
        "child whose lastmod has not moved is not read again (docs/discovery.md).",
    ),
    "listing_entries": (
        "Listing entries",
        "What the portal's listings advertised: article id, category and listed day.",
    ),
    "redis_ingest": (
        "Redis ingest",
        "A distributed crawl's writer: the last queue message it applied to this archive.",
    ),
}

_KEY = {
    "site": "The portal's host without www., e.g. tuyengiao.vn",
    "article_id": "The portal's numeric article id (the last number of its URL)",
    "crawl_id": "The crawl run (crawls.id) that wrote this row",
}

# table -> column -> description. Units are in UNITS below.
COLUMNS: dict[str, dict[str, str]] = {
    "articles": {
        **_KEY,
        "url": "The URL the article was last fetched from",
        "canonical_url": "The article's canonical URL, as the page declares it",
        "category": "Category path on the portal, e.g. thoi-su/trong-nuoc",
        "title": "Headline",
        "lead": "Lead paragraph (sapo)",
        "body": "Body text, paragraphs separated by a blank line",
        "byline": "The byline as printed (lines joined by ' / ')",
        "authors": "Person names read from the byline (JSON list)",
        "source": "Agency or outlet credited, e.g. TTXVN",
        "published_at": "Publication time, ISO 8601 at +07:00",
        "published_text": "The date as the page printed it",
        "published_source": "Where the date was read: selector, meta, json-ld, text or url",
        "updated_at": "Update time the page declares, ISO 8601",
        "tags": "Tags (JSON list)",
        "layout": "Which page layout of the portal matched",
        "image_count": "Number of images",
        "content_hash": "SHA-256 of the record without its URL: changes when the text does",
        "extraction_method": "selectors (the layout), metadata or generic (layout drift)",
        "flags": "Caveats before citing, e.g. date:relative (JSON list)",
        "lead_prefix": "The outlet's own mark taken off the lead, as printed, e.g. (TG) -",
        "sources": "Which evidence gave each field: field -> selector, h1, json-ld, meta, "
        "text, byline, ... (JSON object; the extraction, not the article's content)",
        "first_seen_at": "When the archive first stored the article",
        "last_seen_at": "When a crawl last saw it",
        "last_changed_at": "When its stored content last changed",
        "year": "Year of publication (+07:00), computed from published_at",
        "month": "Month of publication, YYYY-MM (+07:00), computed from published_at",
    },
    "images": {
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "position": "Order on the page; 0 is the first (the lead image when there is one)",
        "url": "Absolute URL of the picture, on the portal (never a replica's host)",
        "caption": "Caption, without the credit",
        "credit": "Photo credit",
    },
    "article_authors": {
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "position": "Order of the name in the byline, from 0",
        "author": "A person's name as the byline gives it",
    },
    "crawls": {
        "id": "Run number",
        "spider": "Spider that ran",
        "start_url": "Where the run started",
        "site": "The site the run crawled (NULL: several, as an ingest, or unknown)",
        "started_at": "Start time",
        "finished_at": "End time",
        "status": "ok, degraded, layout_drift, failed (or running)",
        "exit_code": "The command's exit status",
        "finish_reason": "Scrapy's finish reason",
        "pages_fetched": "Pages fetched",
        "articles_new": "Articles archived for the first time",
        "articles_updated": "Articles whose content changed",
        "articles_unchanged": "Articles seen again unchanged",
        "errors": "Pages that failed (see crawl_errors)",
        "stats": "Scrapy's stats (JSON)",
        "mode": "incremental or backfill",
        "articles_removed": "Archived articles found gone or redirected",
        "fallback_extractions": "Articles read by the metadata/generic fallback",
        "status_counts": "HTTP statuses seen (JSON)",
        "duration_s": "Run time",
        "requests": "HTTP requests made",
    },
    "crawl_errors": {
        "id": "Error number",
        "crawl_id": _KEY["crawl_id"],
        "at": "When it happened",
        "url": "The page",
        "kind": "What went wrong, e.g. http_404, not_an_article, download",
        "message": "Details",
    },
    "captures": {
        "id": "Capture number",
        "url": "URL fetched",
        "fetched_at": "When it was fetched",
        "status": "HTTP status",
        "content_type": "Content-Type of the response",
        "payload_digest": "sha1 of the payload, as in WARC-Payload-Digest",
        "record_type": "response (holds the payload) or revisit (same as an earlier one)",
        "warc_file": "WARC file, relative to the archive's folder when under it",
        "offset": "Where the record starts in the WARC file",
        "length": "Length of the record in the WARC file",
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "crawl_id": _KEY["crawl_id"],
    },
    "article_versions": {
        "id": "Version number",
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "record": "The superseded article record (JSON)",
        "content_hash": "Its content hash",
        "first_seen_at": "When this version was first seen",
        "last_seen_at": "When it was last seen",
        "superseded_at": "When the version replacing it was seen",
        "changed_fields": "Fields that differ in the next version (JSON list)",
        "cause": "crawl (the page changed) or reparse (the parser changed)",
        "crawl_id": _KEY["crawl_id"],
    },
    "removals": {
        "id": "Removal number",
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "url": "URL asked",
        "seen_at": "When the answer was seen",
        "status": "HTTP status",
        "kind": "gone (404/410) or redirect",
        "location": "Where a redirect pointed",
        "crawl_id": _KEY["crawl_id"],
    },
    "fts_cuts": {
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "field": "The field cut: title, lead, body or captions",
        "length": "The field's full length",
        "indexed": "How much of it the search indexes hold (from its start)",
    },
    "fts_docs": {
        "id": "Row id in both search indexes",
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
    },
    "frontier": {
        "site": _KEY["site"],
        "article_id": _KEY["article_id"],
        "url": "URL to fetch",
        "category": "Category it was listed under",
        "state": "pending, in_progress, done, failed or gone",
        "attempts": "Fetch attempts",
        "last_error": "Last error",
        "etag": "ETag of the last 200 answer",
        "last_modified": "Last-Modified of the last 200 answer",
        "discovered_at": "When it was first listed",
        "updated_at": "When the row last changed",
        "crawl_id": _KEY["crawl_id"],
        "changed_at": "When a sitemap's lastmod or a feed's date said the article last "
        "changed, as it was queued or refetched",
    },
    "sitemaps_read": {
        "site": _KEY["site"],
        "url": "The sitemap's path and query (the same on a mirror)",
        "lastmod": "The lastmod its sitemap index gave it when it was read",
        "read_at": "When a run read it to its end",
        "crawl_id": _KEY["crawl_id"],
    },
    "listing_walks": {
        "site": _KEY["site"],
        "category": "Category path",
        "next_page": "Next listing page to read",
        "next_url": "Its URL",
        "until": "Date the walk goes back to",
        "started_at": "When the walk started",
        "finished_at": "When it reached its end",
        "last_page": "Last listing page",
        "crawl_id": _KEY["crawl_id"],
    },
    "listing_entries": {
        "site": _KEY["site"],
        "category": "Category path of the listing",
        "article_id": _KEY["article_id"],
        "listed_on": "Day the listing showed for the article",
        "url": "URL the listing linked",
        "first_listed_at": "When a crawl first read the entry",
    },
    "redis_ingest": {
        "stream": "The Redis stream the workers send to",
        "last_id": "Id of the last message applied (a redelivered one at or below is skipped)",
        "updated_at": "When it was applied",
    },
}
for _fts in ("fts_exact", "fts_folded"):
    COLUMNS[_fts] = {
        "title": "Headline",
        "lead": "Lead paragraph",
        "body": "Body text",
        "captions": "Image captions, one a line",
    }

# table -> column -> unit (Datasette shows it next to the value).
UNITS: dict[str, dict[str, str]] = {
    "captures": {"offset": "bytes", "length": "bytes"},
    "crawls": {"duration_s": "s"},
}

# Which outlets an archive holds is its own business (the plugin names them per
# database, from the `site` column and the portal declarations).
SOURCE = "Vietnamese news portals, crawled by vnarchive"
SOURCE_URL = "https://github.com/vnarchive/vnarchive"
LICENSE_NOTE = (
    "Articles are © their authors and publishers; archived for research. Cite the "
    "original URL and the capture time. The archive's code is MIT-licensed."
)
