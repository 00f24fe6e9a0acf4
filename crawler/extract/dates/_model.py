"""The reading of one date string: the value, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# Vietnam has kept UTC+07:00 without DST since 1975; a fixed offset (not a tz database
# zone) keeps every stored value at exactly +07:00 and costs nothing per call.
VN_TZ = timezone(timedelta(hours=7))

# Reasons for refusing a date that was read. Kept as plain strings so that they can be
# stored in the archive and compared in tests without importing this module.
WEEKDAY_MISMATCH = "weekday_mismatch"
AFTER_FETCH = "after_fetch"
BEFORE_1990 = "before_1990"
INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class DateReading:
    """What `read_date` made of one string.

    `value` is None when nothing was read (no date, a partial date, an ambiguous or
    relative text without `fetched_at`) or when a read date was refused (`rejected`
    then says why). A refused date is never replaced by a guess.
    """

    value: datetime | None
    text: str
    rejected: str | None = None
    is_update: bool = False
    relative: bool = False
    # The text gave a calendar date and no time of day: `value` is 00:00 of that date,
    # which a researcher must not cite as a time.
    date_only: bool = False
