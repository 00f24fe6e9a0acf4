"""Serving real portals' replicas: one `ReplicaServer` per portal, each on its own
127.0.0.1 port, with the tuyengiao replica's machinery (faults, throttle, publish /
edit / remove controls, truth, access log, page cache) and this portal's pages.

    from replica.press import start_portals
    with start_portals(["vnexpress", "dantri"], generated=40) as replicas:
        for name, replica in replicas.items():
            crawl(replica.base_url, portal=name)
            expected = replica.truth()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from replica.changes import Changes
from replica.dates import today_in_vietnam
from replica.pages import Response
from replica.press.routes import route
from replica.press.site import PressSite
from replica.press.specs import PORTAL_NAMES
from replica.server import ALLOWED_HOST, ReplicaHandle, ReplicaServer, check_host, start_replica


class PressServer(ReplicaServer):
    """A `ReplicaServer` whose site is a real portal's `PressSite`."""

    site: PressSite  # type: ignore[assignment]

    def __init__(self, site: PressSite, **kwargs: Any) -> None:
        super().__init__(site, **kwargs)  # type: ignore[arg-type]
        self.replica_of = site.portal.site

    def make_changes(self, site: Any) -> Changes:
        changes: Changes = site  # a PressSite publishes, edits and removes itself
        return changes

    def route(self, target: str) -> Response:
        return route(self.site, target, self.base_url, self.crawl_delay)

    def article_id_of(self, target: str) -> int | None:
        entry = self.site.entry_for_path(target.split("?", 1)[0])
        return entry.article_id if entry is not None else None

    def stats(self) -> dict[str, Any]:
        return {
            **super().stats(),
            "portal": self.site.spec.name,
            "site": self.site.portal.site,
        }


def start_press(
    portal: str,
    generated: int = 60,
    seed: int = 1,
    port: int = 0,
    *,
    today: date | None = None,
    host: str = ALLOWED_HOST,
    crawl_delay: float | None = None,
    access_log: str | Path | None = None,
    cache_size: int = 256,
    compress: bool = False,
) -> ReplicaHandle:
    """Serve one portal's replica on 127.0.0.1 (port 0: a free port) in a thread.

    `portal` is a name of PORTAL_NAMES; "tuyengiao" is the original replica (its
    new layout: the one the portal has today)."""
    check_host(host)
    if portal == "tuyengiao":
        return start_replica(
            "new", generated, seed, port, today=today, host=host, crawl_delay=crawl_delay,
            access_log=access_log, cache_size=cache_size, compress=compress,
        )  # fmt: skip
    site = PressSite(portal, generated, seed, today or today_in_vietnam())
    return start_replica(
        port=port, host=host, crawl_delay=crawl_delay, access_log=access_log, site=site,
        cache_size=cache_size, compress=compress, server_class=PressServer,
    )  # fmt: skip


def portal_names(spec: str) -> list[str]:
    """`all` or a comma-separated list of portal names, checked."""
    names = list(PORTAL_NAMES) if spec.strip() == "all" else [n.strip() for n in spec.split(",")]
    unknown = [n for n in names if n not in PORTAL_NAMES]
    if unknown or not names:
        known = ", ".join(PORTAL_NAMES)
        raise ValueError(f"unknown portal(s) {', '.join(unknown) or spec!r} (known: {known}, all)")
    return list(dict.fromkeys(names))


@contextmanager
def start_portals(
    portals: Iterable[str], generated: int = 60, seed: int = 1, **kwargs: Any
) -> Iterator[dict[str, ReplicaHandle]]:
    """Serve several portals at once, each on its own free port; stops them all after."""
    handles: dict[str, ReplicaHandle] = {}
    try:
        for name in portals:
            handles[name] = start_press(name, generated, seed, **kwargs)
        yield handles
    finally:
        for handle in handles.values():
            handle.stop()
