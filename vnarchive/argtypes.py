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


_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


def duration(value: str) -> float:
    """Seconds from "90", "90s", "45m" or "2h" (ASCII digits, an optional fraction)."""
    text = value.strip().lower()
    number, unit = text.rstrip("smh"), text[len(text.rstrip("smh")) :]
    digits = number.replace(".", "", 1)
    if unit not in _UNITS or not digits or not digits.isascii() or not digits.isdigit():
        raise argparse.ArgumentTypeError(
            f"not a duration (seconds, or a number with s, m or h): {value!r}"
        )
    return float(number) * _UNITS[unit]
