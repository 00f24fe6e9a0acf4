"""Helpers shared by the date tests: hand-written expected values at +07:00."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crawler.extract.dates import VN_TZ, DateReading

SEVEN = timedelta(hours=7)
# A fetch well after every absolute date below, so that after_fetch never interferes.
LATE = datetime(2026, 1, 1, 12, 0, tzinfo=VN_TZ)


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=timezone(SEVEN))


def assert_read(reading: DateReading, expected: datetime) -> None:
    assert reading.rejected is None, reading
    assert reading.value == expected, reading
    # Same instant is not enough: the value must be expressed at +07:00.
    assert reading.value is not None
    assert reading.value.utcoffset() == SEVEN
    assert reading.value.replace(tzinfo=None) == expected.replace(tzinfo=None)
