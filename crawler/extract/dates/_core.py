"""The fast path: compiled patterns, exact arithmetic, the rejection rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

from . import _patterns as P
from ._model import AFTER_FETCH, BEFORE_1990, INVALID, VN_TZ, WEEKDAY_MISMATCH, DateReading

# A page's clock and ours disagree by a little; more than this is a wrong date.
CLOCK_SKEW = timedelta(minutes=10)
EARLIEST = datetime(1990, 1, 1, tzinfo=VN_TZ)
# A date field is short. For longer input only a window around the first digit is read,
# so a huge string costs no more than a short one.
_MAX_WHOLE = 400
_BEFORE_DIGIT = 80
_AFTER_DIGIT = 200

_SECONDS = {
    "giay": 1, "second": 1, "seconds": 1, "sec": 1, "secs": 1,
    "phut": 60, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
    "gio": 3600, "tieng": 3600, "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600,
}  # fmt: skip
_DAYS = {"ngay": 1, "day": 1, "days": 1, "tuan": 7, "week": 7, "weeks": 7}


class Unreadable(Exception):
    """The text holds a date form that cannot be read without guessing."""


class Refused(Exception):
    """A date was read and is refused for the reason in args[0]."""


def window(text: str) -> str:
    if len(text) <= _MAX_WHOLE:
        return text
    m = P.DIGIT.search(text)
    if m is None:
        return text[:_MAX_WHOLE]
    return text[max(0, m.start() - _BEFORE_DIGIT) : m.start() + _AFTER_DIGIT]


def as_vn(moment: datetime) -> datetime:
    """An aware datetime in VN_TZ; a naive one is taken as already in Vietnam time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=VN_TZ)
    try:
        return moment.astimezone(VN_TZ)
    except OverflowError:
        # Within hours of datetime.min/max: the wall time is as good as any there.
        return moment.replace(tzinfo=VN_TZ)


# --- pieces ---------------------------------------------------------------------------


def _hour(h: str, ap: str | None) -> int:
    hour = int(h)
    if ap is None:
        if hour > 23:
            raise Refused(INVALID)
        return hour
    ap = ap.replace(".", "")
    if ap in ("dem", "khuya"):
        # "12 giờ đêm" is midnight to some writers, noon+12 to others: no guess.
        raise Unreadable
    if ap in ("am", "sa", "sang"):
        # "00:01 AM": a 24-hour clock printed with a suffix (CafeF); 0 is midnight.
        if not 0 <= hour <= 12:
            raise Refused(INVALID)
        return 0 if hour == 12 else hour
    if ap in ("pm", "ch"):
        # "19:23 PM": the same 24-hour clock with its suffix (CafeF prints "HH:mm tt");
        # 13..23 with PM can mean nothing else, and a refusal would lose the date.
        if 13 <= hour <= 23:
            return hour
        if not 1 <= hour <= 12:
            raise Refused(INVALID)
        return 12 if hour == 12 else hour + 12
    if ap == "chieu":  # afternoon: 1..6 or already 13..18
        if 1 <= hour <= 11:
            return hour + 12
        if 12 <= hour <= 18:
            return hour
        raise Refused(INVALID)
    if ap == "toi":  # evening: 6..11 or already 18..23
        if 6 <= hour <= 11:
            return hour + 12
        if 18 <= hour <= 23:
            return hour
        raise Refused(INVALID)
    # trưa, noon: 11, 12, then 1..2 in the afternoon
    if hour in (11, 12, 13, 14):
        return hour
    if hour in (1, 2):
        return hour + 12
    raise Refused(INVALID)


_TIME_NAMES = {p: tuple(p + n for n in ("h", "m", "s", "f", "ap")) for p in ("a", "b")}
_OFFSET_NAMES = tuple(
    p + n
    for p, names in (
        ("b", ("sg", "oh", "om", "z")),
        ("a", ("sg", "oh", "om", "z")),
        ("a", ("nsg", "noh", "nom", "zz")),
        ("c", ("sg", "oh", "om", "z")),
    )
    for n in names
)
_CALENDAR_NAMES = ("y", "mo", "d", "iy", "imo", "id", "vd", "vm", "vw", "vw5", "vy")


def _time_of(m: re.Match[str], p: str) -> tuple[int, int, int, int] | None:
    # One multi-group call: group lookups by name dominate the fast path's cost.
    h, mi, s, f, ap = m.group(*_TIME_NAMES[p])
    if h is None:
        return None
    minute = int(mi)
    second = int(s) if s else 0
    micro = int(f[:6].ljust(6, "0")) if f else 0
    if minute > 59 or second > 59:
        raise Refused(INVALID)
    return _hour(h, ap), minute, second, micro


def _offset(sign: str | None, oh: str | None, om: str | None, zone: str | None) -> int | None:
    """Minutes east of UTC stated in the text, or None."""
    if zone is not None:
        return 7 * 60 if zone == "ict" else 0
    if sign is None or oh is None:
        return None
    hours, minutes = int(oh), int(om) if om else 0
    if hours > 14 or minutes > 59:
        raise Refused(INVALID)
    total = hours * 60 + minutes
    return -total if sign == "-" else total


def _stated_offset(m: re.Match[str]) -> int | None:
    """The one offset written next to the date, None if none; two different: unreadable."""
    g = m.group(*_OFFSET_NAMES)
    if not any(g):
        return None
    stated = {_offset(*g[i : i + 4]) for i in range(0, 16, 4)}
    stated.discard(None)
    if len(stated) > 1:
        raise Unreadable
    return stated.pop() if stated else None


def _calendar(m: re.Match[str]) -> tuple[int, int, int]:
    y, mo, d, iy, imo, id_, vd, vm, vw, vw5, vy = m.group(*_CALENDAR_NAMES)
    if y is not None:
        return int(y), int(mo), int(d)
    if m.group("y2") is not None:
        # Vietnamese online news starts in the late 1990s; a two-digit year of a date
        # line is of this century (the fetch-time check refuses a future one).
        return 2000 + int(m.group("y2")), int(mo), int(d)
    if iy is not None:
        return int(iy), int(imo), int(id_)
    word = vw or vw5
    month = P.month_of_word(word) if word else int(vm)
    if month is None:  # the pattern only admits known words; kept for the type checker
        raise Unreadable
    return int(vy), month, int(vd)


def check(value: datetime, fetched: datetime | None) -> None:
    if value < EARLIEST:
        raise Refused(BEFORE_1990)
    # value - skew, not fetched + skew: a fetched_at near datetime.max must not overflow.
    if fetched is not None and value - CLOCK_SKEW > fetched:
        raise Refused(AFTER_FETCH)


def check_weekday(day: date, tokens: Iterable[str | None]) -> None:
    for token in tokens:
        if token is not None and P.weekday_of(token) != day.weekday():
            raise Refused(WEEKDAY_MISMATCH)


# --- readers ----------------------------------------------------------------------------


def read_full(m: re.Match[str], fetched: datetime | None) -> tuple[datetime, bool]:
    """The value of one FULL match and whether it is date-only; raises Refused/Unreadable."""
    year, month, day = _calendar(m)
    try:
        written = date(year, month, day)
    except ValueError:
        raise Refused(INVALID) from None
    times = [t for t in (_time_of(m, "b"), _time_of(m, "a")) if t is not None]
    if len(set(times)) > 1 or (not times and m.group("y2") is not None):
        raise Unreadable  # "03/12/12" alone may be anything; with a time it is a date line
    offset = _stated_offset(m)
    # The weekday names the date as written, before any change of offset.
    check_weekday(written, m.group("wd1", "wd2"))
    if not times:
        # A calendar date stays that date: a stated offset is not applied to 00:00,
        # which would move "24/1/2021 GMT+8" to 23 January.
        value = datetime(year, month, day, tzinfo=VN_TZ)
        check(value, fetched)
        return value, True
    hour, minute, second, micro = times[0]
    tz = VN_TZ if offset is None or offset == 420 else timezone(timedelta(minutes=offset))
    value = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    if tz is not VN_TZ:
        try:
            value = value.astimezone(VN_TZ)
        except OverflowError:  # 31/12/9999 23:00 GMT-5 is past datetime.max here
            raise Refused(INVALID) from None
    check(value, fetched)
    return value, False


def read_ago(m: re.Match[str], fetched: datetime) -> tuple[datetime, bool]:
    try:
        return _read_ago(m, fetched)
    except OverflowError:  # only a fetched_at near year 1 gets there
        raise Refused(BEFORE_1990) from None


def _read_ago(m: re.Match[str], fetched: datetime) -> tuple[datetime, bool]:
    parts = m.group("parts") or m.group("parts2")
    seconds = days = 0
    for a in P.AMOUNT.finditer(parts):
        n, unit = int(a.group("n")), a.group("u")
        if unit in _SECONDS:
            seconds += n * _SECONDS[unit]
        elif unit in _DAYS:
            days += n * _DAYS[unit]
        else:
            # "2 tháng trước", "1 năm trước": a month or a year back is no date.
            raise Unreadable
    if seconds == 0 and days:
        # "2 ngày trước" names a day, not a moment: the date, at 00:00.
        value = datetime.combine(fetched.date() - timedelta(days=days), datetime.min.time(), VN_TZ)
        check(value, fetched)
        return value, True
    value = (fetched - timedelta(days=days, seconds=seconds)).replace(second=0, microsecond=0)
    check(value, fetched)
    return value, False


def read_day_word(m: re.Match[str], fetched: datetime) -> tuple[datetime, bool]:
    try:
        return _read_day_word(m, fetched)
    except OverflowError:  # only a fetched_at near year 1 gets there
        raise Refused(BEFORE_1990) from None


def _read_day_word(m: re.Match[str], fetched: datetime) -> tuple[datetime, bool]:
    word = "".join(m.group("rd").split())
    back = {"homqua": 1, "yesterday": 1, "homkia": 2}.get(word, 0)
    day = fetched.date() - timedelta(days=back)
    times = [t for t in (_time_of(m, "b"), _time_of(m, "a")) if t is not None]
    if len(set(times)) > 1:
        raise Unreadable
    if not times:
        value = datetime.combine(day, datetime.min.time(), VN_TZ)
        check(value, fetched)
        return value, True
    hour, minute, second, micro = times[0]
    value = datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=VN_TZ)
    check(value, fetched)
    return value, False


def fast(stripped: str, folded: str, fetched: datetime | None) -> DateReading | None:
    """The fast path's reading, or None when the text is for the fallback."""
    # Every form but a day word ("hôm qua") and "vừa xong" has digits: without one, the
    # patterns that need them are not tried (most lines a page scan asks about are text).
    digits = P.DIGIT.search(folded) is not None
    m = P.first_full(folded) if digits else None
    if m is not None:
        is_update = P.UPDATE.search(folded, 0, m.start()) is not None
        try:
            value, date_only = read_full(m, fetched)
        except Refused as refused:
            return DateReading(None, stripped, refused.args[0], is_update)
        except Unreadable:
            return DateReading(None, stripped, None, is_update)
        return DateReading(value, stripped, None, is_update, False, date_only)

    rel = (
        (P.AGO.search(folded) if digits else None)
        or P.DAY_WORD.search(folded)
        or P.JUST_NOW.search(folded)
    )
    if rel is not None:
        is_update = P.UPDATE.search(folded, 0, rel.start()) is not None
        if fetched is None:
            # Never the wall clock: without the fetch time a relative text is no date.
            return DateReading(None, stripped, None, is_update, True)
        try:
            if rel.re is P.AGO:
                value, date_only = read_ago(rel, fetched)
            elif rel.re is P.DAY_WORD:
                value, date_only = read_day_word(rel, fetched)
            else:
                value, date_only = fetched.replace(second=0, microsecond=0), False
                check(value, fetched)
        except Refused as refused:
            return DateReading(None, stripped, refused.args[0], is_update, True)
        except Unreadable:
            return DateReading(None, stripped, None, is_update, True)
        return DateReading(value, stripped, None, is_update, True, date_only)

    if not digits or P.PARTIAL.search(folded) is not None:
        # (Without a digit the fallback has no year to go by: it would read nothing.)
        return DateReading(None, stripped)
    return None
