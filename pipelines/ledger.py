"""A run's honest summary: counts from the crawl stats, a status and an exit code.

Exit codes (documented in the README): 0 ok, 1 failed, 3 degraded, 4 layout drift.
"Degraded": too many failed pages, a crawl bound reached (crawler/limits.py), or no new
article for more than DEGRADED_STALE_DAYS days (the reasons go to the stats as
vnarchive/degraded_reasons). A high fallback rate is the more specific layout drift.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.protocol.run import run_duration

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_DEGRADED = 3
EXIT_LAYOUT_DRIFT = 4
# More failed pages than this share of pages fetched makes a run "degraded".
DEGRADED_ERROR_RATE = 0.05
# More articles than this share read by the metadata/generic fallback, or without a
# publish date, means the portal's layout changed under the crawler.
LAYOUT_DRIFT_RATE = 0.05
# Finish reasons of a run that ended as planned: Scrapy's own, and the run-time bound
# (crawler/limits.py), which is "degraded" through its bound stat, not "failed".
FINISHED_REASONS = frozenset({"finished", "max_duration"})


def degraded_reasons(
    stats: dict[str, Any],
    *,
    error_rate: float = DEGRADED_ERROR_RATE,
    stale_days: float | None = None,
    days_since_new: float | None = None,
) -> list[str]:
    """The "degraded" thresholds this run crossed, in words (empty: none)."""
    # Pages, not the articles' pictures (crawler/spiders/images.py): a picture's failure
    # is not counted in `errors`, and its answer must not dilute the pages' error rate.
    pages = int(stats.get("downloader/response_count", 0)) - int(
        stats.get("vnarchive/images/responses", 0)
    )
    # An archived article answering 404/410 is a removal, recorded as such: the site
    # changed, the crawl did not fail.
    errors = int(stats.get("vnarchive/errors", 0)) - int(stats.get("vnarchive/removals/gone", 0))
    reasons = []
    # A crawl bound that tripped (crawler/limits.py): the run stopped short of
    # something on purpose, and says so.
    bounds = sorted(k.removeprefix("vnarchive/bounds/") for k in stats
                    if k.startswith("vnarchive/bounds/"))  # fmt: skip
    if bounds:
        reasons.append(f"crawl bounds reached: {', '.join(bounds)}")
    if pages and errors > error_rate * pages:
        reasons.append(f"error rate {errors / pages:.1%} > {error_rate:.0%}")
    if stale_days is not None and days_since_new is not None and days_since_new > stale_days:
        reasons.append(f"no new article for {days_since_new:.1f} days (> {stale_days:g})")
    return reasons


def crawl_summary(
    stats: dict[str, Any], reason: str, *, reasons: list[str] | None = None
) -> dict[str, Any]:
    pages = int(stats.get("downloader/response_count", 0))
    errors = int(stats.get("vnarchive/errors", 0))
    if reasons is None:
        reasons = degraded_reasons(stats)
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
    if reason not in FINISHED_REASONS or pages == 0:
        status, code = "failed", EXIT_FAILED
    elif fallback > drift_limit or no_date > drift_limit:
        # Before "degraded": a drifted layout is the more specific, actionable cause.
        status, code = "layout_drift", EXIT_LAYOUT_DRIFT
    elif reasons:
        status, code = "degraded", EXIT_DEGRADED
    else:
        status, code = "ok", EXIT_OK
    return {
        **counts,
        "status": status,
        "exit_code": code,
        "finish_reason": reason,
        "stats": {
            **{k: v for k, v in stats.items() if not k.startswith("vnarchive/status")},
            "vnarchive/degraded_reasons": reasons,
        },
    }


def run_columns(stats: dict[str, Any]) -> dict[str, Any]:
    """The scheduled-crawl columns of a `crawls` row (see pipelines.frontier_store)."""
    prefix = "downloader/response_status_count/"
    status_counts = {k.removeprefix(prefix): int(v) for k, v in stats.items()
                     if k.startswith(prefix)}  # fmt: skip
    removed = sum(int(v) for k, v in stats.items() if k.startswith("vnarchive/removals/"))
    return {
        "articles_removed": removed,
        "fallback_extractions": int(stats.get("vnarchive/fallback", 0)),
        "status_counts": json.dumps(dict(sorted(status_counts.items()))),
        "duration_s": run_duration(stats),
        "requests": int(stats.get("downloader/request_count", 0)),
    }
