"""Which portal reads a page that a replica or mirror on this machine serves.

A mixin of `crawler.spiders.portal.PortalSpider`. A page of the portal's own hosts is
the portal's; a page of another host is read as the portal only when the crawl was
told so (`--portal`), or when a loopback replica says it imitates that portal (the
`X-Replica-Of` header). A loopback replica of another declared portal stops the crawl:
its pages would be read as their host's while the crawl's frontier and run said this
portal's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from crawler.loopback import is_loopback_host
from crawler.portals import PORTALS, Portal, portal_by_name

# A replica on this machine says which portal it imitates in this response header
# (replica/server.py); a page from anywhere else is read as its host says.
REPLICA_HEADER = b"X-Replica-Of"


class ReplicaMixin:
    portal: Portal
    told: bool

    if TYPE_CHECKING:  # the spider's own, which this reads

        def _fail(self, url: str, kind: str, message: str) -> None: ...

    def _has_layouts(self, response: Response) -> bool:
        portal = self._reading_portal(response)
        return portal is not None and bool(portal.layouts)

    def refuse_other_replica(self, response: Response) -> None:
        """Stop a crawl pointed at the replica of another portal than its own (a loopback
        start URL without `--portal` is crawled as tuyengiao's): its pages would be read
        as their host's while its frontier and run said this portal's. Raises
        `CloseSpider`, after a `wrong_portal` error row that says what to run instead."""
        if self.told or self.portal not in PORTALS:
            return
        claimed = header(response, REPLICA_HEADER)
        host = urlsplit(response.url).hostname or ""
        if not claimed or claimed in (self.portal.site, self.portal.name):
            return
        if not is_loopback_host(host):
            return
        try:
            other = portal_by_name(claimed)
        except KeyError:
            return  # a replica of nothing this project declares: read as its host's
        self._fail(response.url, "wrong_portal",
                   f"this server is a replica of {other.site} (X-Replica-Of), not of "
                   f"{self.portal.site}: crawl it with --portal {other.name}")  # fmt: skip
        raise CloseSpider("wrong_portal")

    def _reading_portal(self, response: Response) -> Portal | None:
        """The portal whose layouts read this page; None: its host decides (an
        unknown host is refused as `unknown_portal`, for the generic reader)."""
        if self.portal not in PORTALS:
            return None  # an undeclared site: its host decides, at the generic hook
        host = urlsplit(response.url).hostname or ""
        if host in self.portal.hosts:
            return self.portal
        if self.told:
            return self.portal
        claimed = header(response, REPLICA_HEADER)
        if claimed in (self.portal.site, self.portal.name) and is_loopback_host(host):
            return self.portal
        return None


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
