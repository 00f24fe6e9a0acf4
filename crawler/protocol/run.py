"""What a run's stats mean, for the crawl's summary line and storage's run ledger alike."""

from __future__ import annotations

from typing import Any


def run_duration(stats: dict[str, Any]) -> float:
    """A run's duration in seconds: Scrapy's own clock, from the spider's opening to its
    closing (stats `elapsed_time_seconds`). The `crawls` row and the summary line both
    read it here, so they cannot disagree; the process's start-up and shut-down are not
    part of the run."""
    return round(float(stats.get("elapsed_time_seconds", 0.0)), 3)
