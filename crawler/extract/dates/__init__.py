"""Reading the dates of Vietnamese news portals into aware datetimes at +07:00.

Researchers cite these dates, so a wrong date is a real failure: a date that cannot be
read without guessing is not read, and a date that contradicts itself or the fetch is
refused with a reason (`DateReading.rejected`). Day first, always.

Common forms go through compiled patterns (`_core`, `_patterns`); dateparser is only a
fallback for the rest (`_fallback`), imported on first use and held to the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from . import _patterns as P
from ._core import as_vn, fast, window
from ._fallback import fallback
from ._model import (
    AFTER_FETCH,
    BEFORE_1990,
    INVALID,
    VN_TZ,
    WEEKDAY_MISMATCH,
    DateReading,
)

__all__ = [
    "AFTER_FETCH",
    "BEFORE_1990",
    "INVALID",
    "VN_TZ",
    "WEEKDAY_MISMATCH",
    "DateReading",
    "find_dates_in_text",
    "iter_dates_in_text",
    "parse_vietnamese_date",
    "read_date",
]


def _read(text: str, fetched_at: datetime | None) -> DateReading:
    stripped = text.strip()
    part = P.nfc(window(stripped))
    folded = P.fold(part)
    fetched = as_vn(fetched_at) if fetched_at is not None else None
    reading = fast(stripped, folded, fetched)
    if reading is not None:
        return reading
    return fallback(part, stripped, folded, fetched)


def read_date(text: str, *, fetched_at: datetime | None = None) -> DateReading:
    """Read one date string (a date field, a meta tag, a JSON-LD value). Never raises.

    The first date in the text is read, with the weekday, time and offset written next
    to it. A naive `fetched_at` is taken as Vietnam time. Relative texts ("3 giờ trước",
    "hôm qua") need `fetched_at`; without it their value is None.
    """
    if not isinstance(text, str):
        return DateReading(None, "")
    try:
        return _read(text, fetched_at)
    except Exception:
        # The contract is "never raises"; the property tests call `_read` directly so
        # that a bug here is still seen.
        return DateReading(None, text.strip())


def parse_vietnamese_date(text: str, *, fetched_at: datetime | None = None) -> datetime | None:
    """`read_date(...).value`: the datetime at +07:00, or None if unread or refused."""
    reading = read_date(text, fetched_at=fetched_at)
    return reading.value if reading.rejected is None else None


def find_dates_in_text(text: str, *, include_partial: bool = False) -> list[str]:
    """Substrings of `text` (NFC-normalised) that hold a complete written date.

    For spotting dates inside article bodies (a header's "today", a date line pasted
    into the body). With `include_partial`, dates without a year or a day ("Ngày 12/11",
    "tháng 11/2020") are listed too. Relative phrases are not listed.
    """
    if not include_partial:
        return list(iter_dates_in_text(text))
    if not isinstance(text, str):
        return []
    try:
        composed = P.nfc(text)
        folded = P.fold(composed)
        spans = [m.span() for m in P.iter_full(folded)]
        for m in P.PARTIAL.finditer(folded):
            start, end = m.span()
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
        spans.sort()
        found = (composed[s:e].strip(" ,;|-") for s, e in spans)
        return [f for f in found if f]
    except Exception:
        return []


def iter_dates_in_text(text: str) -> Iterator[str]:
    """`find_dates_in_text(text)`, one date at a time: a reader that wants the first
    date that reads (a listing card's day) leaves the rest of the text unscanned."""
    if not isinstance(text, str):
        return
    try:
        composed = P.nfc(text)
        folded = P.fold(composed)
        for m in P.iter_full(folded):
            if m.group("y2") is not None and m.group("ah", "bh") == (None, None):
                continue  # a two-digit year without a time is no complete date
            found = composed[m.start() : m.end()].strip(" ,;|-")
            if found:
                yield found
    except Exception:
        return
