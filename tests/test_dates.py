"""crawler.dates: every form of PORTAL.md, the day-first rule, and each refusal.

Expectations are written by hand (weekdays checked against a printed calendar), not
computed with the module's own helpers.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler import dates
from crawler.dates import (
    VN_TZ,
    DateReading,
    find_dates_in_text,
    parse_vietnamese_date,
    read_date,
)

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
        "12/11/2020 13:00 PM",
        "12/11/2020 0:30 AM",
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


# --- times, offsets, ISO -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8/8/2020 12:00:00 AM", vn(2020, 8, 8, 0, 0)),
        ("8/8/2020 12:30 AM", vn(2020, 8, 8, 0, 30)),
        ("8/8/2020 11:59 AM", vn(2020, 8, 8, 11, 59)),
        ("8/8/2020 12:00:00 PM", vn(2020, 8, 8, 12, 0)),
        ("8/8/2020 1:05 PM", vn(2020, 8, 8, 13, 5)),
        ("8/8/2020 11:59:59 PM", vn(2020, 8, 8, 23, 59, 59)),
        ("8/8/2020 12:00:00 SA", vn(2020, 8, 8, 0, 0)),
        ("8/8/2020 9:15:00 SA", vn(2020, 8, 8, 9, 15)),
        ("8/8/2020 3:15:00 CH", vn(2020, 8, 8, 15, 15)),
        ("8/8/2020 3:15 p.m.", vn(2020, 8, 8, 15, 15)),
        ("3:00 chiều 12/3/2024", vn(2024, 3, 12, 15, 0)),
        ("12/3/2024 8:00 tối", vn(2024, 3, 12, 20, 0)),
        ("12/3/2024 8:00 sáng", vn(2024, 3, 12, 8, 0)),
        ("12/3/2024 15h42", vn(2024, 3, 12, 15, 42)),
        ("15 giờ 42 phút, ngày 12/3/2024", vn(2024, 3, 12, 15, 42)),
        ("12/3/2024 lúc 15:42:07", vn(2024, 3, 12, 15, 42, 7)),
    ],
)
def test_times(text: str, expected: datetime) -> None:
    assert_read(read_date(text), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/3/2024 10:00 GMT+7", vn(2024, 3, 12, 10, 0)),
        ("12/3/2024 10:00 (GMT+7)", vn(2024, 3, 12, 10, 0)),
        ("12/3/2024 10:00 GMT+07:00", vn(2024, 3, 12, 10, 0)),
        ("12/3/2024 10:00 UTC+7", vn(2024, 3, 12, 10, 0)),
        ("12/3/2024 10:00 ICT", vn(2024, 3, 12, 10, 0)),
        ("12/3/2024 10:00 GMT+8", vn(2024, 3, 12, 9, 0)),
        ("12/3/2024 10:00 (GMT+8)", vn(2024, 3, 12, 9, 0)),
        ("12/3/2024 10:00 GMT-7", vn(2024, 3, 13, 0, 0)),
        ("12/3/2024 10:00 GMT", vn(2024, 3, 12, 17, 0)),
        ("12/3/2024 10:00 UTC+05:30", vn(2024, 3, 12, 11, 30)),
        ("10:00 GMT+8, ngày 12/3/2024", vn(2024, 3, 12, 9, 0)),
    ],
)
def test_offsets(text: str, expected: datetime) -> None:
    assert_read(read_date(text), expected)


def test_offset_not_applied_to_a_bare_date() -> None:
    # A calendar date stays that date; 00:00 at +08 would be 23 January in Vietnam.
    reading = read_date("24/1/2021 GMT+8")
    assert_read(reading, vn(2021, 1, 24))
    assert reading.date_only


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-11-22T15:42:00+07:00", vn(2020, 11, 22, 15, 42)),
        ("2020-11-22T15:42:00+0700", vn(2020, 11, 22, 15, 42)),
        ("2020-11-22T08:42:00Z", vn(2020, 11, 22, 15, 42)),
        ("2020-11-22T08:42Z", vn(2020, 11, 22, 15, 42)),
        ("2020-11-22T03:42:00-05:00", vn(2020, 11, 22, 15, 42)),
        ("2020-11-22T09:12:00+05:30", vn(2020, 11, 22, 10, 42)),
        ("2020-11-22T23:30:00+09:00", vn(2020, 11, 22, 21, 30)),
        ("2020-11-21T20:00:00-12:00", vn(2020, 11, 22, 15, 0)),
        ("2020-11-22T15:42:00", vn(2020, 11, 22, 15, 42)),  # naive: Vietnam time
        ("2020-11-22 15:42:00", vn(2020, 11, 22, 15, 42)),
        ("2020-11-22", vn(2020, 11, 22)),
        ("2020/11/22 15:42", vn(2020, 11, 22, 15, 42)),
    ],
)
def test_iso(text: str, expected: datetime) -> None:
    assert_read(read_date(text), expected)


def test_iso_fraction_is_kept() -> None:
    value = parse_vietnamese_date("2020-11-22T08:42:00.250Z")
    assert value == datetime(2020, 11, 22, 15, 42, 0, 250000, tzinfo=timezone(SEVEN))


# --- verbal forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngày 5 tháng 3 năm 2020", vn(2020, 3, 5)),
        ("Ngày 05 tháng 03 năm 2020", vn(2020, 3, 5)),
        ("5 tháng 3, 2020", vn(2020, 3, 5)),
        ("5 tháng Ba, 2020", vn(2020, 3, 5)),
        ("ngày 12 tháng Mười Một năm 2020", vn(2020, 11, 12)),
        ("ngày 1 tháng Năm năm 2020", vn(2020, 5, 1)),
        ("10:00 ngày 5 tháng 3 năm 2020", vn(2020, 3, 5, 10, 0)),
        ("Thứ Năm, ngày 5 tháng 3 năm 2020", vn(2020, 3, 5)),
    ],
)
def test_verbal(text: str, expected: datetime) -> None:
    assert_read(read_date(text), expected)


def test_lunar_month_names_are_not_read() -> None:
    assert read_date("ngày 5 tháng Giêng năm 2020").value is None
    assert read_date("ngày 5 tháng Chạp năm 2020").value is None


# --- relative forms ------------------------------------------------------------------------

FETCHED = vn(2024, 3, 15, 10, 30)


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("3 giờ trước", vn(2024, 3, 15, 7, 30), False),
        ("5 phút trước", vn(2024, 3, 15, 10, 25), False),
        ("30 giây trước", vn(2024, 3, 15, 10, 29), False),  # 10:29:30, to the minute
        ("1 tiếng trước", vn(2024, 3, 15, 9, 30), False),
        ("1 ngày 3 giờ trước", vn(2024, 3, 14, 7, 30), False),
        ("cách đây 2 giờ", vn(2024, 3, 15, 8, 30), False),
        ("2 hours ago", vn(2024, 3, 15, 8, 30), False),
        ("2 ngày trước", vn(2024, 3, 13), True),
        ("1 tuần trước", vn(2024, 3, 8), True),
        ("hôm qua", vn(2024, 3, 14), True),
        ("Hôm nay", vn(2024, 3, 15), True),
        ("hôm kia", vn(2024, 3, 13), True),
        ("hôm qua lúc 15:30", vn(2024, 3, 14, 15, 30), False),
        ("15:30 hôm qua", vn(2024, 3, 14, 15, 30), False),
        ("Hôm nay, 08:15", vn(2024, 3, 15, 8, 15), False),
        ("vừa xong", vn(2024, 3, 15, 10, 30), False),
    ],
)
def test_relative(text: str, expected: datetime, date_only: bool) -> None:
    reading = read_date(text, fetched_at=FETCHED)
    assert_read(reading, expected)
    assert reading.relative is True
    assert reading.date_only is date_only


def test_relative_seconds_of_fetch_are_dropped() -> None:
    fetched = datetime(2024, 3, 15, 10, 30, 45, 123, tzinfo=VN_TZ)
    assert_read(read_date("3 giờ trước", fetched_at=fetched), vn(2024, 3, 15, 7, 30))


def test_relative_anchored_to_fetch_in_another_zone() -> None:
    fetched_utc = datetime(2024, 3, 14, 20, 0, tzinfo=UTC)  # 03:00 on 15 March in Vietnam
    assert_read(read_date("hôm qua", fetched_at=fetched_utc), vn(2024, 3, 14))
    assert_read(read_date("3 giờ trước", fetched_at=fetched_utc), vn(2024, 3, 15, 0, 0))


@pytest.mark.parametrize("text", ["3 giờ trước", "5 phút trước", "hôm qua", "hôm nay", "vừa xong"])
def test_relative_without_fetched_at_is_none(text: str) -> None:
    reading = read_date(text)
    assert reading.value is None
    assert reading.rejected is None
    assert reading.relative is True


def test_relative_months_and_years_are_not_dates() -> None:
    for text in ("2 tháng trước", "1 năm trước", "3 months ago"):
        reading = read_date(text, fetched_at=FETCHED)
        assert reading.value is None, text
        assert reading.relative is True


def test_relative_after_fetch() -> None:
    reading = read_date("hôm nay 23:50", fetched_at=FETCHED)
    assert reading.value is None
    assert reading.rejected == "after_fetch"
    assert reading.relative is True


def test_relative_before_1990() -> None:
    fetched = datetime(1989, 6, 1, 12, 0)
    for text in ("vừa xong", "hôm nay", "3 giờ trước"):
        assert read_date(text, fetched_at=fetched).rejected == "before_1990", text


def test_fallback_does_not_take_missing_parts_from_the_fetch_date() -> None:
    # dateparser fills the day (and here the month) in from RELATIVE_BASE
    for fetched in (vn(2024, 12, 15, 10, 0), vn(2024, 12, 12, 10, 0)):
        assert read_date("15:30 ngày 12, 2024", fetched_at=fetched).value is None


def test_relative_update_stamp() -> None:
    reading = read_date("Cập nhật 3 giờ trước", fetched_at=FETCHED)
    assert reading.is_update and reading.relative
    assert reading.value == vn(2024, 3, 15, 7, 30)


def test_absolute_date_wins_over_relative_words() -> None:
    assert_read(read_date("Hôm nay, 12/11/2020", fetched_at=FETCHED), vn(2020, 11, 12))


# --- the dateparser fallback ---------------------------------------------------------------


def test_fallback_reads_what_the_fast_path_does_not() -> None:
    reading = read_date("12 thg 3, 2024", fetched_at=LATE)
    assert_read(reading, vn(2024, 3, 12))
    assert reading.date_only


def test_fallback_obeys_weekday_rule() -> None:
    # 12 March 2024 was a Tuesday
    assert read_date("Thứ Hai, 12 thg 3, 2024").rejected == "weekday_mismatch"
    assert_read(read_date("Thứ Ba, 12 thg 3, 2024"), vn(2024, 3, 12))


def test_fallback_obeys_after_fetch() -> None:
    assert read_date("12 thg 3, 2024", fetched_at=vn(2024, 3, 1)).rejected == "after_fetch"


def test_without_dateparser_nothing_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates._fallback, "_parser_class", False)
    reading = read_date("12 thg 3, 2024")
    assert reading.value is None and reading.rejected is None
    assert_read(read_date("12/3/2024"), vn(2024, 3, 12))


# --- robustness ----------------------------------------------------------------------------


def test_first_date_is_read() -> None:
    text = "Thứ Năm, 12/11/2020 - 15:42 | Cập nhật: 13/11/2020 09:00"
    reading = read_date(text)
    assert_read(reading, vn(2020, 11, 12, 15, 42))
    assert reading.is_update is False


def test_document_numbers_are_not_dates() -> None:
    assert read_date("Nghị định số 12/2020/NĐ-CP").value is None


def test_huge_strings_are_cheap() -> None:
    started = time.perf_counter()
    assert read_date("x" * 2_000_000).value is None
    assert_read(read_date("Chủ Nhật, 24/1/2021 " + "x" * 2_000_000), vn(2021, 1, 24))
    assert_read(read_date("y" * 2_000_000 + " 24/1/2021 10:00"), vn(2021, 1, 24, 10, 0))
    assert read_date("1" * 2_000_000).value is None
    assert read_date("12/" * 500_000).value is None
    assert time.perf_counter() - started < 2.0


def test_non_str_does_not_raise() -> None:
    assert read_date(None).value is None  # type: ignore[arg-type]
    assert find_dates_in_text(None) == []  # type: ignore[arg-type]


def test_extreme_fetched_at_does_not_raise() -> None:
    for fetched in (datetime.min, datetime.max, datetime.min.replace(tzinfo=UTC)):
        for text in ("3 giờ trước", "hôm qua", "2 ngày trước", "12/11/2020"):
            reading = read_date(text, fetched_at=fetched)
            assert isinstance(reading, DateReading)
            assert dates._read(text, fetched) == reading


# --- find_dates_in_text --------------------------------------------------------------------


def test_find_dates_in_text() -> None:
    body = (
        "Chủ Nhật, 24/1/2021 Hà Nội. Ngày 12/11, Quốc hội họp; đến 18-11-2020 "
        "thì bế mạc. Trong tháng 11/2020 có nhiều sự kiện (Số 12/2020/NĐ-CP)."
    )
    assert find_dates_in_text(body) == ["Chủ Nhật, 24/1/2021", "18-11-2020"]
    assert find_dates_in_text(body, include_partial=True) == [
        "Chủ Nhật, 24/1/2021",
        "12/11",
        "18-11-2020",
        "tháng 11/2020",
    ]
    assert find_dates_in_text("không có ngày nào") == []
