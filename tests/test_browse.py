"""Browsing in Datasette without a browser: schema v4, metadata, search box, author
facet, canned queries, the article page and `vnarchive serve` (issue 6)."""

from __future__ import annotations

import asyncio
import html
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from datasette.app import Datasette
from datasette.plugins import pm

import vnarchive.browse
from crawler.extract.article import Article
from crawler.processes import free_port
from pipelines.archive import Archive
from pipelines.schema import create_v1_archive
from pipelines.search import Filters, search
from tests.browse_helpers import (
    HOSTILE_ID,
    SCRIPT,
    SITE,
    UNACCENTED_ID,
    build_archive,
    start_serve,
    stop,
)
from vnarchive.browse.metadata import UNDOCUMENTED, build_metadata, live_schema

if not pm.has_plugin("vnarchive"):  # an install without the entry point (e.g. plain PYTHONPATH)
    pm.register(vnarchive.browse, "vnarchive")


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db = tmp_path_factory.mktemp("browse") / "archive.db"
    return db, build_archive(db)


def _datasette(db: Path) -> Datasette:
    with Archive(db) as archive:
        schema = live_schema(archive.db.conn)
    # One SQL thread: every request shares one connection, as a hook's leftovers would.
    return Datasette([str(db)], metadata=build_metadata(schema, db.stem),
                     settings={"num_sql_threads": 1})  # fmt: skip


def _get(ds: Datasette, *paths: str) -> list[Any]:
    async def fetch() -> list[Any]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_year_month_and_authors_follow_every_write(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        article = Article(url="http://x/a-1", canonical_url="http://x/a-1", site=SITE,
                          article_id=1, category="c", title="T", lead=None, body=("b",),
                          authors=("Mai Anh", "Quang Huy"))  # fmt: skip
        archive.upsert_article(article.replace(published_at=_dt("2020-11-03T23:30:00+07:00")))
        row = archive.db.execute("SELECT year, month FROM articles").fetchone()
        # The portal's own day: 23:30 at +07:00 is still November 3rd, never UTC.
        assert row == (2020, "2020-11")
        authors = "SELECT author FROM article_authors ORDER BY position"
        assert [r[0] for r in archive.db.execute(authors)] == ["Mai Anh", "Quang Huy"]
        archive.upsert_article(article.replace(authors=("Quang Huy",), title="T2"))
        assert [r[0] for r in archive.db.execute(authors)] == ["Quang Huy"]
        archive.db.execute("DELETE FROM articles")
        assert archive.db.execute("SELECT count(*) FROM article_authors").fetchone()[0] == 0


def test_v1_archive_gains_facet_columns_and_authors(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    create_v1_archive(old)
    old.execute(
        "INSERT INTO articles (site, article_id, url, canonical_url, title, body, authors, "
        "tags, content_hash, published_at) VALUES ('s', 7, 'u', 'u', 't', 'b', "
        "'[\"Lê Minh\"]', '[]', 'h', '2019-05-01T08:00:00+07:00')"
    )
    old.conn.commit()
    old.close()
    with Archive(path) as archive:
        assert archive.db.execute("SELECT year, month FROM articles").fetchone() == (
            2019,
            "2019-05",
        )
        assert archive.db.execute("SELECT author FROM article_authors").fetchall() == [("Lê Minh",)]


def _dt(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_metadata_documents_every_table_and_column(tmp_path):
    with Archive(tmp_path / "a.db") as archive:
        schema = live_schema(archive.db.conn)
    metadata = build_metadata(schema, "a")
    tables = metadata["databases"]["a"]["tables"]
    undocumented = [
        f"{table}.{column}"
        for table, entry in tables.items()
        for column, text in entry["columns"].items()
        if text == UNDOCUMENTED
    ] + [table for table, entry in tables.items() if entry["description"] == UNDOCUMENTED]
    assert not undocumented, "describe these in pipelines/schema_docs.py"
    assert {"year", "month"} <= set(tables["articles"]["columns"])
    assert tables["captures"]["units"] == {"offset": "bytes", "length": "bytes"}
    assert "gaps_listed" in metadata["databases"]["a"]["queries"]
    assert metadata["license"] and metadata["source"]


def test_search_box_folds_accents_and_ranks_exact_first(archive_db):
    db, _records = archive_db
    ds = _datasette(db)
    data, page, default_sort = _get(
        ds,
        "/archive/articles.json?_search=ha+noi&_shape=objects&_size=20",
        "/archive/articles?_search=ha+noi&_size=20",
        "/archive/articles?_search=ha+noi&_size=20&_sort_desc=published_at",
    )
    rows = data.json()["rows"]
    assert UNACCENTED_ID in {r["article_id"] for r in rows}
    assert any("Hà Nội" in r["title"] + (r["lead"] or "") + r["body"] for r in rows)
    assert page.status_code == 200
    ids = _title_ids(page.text)
    # "ha noi" as typed is only in the unaccented article: it comes first.
    assert ids[0] == UNACCENTED_ID
    assert sorted(ids) == sorted(r["article_id"] for r in rows)
    assert 'id="_search"' in page.text and 'value="ha noi"' in page.text
    # The search form sends the table's default sort along: still in rank order.
    assert _title_ids(default_sort.text) == ids


def _title_ids(page: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'class="vn-title" href="/-/article/[^/]+/[^/]+/(\d+)"', page)
    ]


def test_bad_search_query_is_a_400(archive_db):
    (response,) = _get(_datasette(archive_db[0]), "/archive/articles.json?_search=%22ha+noi")
    assert response.status_code == 400


def test_author_facet_counts_every_author_and_filters(archive_db):
    db, records = archive_db
    expected: dict[str, int] = {}
    for record in records:
        for author in record["authors"]:
            expected[author] = expected.get(author, 0) + 1
    top = max(expected, key=lambda a: (expected[a], a))
    ds = _datasette(db)
    data, filtered = _get(
        ds,
        "/archive/articles.json?_size=0&_facet_size=max",
        f"/archive/articles.json?_author={urllib.request.quote(top)}&_shape=objects&_size=max",
    )
    facets = data.json()["facet_results"]
    counts = {r["value"]: r["count"] for r in facets["author"]["results"]}
    assert {k: v for k, v in counts.items() if k in expected} == expected
    assert {"category", "source", "year", "month"} <= set(facets)
    rows = filtered.json()["rows"]
    assert len(rows) == expected[top]
    assert all(top in json.loads(r["authors"]) for r in rows)


CANNED = {
    "articles_per_month": "category=&from_month=2020-01&to_month=2020-12",
    "search_in_dates": "q=ha+noi&since=&until=&category=",
    "article_versions": f"article_id={UNACCENTED_ID}",
    "author_articles": "author=Quang+Huy",
    "run_ledger": "status=",
    "gaps_ids": "min_missing=1",
    "gaps_days": "month=2020-11&category=",
}


def test_canned_queries_answer(archive_db):
    db, _ = archive_db
    ds = _datasette(db)
    responses = _get(ds, *(f"/archive/{name}.json?{qs}&_shape=objects" for name, qs in
                           CANNED.items()))  # fmt: skip
    results = {name: r.json() for name, r in zip(CANNED, responses, strict=True)}
    for name, result in results.items():
        assert result.get("ok", True), (name, result)
    assert sum(r["articles"] for r in results["articles_per_month"]["rows"]) > 0
    search_rows = results["search_in_dates"]["rows"]
    assert search_rows[0]["article_id"] == UNACCENTED_ID and search_rows[0]["match"] == "= accents"
    assert {r["match"] for r in search_rows[1:]} == {"~ folded"}
    assert [r["version"] for r in results["article_versions"]["rows"]] == ["current"]
    assert len(results["gaps_days"]["rows"]) == 30


def test_article_page_escapes_every_field_and_links_only_web_urls(archive_db):
    db, _ = archive_db
    page, table = _get(_datasette(db), f"/-/article/archive/{SITE}/{HOSTILE_ID}",
                       f"/archive/articles?article_id={HOSTILE_ID}")  # fmt: skip
    assert page.status_code == 200 and table.status_code == 200
    assert "<script>window" not in page.text and "onerror=" not in page.text.replace(
        "onerror=&#34;", ""
    ).replace("onerror=&quot;", "")
    assert html.escape(SCRIPT, quote=False) in page.text.replace("&#34;", '"')
    assert 'href="javascript:' not in page.text and 'src="javascript:' not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "capture #1" in page.text


def test_article_page_shows_caption_and_credit(archive_db):
    db, records = archive_db
    record = next(r for r in records if any(i["caption"] and i["credit"] for i in r["images"]))
    image = next(i for i in record["images"] if i["caption"] and i["credit"])
    (page,) = _get(_datasette(db), f"/-/article/archive/{SITE}/{record['article_id']}")
    text = html.unescape(page.text)
    assert record["title"] in text and image["caption"] in text and image["credit"] in text
    assert record["canonical_url"] in text


def test_serve_serves_the_plugins_metadata_and_facets(tmp_path):
    db = tmp_path / "archive.db"
    build_archive(db, generated=5)
    port = free_port()
    server = start_serve(db, port)
    try:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/archive/articles.json?_size=0", timeout=10) as r:
            data = json.load(r)
        with urllib.request.urlopen(f"{base}/-/metadata.json", timeout=10) as r:
            metadata = json.load(r)
    finally:
        stop(server)
    assert data["facet_results"]["year"]["results"]
    assert metadata["databases"]["archive"]["tables"]["articles"]["columns"]["month"]
    # The plugin's hook provides it: serve leaves no generated file to drift.
    assert not list(tmp_path.glob("*.json"))


def test_search_with_a_category_ranks_within_it(archive_db):
    db, _ = archive_db
    with Archive(db) as archive:
        best = search(archive.db, "ha noi", filters=Filters(category="thoi-su"), limit=5)
        overall = search(archive.db, "ha noi", limit=5)
    expected = {h["article_id"] for h in best if h["category"] == "thoi-su"}
    (data,) = _get(_datasette(db), "/archive/articles.json?_search=ha+noi&category=thoi-su&_size=5")
    got = {row[1] for row in data.json()["rows"]}
    assert got == expected
    # Not what is left of the best five overall once other categories' hits are dropped.
    assert len(got) > sum(1 for h in overall if h["category"] == "thoi-su")


def test_immutable_serve_refuses_an_old_archive_and_serves_a_current_one(tmp_path):
    old = tmp_path / "old.db"
    create_v1_archive(sqlite_utils.Database(old))
    port = free_port()
    with pytest.raises(RuntimeError):
        start_serve(old, port, "--immutable")
    assert "serve it once without --immutable" in old.with_suffix(".serve.log").read_text()
    current = tmp_path / "current.db"
    build_archive(current, generated=3)
    port = free_port()
    server = start_serve(current, port, "--immutable")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/current.json", timeout=10) as r:
            tables = {t["name"]: t for t in json.load(r)["tables"]}
    finally:
        stop(server)
    assert tables["articles"]["count"] == 20 + 1 + 3 + 2


def test_metadata_follows_the_live_schema(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.db.execute("ALTER TABLE articles ADD COLUMN word_count INTEGER")
        archive.db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        schema = live_schema(archive.db.conn)
    tables = build_metadata(schema, "a")["databases"]["a"]["tables"]
    # A new column or table shows up at once, marked, until schema_docs describes it.
    assert tables["articles"]["columns"]["word_count"] == UNDOCUMENTED
    assert tables["notes"]["description"] == UNDOCUMENTED
    assert "fts_exact_data" not in tables  # FTS5's shadow tables are not the archive's
