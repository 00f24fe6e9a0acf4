"""What discovery by sitemaps and feeds decides, without Scrapy (issue 15 §4).

- `rebase`: a declared URL of the portal, asked of the mirror or replica being crawled.
- `parse_when`, `is_newer`: a sitemap's lastmod or a feed's date, and whether it says
  an archived article changed since the archive read it.
- `period_end`, `plan_children`: which children of a sitemap index a run reads: newest
  first, back to `until` in a backfill; in an incremental run only those new or whose
  lastmod moved since a run read them.

The Scrapy side is `crawler/spiders/discovery.py` (and `sitemaps.py`, `feeds.py`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

from crawler.extract.dates import VN_TZ

# A dated archive's date in its URL: 2020-11-05, 2020/11/05, 2020-11, 2020/11, 2020_11
# (the separators seen in portals' sitemap names), a year from 1990 on.
_URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_](0[1-9]|1[0-2])[-/_](0[1-9]|[12]\d|3[01])(?!\d)")
_URL_MONTH = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_](0[1-9]|1[0-2])(?![\d])")


def rebase(url: str, start_url: str, portal_hosts: Collection[str]) -> str:
    """A URL of the portal's own hosts, moved onto the start URL's origin when the crawl
    is of a mirror or replica (its host is none of the portal's): same path and query.
    Any other URL is returned as it is."""
    parts, start = urlsplit(url), urlsplit(start_url)
    if start.hostname in portal_hosts or parts.hostname not in portal_hosts:
        return url
    return urlunsplit((start.scheme, start.netloc, parts.path or "/", parts.query, ""))


def sitemap_key(url: str) -> str:
    """How a sitemap is remembered between runs: its path and query, so a replica that
    comes back on another port is the same site."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def parse_when(text: str | None) -> datetime | None:
    """A W3C datetime (a sitemap's lastmod: `2020-11-05`, `2020-11-05T08:15:00+07:00`,
    `...Z`, `2020-11`), as an aware datetime; a time without an offset is Vietnam's.
    None for anything else: a bad date never stops a sitemap from being read."""
    if not text:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    if re.fullmatch(r"\d{4}-\d\d", value):
        value += "-01"
    elif re.fullmatch(r"\d{4}", value):
        value += "-01-01"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=VN_TZ)


def iso(when: datetime | None) -> str | None:
    return when.astimezone(VN_TZ).isoformat() if when is not None else None


def is_newer(changed_at: str | None, held: str | None) -> bool:
    """Whether a source's date says the article changed after what the archive holds.

    Compared to the minute: a page shows its time to the minute, a sitemap to the
    second, and a lastmod equal to the page's own time to the minute is no change.
    Unreadable dates say nothing, so nothing is refetched on them."""
    new, old = parse_when(changed_at), parse_when(held)
    if new is None or old is None:
        return False
    return new.replace(second=0, microsecond=0) > old.replace(second=0, microsecond=0)


def period_end(url: str, lastmod: str | None) -> date | None:
    """The last day a sitemap child can hold: the day or the end of the month its URL
    names (a dated archive), else the day of its lastmod (its newest entry)."""
    path = urlsplit(url).path + "?" + urlsplit(url).query
    day = _URL_DAY.search(path)
    if day:
        try:
            return date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return None
    month = _URL_MONTH.search(path)
    if month:
        year, number = int(month[1]), int(month[2])
        return date(year, number, calendar.monthrange(year, number)[1])
    when = parse_when(lastmod)
    return when.astimezone(VN_TZ).date() if when is not None else None


@dataclass(frozen=True, slots=True)
class Child:
    """A sitemap index's entry: a child sitemap and the lastmod the index gives it."""

    url: str
    lastmod: str | None = None


@dataclass(frozen=True, slots=True)
class ChildPlan:
    read: list[Child]
    unchanged: list[Child]  # read by an earlier run, lastmod not moved
    before_until: list[Child]  # a backfill's children older than its bound
    over_limit: list[Child]  # left for the next run (SITEMAP_MAX_CHILDREN)


def plan_children(
    children: Sequence[Child],
    already_read: Mapping[str, str | None],
    *,
    backfill: bool,
    until: str | None,
    limit: int | None,
) -> ChildPlan:
    """Which children of a sitemap index to read this run, newest first.

    - A backfill reads every child whose period reaches `until` (all without one).
    - An incremental run reads a child never read to its end, or one whose lastmod
      differs from the one it had when read. One read before that gives no lastmod is
      read again only if it is the newest (the one a portal adds to).
    - At most `limit` children (None: no limit); the rest stay unread, so the next run
      reads them.
    """
    bound = date.fromisoformat(until) if until else None
    ordered = sorted(children, key=lambda c: period_end(c.url, c.lastmod) or date.max, reverse=True)
    read: list[Child] = []
    unchanged: list[Child] = []
    before: list[Child] = []
    for position, child in enumerate(ordered):
        end = period_end(child.url, child.lastmod)
        if bound is not None and end is not None and end < bound:
            before.append(child)
            continue
        key = sitemap_key(child.url)
        if not backfill and key in already_read:
            held = already_read[key]
            same = held == child.lastmod if child.lastmod else position > 0
            if same:
                unchanged.append(child)
                continue
        read.append(child)
    over: list[Child] = []
    if limit is not None and len(read) > limit:
        read, over = read[: max(limit, 0)], read[max(limit, 0) :]
    return ChildPlan(read, unchanged, before, over)
