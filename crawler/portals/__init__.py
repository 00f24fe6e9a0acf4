"""The portals vnarchive knows, and how a page finds its portal."""

from __future__ import annotations

from crawler.extract.urls import site_host
from crawler.portals.base import Layout, Portal
from crawler.portals.tuyengiao import TUYENGIAO

PORTALS: tuple[Portal, ...] = (TUYENGIAO,)

__all__ = ["PORTALS", "TUYENGIAO", "Layout", "Portal", "portal_by_name", "portal_for_url"]


def portal_by_name(name: str) -> Portal:
    for portal in PORTALS:
        if name in (portal.name, portal.site):
            return portal
    known = ", ".join(p.name for p in PORTALS)
    raise KeyError(f"unknown portal {name!r} (known: {known})")


def portal_for_url(url: str) -> Portal | None:
    """The portal that owns this URL's host, or None (a replica, a mirror, a capture)."""
    host = site_host(url)
    for portal in PORTALS:
        if host in (site_host(f"//{h}") for h in portal.hosts):
            return portal
    return None
