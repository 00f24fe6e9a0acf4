"""Folding and the compiled patterns of the fast path.

Every pattern runs on *folded* text: NFC, then one character in for one character out
(lower case, Vietnamese diacritics and đ dropped, exotic spaces and dashes made ASCII).
Because folding never changes the length, a match position in the folded text is the
same position in the NFC text, which `find_dates_in_text` relies on.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    latin = itertools.chain(range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for cp in latin:
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base.isascii() and base.isalpha() and base.lower() != chr(cp):
            table[cp] = base.lower()
    table[ord("đ")] = table[ord("Đ")] = "d"
    # Spaces a CMS pastes in (NBSP, thin, ideographic...) and zero-width characters read
    # as one ASCII space each, so that length stays the same.
    for cp in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000):
        table[cp] = " "
    for cp in itertools.chain(range(0x2000, 0x200E), (0x2060, 0xFEFF)):
        table[cp] = " "
    for cp in (*range(0x2010, 0x2016), 0x2212, 0xFE63, 0xFF0D):
        table[cp] = "-"
    return table


_FOLD_MAP = _build_fold_table()
# As one string indexed by code point: str.translate is about twice as fast with it as
# with a dict. Code points past its end raise IndexError, which translate reads as
# "leave unchanged".
_chars = list(map(chr, range(max(_FOLD_MAP) + 1)))
for _cp, _folded in _FOLD_MAP.items():
    _chars[_cp] = _folded
_FOLD = "".join(_chars)
del _chars


def fold(text: str) -> str:
    """NFC text folded to lower-case ASCII letters, same length as `nfc(text)`."""
    if text.isascii():
        # ASCII control whitespace is left as is: every pattern reads it as \s.
        return text.lower()
    return text.translate(_FOLD)


def nfc(text: str) -> str:
    # Some CMSs emit decomposed Vietnamese (NFD); the patterns expect composed letters.
    return unicodedata.normalize("NFC", text)


# --- building blocks (re.ASCII: \d is [0-9], so exotic digits never reach int()) -------

_SEP = r"[\s,|;\-\u00b7\u2022]*"

# Weekday names: Thứ Hai..Thứ Bảy (also Bẩy), Thứ 2..Thứ 7, T2..T7, Chủ Nhật, CN, English.
_WD = (
    r"\b(?:thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s*nhat|cn|t[2-7]"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)

# Meridiem markers. SA/CH are the Vietnamese AM/PM of Windows locales; the spoken
# sáng/chiều/tối/trưa are read too, đêm/khuya are recognised only to refuse them.
_MERIDIEM = r"a\.?m\.?|p\.?m\.?|sa|chieu|ch|sang|toi|trua|dem|khuya"


def _time(p: str) -> str:
    return (
        rf"(?<![\d:.])(?P<{p}h>\d{{1,2}})\s*(?::|h|g|\s*gio\s*)\s*(?P<{p}m>\d{{2}})(?!\d)"
        rf"(?:\s*phut)?"
        rf"(?::(?P<{p}s>\d{{2}})(?:[.,](?P<{p}f>\d{{1,9}}))?(?!\d))?"
        rf"(?:\s*(?P<{p}ap>{_MERIDIEM})(?![a-z]))?"
    )


def _offset(p: str) -> str:
    # "GMT+7", "(GMT+7)", "GMT+07:00", "UTC+7", "GMT +0700"; a bare "GMT"/"UTC" is UTC
    # and "ICT" (Indochina Time) is +07:00.
    return (
        rf"\(?\s*(?:(?:gmt|utc)\s*(?P<{p}sg>[+-])\s*(?P<{p}oh>\d{{1,2}})"
        rf"(?:\s*:?\s*(?P<{p}om>\d{{2}}))?(?!\d)|(?P<{p}z>gmt|utc|ict)(?![a-z]))\s*\)?"
    )


def _numeric_offset(p: str) -> str:
    # ISO-style "+07:00", "-0500", "Z": only directly after a time, where a sign cannot
    # be a separator ("12/11/2020 - 15:42" has a space after the dash).
    return (
        rf"(?:(?P<{p}nsg>[+-])(?P<{p}noh>\d{{2}})(?::?(?P<{p}nom>\d{{2}}))?(?!\d)"
        rf"|(?P<{p}zz>z)(?![a-z]))"
    )


# Day first, the same separator twice, a four-digit year. A two-digit year ("03/12/12",
# printed by portals of the 2000s and 2010s) is read only beside a time of day, where the
# text is a date line and not a fraction or a score; it is 20YY (`_core.read_full`).
_DMY = (
    r"(?<![\d/.])(?<!\d-)(?P<d>\d{1,2})\s?(?P<sep>[/.\-])\s?(?P<mo>\d{1,2})\s?(?P=sep)\s?"
    r"(?:(?P<y>\d{4})|(?P<y2>\d{2}))(?!\d|[/.]\d)"
)
# Year first (ISO 8601 and its slashed cousin): year-day-month is not a convention anywhere.
_YMD = (
    r"(?<![\d/.])(?<!\d-)(?P<iy>\d{4})(?P<isep>[/.\-])(?P<imo>\d{1,2})(?P=isep)"
    r"(?P<id>\d{1,2})(?![\d/.])"
)
# "ngày 5 tháng 3 năm 2020", "5 tháng Ba, 2020", "12 tháng Mười Một năm 2020". "tháng
# Giêng"/"tháng Chạp" name lunar months and are left alone; "tháng Năm" (May) is read only
# when a year marker follows, since "tháng năm" is also just "month year".
_MONTH_WORD = r"muoi\s+hai|muoi\s+mot|muoi|mot|hai|ba|tu|bon|sau|bay|tam|chin"
_VERBAL = (
    r"(?<![\d/.])(?P<vd>\d{1,2})\s*thang\s*"
    r"(?:(?P<vm>\d{1,2})|(?P<vw>" + _MONTH_WORD + r")(?![a-z])"
    r"|(?P<vw5>nam)(?=\s*,\s*\d{4}|\s+nam\s*\d{4}))"
    r"(?:\s*,\s*|\s+)(?:nam\s*)?(?P<vy>\d{4})(?!\d)"
)

FULL = re.compile(
    rf"(?:(?P<wd1>{_WD}){_SEP})?"
    rf"(?:{_time('b')}(?:\s*{_offset('b')})?{_SEP}(?:(?:luc|vao|ngay)\b[\s:,]*)*)?"
    rf"(?:(?P<wd2>{_WD}){_SEP})?"
    rf"(?:ngay\b[\s:]*)?"
    rf"(?:{_DMY}|{_YMD}|{_VERBAL})"
    rf"(?:(?:t|{_SEP}(?:(?:vao\s+luc|luc|vao|at)\b\s*)?){_time('a')}"
    rf"(?:\s*(?:{_offset('a')}|{_numeric_offset('a')}))?)?"
    rf"(?:\s*{_offset('c')})?",
    re.ASCII,
)

# Every place where a FULL match can begin: a weekday, "ngay", or the first digit of a
# run (each numeric part refuses to start after a digit). Trying FULL only there gives
# exactly FULL's matches, about twice as fast on prefixed text ("Cập nhật: ...", "Đăng
# lúc ...") and four times on a listing card's whole text, where FULL would try every
# optional group at every position. Zero-width, so that no candidate hides another
# ("t25/11/2020": the weekday "t2" and the day "25" overlap).
_STARTS = re.compile(
    r"(?=\b(?:thu|chu|cn|t[2-7]|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|ngay|(?<!\d)\d)",
    re.ASCII,
)


def first_full(folded: str) -> re.Match[str] | None:
    """The same match as FULL.search(folded)."""
    m = FULL.match(folded)  # most date fields start with their date
    if m is not None:
        return m
    return next(iter_full(folded), None)


def iter_full(folded: str) -> Iterator[re.Match[str]]:
    """The same matches as FULL.finditer(folded)."""
    end = 0
    for start in _STARTS.finditer(folded):
        at = start.start()
        if at < end:
            continue  # inside the last match: finditer goes on from its end
        m = FULL.match(folded, at)
        if m is not None:
            yield m
            end = m.end()


# Relative: "3 giờ trước", "1 ngày 3 giờ trước", "cách đây 5 phút", "2 hours ago".
_UNIT = (
    r"giay|phut|gio|tieng|ngay|tuan|thang|nam"
    r"|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
)
_AMOUNT = rf"\d{{1,4}}\s*(?:{_UNIT})(?![a-z])"
AGO = re.compile(
    rf"(?<![\d.,:/])(?P<parts>{_AMOUNT}(?:\s*,?\s*(?:va\s+|and\s+)?{_AMOUNT})*)\s*(?:truoc|ago)\b"
    rf"|\bcach\s*day\s*(?P<parts2>{_AMOUNT}(?:\s*,?\s*(?:va\s+)?{_AMOUNT})*)(?!\s*nua)",
    re.ASCII,
)
AMOUNT = re.compile(rf"(?P<n>\d{{1,4}})\s*(?P<u>{_UNIT})", re.ASCII)

DAY_WORD = re.compile(
    rf"(?:{_time('b')}{_SEP}(?:luc\s*)?)?"
    rf"\b(?P<rd>hom\s*qua|hom\s*nay|hom\s*kia|yesterday|today)\b"
    rf"(?:{_SEP}(?:luc\b\s*|at\b\s*)?{_time('a')})?",
    re.ASCII,
)
JUST_NOW = re.compile(r"\b(?:vua\s*xong|vua\s*moi\s*dang|just\s*now)\b", re.ASCII)

# Forms that look like dates but lack a year ("Ngày 12/11") or a day ("tháng 11/2020",
# "11/2020", "năm 2020"): they are read as nothing, and never sent to the fallback, which
# would fill the missing part in from the current date.
PARTIAL = re.compile(
    r"(?<![\d/.])\d{1,2}\s?[/.\-]\s?\d{1,2}(?![\d/.\-]|\s?[/.\-]\s?\d)"
    r"|(?<![\d/.])\d{1,2}\s?[/.\-]\s?\d{4}(?!\d|[/\-][0-9a-z])"
    r"|\bthang\s*(?:\d{1,2}|" + _MONTH_WORD + r"|nam|gieng|chap)\b[\s,/.\-]*(?:nam\s*)?\d{4}"
    r"|\bnam\s*\d{4}",
    re.ASCII,
)

UPDATE = re.compile(
    r"\b(?:cap\s*nhat|updated?|last\s*modified|modified|chinh\s*sua|sua\s*luc|sua\s*doi)\b",
    re.ASCII,
)

# For the fallback's plausibility checks.
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)", re.ASCII)
NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)", re.ASCII)
TIME_ANY = re.compile(_time("t"), re.ASCII)
MONTH_NAMED = re.compile(r"\bthang\s*(?P<w>" + _MONTH_WORD + r"|nam)(?![a-z])", re.ASCII)
WEEKDAY = re.compile(_WD, re.ASCII)
DIGIT = re.compile(r"\d", re.ASCII)

WEEKDAYS: dict[str, int] = {
    "thuhai": 0, "thuba": 1, "thutu": 2, "thunam": 3, "thusau": 4, "thubay": 5,
    "chunhat": 6, "cn": 6,
    **{f"thu{n}": n - 2 for n in range(2, 8)},
    **{f"t{n}": n - 2 for n in range(2, 8)},
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip

MONTH_WORDS: dict[str, int] = {
    "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "muoimot": 11, "muoihai": 12,
}  # fmt: skip


def weekday_of(token: str) -> int | None:
    """Monday=0 for a folded weekday token ("thu nam", "cn", "t2"), None if unknown."""
    return WEEKDAYS.get("".join(token.split()))


def month_of_word(word: str) -> int | None:
    return MONTH_WORDS.get("".join(word.split()))
