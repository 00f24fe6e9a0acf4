"""Date lines of the 2012-2020 portals (issue 15, §6): read minute-exact.

Old captures (a researcher's WARC files, Common Crawl's news crawls) print dates as the
portals did then: a weekday and GMT+7, a two-digit year beside a 12-hour clock with
"sáng"/"chiều"/"tối"/"trưa", "SA"/"CH". Each form below was printed by a portal of those
years; the expected values are worked out by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import dates
from crawler.extract.dates import find_dates_in_text, read_date

PLUS7 = timezone(timedelta(hours=7))
FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=PLUS7)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=PLUS7)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected", "is_update"),
    [
        # VnExpress, 2012: weekday, date, time, zone.
        ("Thứ hai, 17/12/2012, 09:05 GMT+7", at(2012, 12, 17, 9, 5), False),
        # A two-digit year with a 12-hour clock (Dân trí, Người Lao Động, 2012-2014).
        ("Cập nhật: 08:15 sáng 03/12/12", at(2012, 12, 3, 8, 15), True),
        ("08:15 AM 03/12/12", at(2012, 12, 3, 8, 15), False),
        ("03/12/12 08:15", at(2012, 12, 3, 8, 15), False),
        ("Thứ hai, 17/12/12, 09:05", at(2012, 12, 17, 9, 5), False),
        # sáng / trưa / chiều / tối.
        ("3:05 chiều 12/11/2015", at(2015, 11, 12, 15, 5), False),
        ("12:30 trưa 12/11/2015", at(2015, 11, 12, 12, 30), False),
        ("1:30 trưa 12/11/2015", at(2015, 11, 12, 13, 30), False),
        ("9:40 tối, 12/11/2015", at(2015, 11, 12, 21, 40), False),
        ("9h30 sáng ngày 12/5/2016", at(2016, 5, 12, 9, 30), False),
        ("Thứ Năm, 12/05/2016 - 9:30 sáng", at(2016, 5, 12, 9, 30), False),
        ("12/05/2016 03:05 CH", at(2016, 5, 12, 15, 5), False),
        # A 24-hour time printed with "AM" (CafeF): midnight is 00.
        ("07-03-2026 - 00:01 AM", at(2026, 3, 7, 0, 1), False),
        # ... and the afternoon of that clock: 13..23 with PM can only be itself.
        ("07-03-2026 - 19:23 PM", at(2026, 3, 7, 19, 23), False),
        ("07-03-2026 - 07:23 PM", at(2026, 3, 7, 19, 23), False),
        ("Thứ Sáu, 14/06/2019 | 14:21 GMT+7", at(2019, 6, 14, 14, 21), False),
        ("Cập nhật lúc 09:30 ngày 12/5/2016", at(2016, 5, 12, 9, 30), True),
    ],
)
def test_old_date_lines(text: str, expected: datetime, is_update: bool) -> None:
    reading = read_date(text, fetched_at=FETCHED)
    assert reading.rejected is None, reading
    assert reading.value == expected, text
    assert reading.value.utcoffset() == timedelta(hours=7)
    assert reading.is_update is is_update
    assert not reading.date_only


@pytest.mark.parametrize(
    "text",
    [
        "03/12/12",  # no time: a two-digit year alone may be a fraction or a score
        "tỉ số 3/1/12 ván",
        "ngày 3/12/12",
    ],
)
def test_a_two_digit_year_without_a_time_is_not_a_date(text: str) -> None:
    assert read_date(text, fetched_at=FETCHED).value is None
    assert find_dates_in_text(text) == []


def test_a_two_digit_year_in_the_future_is_refused() -> None:
    reading = read_date("08:15 sáng 03/12/29", fetched_at=FETCHED)
    assert reading.value is None and reading.rejected == "after_fetch"


def test_zero_hour_pm_is_invalid() -> None:
    assert read_date("12/11/2020 0:30 PM").rejected == "invalid"


old_moments = st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2026, 11, 1, 23, 59)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=PLUS7))


def period(dt: datetime) -> tuple[int, str]:
    """The 12-hour reading a writer of the time uses for `dt` (an independent renderer)."""
    if dt.hour < 11:
        return (dt.hour or 12), "sáng"  # 12 sáng is midnight, as 12 AM
    if dt.hour < 13:
        return dt.hour, "trưa"
    if dt.hour < 18:
        return dt.hour - 12, "chiều"
    return dt.hour - 12, "tối"


@settings(max_examples=200, deadline=None)
@given(old_moments, st.booleans(), st.booleans())
def test_twelve_hour_two_digit_year_round_trips(dt: datetime, update: bool, pad: bool) -> None:
    hour, word = period(dt)
    day = f"{dt.day:02d}" if pad else str(dt.day)
    stamp = f"{hour:02d}:{dt.minute:02d} {word} {day}/{dt.month:02d}/{dt.year % 100:02d}"
    text = f"Cập nhật: {stamp}" if update else stamp
    reading = read_date(text, fetched_at=FETCHED)
    assert reading.value == dt, (text, reading)
    assert reading.is_update is update


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "sáng",
                "chiều",
                "tối",
                "trưa",
                "SA",
                "CH",
                "AM",
                "PM",
                "03/12/12",
                "0:",
                "12:",
                "00",
                "99",
                "/",
                " ",
                "Cập nhật: ",
                "Thứ hai, ",
                "GMT+7",
                "29/02/13",
                "13",
            ]
        )
        | st.integers(0, 99).map(str),
        max_size=10,
    ).map("".join),
    st.none() | st.just(FETCHED),
)
def test_never_raises_on_old_fragments(text: str, fetched: datetime | None) -> None:
    reading = dates._read(text, fetched)  # the unguarded reader: a bug shows here
    assert reading == read_date(text, fetched_at=fetched)
    if reading.value is not None:
        assert reading.value.utcoffset() == timedelta(hours=7)
        assert reading.value >= datetime(1990, 1, 1, tzinfo=PLUS7)
    find_dates_in_text(text, include_partial=True)
