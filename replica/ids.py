"""Article ids grow with publish time, as on the real site.

Known points: 127364 on 17/7/2020 (the seed page), about 130656 on 5/11/2020 and
130841 on 23/11/2020 (the records). Between them ids follow a straight line; outside,
about ten ids a day. Generated articles take the id of their publish time on that
line, bumped to stay strictly increasing and off the curated articles' ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import pairwise

from replica.dates import VN_TZ

ANCHORS: tuple[tuple[datetime, int], ...] = (
    (datetime(2020, 7, 17, 16, 20, tzinfo=VN_TZ), 127364),
    (datetime(2020, 11, 5, 12, 0, tzinfo=VN_TZ), 130656),
    (datetime(2020, 11, 23, 12, 0, tzinfo=VN_TZ), 130841),
)
IDS_PER_DAY = 10.0
_DAY = 86400.0


def id_at(moment: datetime) -> int:
    """The id the site would give an article published at `moment` (piecewise linear)."""
    first_time, first_id = ANCHORS[0]
    if moment <= first_time:
        return round(first_id - (first_time - moment).total_seconds() / _DAY * IDS_PER_DAY)
    for (t0, i0), (t1, i1) in pairwise(ANCHORS):
        if moment <= t1:
            share = (moment - t0).total_seconds() / (t1 - t0).total_seconds()
            return round(i0 + share * (i1 - i0))
    last_time, last_id = ANCHORS[-1]
    return round(last_id + (moment - last_time).total_seconds() / _DAY * IDS_PER_DAY)


def assign_ids(moments: Sequence[datetime], reserved: Iterable[int]) -> list[int]:
    """Strictly increasing ids for moments sorted oldest first, avoiding `reserved`."""
    taken = set(reserved)
    ids: list[int] = []
    previous = 0
    for moment in moments:
        candidate = max(id_at(moment), previous + 1)
        while candidate in taken:
            candidate += 1
        ids.append(candidate)
        previous = candidate
    return ids
