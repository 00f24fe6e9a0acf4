"""Canned queries for Datasette: the questions researchers ask without writing SQL.

Every value comes in through a named parameter (Datasette shows a form field for
each); an empty field means "any". `vnarchive_search` is the archive's own search
(`pipelines.search.search`, exact accents first) exposed as a SQL function by the
plugin, so this file holds no second search.
"""

from __future__ import annotations

from typing import Any

# A category holds its subcategories' articles, as on the portal and in `search`.
_IN_CATEGORY = "(:category = '' OR {0}category = :category OR {0}category LIKE :category || '/%')"

ARTICLES_PER_MONTH = f"""
SELECT month, category, count(*) AS articles
FROM articles
WHERE {_IN_CATEGORY.format("")}
  AND month >= coalesce(nullif(:from_month, ''), '0000')
  AND month <= coalesce(nullif(:to_month, ''), '9999')
GROUP BY month, category
ORDER BY month DESC, category
"""

SEARCH_IN_DATES = """
SELECT h.key + 1 AS rank,
  CASE json_extract(h.value, '$.match') WHEN 'exact' THEN '= accents' ELSE '~ folded' END
    AS match,
  a.published_at, a.category, a.title, a.site, a.article_id
FROM json_each(vnarchive_search(:q, :since, :until, :category, 100)) h
JOIN articles a
  ON a.site = json_extract(h.value, '$.site')
  AND a.article_id = json_extract(h.value, '$.article_id')
ORDER BY h.key
"""

ARTICLE_VERSIONS = """
SELECT * FROM (
  SELECT 'earlier' AS version, site, article_id, first_seen_at AS from_time,
    superseded_at AS until_time, changed_fields AS changed_in_next_version, cause,
    json_extract(record, '$.title') AS title, content_hash
  FROM article_versions WHERE article_id = :article_id
  UNION ALL
  SELECT 'current', site, article_id, coalesce(last_changed_at, first_seen_at), NULL,
    NULL, NULL, title, content_hash
  FROM articles WHERE article_id = :article_id
)
ORDER BY site, version = 'current', from_time
"""

AUTHOR_ARTICLES = """
SELECT a.published_at, a.category, a.title, a.source, a.byline, a.site, a.article_id
FROM article_authors aa
JOIN articles a ON a.site = aa.site AND a.article_id = aa.article_id
WHERE aa.author = :author
ORDER BY a.published_at DESC
"""

RUN_LEDGER = """
SELECT c.id, c.started_at, c.finished_at, c.status, c.exit_code, c.start_url,
  c.pages_fetched, c.articles_new, c.articles_updated, c.articles_unchanged, c.errors,
  (SELECT count(*) FROM crawl_errors e WHERE e.crawl_id = c.id) AS error_rows
FROM crawls c
WHERE (:status = '' OR c.status = :status)
ORDER BY c.id DESC
"""

# Ids are numbered across the whole portal, so only a run missing from every category
# is a sign of a hole in the crawl; a run of ids inside one category is other
# categories' articles.
GAPS_IDS = """
SELECT site, article_id + 1 AS first_missing_id, next_id - 1 AS last_missing_id,
  next_id - article_id - 1 AS missing_ids
FROM (
  SELECT site, article_id,
    lead(article_id) OVER (PARTITION BY site ORDER BY article_id) AS next_id
  FROM articles
)
WHERE next_id - article_id - 1 >= coalesce(nullif(:min_missing, ''), 1)
ORDER BY missing_ids DESC, first_missing_id
"""

GAPS_DAYS = f"""
WITH RECURSIVE days(day) AS (
  SELECT date(:month || '-01')
  UNION ALL
  SELECT date(day, '+1 day') FROM days
  WHERE day < date(:month || '-01', '+1 month', '-1 day')
)
SELECT day, (
  SELECT count(*) FROM articles
  WHERE published_at >= day AND published_at < date(day, '+1 day')
    AND {_IN_CATEGORY.format("")}
) AS articles
FROM days
ORDER BY day
"""

# Only when the crawl kept its listings (`listing_entries`, see `vnarchive gaps`).
GAPS_LISTED = """
SELECT le.category, le.listed_on, count(*) AS advertised,
  count(a.article_id) AS archived, count(*) - count(a.article_id) AS missing
FROM listing_entries le
LEFT JOIN articles a ON a.site = le.site AND a.article_id = le.article_id
WHERE (:category = '' OR le.category = :category)
GROUP BY le.category, le.listed_on
HAVING count(a.article_id) < count(*)
ORDER BY le.category, le.listed_on DESC
"""


def canned_queries(tables: set[str]) -> dict[str, dict[str, Any]]:
    """The canned queries that the archive's tables can answer."""
    queries: dict[str, dict[str, Any]] = {
        "articles_per_month": {
            "title": "Articles per month per category",
            "description": "Counts by month (YYYY-MM, +07:00) and category. Category "
            "includes its subcategories; empty fields mean any.",
            "sql": ARTICLES_PER_MONTH,
        },
        "search_in_dates": {
            "title": "Search within a date range",
            "description": "The archive's search: 'ha noi' finds 'Hà Nội'; hits with the "
            "words side by side rank first, then hits that keep the query's accents. Dates "
            "are YYYY-MM-DD, inclusive; empty means any. At most 100 hits.",
            "sql": SEARCH_IN_DATES,
        },
        "article_versions": {
            "title": "All versions of one article",
            "description": "Each stored version of an article, oldest first, with the "
            "fields that changed in the version after it.",
            "sql": ARTICLE_VERSIONS,
        },
        "author_articles": {
            "title": "One author's articles",
            "description": "Every article whose byline names this person (the name "
            "exactly as the author facet shows it), newest first.",
            "sql": AUTHOR_ARTICLES,
        },
        "run_ledger": {
            "title": "Run ledger",
            "description": "Every crawl run, newest first, with its outcome and error "
            "count. Status: ok, degraded, layout_drift, failed or running; empty for all.",
            "sql": RUN_LEDGER,
        },
        "gaps_ids": {
            "title": "Gaps: runs of article ids missing from the archive",
            "description": "Runs of ids between archived articles that no category holds "
            "(ids are numbered across the portal). Some ids may never have been "
            "published: a hint of where to look, not a proof of loss.",
            "sql": GAPS_IDS,
        },
        "gaps_days": {
            "title": "Gaps: articles per day of one month",
            "description": "Every day of a month (YYYY-MM) with its article count in a "
            "category (empty for all): a day at 0 is worth a look.",
            "sql": GAPS_DAYS,
        },
    }
    if "listing_entries" in tables:
        queries["gaps_listed"] = {
            "title": "Gaps: listed but not archived",
            "description": "Days x categories where the portal's listings advertised more "
            "articles than the archive holds (as `vnarchive gaps`).",
            "sql": GAPS_LISTED,
        }
    for query in queries.values():
        query["sql"] = query["sql"].strip()
    return queries
