"""Properties of crawler.extract.dates: it never raises, and every supported form round-trips.

The renderers below are written here, independently of the module: each turns a moment
into the text a portal would print, and reading that text must give the moment back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import dates
from crawler.extract.dates import VN_TZ, DateReading, find_dates_in_text, read_date

SEVEN = timedelta(hours=7)
PLUS7 = timezone(SEVEN)

# Monday first, as datetime.weekday() counts.
WEEKDAY_NAMES = [
    ["Thứ Hai", "thứ hai", "THỨ HAI", "Thu Hai", "Thứ 2", "T2"],
    ["Thứ Ba", "thứ ba", "THỨ BA", "Thu Ba", "Thứ 3", "T3"],
    ["Thứ Tư", "thứ tư", "THỨ TƯ", "Thu Tu", "Thứ 4", "T4"],
    ["Thứ Năm", "thứ năm", "THỨ NĂM", "Thu Nam", "Thứ 5", "T5"],
    ["Thứ Sáu", "thứ sáu", "THỨ SÁU", "Thu Sau", "Thứ 6", "T6"],
    ["Thứ Bảy", "thứ bảy", "THỨ BẢY", "Thu Bay", "Thứ 7", "T7"],
    ["Chủ Nhật", "chủ nhật", "CHỦ NHẬT", "Chu Nhat", "CN", "Chủ nhật"],
]

moments = st.datetimes(
    min_value=datetime(1990, 1, 2), max_value=datetime(2030, 12, 30, 23, 59)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=PLUS7))


def num(value: int, pad: bool) -> str:
    return f"{value:02d}" if pad else str(value)


class Render:
    """Draws the free choices of a rendering (padding, weekday spelling, AM/PM words)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def pad(self) -> bool:
        return self.data.draw(st.booleans())

    def weekday(self, dt: datetime) -> str:
        return self.data.draw(st.sampled_from(WEEKDAY_NAMES[dt.weekday()]))

    def dmy(self, dt: datetime, sep: str = "/") -> str:
        return sep.join((num(dt.day, self.pad()), num(dt.month, self.pad()), str(dt.year)))

    def hm(self, dt: datetime) -> str:
        return f"{num(dt.hour, self.pad())}:{dt.minute:02d}"


# Each form: (render(r, dt) -> text, date_only, is_update). dt is at +07:00.
Form = tuple[Callable[[Render, datetime], str], bool, bool]


def twelve_hour(r: Render, dt: datetime, am: str, pm: str) -> str:
    h12 = dt.hour % 12 or 12
    marker = am if dt.hour < 12 else pm
    return f"Đăng lúc {r.dmy(dt)} {h12}:{dt.minute:02d}:00 {marker}"


def in_offset(dt: datetime, hours: int, minutes: int = 0) -> datetime:
    return dt.astimezone(timezone(timedelta(hours=hours, minutes=minutes)))


FORMS: dict[str, Form] = {
    "weekday_date": (lambda r, dt: f"{r.weekday(dt)}, {r.dmy(dt)}", True, False),
    "weekday_date_dash_time": (
        lambda r, dt: f"{r.weekday(dt)}, {r.dmy(dt)} - {r.hm(dt)}",
        False,
        False,
    ),
    "date_dash_time_gmt7": (lambda r, dt: f"{r.dmy(dt)} - {r.hm(dt)} GMT+7", False, False),
    "weekday_date_time_paren_gmt7": (
        lambda r, dt: f"{r.weekday(dt)}, {r.dmy(dt)}, {r.hm(dt)} (GMT+7)",
        False,
        False,
    ),
    "time_ngay_date_dashes": (lambda r, dt: f"{r.hm(dt)}, ngày {r.dmy(dt, '-')}", False, False),
    "date_time_gmt7": (lambda r, dt: f"{r.dmy(dt)} {r.hm(dt)} GMT+7", False, False),
    "time_pipe_date": (lambda r, dt: f"{r.hm(dt)} | {r.dmy(dt)}", False, False),
    "dang_luc_am_pm": (lambda r, dt: twelve_hour(r, dt, "AM", "PM"), False, False),
    "dang_luc_sa_ch": (lambda r, dt: twelve_hour(r, dt, "SA", "CH"), False, False),
    "cap_nhat": (lambda r, dt: f"Cập nhật: {r.hm(dt)} ngày {r.dmy(dt)}", False, True),
    "verbal": (
        lambda r, dt: f"ngày {num(dt.day, r.pad())} tháng {num(dt.month, r.pad())} năm {dt.year}",
        True,
        False,
    ),
    "iso_plus7": (lambda r, dt: dt.strftime("%Y-%m-%dT%H:%M:%S+07:00"), False, False),
    "iso_naive": (lambda r, dt: dt.strftime("%Y-%m-%dT%H:%M:%S"), False, False),
    "iso_z": (lambda r, dt: dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), False, False),
    "iso_minus5": (
        lambda r, dt: in_offset(dt, -5).strftime("%Y-%m-%dT%H:%M:%S-05:00"),
        False,
        False,
    ),
    "iso_plus0530": (
        lambda r, dt: in_offset(dt, 5, 30).strftime("%Y-%m-%dT%H:%M:%S+05:30"),
        False,
        False,
    ),
    "date_time_gmt8": (
        lambda r, dt: (lambda d8: f"{r.dmy(d8)} {r.hm(d8)} GMT+8")(in_offset(dt, 8)),
        False,
        False,
    ),
    "date_dot_time_utc7": (lambda r, dt: f"{r.dmy(dt, '.')} {r.hm(dt)} UTC+7", False, False),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FORMS)), moments, st.data())
def test_every_form_round_trips(name: str, dt: datetime, data: st.DataObject) -> None:
    render, date_only, is_update = FORMS[name]
    text = render(Render(data), dt)
    reading = read_date(text, fetched_at=dt + timedelta(days=1))
    assert reading.rejected is None, (text, reading)
    assert reading.value is not None, (text, reading)
    assert reading.value.utcoffset() == SEVEN
    assert reading.is_update is is_update
    assert reading.date_only is date_only
    if date_only:
        assert reading.value == datetime(dt.year, dt.month, dt.day, tzinfo=PLUS7), text
    else:
        assert reading.value == dt, text
        assert reading.value.replace(tzinfo=None) == dt.replace(tzinfo=None), text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FORMS)), moments, st.data())
def test_every_form_is_found_inside_prose(name: str, dt: datetime, data: st.DataObject) -> None:
    render = FORMS[name][0]
    text = render(Render(data), dt)
    found = find_dates_in_text(f"Hà Nội. {text} . Quốc hội họp phiên bế mạc")
    assert len(found) == 1
    assert found[0] in text


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(1, 6), st.data())
def test_wrong_weekday_is_refused(dt: datetime, shift: int, data: st.DataObject) -> None:
    wrong = dt + timedelta(days=shift)
    r = Render(data)
    text = f"{r.weekday(wrong)}, {r.dmy(dt)} - {r.hm(dt)}"
    reading = read_date(text)
    assert reading.value is None
    assert reading.rejected == "weekday_mismatch", text


@settings(max_examples=200, deadline=None)
@given(st.integers(1990, 2030), st.integers(1, 12), st.integers(1, 28), st.booleans())
def test_always_day_first(year: int, a: int, b: int, pad: bool) -> None:
    reading = read_date(f"{num(b, pad)}/{num(a, pad)}/{year}")
    assert reading.value == datetime(year, a, b, tzinfo=PLUS7)


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(1, 600), st.sampled_from(["phút", "giờ"]))
def test_relative_round_trips(dt: datetime, n: int, unit: str) -> None:
    delta = timedelta(minutes=n) if unit == "phút" else timedelta(hours=n)
    fetched = dt + delta
    reading = read_date(f"{n} {unit} trước", fetched_at=fetched)
    assert reading.relative is True
    assert reading.value == dt
    assert read_date(f"{n} {unit} trước").value is None


# --- never raises --------------------------------------------------------------------------

FRAGMENTS = [
    "Thứ Năm, ", "Chủ Nhật", "CN", "T7 ", "12/11/2020", "31/2/2021", "24/1/21", "1/1/1900",
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2020-11-22T15:42:00Z",
    " - ", "15:42", "12:00:00 AM", "PM", " SA", " CH", "chiều", "đêm", "GMT+7", "(GMT+8)",
    "GMT-14", "UTC+99", "+07:00", "Z", "ngày ", "tháng ", "năm ", "Mười Một", "Giêng",
    "giờ ", "phút ", "trước", "cách đây ", "hôm qua", "hôm nay", "lúc ", "Cập nhật: ",
    "Đăng lúc ", "|", ",", "/", ".", "-", " ", "\u00a0", "\u200b", "\u0301", "Ǆ", "İ",
    "٣", "１２", "9" * 30, "thg", "vừa xong", "ago", "99999 ngày trước", "9999 tuần trước",
]  # fmt: skip

fetch_times = st.none() | st.datetimes(
    timezones=st.sampled_from([None, UTC, PLUS7, timezone(timedelta(hours=-12))]),
    allow_imaginary=False,
)
fragment_text = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=4),
        st.integers(0, 99999).map(str),
    ),
    max_size=12,
).map("".join)


def assert_sane(reading: DateReading, fetched: datetime | None) -> None:
    assert isinstance(reading, DateReading)
    if reading.value is None:
        return
    assert reading.rejected is None
    assert reading.value.utcoffset() == SEVEN
    assert reading.value >= datetime(1990, 1, 1, tzinfo=VN_TZ)
    if fetched is not None:
        anchored = fetched if fetched.tzinfo else fetched.replace(tzinfo=VN_TZ)
        try:
            limit = anchored + timedelta(minutes=10)
        except OverflowError:
            return
        assert reading.value <= limit
    if reading.relative:
        assert fetched is not None


@settings(max_examples=300, deadline=None)
@given(st.text(), fetch_times)
def test_never_raises_on_any_text(text: str, fetched: datetime | None) -> None:
    # `_read` is the unguarded reader: a bug shows here even though read_date hides it.
    reading = dates._read(text, fetched)
    assert_sane(reading, fetched)
    assert read_date(text, fetched_at=fetched) == reading
    find_dates_in_text(text, include_partial=True)


@settings(max_examples=300, deadline=None)
@given(fragment_text, fetch_times)
def test_never_raises_around_date_fragments(text: str, fetched: datetime | None) -> None:
    reading = dates._read(text, fetched)
    assert_sane(reading, fetched)
    assert read_date(text, fetched_at=fetched) == reading
    for found in find_dates_in_text(text, include_partial=True):
        assert found
