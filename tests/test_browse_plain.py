"""Plain Datasette on the archive (issue 18.3 and 18.5): the plugin alone provides what
`vnarchive serve` shows (titles, facets, canned queries), installs without the crawl's
dependencies, and links an article to its capture's replay when asked to."""

from __future__ import annotations

import asyncio
import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.plugins import pm
from hypothesis import given
from hypothesis import strategies as st

import vnarchive.browse
from pipelines.archive import Archive
from pipelines.schema_docs import TABLES
from tests.browse_helpers import HOSTILE_ID, SITE, build_archive
from vnarchive.browse.metadata import ARTICLE_FACETS, live_schema
from vnarchive.browse.queries import canned_queries
from vnarchive.browse.replay import replay_link, wayback_timestamp

if not pm.has_plugin("vnarchive"):  # an install without the entry point (e.g. plain PYTHONPATH)
    pm.register(vnarchive.browse, "vnarchive")

HEAVY = ("scrapy", "twisted", "trafilatura", "redis", "scrapy_redis", "warcio", "dateparser")


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("plain") / "archive.db"
    build_archive(db, generated=8)
    return db


def _get(ds: Datasette, *paths: str) -> list[Any]:
    async def fetch() -> list[Any]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_plain_datasette_has_the_canned_queries_facets_and_titles(archive_db):
    ds = Datasette([str(archive_db)])  # no metadata given: all of it from the plugin
    database, table, metadata = _get(
        ds, "/archive.json", "/archive/articles.json?_size=0", "/-/metadata.json"
    )
    with Archive(archive_db) as archive:
        schema = live_schema(archive.db.conn)
    assert {q["name"] for q in database.json()["queries"]} == set(canned_queries(set(schema)))
    facets = [f if isinstance(f, str) else next(iter(f)) for f in ARTICLE_FACETS]
    assert list(table.json()["facet_results"]) == facets
    assert all(table.json()["facet_results"][f]["results"] for f in ("category", "year"))
    tables = metadata.json()["databases"]["archive"]["tables"]
    assert tables["articles"]["title"] == TABLES["articles"][0]
    assert tables["fts_folded"]["hidden"] is True
    assert metadata.json()["title"].startswith("vnarchive")
    # The table page shows the title and description, the database page hides the indexes.
    database_page, table_page = _get(ds, "/archive", "/archive/captures")
    assert "fts_folded" not in database_page.text
    assert all(text in html.unescape(table_page.text) for text in TABLES["captures"])


def test_a_metadata_file_still_overrides_the_plugin_key_by_key(archive_db):
    ds = Datasette([str(archive_db)], metadata={
        "title": "Our archive",
        "databases": {"archive": {"tables": {"articles": {"title": "News"}}}},
    })  # fmt: skip
    (metadata,) = _get(ds, "/-/metadata.json")
    data = metadata.json()
    assert data["title"] == "Our archive"
    articles = data["databases"]["archive"]["tables"]["articles"]
    assert articles["title"] == "News" and articles["facets"] == ARTICLE_FACETS


def test_a_database_that_is_not_an_archive_is_left_alone(tmp_path):
    other = tmp_path / "other.db"
    subprocess.run(
        [sys.executable, "-c", f"import sqlite3; sqlite3.connect({str(other)!r})"
         ".execute('CREATE TABLE t (x)')"], check=True,
    )  # fmt: skip
    (metadata,) = _get(Datasette([str(other)]), "/-/metadata.json")
    assert metadata.json() == {}


def test_the_plugin_imports_none_of_the_crawls_dependencies():
    code = (
        "import sys, json, vnarchive.browse, vnarchive.browse.metadata\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def _article_page(db: Path, metadata: dict[str, Any] | None = None) -> str:
    ds = Datasette([str(db)], metadata=metadata)
    (page,) = _get(ds, f"/-/article/archive/{SITE}/{HOSTILE_ID}")
    assert page.status_code == 200
    return str(page.text)


def test_the_article_page_links_its_capture_to_the_configured_replay(archive_db):
    plugins = {"plugins": {"vnarchive": {"replay_url": "http://localhost:8080/news"}}}
    links = re.findall(r'class="vn-replay" href="([^"]+)"', _article_page(archive_db, plugins))
    # The capture: fetched 2021-01-24T10:00:00+07:00 = 03:00 UTC.
    assert [html.unescape(link) for link in links] == [
        f"http://localhost:8080/news/20210124030000/https://www.tuyengiao.vn/thoi-su/"
        f"bai-doc-{HOSTILE_ID}"
    ]


@pytest.mark.parametrize("replay_url", [None, "", "javascript:alert(1)//", "ftp://x/"])
def test_no_replay_link_without_a_web_replay_url(archive_db, replay_url):
    metadata = None
    if replay_url is not None:
        metadata = {"plugins": {"vnarchive": {"replay_url": replay_url}}}
    assert "vn-replay" not in _article_page(archive_db, metadata)


@given(st.datetimes(timezones=st.timezones()))
def test_wayback_timestamp_is_fourteen_utc_digits(when):
    stamp = wayback_timestamp(when.isoformat())
    assert stamp is not None and len(stamp) == 14 and stamp.isdigit()
    assert replay_link("http://r/c/", when.isoformat(), "https://a.vn/x") == (
        f"http://r/c/{stamp}/https://a.vn/x"
    )


@given(st.text())
def test_wayback_timestamp_never_raises(text):
    wayback_timestamp(text)


def test_serve_passes_a_metadata_file_on_as_the_override(archive_db, tmp_path):
    import urllib.request

    from crawler.processes import free_port
    from tests.browse_helpers import start_serve, stop

    override = tmp_path / "replay.json"
    replay = {"title": "Reading room", "plugins": {"vnarchive": {"replay_url": "http://r/c/"}}}
    override.write_text(json.dumps(replay), encoding="utf-8")
    port = free_port()
    server = start_serve(archive_db, port, "--metadata", str(override))
    try:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/-/article/archive/{SITE}/{HOSTILE_ID}") as r:
            page = r.read().decode("utf-8")
        with urllib.request.urlopen(f"{base}/-/metadata.json") as r:
            metadata = json.load(r)
    finally:
        stop(server)
    assert 'class="vn-replay" href="http://r/c/20210124030000/' in page
    assert metadata["title"] == "Reading room"
    assert metadata["databases"]["archive"]["tables"]["articles"]["facets"] == ARTICLE_FACETS


def test_serve_refuses_a_missing_metadata_file_in_one_line(archive_db, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "vnarchive", "serve", "--db", str(archive_db),
         "--metadata", str(tmp_path / "nope.json")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"vnarchive serve: error: no metadata file at {tmp_path / 'nope.json'}"
    ]


def test_each_archive_names_the_outlets_it_holds():
    from vnarchive.browse.metadata import outlets

    assert outlets(["tuyengiao.vn"]) == {
        "source": "Tuyên giáo (tuyengiao.vn)", "source_url": "https://www.tuyengiao.vn/",
    }  # fmt: skip
    both = outlets(["tuyengiao.vn", "tin.example"])
    assert both == {"source": "Tuyên giáo (tuyengiao.vn), tin.example"}
    assert outlets([]) == {}
