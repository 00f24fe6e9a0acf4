"""The replicas of the real portals: what discovery reads (robots.txt, sitemaps, feeds,
listings) as press-contract.md promises it, read with Scrapy's sitemap reader and lxml,
and the real page served unchanged."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from scrapy.utils.sitemap import Sitemap

from crawler.extract.errors import NotAnArticle
from crawler.extract.parsing.extract import parse_article
from crawler.portals import portal_by_name
from replica.cli import run
from replica.press import portal_names, start_portals, start_press
from replica.press.specs import SPECS
from tests.press_support import GENERATED, PRESS, TODAY, declared, fetch, section_pages, truth

MONTH_CHILD = re.compile(r"/sitemaps/sitemap-(\d{4})-(\d{2})\.xml$")
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def replicas():
    with start_portals(PRESS, generated=GENERATED, seed=3, today=TODAY) as handles:
        yield handles


def newest_first(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: (r["published_at"], r["article_id"]), reverse=True)


def _sitemap(url: str) -> Sitemap:
    status, headers, body = fetch(url)
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    return Sitemap(body)


@pytest.mark.parametrize("name", PRESS)
def test_robots_txt_names_every_declared_sitemap(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    status, _, body = fetch(replica.url("/robots.txt"))
    lines = body.decode().splitlines()
    assert status == 200 and lines[0] == "User-agent: *"
    assert any(line.startswith("Disallow: /") for line in lines)
    wanted = [
        replica.url(declared(portal, k)) for k in ("sitemap", "news_sitemap") if declared(portal, k)
    ]
    assert [
        line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap:")
    ] == wanted


@pytest.mark.parametrize("name", PRESS)
def test_sitemap_index_of_dated_months_lists_every_article_once(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    index = _sitemap(replica.url(declared(portal, "sitemap")))
    assert index.type == "sitemapindex"
    children = list(index)
    assert len(children) >= 2  # the articles span several months
    listed: list[str] = []
    for child in children:
        month = MONTH_CHILD.search(child["loc"])
        assert month and child["loc"].startswith(replica.base_url + "/"), child
        urlset = _sitemap(child["loc"])
        assert urlset.type == "urlset"
        entries = list(urlset)
        assert entries
        lastmods = [datetime.fromisoformat(e["lastmod"]) for e in entries]
        assert all(t.utcoffset() == timedelta(hours=7) for t in lastmods)
        # The child's lastmod is its newest entry's.
        assert datetime.fromisoformat(child["lastmod"]) == max(lastmods)
        listed += [e["loc"] for e in entries]
    expected = {r["url"]: r for r in truth(replica)}
    assert sorted(listed) == sorted(expected)
    for url in listed:
        assert urlsplit(url).netloc == urlsplit(replica.base_url).netloc
        # Every article URL reads its id by the portal's own declared rule.
        assert portal.article_id(url) == expected[url]["article_id"]
        assert portal.article_id(expected[url]["canonical_url"]) == expected[url]["article_id"]


def test_news_sitemap_has_the_last_two_days(replicas):
    replica, portal = replicas["vnexpress"], portal_by_name("vnexpress")
    status, _, body = fetch(replica.url(declared(portal, "news_sitemap")))
    assert status == 200 and Sitemap(body).type == "urlset"
    root = lxml.etree.fromstring(body)
    urls = root.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")
    assert urls
    published = {r["url"]: r["published_at"] for r in truth(replica)}
    recent = {
        u
        for u, t in published.items()
        if datetime.fromisoformat(t).date() >= TODAY - timedelta(days=1)
    }
    locs = set()
    for url in urls:
        loc = url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        locs.add(loc)
        news = url.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == "vi"
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == portal.outlet
        assert news.findtext(f"{NEWS}title")
        moment = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
        assert moment.replace(second=0) == datetime.fromisoformat(published[loc])
    assert locs == recent


@pytest.mark.parametrize("name", PRESS)
def test_feed_lists_the_newest_articles(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    status, headers, body = fetch(replica.url(declared(portal, "rss")))
    assert status == 200
    root = lxml.etree.fromstring(body)
    records = newest_first(truth(replica))
    if name == "dantri":  # the one Atom feed
        assert headers["Content-Type"].startswith("application/atom+xml")
        atom = "{http://www.w3.org/2005/Atom}"
        entries = root.findall(f"{atom}entry")
        links = [e.find(f"{atom}link").get("href") for e in entries]
        times = [datetime.fromisoformat(e.findtext(f"{atom}published")) for e in entries]
        assert all(e.findtext(f"{atom}updated") for e in entries)
    else:
        assert headers["Content-Type"].startswith("application/rss+xml")
        assert root.tag == "rss" and root.get("version") == "2.0"
        items = root.findall("channel/item")
        links = [i.findtext("link") for i in items]
        assert [i.findtext("guid") for i in items] == links
        times = [parsedate_to_datetime(i.findtext("pubDate")) for i in items]
        assert all(i.findtext("pubDate").endswith("+0700") for i in items)
        assert all(i.findtext("description") for i in items)
    assert links == [r["url"] for r in records[:50]]
    assert [t.replace(second=0) for t in times] == [
        datetime.fromisoformat(r["published_at"]) for r in records[:50]
    ]


@pytest.mark.parametrize("name", PRESS)
def test_section_listing_pages_in_the_declared_style_and_ends(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    selector = portal.layouts[0].listing_links[0]
    found: list[str] = []
    pages = 0
    for path in section_pages(portal):
        status, headers, body = fetch(replica.url(path))
        assert headers["X-Replica-Of"] == portal.site
        if status == 404:
            break
        assert status == 200 and pages < 20
        pages += 1
        doc = lxml.html.document_fromstring(body.decode())
        cards = [a.get("href") for a in doc.cssselect(selector)]
        assert cards or pages == 1
        found += cards
    assert pages >= 1
    section = urlsplit(next(s.url for s in portal.sources if s.kind == "section")).path
    stem = section.strip("/").split(".")[0]
    records = newest_first(truth(replica))
    in_section = [r["url"] for r in records if _section_of(replica, r) == stem]
    assert found == in_section  # newest first, each once, every one of the section
    if len(in_section) > 20:
        assert pages >= 2


def _section_of(replica, record) -> str:
    return replica.site.entry(record["article_id"]).category


@pytest.mark.parametrize("name", PRESS)
def test_home_lists_the_newest_with_the_declared_card_markup(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    status, _, body = fetch(replica.url(declared(portal, "home")))
    assert status == 200
    doc = lxml.html.document_fromstring(body.decode())
    cards = [a.get("href") for a in doc.cssselect(portal.layouts[0].listing_links[0])]
    records = newest_first(truth(replica))
    # Absolute on the replica's own base URL, as every link of a listing.
    assert cards == [r["url"] for r in records[:20]]
    # A listing is never read as an article, even under the portal's own host.
    with pytest.raises(NotAnArticle):
        parse_article(body, f"https://{portal.hosts[0]}/", datetime(2026, 3, 8, tzinfo=UTC))


@pytest.mark.parametrize("name", PRESS)
def test_real_page_is_served_unchanged_at_its_own_path(replicas, name):
    replica, spec = replicas[name], SPECS[name]
    status, headers, body = fetch(replica.url(urlsplit(spec.real_url).path))
    assert status == 200 and headers["X-Replica-Of"] == portal_by_name(name).site
    saved = resources.files("replica").joinpath("data", "portals", spec.template).read_bytes()
    assert body == saved


@pytest.mark.parametrize("name", PRESS)
def test_every_answer_says_which_portal_and_only_loopback_is_bound(replicas, name):
    replica, portal = replicas[name], portal_by_name(name)
    assert replica.server.server_address[0] == "127.0.0.1"
    any_article = truth(replica)[0]["url"]
    missing = replica.url("/khong-co-trang-nay")
    sitemap = replica.url(declared(portal, "sitemap"))
    for url in (replica.url("/"), any_article, replica.url("/robots.txt"), sitemap, missing):
        _, headers, _ = fetch(url)
        assert headers["X-Replica-Of"] == portal.site, url
    assert fetch(replica.url("/khong-co-trang-nay"))[0] == 404


def test_refuses_any_host_but_loopback_and_unknown_portals(capsys):
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        start_press("vnexpress", generated=1, host="0.0.0.0")
    with pytest.raises(KeyError, match="known"):
        start_press("nytimes", generated=1)
    assert portal_names("all")[0] == "tuyengiao" and set(PRESS) <= set(portal_names("all"))
    with pytest.raises(ValueError, match="known"):
        portal_names("vnexpress,nope")
    assert run(["--portals", "vnexpress,nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert run(["--portal", "nope"]) == 2
    assert run(["--portal", "dantri", "--layout", "new"]) == 2
    assert "tuyengiao.vn only" in capsys.readouterr().err
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--portals" in out and "vnexpress" in out


def test_cli_serves_several_portals_each_on_its_own_port():
    command = [sys.executable, "-m", "replica", "--portals", "vnexpress,plo,tuyengiao",
               "--port", "0", "--articles", "3", "--today", "2026-03-07"]  # fmt: skip
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        served = {}
        for line in lines:
            match = re.fullmatch(
                r"replica: serving (\S+) \(.*\) on (http://127\.0\.0\.1:\d+)/ — Ctrl-C to stop\n",
                line,
            )
            assert match, line
            served[match.group(1)] = match.group(2)
        assert list(served) == ["vnexpress.net", "plo.vn", "tuyengiao.vn"]
        assert len({urlsplit(url).port for url in served.values()}) == 3
        for site, url in served.items():
            status, headers, _ = fetch(url + "/robots.txt")
            assert status == 200 and headers["X-Replica-Of"] == site
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()


def test_each_server_thread_renders_from_a_template_of_its_own():
    # lxml trees must not be copied by two threads at once (a CI run aborted in it):
    # each thread parses the real page for itself, once.
    import threading

    from replica.press.template import template

    mine = template("dantri")
    assert template("dantri") is mine
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(template("dantri")))
    thread.start()
    thread.join()
    assert theirs[0] is not mine and theirs[0].root is not mine.root
