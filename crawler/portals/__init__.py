"""The portals vnarchive knows, and how a page finds its portal.

Every module of this package that defines `PORTAL` declares one portal: adding a
portal is adding its module (and its fixtures folder), no other file changes.
"""

from __future__ import annotations

import importlib
import pkgutil

from crawler.extract.urls import site_host
from crawler.portals.base import Layout, Portal, Source
from crawler.portals.tuyengiao import TUYENGIAO


def _declared() -> tuple[Portal, ...]:
    found: dict[str, Portal] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_") or module.name == "base":
            continue
        portal = getattr(importlib.import_module(f"{__name__}.{module.name}"), "PORTAL", None)
        if isinstance(portal, Portal):
            if portal.name in found:
                raise ValueError(f"portal {portal.name!r} is declared twice")
            found[portal.name] = portal
    # tuyengiao.vn first: the default portal of `vnarchive crawl`, the replica's.
    return (TUYENGIAO, *(p for name, p in found.items() if name != TUYENGIAO.name))


PORTALS: tuple[Portal, ...] = _declared()

__all__ = [
    "PORTALS",
    "TUYENGIAO",
    "Layout",
    "Portal",
    "Source",
    "portal_by_name",
    "portal_for_url",
    "undeclared_portal",
]


def portal_by_name(name: str) -> Portal:
    for portal in PORTALS:
        if name in (portal.name, portal.site):
            return portal
    known = ", ".join(p.name for p in PORTALS)
    raise KeyError(f"unknown portal {name!r} (known: {known})")


def portal_for_url(url: str) -> Portal | None:
    """The portal that owns this URL's host, or None (a replica, a mirror, another site)."""
    host = site_host(url)
    for portal in PORTALS:
        if host in (site_host(f"//{h}") for h in portal.hosts):
            return portal
    return None


def undeclared_portal(url: str) -> Portal:
    """A site no declaration names, as a portal of its own host: discovery by the
    default URL rules, no layouts (its pages are for the generic reader), and the
    host (without `www.`) as its site, never another portal's name."""
    host = site_host(url)
    return Portal(
        site=host, name=host, hosts=(host, f"www.{host}"), default_start_url=url, layouts=()
    )
