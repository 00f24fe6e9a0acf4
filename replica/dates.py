"""How the portal writes dates: the only place that formats them.

Old layout: `Thứ Năm, 12/11/2020 - 15:42` (no zero padding, weekday first).
New layout: `01/04/2022 - 15:28 GMT+7` (zero padded). Header "today": `Chủ Nhật, 24/1/2021`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# The portal's time zone: every published datetime is aware in +07:00.
VN_TZ = timezone(timedelta(hours=7))

# Monday first, as `date.weekday()` counts. The portal capitalises both words.
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def today_text(day: date) -> str:
    """The header's date of viewing: `Chủ Nhật, 24/1/2021`."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day}/{day.month}/{day.year}"


def old_date_text(moment: datetime) -> str:
    """`span.story_date` of the old layout: `Thứ Năm, 12/11/2020 - 15:42`."""
    return f"{today_text(moment.date())} - {moment:%H:%M}"


def new_date_text(moment: datetime) -> str:
    """`div.ml-lg-auto` of the new layout: `01/04/2022 - 15:28 GMT+7`."""
    return f"{moment:%d/%m/%Y - %H:%M} GMT+7"


def date_text(moment: datetime, layout: str) -> str:
    return old_date_text(moment) if layout == "old" else new_date_text(moment)


def today_in_vietnam() -> date:
    """The real date in +07:00: only the CLI asks for it, never the content model."""
    return datetime.now(VN_TZ).date()
