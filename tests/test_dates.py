"""crawler.extract.dates: every form of PORTAL.md, the day-first rule, and each refusal.

Expectations are written by hand (weekdays checked against a printed calendar), not
computed with the module's own helpers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract.dates import (
    parse_vietnamese_date,
    read_date,
)
from tests.dates_support import LATE, assert_read, vn

# --- every form of PORTAL.md -------------------------------------------------------------

PORTAL_FORMS = [
    # (text, expected, date_only)
    ("Chủ Nhật, 24/1/2021", vn(2021, 1, 24), True),
    ("Thứ Năm, 12/11/2020 - 15:42", vn(2020, 11, 12, 15, 42), False),
    ("01/04/2022 - 15:28 GMT+7", vn(2022, 4, 1, 15, 28), False),
    ("Thứ tư, 22/10/2025, 19:25 (GMT+7)", vn(2025, 10, 22, 19, 25), False),
    ("22:45, ngày 22-11-2020", vn(2020, 11, 22, 22, 45), False),
    ("07/10/2020 05:28 GMT+7", vn(2020, 10, 7, 5, 28), False),
    ("17:48 | 01/11/2020", vn(2020, 11, 1, 17, 48), False),
    ("Đăng lúc 8/8/2020 12:00:00 AM", vn(2020, 8, 8, 0, 0), False),
    ("Cập nhật: 08:15 ngày 05/01/2025", vn(2025, 1, 5, 8, 15), False),
    ("ngày 5 tháng 3 năm 2020", vn(2020, 3, 5), True),
    ("18-11-2020", vn(2020, 11, 18), True),
    ("2020-11-22T15:42:00+07:00", vn(2020, 11, 22, 15, 42), False),
    # header "today" of the new layout
    ("Thứ Ba, 9/11/2021", vn(2021, 11, 9), True),
]


@pytest.mark.parametrize(("text", "expected", "date_only"), PORTAL_FORMS)
def test_portal_forms(text: str, expected: datetime, date_only: bool) -> None:
    reading = read_date(text, fetched_at=LATE)
    assert_read(reading, expected)
    assert reading.date_only is date_only
    assert reading.relative is False
    assert reading.text == text
    assert parse_vietnamese_date(text, fetched_at=LATE) == expected


def test_portal_forms_without_fetched_at() -> None:
    for text, expected, _ in PORTAL_FORMS:
        assert parse_vietnamese_date(text) == expected, text


def test_update_stamp_is_flagged() -> None:
    assert read_date("Cập nhật: 08:15 ngày 05/01/2025").is_update is True
    assert read_date("Cập nhật lúc 10:03, 12/11/2020").is_update is True
    assert read_date("Updated: 2020-11-22T15:42:00+07:00").is_update is True
    assert read_date("Thứ Năm, 12/11/2020 - 15:42").is_update is False
    assert read_date("Đăng lúc 8/8/2020 12:00:00 AM").is_update is False


def test_text_is_stripped_input() -> None:
    assert read_date("  \n Chủ Nhật, 24/1/2021 \t").text == "Chủ Nhật, 24/1/2021"


# --- day first, always ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/3/2024", vn(2024, 3, 12)),
        ("1/2/2021", vn(2021, 2, 1)),
        ("03/04/2022 - 10:00", vn(2022, 4, 3, 10, 0)),
        ("12.03.2024 10:00", vn(2024, 3, 12, 10, 0)),
        ("5-6-2020", vn(2020, 6, 5)),
        # the dateutil bug: this is 12 March at +07:00, not 3 December at -07:00
        ("12/3/2024 10:00 (GMT+7)", vn(2024, 3, 12, 10, 0)),
        ("12/3/2024 (GMT+7)", vn(2024, 3, 12)),
    ],
)
def test_day_first(text: str, expected: datetime) -> None:
    assert_read(read_date(text), expected)


def test_month_first_us_date_is_invalid_not_swapped() -> None:
    assert read_date("12/31/2020").rejected == "invalid"
    assert read_date("12/31/2020").value is None


# --- weekdays ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thứ hai, 23/11/2020", vn(2020, 11, 23)),
        ("THỨ BA, 24/11/2020", vn(2020, 11, 24)),
        ("Thứ Tư 25/11/2020", vn(2020, 11, 25)),
        ("Thu Nam, 26/11/2020", vn(2020, 11, 26)),
        ("thu sau, 27/11/2020", vn(2020, 11, 27)),
        ("Thứ Bảy, 28/11/2020", vn(2020, 11, 28)),
        ("Thứ bẩy, 28/11/2020", vn(2020, 11, 28)),
        ("CHỦ NHẬT, 29/11/2020", vn(2020, 11, 29)),
        ("Chu nhat, 29/11/2020", vn(2020, 11, 29)),
        ("CN, 29/11/2020", vn(2020, 11, 29)),
        ("Thứ 2, 23/11/2020", vn(2020, 11, 23)),
        ("Thứ 3, 24/11/2020", vn(2020, 11, 24)),
        ("Thứ 4, 25/11/2020", vn(2020, 11, 25)),
        ("Thứ 5, 26/11/2020", vn(2020, 11, 26)),
        ("Thứ 6, 27/11/2020", vn(2020, 11, 27)),
        ("Thứ 7 28/11/2020", vn(2020, 11, 28)),
        ("Thứ Năm, ngày 26/11/2020", vn(2020, 11, 26)),
        # decomposed (NFD) Vietnamese, as some CMSs emit it
        ("Thu\u031b\u0301 Na\u0306m, 26/11/2020", vn(2020, 11, 26)),
    ],
)
def test_weekday_forms(text: str, expected: datetime) -> None:
    assert_read(read_date(text), expected)


@pytest.mark.parametrize(
    "text",
    [
        "Thứ Hai, 24/1/2021",  # 24/1/2021 was a Sunday
        "Thứ Năm, 11/12/2020 - 15:42",  # day and month swapped: 11 December 2020 was a Friday
        "Thứ 2, 24/1/2021",
        "CN, 23/1/2021",
        "Thứ Hai, ngày 5 tháng 3 năm 2020",  # a Thursday
    ],
)
def test_weekday_mismatch(text: str) -> None:
    reading = read_date(text, fetched_at=LATE)
    assert reading.value is None
    assert reading.rejected == "weekday_mismatch"
    assert parse_vietnamese_date(text, fetched_at=LATE) is None


def test_weekday_checked_on_written_date_before_offset_change() -> None:
    # 22/10/2025 01:00 at GMT+9 is 21/10 23:00 in Vietnam; the writer's Wednesday is right.
    assert_read(read_date("Thứ tư, 22/10/2025, 01:00 (GMT+9)"), vn(2025, 10, 21, 23, 0))


# --- refusals ------------------------------------------------------------------------------


def test_after_fetch() -> None:
    fetched = vn(2020, 11, 12, 15, 0)
    reading = read_date("12/11/2020 15:42", fetched_at=fetched)
    assert reading.value is None
    assert reading.rejected == "after_fetch"
    assert read_date("13/11/2020", fetched_at=fetched).rejected == "after_fetch"


def test_after_fetch_allows_ten_minutes_of_skew() -> None:
    assert_read(
        read_date("12/11/2020 15:42", fetched_at=vn(2020, 11, 12, 15, 33)),
        vn(2020, 11, 12, 15, 42),
    )
    assert read_date("12/11/2020 15:42", fetched_at=vn(2020, 11, 12, 15, 31)).rejected == (
        "after_fetch"
    )


def test_after_fetch_compares_instants_across_zones() -> None:
    # 08:30 UTC is 15:30 in Vietnam: the 15:42 stamp is 12 minutes later.
    fetched_utc = datetime(2020, 11, 12, 8, 30, tzinfo=UTC)
    assert read_date("12/11/2020 15:42", fetched_at=fetched_utc).rejected == "after_fetch"
    # a naive fetched_at is taken as Vietnam time
    naive = datetime(2020, 11, 12, 15, 40)
    assert_read(read_date("12/11/2020 15:42", fetched_at=naive), vn(2020, 11, 12, 15, 42))


def test_before_1990() -> None:
    assert read_date("31/12/1989").rejected == "before_1990"
    assert read_date("31/12/1989 23:59").value is None
    assert read_date("1989-12-31T16:59:00Z").rejected == "before_1990"  # 23:59 in Vietnam
    assert_read(read_date("01/01/1990"), vn(1990, 1, 1))
    assert_read(read_date("1989-12-31T17:00:00Z"), vn(1990, 1, 1))


@pytest.mark.parametrize(
    "text",
    [
        "31/2/2021",
        "29/2/2021",
        "31/4/2020",
        "0/1/2020",
        "12/13/2020",
        "12/11/2020 25:00",
        "12/11/2020 15:60",
        "12/11/2020 13:00 AM",
        "12/11/2020 0:30 PM",
        "12/11/2020 10:00 GMT+15",
        "2020-02-30",
        "ngày 31 tháng 2 năm 2021",
    ],
)
def test_invalid(text: str) -> None:
    reading = read_date(text)
    assert reading.value is None
    assert reading.rejected == "invalid"


def test_leap_day_is_valid() -> None:
    assert_read(read_date("29/2/2020"), vn(2020, 2, 29))


# --- partial forms and non-dates -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 12/11",
        "tháng 11/2020",
        "Tháng 11 năm 2020",
        "11/2020",
        "năm 2020",
        "2020",
        "Ngày 12/11 lúc 15:00",
        "15:00 năm 2020",
        "24/1/21",  # a two-digit year: the century would be a guess
        "",
        "   ",
        "Nay",
        "2",
        "Hotline: 08045542 - 08045075",
        "Gửi cho bạn bè",
        "12 thg3 2024",
    ],
)
def test_not_a_publish_date(text: str) -> None:
    reading = read_date(text, fetched_at=LATE)
    assert reading.value is None
    assert reading.rejected is None
    assert reading.relative is False


def test_ambiguous_forms_are_not_read() -> None:
    # two different times for one date
    assert read_date("22:45, ngày 22-11-2020 - 23:00").value is None
    # "đêm" (night): 10 or 22 o'clock, depending on the writer
    assert read_date("12/3/2024 10:00 đêm").value is None
    # two different offsets
    assert read_date("12/3/2024 10:00 GMT+7 (GMT+8)").value is None
