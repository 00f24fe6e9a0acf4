"""The local replica of tuyengiao.vn: content model, truth, both layouts, server, CLI."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.extract.text import normalize_text, strip_tg_mark
from replica import render_new, render_old
from replica.captions import split_caption
from replica.cli import run
from replica.curated import curated_articles
from replica.server import start_replica
from replica.site import Site
from tests.http_support import fetch

ROOT = Path(__file__).resolve().parent.parent
OLD_TODAY, NEW_TODAY = date(2021, 1, 24), date(2021, 11, 9)
SEED_ID = 127364
SEED_PATH = (
    "/nhip-cau-tuyen-giao/ban-tuyen-giao-tw/"
    "ban-chi-dao-cong-tac-thong-tin-doi-ngoai-trung-uong-hop-so-ket-cong-tac-6-thang-dau-nam-2020-127364"
)
MARKER = re.compile(r"\s*/\.\s*$")


@pytest.fixture(scope="module")
def old():
    with start_replica("old", generated=300, seed=7, today=OLD_TODAY) as handle:
        yield handle


@pytest.fixture(scope="module")
def new():
    with start_replica("new", generated=300, seed=7, today=NEW_TODAY) as handle:
        yield handle


def page(url: str) -> lxml.html.HtmlElement:
    status, _headers, body = fetch(url)
    assert status == 200, url
    return lxml.html.fromstring(body)


def text(element: lxml.html.HtmlElement) -> str:
    """Visible text: inline tags join without space, a <br> is a line break."""
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
        br.tag = "span"  # once: reading the same element again adds no second break
    return normalize_text(element.text_content())


# -- a reference reading of article pages, to check pages and truth agree ------------


def read_article(doc: lxml.html.HtmlElement, layout: str, base: str) -> dict:
    """The fields a correct parser must find, read with the documented selectors only."""
    if layout == "old":
        (title,) = doc.cssselect("div.zonepage-l > div.storydetail span.story_headline")
        (when,) = doc.cssselect("div.story_tools span.story_date")
        (lead,) = doc.cssselect("div.story_teaser")
        (body,) = doc.cssselect("div.story_body#ArticleContent")
        figures = [
            (f.cssselect("img")[0].get("src"), f.cssselect("span"))
            for f in doc.cssselect("div.story_avatar_b")
        ]
        figures += [
            (t.cssselect("img")[0].get("src"), t.cssselect("td.td-image-desc"))
            for t in body.cssselect("table.tbl-image")
        ]
        # The archive keeps the portal's URL of a picture the replica served from its
        # own host: the page's canonical origin (issue 17.9).
        (canonical,) = doc.cssselect("link[rel=canonical]")
        origin = "{0.scheme}://{0.netloc}/".format(urlsplit(canonical.get("href")))
        served = [(urlsplit(urljoin(base, src)), caps) for src, caps in figures]
        here = urlsplit(base).netloc
        images = [
            (urljoin(origin, u.path) if u.netloc == here else u.geturl(), caps)
            for u, caps in served
        ]
        author_lines = []
    else:
        (title,) = doc.cssselect("h1.story-headline")
        (when,) = doc.cssselect("div.ml-lg-auto")
        (lead,) = doc.cssselect("div.story-teaser")
        (body,) = doc.cssselect("div.story-body")
        images = []
        for table in body.cssselect("table.picture"):
            (img,) = table.cssselect("img")
            assert img.get("src") == "/images/blank.gif"
            images.append((img.get("data-src"), table.cssselect("td.caption")))
        author_lines = [text(d) for d in doc.cssselect("div.story-author")]
    paragraphs = body.xpath("./p")
    byline = [text(p) for p in paragraphs if "right" in (p.get("style") or "")]
    texts = [text(p) for p in paragraphs if "right" not in (p.get("style") or "")]
    texts = [t for t in texts if t]
    if texts:
        texts[-1] = MARKER.sub("", texts[-1])
    captions = [split_caption(text(c[0])) if c else (None, None) for _src, c in images]
    return {
        "title": text(title),
        "published_text": text(when),
        "lead": normalize_text(strip_tg_mark(text(lead))) or None,
        "body": texts,
        "images": [
            {"url": url, "caption": cap, "credit": credit}
            for (url, _c), (cap, credit) in zip(images, captions, strict=True)
        ],
        "byline": " / ".join(author_lines or byline) or None,
        "canonical_url": doc.cssselect("link[rel=canonical]")[0].get("href"),
    }


@pytest.mark.parametrize("layout", ["old", "new"])
def test_every_page_reads_as_its_truth(old, new, layout):
    handle = old if layout == "old" else new
    truth = {r["article_id"]: r for r in handle.truth()}
    assert len(truth) == 20 + 1 + 300
    sample = [*sorted(truth)[:40], *(r.article_id for r in curated_articles())]
    for article_id in sample:
        expected = truth[article_id]
        doc = page(expected["url"])
        got = read_article(doc, layout, handle.base_url)
        wrong = {k: (v, expected[k]) for k, v in got.items() if v != expected[k]}
        assert not wrong, (article_id, wrong)
        assert expected["layout"] == layout


# -- pages and markup -----------------------------------------------------------------


def test_home_links_categories_newest_and_search_trap(old, new):
    for handle, today in ((old, "Chủ Nhật, 24/1/2021"), (new, "Thứ Ba, 9/11/2021")):
        doc = page(handle.base_url + "/")
        hrefs = {a.get("href") for a in doc.iter("a")}
        for top in ("/thoi-su", "/nhip-cau-tuyen-giao", "/tu-lieu", "/van-hoa-xa-hoi"):
            assert top in hrefs
        assert {e.path for e in handle.site.newest(10)} <= hrefs
        assert any(h.startswith("/tim-kiem?q=") for h in hrefs)
        assert today in text(doc)
    assert page(old.base_url + "/").cssselect("span.header_date")[0].text == "Chủ Nhật, 24/1/2021"
    assert page(new.base_url + "/").cssselect("header time")[0].text == "Thứ Ba, 9/11/2021"


def _walk_listing(handle, category: str, layout: str) -> list[int]:
    ids, url, seen = [], f"{handle.base_url}/{category}", set()
    while url:
        assert url not in seen
        seen.add(url)
        doc = page(url)
        if layout == "old":
            links = doc.cssselect("div.zonepage-l h4 a")
            active = doc.cssselect("div.datapager span.active")[0]
            following = active.getnext()
            nxt = following.get("href") if following is not None else None
        else:
            links = doc.cssselect("h3.story-title a")
            active = doc.cssselect("ul.pagination li.active")[0]
            following = active.getnext()
            nxt = following.cssselect("a")[0].get("href") if following is not None else None
            assert nxt is None or "page=" in nxt
        assert 0 < len(links) <= 20
        ids += [int(a.get("href").rsplit("-", 1)[1]) for a in links]
        url = handle.base_url + nxt if nxt else None
    return ids


@pytest.mark.parametrize("layout", ["old", "new"])
def test_listings_paginate_newest_first_with_subcategories(old, new, layout):
    handle = old if layout == "old" else new
    parent = _walk_listing(handle, "nhip-cau-tuyen-giao", layout)
    sub = _walk_listing(handle, "nhip-cau-tuyen-giao/ban-tuyen-giao-tw", layout)
    assert len(parent) > 20 and len(set(parent)) == len(parent)
    assert set(sub) < set(parent) and SEED_ID in sub
    assert parent == [e.article_id for e in handle.site.listing("nhip-cau-tuyen-giao")]
    times = [handle.site.entry(i).published for i in parent]
    assert times == sorted(times, reverse=True)
    # Both pager parameters work in both layouts; past the last page is a 404.
    _, _, by_p = fetch(handle.base_url + "/nhip-cau-tuyen-giao?p=2")
    _, _, by_page = fetch(handle.base_url + "/nhip-cau-tuyen-giao?page=2")
    assert by_p == by_page
    assert fetch(handle.base_url + "/nhip-cau-tuyen-giao?page=99")[0] == 404


def test_old_article_markup(old):
    doc = page(old.base_url + SEED_PATH)
    (detail,) = doc.cssselect("div.zonepage-l > div.storydetail")
    assert detail.cssselect("div.story_head > span.story_headline")[0].text.startswith("Ban Chỉ")
    assert detail.cssselect("span.story_date")[0].text == "Thứ Sáu, 17/7/2020 - 16:20"
    assert text(detail.cssselect("div.story_teaser")[0]) == ""
    body = detail.cssselect("#ArticleContent")[0]
    assert body.get("class") == "story_body"
    children = [c.tag for c in body]
    assert children == ["table", "p", "p", "p", "table", "p", "p"]
    assert body[-2].text_content().endswith("hấp dẫn hơn./.")
    assert body[-1].get("style") == "text-align: right;" and body[-1][0].tag == "strong"
    captions = [text(td) for td in body.cssselect("table.tbl-image td.td-image-desc")]
    assert captions == ["Đồng chí Võ Văn Thưởng phát biểu chỉ đạo kỳ họp. (Ảnh: PV)",
                        "Quang cảnh Kỳ họp (Ảnh: PV)"]  # fmt: skip
    assert body.cssselect("table.tbl-image img")[0].get("src").startswith("/Uploads/2020/7/17/")
    head = doc.find("head")
    assert head.cssselect('meta[property="og:title"]')[0].get("content").startswith("Ban Chỉ")
    assert head.cssselect('link[rel="canonical"]')[0].get("href").endswith(SEED_PATH)
    assert not head.cssselect('meta[property="article:published_time"]')
    assert not doc.cssselect('script[type="application/ld+json"]')
    whole = text(doc)
    for furniture in ("Hotline: 08045542 - 08045075", "Gửi cho bạn bè", "Phản hồi",
                      "Thông tin người gửi phản hồi", "Xem nhiều nhất"):  # fmt: skip
        assert furniture in whole


def test_new_article_markup(new):
    doc = page(new.base_url + SEED_PATH)
    assert doc.cssselect("h1.story-headline")[0].text.startswith("Ban Chỉ đạo")
    assert doc.cssselect("div.ml-lg-auto")[0].text == "17/07/2020 - 16:20 GMT+7"
    pictures = doc.cssselect("div.story-body table.picture")
    assert len(pictures) == 2
    img = pictures[1].cssselect("img")[0]
    assert img.get("src") == "/images/blank.gif"
    assert re.fullmatch(
        r"https://cdn\.tuyengiao\.vn/uploads/2020/07/17/\d\d/[\w.-]+\?s=\w+", img.get("data-src")
    )
    assert text(pictures[1].cssselect("td.caption")[0]) == "Quang cảnh Kỳ họp (Ảnh: PV)"
    published = doc.cssselect('meta[property="article:published_time"]')[0].get("content")
    assert published == "2020-07-17T16:20:00+07:00"
    (ld,) = doc.cssselect('script[type="application/ld+json"]')
    data = json.loads(ld.text)
    assert data["@type"] == "NewsArticle" and data["datePublished"] == published
    assert data["author"] == [{"@type": "Person", "name": "Hay Nguyễn"}]
    assert doc.cssselect("header time")[0].text == "Thứ Ba, 9/11/2021"


def test_robots_404_search_and_static(old, new):
    status, headers, body = fetch(old.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert lines[:3] == ["User-agent: *", "Disallow: /tim-kiem", "Disallow: /admin/"]
    assert not any(line.startswith("Crawl-delay") for line in lines)
    with start_replica("old", generated=0, crawl_delay=1.5, today=OLD_TODAY) as slow:
        assert "Crawl-delay: 1.5" in fetch(slow.base_url + "/robots.txt")[2].decode()
    for handle, marker in ((old, "div.zonepage-l"), (new, "main.container")):
        for path in ("/thoi-su/khong-co-bai-999999999", "/nope", "/khong-co-muc/bai-130656"):
            status, headers, body = fetch(handle.base_url + path)
            assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
            assert lxml.html.fromstring(body).cssselect(marker)
    status, _, body = fetch(old.base_url + "/tim-kiem?q=dai+hoi")
    assert status == 200 and b"/tim-kiem?q=dai+hoi&amp;p=2" in body
    status, headers, body = fetch(old.base_url + "/images/blank.gif")
    assert headers["Content-Type"] == "image/gif" and body.startswith(b"GIF89a")
    status, headers, _ = fetch(old.base_url + "/Uploads/2020/7/17/25/x.jpg")
    assert status == 200 and headers["Content-Type"] == "image/jpeg"


def test_alternate_urls_serve_the_same_article(old):
    entry = old.site.entry(130693)
    canonical = fetch(old.base_url + entry.path)[2]
    for form in ("bare", "other_category", "tracking"):
        assert fetch(old.base_url + old.site.link(entry, form))[2] == canonical
    assert fetch(old.base_url + f"/{entry.slug}-{entry.article_id}?utm_source=fb")[2] == canonical
    related = [href for aid in old.site.ids()[:30] for _e, href in old.site.related(aid)]
    assert any("?utm_source=" in h for h in related)
    assert any(h.count("/") == 1 for h in related)  # the category-less form


def test_mixed_layout_follows_the_id():
    site = Site("mixed", generated=200, seed=3, today=OLD_TODAY)
    layouts = [r["layout"] for r in site.truth("http://127.0.0.1:1")]
    assert 0.3 < layouts.count("old") / len(layouts) < 0.7
    article = site.article(SEED_ID)
    renderer = render_old if article.layout == "old" else render_new
    html = renderer.render_article(site, article)
    assert ("storydetail" in html) == (article.layout == "old")


def test_titles_are_escaped():
    site = Site("old", generated=0, today=OLD_TODAY)
    hostile = "<script>alert('x')</script> & “Đại hội” \"quoted\""
    article = replace(site.article(SEED_ID), title=hostile, tags=("<b>tag</b>",))
    for renderer in (render_old, render_new):
        html = renderer.render_article(site, replace(article, layout=renderer.__name__[-3:]))
        assert "<script>alert" not in html and "<b>tag" not in html
        doc = lxml.html.fromstring(html)
        heading = doc.cssselect("span.story_headline, h1.story-headline")[0]
        assert heading.text_content() == hostile
        assert doc.cssselect('meta[property="og:title"]')[0].get("content") == hostile
        for script in doc.cssselect('script[type="application/ld+json"]'):
            assert json.loads(script.text)["headline"] == hostile


# -- server and CLI -----------------------------------------------------------------------


def test_server_keep_alive_head_log_and_control_endpoints(tmp_path):
    log_file = tmp_path / "access.jsonl"
    with start_replica("new", generated=20, seed=2, today=NEW_TODAY, access_log=log_file) as r:
        assert r.base_url.startswith("http://127.0.0.1:") and r.port > 0
        connection = http.client.HTTPConnection("127.0.0.1", r.port, timeout=10)
        try:
            for path in ("/", "/robots.txt", SEED_PATH):
                connection.request("GET", path, headers={"User-Agent": "keepalive/1"})
                response = connection.getresponse()
                body = response.read()
                assert response.status == 200 and len(body) == int(
                    response.headers["Content-Length"]
                )
            connection.request("HEAD", SEED_PATH)
            response = connection.getresponse()
            assert response.read() == b"" and int(response.headers["Content-Length"]) > 1000
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        finally:
            connection.close()
        status, _headers, body = fetch(r.base_url + "/__replica__/truth.jsonl")
        lines = [json.loads(line) for line in body.decode().splitlines()]
        assert status == 200 and lines == r.truth()
        stats = json.loads(fetch(r.base_url + "/__replica__/stats")[2])
        assert stats["articles"] == 41 and stats["requests"] >= 5
        entries = r.access_log()
        assert [e["path"] for e in entries[:4]] == ["/", "/robots.txt", SEED_PATH, SEED_PATH]
        assert entries[0]["user_agent"] == "keepalive/1" and entries[3]["method"] == "HEAD"
        assert entries[0]["monotonic"] <= entries[1]["monotonic"] and entries[0]["wall"] > 1e9
    written = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert written == r.access_log() and written[-1]["path"] == "/__replica__/stats"


def test_only_loopback_is_served(capsys):
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        start_replica(host="0.0.0.0", generated=0)
    assert run(["--host", "0.0.0.0"]) == 2
    assert "127.0.0.1" in capsys.readouterr().err
    assert run(["--help"]) == 0
    assert "--crawl-delay" in capsys.readouterr().out


def test_cli_serves_until_sigterm():
    command = [sys.executable, "-m", "replica", "--port", "0", "--articles", "5",
               "--today", "2021-01-24", "--layout", "mixed"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.fullmatch(
            r"replica: serving tuyengiao\.vn \(mixed layout, 26 articles\) on "
            r"(http://127\.0\.0\.1:\d+)/ — Ctrl-C to stop\n",
            line,
        )
        assert match, line
        assert fetch(match.group(1) + "/robots.txt")[0] == 200
        assert urlsplit(match.group(1)).port != 8800
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
