"""Links from an article to its capture's replay in a Wayback-style player (pywb).

Off unless the plugin is given a collection's address, in Datasette's metadata:

    plugins:
      vnarchive:
        replay_url: http://localhost:8080/news/

Then the article page links to `{replay_url}{timestamp}/{url}`, the address form pywb,
OpenWayback and the Wayback Machine share: the 14-digit UTC time of the capture and
the URL the crawler fetched (the record's WARC-Target-URI, which replay looks up).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

PLUGIN = "vnarchive"
SETTING = "replay_url"


def replay_base(datasette: Any, database: str | None = None) -> str | None:
    """The configured replay address, ending in '/'; None when unset or not http(s)."""
    config = datasette.plugin_config(PLUGIN, database=database) or {}
    value = config.get(SETTING) if isinstance(config, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return value if value.endswith("/") else value + "/"


def wayback_timestamp(fetched_at: str) -> str | None:
    """'2021-01-24T10:00:00+07:00' -> '20210124030000' (UTC); None when unreadable."""
    try:
        when = datetime.fromisoformat(fetched_at)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None  # a time without its offset could be seven hours off
    try:
        utc = when.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 moved past the calendar's ends
        return None
    # %Y does not pad years before 1000 to four digits.
    return f"{utc.year:04d}{utc:%m%d%H%M%S}"


def replay_link(base: str | None, fetched_at: Any, url: Any) -> str | None:
    """`{base}{timestamp}/{url}`, or None when any part is missing."""
    if base is None or not isinstance(url, str) or not isinstance(fetched_at, str):
        return None
    timestamp = wayback_timestamp(fetched_at)
    if timestamp is None or urlsplit(url).scheme not in ("http", "https"):
        return None
    return f"{base}{timestamp}/{url}"
