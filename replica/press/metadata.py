"""Tags and metadata of a generated page: the real article's canonical URL, og:*,
article:*, JSON-LD, times, path, id and title replaced by the generated article's,
wherever the real page repeats them; links to the real site's other articles
pointed at the replica's own."""

from __future__ import annotations

import copy
import json
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.portals import Layout
from replica.press.dom import clean, drop, set_text
from replica.press.site import PressArticle, PressSite
from replica.press.template import Template

# Metadata names of the publish and modification times (property, name or itemprop).
_DATE_META = {
    "article:published_time": "published",
    "pubdate": "published",
    "datePublished": "published",
    "dateCreated": "published",
    "article:modified_time": "modified",
    "lastmod": "modified",
    "dateModified": "modified",
}
_DESCRIPTION_META = {"og:description", "description", "twitter:description"}
_TITLE_META = {"og:title", "twitter:title", "headline", "title"}
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle"}


def fill_tags(root: HtmlElement, layout: Layout, tags: tuple[str, ...]) -> None:
    anchors: list[HtmlElement] = []
    for selector in layout.tags:
        anchors += (a for a in root.cssselect(selector) if a not in anchors)
    if not anchors:  # the page shows no tags (loaded by script)
        return
    while len(anchors) < len(tags):  # more tags than the real page had: one more link
        extra = copy.deepcopy(anchors[-1])
        anchors[-1].addnext(extra)
        anchors.append(extra)
    for k, anchor in enumerate(anchors):
        if k >= len(tags):
            drop(anchor)
            continue
        anchor.set("title", tags[k])
        set_text(anchor, tags[k])


def fill_metadata(root: HtmlElement, tpl: Template, article: PressArticle, canonical: str) -> None:
    shown_lead = article.lead_mark + article.lead
    times = {"published": article.published, "modified": article.modified}
    for link in root.iter("link"):
        if link.get("rel") == "canonical":
            link.set("href", canonical)
    for meta in root.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        keys = {meta.get(a) for a in ("property", "name", "itemprop")} - {None}
        dated = next((_DATE_META[k] for k in keys if k in _DATE_META), None)
        if dated:
            meta.set("content", like(content, times[dated]))
        elif content == tpl.canonical or "og:url" in keys:
            meta.set("content", canonical)
        elif keys & _TITLE_META or clean(content) == tpl.title:
            meta.set("content", article.title)
        elif keys & _DESCRIPTION_META:
            meta.set("content", shown_lead)
        elif keys & {"article:tag", "keywords", "news_keywords"}:
            meta.set("content", ",".join(article.tags))
    title = root.find(".//title")
    if title is not None:
        text = title.text or ""
        title.text = text.replace(tpl.title, article.title) if tpl.title in text else article.title
    for script in root.iter("script"):
        if script.get("type") != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:  # as some portals print it: left alone but for the URL
            script.text = script.text.replace(tpl.canonical, canonical)
            continue
        for node in _dicts(data):
            _update_ld(node, tpl, article, canonical, shown_lead)
        script.text = json.dumps(data, ensure_ascii=False)


def sweep(root: HtmlElement, tpl: Template, article: PressArticle, canonical: str) -> None:
    """The real article's path, id, title and lead wherever else the page repeats them
    (scripts' page data, share buttons, hidden inputs, a sticky title bar): replaced."""
    new_path = urlsplit(canonical).path
    pairs = [(tpl.path, new_path), (tpl.title, article.title)]
    if tpl.lead:
        pairs.append((tpl.lead, article.lead_mark + article.lead))
    new_id = str(article.article_id)

    def swap(text: str) -> str:
        for old, new in pairs:
            if old in text:
                text = text.replace(old, new)
        if tpl.id_pattern is not None:
            text = tpl.id_pattern.sub(new_id, text)
        return text

    for element in root.iter():
        if element.text:
            element.text = swap(element.text)
        if element.tail:
            element.tail = swap(element.tail)
        if isinstance(element.tag, str):
            for name, value in element.attrib.items():
                element.set(name, swap(value))


def relink(root: HtmlElement, site: PressSite, article: PressArticle, canonical: str) -> None:
    """Links to the real portal's other articles (related boxes, most read, menus) point
    at the replica's own articles instead, so a crawl of the replica finds articles
    there, as on the real site, and no 404 for an article the replica never had.

    Every link to an article is written relative (a path): one absolute on the real
    host would send a crawl of the replica to the real portal."""
    portal = site.portal
    others = [e for e in site.newest() if e.article_id != article.article_id]
    for element in root.iter("a"):
        href = element.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        try:
            target = urlsplit(urljoin(canonical, href))
        except ValueError:
            continue
        found = portal.article_id(target.path)
        if (target.hostname or "") not in portal.hosts or found is None:
            continue
        if found == article.article_id:
            path = article.entry.path
        elif others:
            path = others[zlib.crc32(href.encode("utf-8")) % len(others)].path
        else:
            continue
        element.set("href", path + (f"#{target.fragment}" if target.fragment else ""))


def _update_ld(
    node: dict[str, Any], tpl: Template, article: PressArticle, canonical: str, lead: str
) -> None:
    kinds = node.get("@type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    for key, value in list(node.items()):
        if isinstance(value, str) and tpl.canonical in value:
            node[key] = value.replace(tpl.canonical, canonical)
    if not kinds & _ARTICLE_TYPES:
        return
    node["headline"] = article.title
    if "name" in node:
        node["name"] = article.title
    if "description" in node:
        node["description"] = lead
    node["datePublished"] = article.published.isoformat()
    node["dateModified"] = article.modified.isoformat()
    if "author" in node:
        node["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if "keywords" in node:
        node["keywords"] = ",".join(article.tags)


def _dicts(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _dicts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _dicts(value)


def like(original: str, moment: datetime) -> str:
    """`moment` written the way `original` writes a time (the page keeps its style)."""
    original = original.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", original):
        return f"{moment:%Y-%m-%d %H:%M}"
    if re.search(r"[+-]\d{4}$", original):
        return f"{moment:%Y-%m-%dT%H:%M:%S%z}"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", original):
        return f"{moment:%Y-%m-%dT%H:%M:%S}"
    return moment.isoformat()
