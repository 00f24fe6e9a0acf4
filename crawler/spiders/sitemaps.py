"""Sitemaps, read with Scrapy's own support (`scrapy.utils.sitemap.Sitemap`, as
`scrapy.spiders.SitemapSpider` reads them): sitemap indexes, urlsets, gzipped bodies,
and the Google News extension (`news:publication_date`, `news:title`).

A mixin of `crawler.spiders.portal.PortalSpider` (with `DiscoveryMixin`). An index's
children are planned by `crawler.discovery.plan_children` (newest first, back to
`until` in a backfill, only new or changed ones in an incremental run); a urlset's
articles go to `_queue_dated`. A child read to its end is remembered with its lastmod
(`Frontier.sitemap_read`). A broken sitemap (not XML, not a sitemap, too big, cut off)
is a `bad_sitemap` error row and costs only itself.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import lxml.etree
import scrapy
from scrapy.http import Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from crawler.discovery import Child, is_newer, iso, parse_when, plan_children, sitemap_key
from crawler.extract.dates import VN_TZ
from crawler.protocol.frontier import Frontier, Listed

if TYPE_CHECKING:
    from crawler.portals import Portal
    from crawler.spiders.discovery import DiscoveryOptions


class NewsSitemap(Sitemap):
    """Scrapy's sitemap reader, which keeps only each entry's direct children, plus the
    Google News extension's nested fields: `news_publication_date`, `news_title`."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        news: dict[str, str] = {}
        for child in elem:
            if self._get_tag_name(child) != "news":
                continue
            for field in child.iter():
                name = self._get_tag_name(field)
                if name in ("publication_date", "title") and field.text:
                    news[f"news_{name}"] = field.text.strip()
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry.update(news)
        return entry


@dataclass(frozen=True, slots=True)
class SitemapRead:
    """What a sitemap body held: its type (`urlset`, `sitemapindex`, or another root's
    name), its entries, and the error that cut it short, if any."""

    type: str
    entries: list[dict[str, Any]]
    error: str | None


def read_sitemap(body: bytes) -> SitemapRead:
    """Every entry Scrapy's reader finds, up to where the XML breaks.

    Scrapy's reader recovers from broken XML without a word; its parser's error log
    says what it recovered from. The entry open at the break may be cut (a `<loc>` that
    ends mid-number would be another article's URL), so it is dropped."""
    try:
        sitemap = NewsSitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration) as error:
        return SitemapRead("", [], f"not XML: {error or 'no element'}")
    entries: list[dict[str, Any]] = []
    try:
        for entry in sitemap:
            entries.append(entry)
    except lxml.etree.XMLSyntaxError as error:
        return SitemapRead(sitemap.type, entries[:-1], f"broken XML: {error}")
    errors = [e for e in sitemap.xmliter.error_log if e.level >= lxml.etree.ErrorLevels.ERROR]
    if errors:
        first = errors[0]
        return SitemapRead(
            sitemap.type, entries[:-1], f"broken XML: {first.message} (line {first.line})"
        )
    return SitemapRead(sitemap.type, entries, None)


def sitemap_body(response: Response, max_size: int) -> tuple[bytes | None, str]:
    """The XML of a sitemap response (a `.xml.gz` body gunzipped, at most `max_size`
    bytes), or None and why (SitemapSpider._get_sitemap_body's rules)."""
    body = response.body
    if gzip_magic_number(response):
        try:
            body = gunzip(body, max_size=max_size or 0)
        except _DecompressionMaxSizeExceeded:
            return None, f"too big: over {max_size} bytes once decompressed (SITEMAP_MAX_SIZE)"
        except (OSError, EOFError, zlib.error) as error:
            return None, f"broken gzip: {error}"
    if max_size and len(body) > max_size:
        return None, f"too big: {len(body)} bytes (SITEMAP_MAX_SIZE {max_size})"
    if not body.strip():
        return None, "empty"
    return body, ""


class SitemapMixin:
    portal: Portal
    mode: str
    until: str | None
    discovery: DiscoveryOptions
    children_requested: int

    if TYPE_CHECKING:  # the spider's own, which this reads

        @property
        def store(self) -> Frontier: ...

        def _fail(self, url: str, kind: str, message: str) -> None: ...

        def _count(self, key: str) -> None: ...

        def _add_count(self, key: str, amount: int) -> None: ...

        def _bound(self, name: str, url: str, message: str, *, once: bool = False) -> None: ...

        def _queue_dated(
            self, entries: Iterable[Listed], kind: str
        ) -> Iterator[scrapy.Request]: ...

        def own_url(self, url: str) -> str | None: ...

        def sitemap_requests(
            self,
            urls: Iterable[str],
            kind: str,
            depth: int = 0,
            lastmods: dict[str, str | None] | None = None,
        ) -> Iterator[scrapy.Request]: ...

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        kind = response.meta.get("source_kind", "sitemap")
        self._count("pages/sitemap")
        body, problem = sitemap_body(response, self.discovery.sitemap_max_size)
        if body is None:
            self._fail(response.url, "bad_sitemap", problem)
            return
        read = read_sitemap(body)
        if read.error is not None:
            # What came before the break is still read: one bad entry costs only itself.
            self._fail(response.url, "bad_sitemap", read.error)
        if read.type == "sitemapindex":
            yield from self._index(response, read.entries)
        elif read.type == "urlset":
            news = any("news_publication_date" in e for e in read.entries)
            yield from self._urlset(read.entries, "news_sitemap" if news else kind)
            if read.error is None and "sitemap_lastmod" in response.meta:
                self.store.sitemap_read(sitemap_key(response.url), response.meta["sitemap_lastmod"])
        elif read.error is None:
            self._fail(response.url, "bad_sitemap", f"not a sitemap: <{read.type}>")

    def _index(self, response: Response, entries: list[dict[str, Any]]) -> Iterator[scrapy.Request]:
        depth = response.meta.get("sitemap_depth", 0) + 1
        if depth > self.discovery.sitemap_max_depth:
            self._fail(
                response.url, "bad_sitemap",
                f"sitemap indexes nested deeper than {self.discovery.sitemap_max_depth} "
                "(SITEMAP_MAX_DEPTH)",
            )  # fmt: skip
            return
        children: list[Child] = []
        for entry in entries:
            url = self.own_url(entry.get("loc", ""))
            if url is not None:
                children.append(Child(url, entry.get("lastmod") or None))
        # SITEMAP_MAX_CHILDREN counts every index this run read (0: no bound).
        limit = self.discovery.sitemap_max_children
        plan = plan_children(
            children, self.store.sitemaps_read(), backfill=self.mode == "backfill",
            until=self.until, limit=limit - self.children_requested if limit > 0 else None,
        )  # fmt: skip
        plan_read, plan_over = plan.read, plan.over_limit
        self._add_count("sitemaps/children", len(children))
        self._add_count("sitemaps/unchanged", len(plan.unchanged))
        self._add_count("sitemaps/before_until", len(plan.before_until))
        if plan_over:
            self._bound(
                "sitemap_children", response.url,
                f"{len(plan_over)} sitemaps left for the next run: more than {limit} a run "
                "(SITEMAP_MAX_CHILDREN)", once=True,
            )  # fmt: skip
        self.children_requested += len(plan_read)
        lastmods = {c.url: c.lastmod for c in plan_read}
        yield from self.sitemap_requests(
            [c.url for c in plan_read], response.meta.get("source_kind", "sitemap"), depth, lastmods
        )

    def _urlset(self, entries: list[dict[str, Any]], kind: str) -> Iterator[scrapy.Request]:
        listed: list[Listed] = []
        bound = date.fromisoformat(self.until) if self.until and self.mode == "backfill" else None
        others = 0
        for entry in entries:
            url = self.own_url(entry.get("loc", ""))
            article_id = self.portal.article_id(url) if url else None
            if url is None or article_id is None:
                others += 1
                continue
            published = parse_when(entry.get("news_publication_date"))
            changed = parse_when(entry.get("lastmod")) or published
            day = published or changed
            if bound is not None and day is not None and day.astimezone(VN_TZ).date() < bound:
                continue  # a backfill's bound: older than `until`
            if (
                published is not None
                and changed is not None
                and is_newer(iso(published), iso(changed))
            ):
                changed = published
            listed.append(Listed(
                article_id, url, day.astimezone(VN_TZ).date().isoformat() if day else None,
                iso(changed),
            ))  # fmt: skip
        self._add_count(f"discovered/{kind}/not_article", others)
        yield from self._queue_dated(listed, kind)
