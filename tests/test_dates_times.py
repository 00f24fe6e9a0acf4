"""crawler.extract.dates: times, offsets, ISO 8601, verbal and relative forms (split from
test_dates.py). Expectations are written by hand, not computed with the module."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timezone

import pytest

from crawler.extract import dates
from crawler.extract.dates import (
    VN_TZ,
    DateReading,
    find_dates_in_text,
    parse_vietnamese_date,
    read_date,
)
from tests.dates_support import LATE, SEVEN, assert_read, vn

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
