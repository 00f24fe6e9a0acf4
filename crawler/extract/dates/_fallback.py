"""The slow path: dateparser, for text the fast path does not read, held to its rules.

dateparser is eager: it reads "Nay" or "2" as dates and fills a missing day, month or
year in from the current date. Its answers are therefore taken only when the text itself
shows a four-digit year, the day and the month of the answer; relative phrases are never
sent here (it silently drops parts of "1 ngày 3 giờ trước"), the fast path reads them.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

from . import _patterns as P
from ._core import Refused, check, check_weekday
from ._model import VN_TZ, DateReading

# dateparser's DateDataParser class once imported; False once the import has failed.
_parser_class: Any = None


def _date_data_parser() -> Any:
    global _parser_class
    if _parser_class is None:
        try:
            # Imported here: it costs about half a second and most pages never need it.
            from dateparser.date import DateDataParser

            _parser_class = DateDataParser
        except Exception:
            _parser_class = False
    return _parser_class or None


def _evidenced(value: datetime, folded: str) -> bool:
    """Whether the text itself states the year, the month and the day of `value`."""
    without_times = P.TIME_ANY.sub(" ", folded)
    years = {int(y) for y in P.YEAR.findall(without_times)}
    if value.year not in years:
        return False
    numbers = [int(n) for n in P.NUMBER.findall(without_times)]
    others = [n for n in numbers if n not in years]
    if value.day not in others:
        return False
    # The day's number cannot also stand for the month: "ngày 12, 2024" read on a
    # 12 December would otherwise pass as 12/12/2024.
    others.remove(value.day)
    named = {P.month_of_word(w.group("w")) for w in P.MONTH_NAMED.finditer(without_times)}
    return value.month in named or value.month in others


def worth_trying(folded: str) -> bool:
    # A year and something else that could be a day: anything less is a guess by design.
    return P.YEAR.search(folded) is not None and len(P.NUMBER.findall(folded)) >= 2


def fallback(text: str, stripped: str, folded: str, fetched: datetime | None) -> DateReading:
    nothing = DateReading(None, stripped)
    if not worth_trying(folded):
        return nothing
    parser_class = _date_data_parser()
    if parser_class is None:
        return nothing
    settings: dict[str, Any] = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        # A fixed base, so that nothing dateparser fills in can come from the wall clock.
        "RELATIVE_BASE": (fetched or datetime(2000, 1, 1, tzinfo=VN_TZ))
        .astimezone(VN_TZ)
        .replace(tzinfo=None),
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = parser_class(languages=["vi"], settings=settings).get_date_data(text)
    except Exception:
        return nothing
    found = getattr(data, "date_obj", None)
    if not isinstance(found, datetime) or getattr(data, "period", None) != "day":
        return nothing
    try:
        value = found.astimezone(VN_TZ) if found.tzinfo else found.replace(tzinfo=VN_TZ)
    except (OverflowError, ValueError):
        return nothing
    if not _evidenced(value, folded):
        return nothing
    is_update = P.UPDATE.search(folded) is not None
    try:
        check_weekday(value.date(), [w.group(0) for w in P.WEEKDAY.finditer(folded)])
        check(value, fetched)
    except Refused as refused:
        return DateReading(None, stripped, refused.args[0], is_update)
    # dateparser does not say whether it read a time; no time written means none read.
    date_only = P.TIME_ANY.search(folded) is None and value.time() == datetime.min.time()
    return DateReading(value, stripped, None, is_update, False, date_only)
