"""Argument types shared by the commands: each refuses a malformed value with a clear
message (argparse turns it into a one-line error and exit status 2)."""

from __future__ import annotations

import argparse
from datetime import date, datetime

DEFAULT_DB = "data/archive.db"


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def iso_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        from crawler.extract.dates import VN_TZ

        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed
