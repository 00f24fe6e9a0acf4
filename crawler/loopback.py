"""Politeness, relaxed for a replica on this machine only, whichever way a crawl starts.

The real portal gets AutoThrottle, a download delay and 2 requests per host
(crawler/settings.py). A start URL on loopback is the project's own replica: no
delays, enough concurrency to be quick. The spider applies this in `from_crawler`,
before Scrapy freezes the settings, so `scrapy crawl tuyengiao -a start_url=...` and
`vnarchive crawl --start-url ...` run with the same settings (issue 17).

CRAWL_POLITE: "auto" (relaxed for a loopback start URL only), "on" (never relaxed),
"off" (always relaxed; `vnarchive crawl --polite off`). The relaxed values are set at
Scrapy's "spider" priority: `-s`/`--set NAME=VALUE` still wins over them.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

LOOPBACK_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}
POLITE_CHOICES = ("auto", "on", "off")


def is_loopback(url: str) -> bool:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return is_loopback_host(host)


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def relaxed(polite: str, start_url: str | None) -> bool:
    if polite not in POLITE_CHOICES:
        raise ValueError(f"CRAWL_POLITE must be one of {POLITE_CHOICES}, not {polite!r}")
    return polite == "off" or (
        polite == "auto" and bool(start_url) and is_loopback(start_url or "")
    )


def apply_politeness(settings: BaseSettings, start_url: str | None) -> bool:
    """Relax politeness in `settings` when CRAWL_POLITE and the start URL say so;
    whether it did. Settings already frozen (a crawler built for a test) are left."""
    polite = settings.get("CRAWL_POLITE")
    # Frozen: a crawler built whole (a test's); None: settings without the project's.
    if settings.frozen or polite is None or not relaxed(polite, start_url):
        return False
    for name, value in LOOPBACK_SETTINGS.items():
        settings.set(name, value, priority="spider")
    logger.info("start URL %s is on this machine: no delays, no AutoThrottle", start_url)
    return True
