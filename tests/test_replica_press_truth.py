"""The replicas of the real portals: every generated page, in the portal's real markup,
parses to its truth field by field; the change controls and faults work per portal."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from scrapy.utils.sitemap import Sitemap

from crawler.extract.parsing.extract import parse_article
from crawler.portals import portal_by_name, portal_for_url
from replica.press import start_portals, start_press
from tests.press_support import GENERATED, PRESS, TODAY, declared, fetch, post, truth

FETCHED = datetime(2026, 3, 8, tzinfo=UTC)
COMPARED = ("site", "article_id", "canonical_url", "category", "title", "lead", "lead_prefix",
            "byline", "authors", "source", "body", "updated_at", "tags", "layout",
            "extraction_method")  # fmt: skip


@pytest.fixture(scope="module")
def replicas():
    with start_portals(PRESS, generated=GENERATED, seed=5, today=TODAY) as handles:
        yield handles


def _captions(record: dict) -> list[tuple]:
    return [(i["url"], i["caption"], i["credit"]) for i in record["images"]]


@pytest.mark.parametrize("name", PRESS)
def test_generated_pages_parse_to_their_truth(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    records = truth(replica)
    assert len(records) == GENERATED
    kinds = {"images": 0, "credits": 0, "several_authors": 0}
    for record in records:
        status, headers, body = fetch(record["url"])
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        # Read as the page of the portal's own host: the portal is chosen by the host.
        on_portal = record["canonical_url"]
        assert portal_for_url(on_portal) is portal
        parsed = parse_article(body, on_portal, FETCHED).to_record()
        for field in COMPARED:
            assert parsed[field] == record[field], (record["url"], field)
        # The visible minute is the truth (metadata carries seconds).
        assert parsed["published_at"] == record["published_at"], record["url"]
        assert parsed["published_text"] == record["published_text"]
        assert _captions(parsed) == _captions(record), record["url"]
        # As a crawl reads it: under the replica's URL, told which portal it imitates.
        crawled = parse_article(body, record["url"], FETCHED, portal=portal).to_record()
        assert {f: crawled[f] for f in COMPARED} == {f: record[f] for f in COMPARED}
        kinds["images"] += bool(record["images"])
        kinds["credits"] += any(i["credit"] for i in record["images"])
        kinds["several_authors"] += len(record["authors"]) > 1
    # The generated pages exercise what the fields can be, not one easy shape.
    assert kinds["images"] and kinds["credits"]
    if name in ("vnexpress", "tuoitre", "plo"):
        assert kinds["several_authors"]
    if portal.lead_mark:
        assert all(r["lead_prefix"] for r in records)
    if name == "vnexpress":  # signatures: "(tổng hợp)", and "(Theo Reuters)" a source
        assert any(r["source"] for r in records)
        assert any(r["byline"].endswith("(tổng hợp)") for r in records)


@pytest.mark.parametrize("name", PRESS)
def test_a_page_keeps_the_real_pages_furniture(replicas, name):
    """The real page's menus, related boxes and footer stay around the new article."""
    replica = replicas[name]
    real = fetch(replica.url(urlsplit(replica.site.spec.real_url).path))[2].decode()
    generated = fetch(truth(replica)[0]["url"])[2].decode()
    # The real headline and body are gone; the real page's own links mostly stay.
    read = parse_article(real, replica.site.spec.real_url, FETCHED)
    assert read.title not in generated
    # Nor does the real article's id linger in page data, share buttons or hidden inputs.
    assert not re.search(rf"(?<!\d){read.article_id}(?!\d)", generated)
    # Its menus, section and footer links stay (links to the real site's other articles
    # point at the replica's articles instead).
    portal = replica.site.portal
    real_links = {h for h in _hrefs(real) if portal.article_id(h) is None}
    assert len(real_links) > 5
    assert len(real_links & set(_hrefs(generated))) > 0.8 * len(real_links)
    page_url = truth(replica)[0]["canonical_url"]
    for href in _hrefs(generated):
        target = urljoin(page_url, href)
        if portal_for_url(target) is portal and portal.article_id(target) is not None:
            assert replica.site.entry_for_path(urlsplit(target).path) is not None, href
            # Relative: no link to an article leads a crawl of the replica to the real host.
            assert not urlsplit(href).netloc, href


def _hrefs(page: str) -> list[str]:
    root = lxml.html.document_fromstring(page)
    return [a.get("href") for a in root.iter("a") if a.get("href")]


@pytest.mark.parametrize("name", ["vnexpress", "dantri", "plo"])
def test_publish_edit_remove_per_portal(name):
    portal = portal_by_name(name)
    with start_press(name, generated=12, seed=2, today=TODAY) as replica:
        before = {r["article_id"] for r in truth(replica)}
        published = post(replica, "/__replica__/publish?n=2")["published"]
        assert not set(published) & before
        records = {r["article_id"]: r for r in truth(replica)}
        new_urls = [records[i]["url"] for i in published]
        assert all(portal.article_id(u) in published for u in new_urls)
        # Listed at the top of home, in the feed and in the sitemaps.
        home = fetch(replica.url("/"))[2].decode()
        assert all(u in home for u in new_urls)
        assert all(u in fetch(replica.url(declared(portal, "rss")))[2].decode() for u in new_urls)
        index = list(Sitemap(fetch(replica.url(declared(portal, "sitemap")))[2]))
        in_sitemaps = {e["loc"] for child in index for e in Sitemap(fetch(child["loc"])[2])}
        assert set(new_urls) <= in_sitemaps
        # An edit bumps the entry's lastmod and its month's, and changes the page.
        target = sorted(before)[0]
        url = records[target]["url"]
        page_before = fetch(url)[2]
        assert post(replica, f"/__replica__/edit?id={target}")["revision"] == 1
        page_after = fetch(url)[2]
        assert page_after != page_before
        edited = {r["article_id"]: r for r in truth(replica)}[target]
        assert edited["body"][0].startswith("Bài viết được cập nhật lần thứ 1")
        reread = parse_article(page_after, edited["canonical_url"], FETCHED)
        assert reread.body == tuple(edited["body"])
        index = list(Sitemap(fetch(replica.url(declared(portal, "sitemap")))[2]))
        for child in index:
            entries = {e["loc"]: e["lastmod"] for e in Sitemap(fetch(child["loc"])[2])}
            if url in entries:
                assert entries[url] == edited["updated_at"]
                assert child["lastmod"] == max(entries.values(), key=datetime.fromisoformat)
                published = datetime.fromisoformat(records[target]["published_at"])
                assert datetime.fromisoformat(entries[url]) > published
                break
        else:
            raise AssertionError("the edited article left the sitemaps")
        # A conditional GET sees the new Last-Modified.
        assert "Last-Modified" in fetch(url)[1]
        # Removed: 404, and gone from listings, feed and sitemaps.
        post(replica, f"/__replica__/remove?id={target}")
        assert fetch(url)[0] == 404
        assert url not in fetch(replica.url(declared(portal, "rss")))[2].decode()
        index = list(Sitemap(fetch(replica.url(declared(portal, "sitemap")))[2]))
        assert url not in {e["loc"] for child in index for e in Sitemap(fetch(child["loc"])[2])}
        assert target not in {r["article_id"] for r in truth(replica)}


def test_throttle_and_faults_per_portal():
    with start_portals(["tuoitre", "cafef"], generated=5, today=TODAY) as replicas:
        tuoitre, cafef = replicas["tuoitre"], replicas["cafef"]
        post(tuoitre, "/__replica__/throttle?status=429&count=2&retry_after=3")
        status, headers, _ = fetch(tuoitre.url("/"))
        assert status == 429 and headers["Retry-After"] == "3"
        assert fetch(cafef.url("/"))[0] == 200  # another portal's server is not throttled
        assert fetch(tuoitre.url("/robots.txt"))[0] == 200
        assert fetch(tuoitre.url("/"))[0] == 429
        assert fetch(tuoitre.url("/"))[0] == 200
        article = truth(cafef)[0]["url"]
        cafef.faults.add(r"\.chn$", "http503", count=1)
        assert fetch(article)[0] == 503
        assert fetch(article)[0] == 200


@pytest.mark.parametrize("name", PRESS)
def test_metadata_of_a_generated_page_is_its_own(replicas, name):
    replica = replicas[name]
    for record in truth(replica)[:5]:
        root = lxml.html.document_fromstring(fetch(record["url"])[2].decode())
        canonical = root.find(".//link[@rel='canonical']").get("href")
        assert canonical == record["canonical_url"]
        metas = {
            m.get("property") or m.get("name"): m.get("content")
            for m in root.iter("meta")
            if m.get("content") is not None
        }
        assert metas["og:url"] == canonical
        assert metas["og:title"] == record["title"]
        published = datetime.fromisoformat(record["published_at"])
        if "article:published_time" in metas:
            moment = datetime.fromisoformat(metas["article:published_time"])
            assert moment.replace(second=0, tzinfo=moment.tzinfo or published.tzinfo) == published
        articles = [
            node
            for script in root.iter("script")
            if script.get("type") == "application/ld+json"
            for node in _ld_nodes(json.loads(script.text))
            if node.get("@type") in ("NewsArticle", "Article")
        ]
        for node in articles:
            assert node["headline"] == record["title"]
            assert datetime.fromisoformat(node["datePublished"]).replace(second=0) == published
            assert node["dateModified"] == record["updated_at"]
        assert articles


def _ld_nodes(data):
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _ld_nodes(value)
    elif isinstance(data, list):
        for value in data:
            yield from _ld_nodes(value)
