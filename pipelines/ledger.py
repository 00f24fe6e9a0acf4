"""A run's honest summary: counts from the crawl stats, a status and an exit code.

Exit codes (documented in the README): 0 ok, 1 failed, 3 degraded, 4 layout drift.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_DEGRADED = 3
EXIT_LAYOUT_DRIFT = 4
# More failed pages than this share of pages fetched makes a run "degraded".
DEGRADED_ERROR_RATE = 0.05
# More articles than this share read by the metadata/generic fallback, or without a
# publish date, means the portal's layout changed under the crawler.
LAYOUT_DRIFT_RATE = 0.05


def crawl_summary(stats: dict[str, Any], reason: str) -> dict[str, Any]:
    pages = int(stats.get("downloader/response_count", 0))
    errors = int(stats.get("vnarchive/errors", 0))
    counts = {
        "pages_fetched": pages,
        "articles_new": int(stats.get("vnarchive/articles_new", 0)),
        "articles_updated": int(stats.get("vnarchive/articles_updated", 0)),
        "articles_unchanged": int(stats.get("vnarchive/articles_unchanged", 0)),
        "errors": errors,
    }
    # The counts stay in `stats` (vnarchive/fallback, vnarchive/no_date): the ledger
    # row keeps its columns.
    drift_limit = LAYOUT_DRIFT_RATE * int(stats.get("vnarchive/articles_parsed", 0))
    fallback = int(stats.get("vnarchive/fallback", 0))
    no_date = int(stats.get("vnarchive/no_date", 0))
    if reason != "finished" or pages == 0:
        status, code = "failed", EXIT_FAILED
    elif fallback > drift_limit or no_date > drift_limit:
        # Before "degraded": a drifted layout is the more specific, actionable cause.
        status, code = "layout_drift", EXIT_LAYOUT_DRIFT
    elif errors > DEGRADED_ERROR_RATE * pages:
        status, code = "degraded", EXIT_DEGRADED
    else:
        status, code = "ok", EXIT_OK
    return {
        **counts,
        "status": status,
        "exit_code": code,
        "finish_reason": reason,
        "stats": {k: v for k, v in stats.items() if not k.startswith("vnarchive/status")},
    }
