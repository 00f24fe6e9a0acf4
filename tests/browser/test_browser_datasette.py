"""Datasette on the archive, driven in headless Chromium (Debian's `chromium` package,
through playwright with its executable path; playwright downloads no browser here).

Each step saves a screenshot under the test's temporary folder. The suite skips,
loudly, only when no Chromium can be found; under CI (CI=true), where .ci/run
installs it, a missing browser is a failure instead.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.portals import TUYENGIAO
from crawler.processes import free_port
from harness.crawl_support import crawl
from pipelines.archive import Archive
from replica.server import start_replica
from tests.browse_helpers import (
    HOSTILE_ID,
    IMG,
    SCRIPT,
    SITE,
    UNACCENTED_ID,
    build_archive,
    start_datasette,
    start_serve,
    stop,
)

pytestmark = pytest.mark.browser

# A 1x1 transparent GIF.
BLANK_GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> str | None:
    found = os.environ.get("VNARCHIVE_CHROMIUM") or shutil.which("chromium")
    return found or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None)


def _missing(reason: str) -> None:
    message = f"BROWSER TESTS DID NOT RUN: {reason} (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        _missing("no chromium executable found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    db = tmp_path_factory.mktemp("browser") / "archive.db"
    records = build_archive(db)
    port = free_port()
    server = start_serve(db, port)
    yield f"http://127.0.0.1:{port}", records
    stop(server)


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    # Nothing leaves the machine: images of archived pages point at the portal, and get
    # a blank picture here (a refused request would be a console error of its own).
    blank = {"status": 200, "content_type": "image/gif", "body": BLANK_GIF}
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith("http://127.0.0.1:")
               else route.fulfill(**blank))  # fmt: skip
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    # Every console error fails the test that met it: a script the policy blocked
    # (Datasette's own, issue 17.10), a script error, a resource that failed.
    page.console_errors = []
    page.on("console", lambda message: message.type == "error"
            and page.console_errors.append(f"{page.url}: {message.text}"))  # fmt: skip
    page.on("pageerror", lambda error: page.console_errors.append(f"{page.url}: {error}"))
    yield page
    errors = list(page.console_errors)
    context.close()
    assert not errors, "console errors:\n" + "\n".join(errors)


def shot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


def test_home_page(page, site, tmp_path):
    base, _ = site
    page.goto(base + "/")
    assert "vnarchive" in page.inner_text("h1")
    assert page.locator("a[href='/archive']").count() >= 1
    shot(page, tmp_path, "home")


def test_articles_table_with_a_category_facet(page, site, tmp_path):
    base, records = site
    page.goto(base + "/archive/articles")
    facet = page.locator(".facet-info[data-column='category'] li a").first
    # The facet reads as the portal names the category; its link filters on the path.
    name = facet.inner_text().strip()
    value = parse_qs(urlsplit(facet.get_attribute("href")).query)["category"][0]
    assert name == dict(TUYENGIAO.category_names)[value]
    facet.click()
    page.wait_for_url("**category=*")
    shot(page, tmp_path, "category-facet")
    categories = page.locator("td.col-category").all_inner_texts()
    assert categories and set(categories) == {name}
    assert page.locator("td.col-category span").first.get_attribute("title") == value
    assert page.locator("td.col-body").count() == 0  # whole bodies stay out of the table
    expected = sum(1 for r in records if r["category"] == value)
    assert f"{expected} row" in page.inner_text("h3")
    # The other facets are there, author included.
    for column in ("source", "year", "month", "author"):
        assert page.locator(f".facet-info[data-column='{column}']").count() == 1
    title = page.inner_text(".facet-info[data-column='author'] .facet-info-name strong")
    assert title.split()[0] == "author" and "(author)" not in title


# Every kind of page that shows crawled text (issue 16.4), each opened in the browser:
# the policy is sent, and nothing on the page breaks under it (no console error).
PAGES = {
    "home": "/",
    "database": "/archive",
    "table": "/archive/articles",
    "search": "/archive/articles?_search=ha+noi",
    "row": f"/archive/articles/{SITE},{HOSTILE_ID}",
    "sql": "/archive?sql=select+title,+lead+from+articles+limit+5",
    "canned": "/archive/search_in_dates?q=ha+noi&since=&until=&category=",
    "article": f"/-/article/archive/{SITE}/{HOSTILE_ID}",
}


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_sends_the_policy_and_runs_clean(page, site, tmp_path, kind):
    base, _ = site
    response = page.goto(base + PAGES[kind])
    page.wait_for_load_state("load")
    shot(page, tmp_path, f"policy-{kind}")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    if kind == "table":
        # Datasette's own inline script ran (the policy allows it by its hash).
        assert page.evaluate("typeof DATASETTE_ALLOW_FACET") == "boolean"


def test_search_without_accents_finds_accented_hits(page, site, tmp_path):
    base, _ = site
    page.goto(base + "/archive/articles")
    page.fill("#_search", "ha noi")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=ha+noi*")
    shot(page, tmp_path, "search")
    titles = page.locator("td.col-title a.vn-title").all_inner_texts()
    assert any("Hà Nội" in t for t in titles)
    # Accents as typed rank first: only the unaccented article writes "Ha Noi".
    assert titles[0].startswith("Ha Noi viet khong dau")


def test_article_page_shows_caption_and_credit(page, site, tmp_path):
    base, records = site
    record = next(r for r in records if any(i["caption"] and i["credit"] for i in r["images"]))
    image = next(i for i in record["images"] if i["caption"] and i["credit"])
    page.goto(base + "/archive/articles?article_id=" + str(record["article_id"]))
    page.click("a.vn-title")
    page.wait_for_url(f"**/-/article/archive/{SITE}/{record['article_id']}")
    shot(page, tmp_path, "article")
    assert page.inner_text("h1.vn-title") == record["title"]
    captions = page.locator(".vn-caption").all_inner_texts()
    credits = page.locator(".vn-credit").all_inner_texts()
    assert image["caption"] in captions
    assert f"Ảnh: {image['credit']}" in credits
    assert page.get_attribute("a.vn-original", "href") == record["canonical_url"]
    assert len(page.locator(".vn-body p").all()) == len(record["body"])


def test_article_pictures_load_from_the_archive_once_the_replica_is_gone(page, tmp_path):
    # Issue 17.9: a crawled archive's pictures come from its own captures. The page
    # fixture answers any request off this machine with a blank picture, so only a
    # picture served by the archive itself can be a decoded JPEG of the replica's.
    db = tmp_path / "crawled" / "archive.db"
    db.parent.mkdir()
    with start_replica(layout="mixed", generated=3, port=0) as replica:
        result = crawl(replica.base_url, db)
        assert result.returncode == 0, result.stderr[-2000:]
    with Archive(db) as archive:
        chosen = list(archive.db.query(
            "SELECT article_id, image_count, layout FROM articles WHERE image_count > 0 "
            "GROUP BY layout"
        ))  # fmt: skip
    assert {row["layout"] for row in chosen} == {"old", "new"}
    port = free_port()
    server = start_serve(db, port)
    try:
        for row in chosen:
            page.goto(f"http://127.0.0.1:{port}/-/article/archive/{SITE}/{row['article_id']}")
            page.wait_for_load_state("load")
            pictures = page.locator("figure.vn-image img")
            assert pictures.count() == row["image_count"]
            for n in range(pictures.count()):
                picture = pictures.nth(n)
                picture.scroll_into_view_if_needed()
                picture.evaluate("img => img.decode()")  # rejects unless it loaded and decoded
                assert picture.get_attribute("class") == "vn-archived"
                assert picture.get_attribute("src").startswith("/-/capture/archive/")
                assert picture.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1, 1]
            originals = page.locator("a.vn-image-original").all()
            assert len(originals) == row["image_count"]
            assert all("127.0.0.1" not in (a.get_attribute("href") or "") for a in originals)
            shot(page, tmp_path, f"pictures-{row['layout']}")
    finally:
        stop(server)


def test_script_from_a_crawled_page_runs_nowhere(page, site, tmp_path):
    base, _ = site
    page.goto(f"{base}/-/article/archive/{SITE}/{HOSTILE_ID}")
    shot(page, tmp_path, "hostile-article")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert SCRIPT in page.inner_text("h1.vn-title")
    assert IMG in page.inner_text(".vn-credit")
    assert page.locator("a[href^='javascript:'], img[src^='javascript:']").count() == 0
    page.goto(f"{base}/archive/articles?article_id={HOSTILE_ID}")
    shot(page, tmp_path, "hostile-table")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert SCRIPT in page.inner_text("td.col-title")
    page.goto(f"{base}/archive/articles?_search=pwned")
    shot(page, tmp_path, "hostile-search")
    # Both hostile articles are found; the one read from a rendered page by the parser.
    crawled = [t for t in page.locator("a.vn-title").all_inner_texts() if t.startswith("Bài")]
    assert crawled == [f"Bài {SCRIPT} có mã"]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.locator("a.vn-title", has_text="Bài").click()
    page.wait_for_url("**/-/article/**")
    shot(page, tmp_path, "hostile-crawled-article")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert IMG in page.inner_text(".vn-body")
    assert page.dialogs == []


def test_search_in_dates_canned_query_links_to_article_pages(page, site, tmp_path):
    base, _ = site
    page.goto(f"{base}/archive/search_in_dates?q=ha+noi&since=&until=&category=")
    shot(page, tmp_path, "canned-search")
    assert page.locator("td.col-match").first.inner_text() == "= accents"
    page.locator("a.vn-title").first.click()
    page.wait_for_url(f"**/-/article/archive/{SITE}/{UNACCENTED_ID}")
    assert page.inner_text("h1.vn-title").startswith("Ha Noi")


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A plain `datasette serve` (not `vnarchive serve`): only the plugin's hooks, plus a
    metadata file that sets nothing but the replay address."""
    folder = tmp_path_factory.mktemp("plain")
    db = folder / "archive.db"
    build_archive(db)
    settings = folder / "replay.json"
    replay = {"plugins": {"vnarchive": {"replay_url": "http://127.0.0.1:9/news/"}}}
    settings.write_text(json.dumps(replay), encoding="utf-8")
    port = free_port()
    server = start_datasette(db, port, "-m", str(settings))
    yield f"http://127.0.0.1:{port}", db
    stop(server)


def test_plain_datasette_shows_the_canned_queries_and_facets(page, plain_site, tmp_path):
    import sqlite3

    from vnarchive.browse.metadata import live_schema
    from vnarchive.browse.queries import canned_queries

    base, db = plain_site
    conn = sqlite3.connect(db)
    titles = {q["title"] for q in canned_queries(set(live_schema(conn))).values()}
    conn.close()
    page.goto(base + "/archive")
    shot(page, tmp_path, "plain-database")
    links = {text.strip() for text in page.locator("a[href^='/archive/']").all_inner_texts()}
    assert titles and titles <= links, links
    page.goto(base + "/archive/articles")
    shot(page, tmp_path, "plain-articles")
    for column in ("category", "source", "year", "month", "author"):
        assert page.locator(f".facet-info[data-column='{column}'] li").count() >= 1
    assert page.locator("form input[name='_search']").count() == 1
    assert page.inner_text("h1").strip() == "Articles"


def test_plain_datasette_article_page_links_to_the_replay(page, plain_site, tmp_path):
    base, _ = plain_site
    page.goto(base + f"/-/article/archive/{SITE}/{HOSTILE_ID}")
    shot(page, tmp_path, "plain-article")
    link = page.locator("a.vn-replay")
    assert link.count() == 1
    href = link.get_attribute("href")
    assert href.startswith("http://127.0.0.1:9/news/20210124030000/")
    assert href.endswith(f"/thoi-su/bai-doc-{HOSTILE_ID}")
