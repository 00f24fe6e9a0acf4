"""robots.txt, RSS/Atom feeds and sitemaps of a real portal's replica.

Exactly what press-contract.md promises discovery: the declared `sitemap` URL is a
sitemap index whose children are dated monthly archives (`/sitemaps/sitemap-YYYY-MM.xml`,
`<lastmod>` = the newest lastmod of its entries); the declared `news_sitemap` is a
Google News urlset of the last 2 days; the declared `rss` is RSS 2.0 of the newest 50
(Dân trí: Atom 1.0). Every URL is absolute on the replica's own base URL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from replica.dates import VN_TZ
from replica.press.site import PressEntry, PressSite

FEED_SIZE = 50
NEWS_DAYS = 2
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_CHILD = "/sitemaps/sitemap-{month}.xml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def source_paths(site: PressSite, kind: str) -> list[str]:
    """The paths (+query) of the portal's declared sources of this kind."""
    paths = []
    for source in site.portal.sources:
        if source.kind == kind:
            parts = urlsplit(source.url)
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def robots_txt(site: PressSite, base_url: str, crawl_delay: float | None = None) -> str:
    lines = ["User-agent: *", "Disallow: /tim-kiem", "Disallow: /__replica__/"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    for source in site.portal.sources:
        if source.kind in ("sitemap", "news_sitemap"):
            parts = urlsplit(source.url)
            lines.append(f"Sitemap: {base_url.rstrip('/')}{parts.path}")
    return "\n".join(lines) + "\n"


def lastmod(site: PressSite, entry: PressEntry) -> datetime:
    """An article's last modification: its edit time if edited, else its publish time."""
    return site.last_modified(entry.article_id) or entry.published


def _w3c(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()  # 2026-03-07T08:01:53+07:00


def month_of(path: str) -> str | None:
    """`2026-03` of a monthly child's path, None if the path is not one."""
    prefix, suffix = _CHILD.split("{month}")
    if path.startswith(prefix) and path.endswith(suffix):
        month = path[len(prefix) : -len(suffix)]
        if len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit():
            return month
    return None


def _by_month(site: PressSite) -> dict[str, list[PressEntry]]:
    months: dict[str, list[PressEntry]] = defaultdict(list)
    for entry in site.newest():
        months[f"{entry.published:%Y-%m}"].append(entry)
    return months


def sitemap_index(site: PressSite, base_url: str) -> str:
    base = base_url.rstrip("/")
    rows = []
    for month, entries in sorted(_by_month(site).items(), reverse=True):
        newest = max(lastmod(site, e) for e in entries)
        loc = base + _CHILD.format(month=month)
        rows.append(f"<sitemap><loc>{loc}</loc><lastmod>{_w3c(newest)}</lastmod></sitemap>")
    return (
        f'{XML_HEAD}<sitemapindex xmlns="{SITEMAP_NS}">\n' + "\n".join(rows) + "\n</sitemapindex>\n"
    )


def month_sitemap(site: PressSite, base_url: str, month: str) -> str | None:
    entries = _by_month(site).get(month)
    if not entries:
        return None
    base = base_url.rstrip("/")
    rows = [
        f"<url><loc>{escape(base + e.path)}</loc><lastmod>{_w3c(lastmod(site, e))}</lastmod></url>"
        for e in entries
    ]
    return f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}">\n' + "\n".join(rows) + "\n</urlset>\n"


def news_sitemap(site: PressSite, base_url: str) -> str:
    """The articles of the last NEWS_DAYS days of the replica's today (or newer)."""
    base = base_url.rstrip("/")
    newest = site.newest()
    start_day = site.today - timedelta(days=NEWS_DAYS - 1)
    name = escape(site.portal.outlet or site.portal.site)
    rows = []
    for entry in newest:
        if entry.published.date() < start_day:
            continue
        rows.append(
            f"<url><loc>{escape(base + entry.path)}</loc>"
            f"<lastmod>{_w3c(lastmod(site, entry))}</lastmod>"
            f"<news:news><news:publication><news:name>{name}</news:name>"
            f"<news:language>vi</news:language></news:publication>"
            f"<news:publication_date>{_w3c(entry.published)}</news:publication_date>"
            f"<news:title>{escape(entry.title)}</news:title></news:news></url>"
        )
    return (
        f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
        + "\n".join(rows)
        + "\n</urlset>\n"
    )


def _lead(site: PressSite, entry: PressEntry) -> str:
    article = site.article(entry.article_id)
    return (article.lead_mark + article.lead) if article is not None else ""


def rss(site: PressSite, base_url: str) -> str:
    base = base_url.rstrip("/")
    items = []
    for entry in site.newest(FEED_SIZE):
        link = escape(base + entry.path)
        items.append(
            f"<item><title>{escape(entry.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{format_datetime(entry.published)}</pubDate>"
            f"<description>{escape(_lead(site, entry))}</description></item>"
        )
    title = escape(site.portal.outlet or site.portal.site)
    return (
        f'{XML_HEAD}<rss version="2.0"><channel><title>{title}</title>'
        f"<link>{base}/</link><description>{title}</description><language>vi</language>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    )


def atom(site: PressSite, base_url: str) -> str:
    base = base_url.rstrip("/")
    entries = site.newest(FEED_SIZE)
    updated = max((lastmod(site, e) for e in entries), default=None)
    if updated is None:
        updated = datetime.combine(site.today, time(0), tzinfo=VN_TZ)
    rows = []
    for entry in entries:
        link = escape(base + entry.path, {'"': "&quot;"})
        rows.append(
            f'<entry><title>{escape(entry.title)}</title><link rel="alternate" href="{link}"/>'
            f"<id>{link}</id><published>{_w3c(entry.published)}</published>"
            f"<updated>{_w3c(lastmod(site, entry))}</updated>"
            f"<summary>{escape(_lead(site, entry))}</summary></entry>"
        )
    title = escape(site.portal.outlet or site.portal.site)
    return (
        f'{XML_HEAD}<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
        f'<id>{base}/</id><link rel="alternate" href="{base}/"/>'
        f"<updated>{_w3c(updated)}</updated>\n" + "\n".join(rows) + "\n</feed>\n"
    )
