"""The served archive against hostile requests and for a first-hour reader (issues 16, 17):
one GET cannot exhaust memory (16.2), searches are bounded (16.3), every page sends
the Content-Security-Policy that lets only Datasette's own scripts run (16.4, 17.10),
an id past 64 bits is a 404 (16.9), the articles table is readable (17.6), a search's
JSON and CSV are ranked as its HTML (17.7), and words together rank first (17.8)."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.plugins import pm

import vnarchive.browse
from crawler.extract.article import Article
from crawler.extract.text import fold_text
from crawler.portals import TUYENGIAO
from pipelines.archive import Archive
from pipelines.fts_cuts import FIELD_LIMITS
from pipelines.search import MAX_TERMS, SearchQueryError, search
from replica.categories import CATEGORY_NAMES
from tests.browse_helpers import HOSTILE_ID, SITE, UNACCENTED_ID, build_archive
from vnarchive.browse.csp import CSP, inline_script_hashes
from vnarchive.browse.limits import MAX_VALUE_BYTES
from vnarchive.browse.metadata import UNDOCUMENTED, build_metadata, live_schema
from vnarchive.serve import DEFAULT_SETTINGS

if not pm.has_plugin("vnarchive"):  # an install without the entry point (e.g. plain PYTHONPATH)
    pm.register(vnarchive.browse, "vnarchive")

# Two-word names the replica's articles use often (folded, as a reader types them).
PHRASES = ("ha noi", "viet nam", "quoc hoi", "trung uong", "dai hoi", "nhan dan", "kinh te")


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    db = tmp_path_factory.mktemp("guard") / "archive.db"
    # 300 generated articles: enough that "ha noi", the issue's own example, is
    # written by at least 20 of them.
    return db, build_archive(db, generated=300)


def _datasette(db: Path) -> Datasette:
    with Archive(db) as archive:
        schema = live_schema(archive.db.conn)
    # The settings `vnarchive serve` starts Datasette with (given there as text).
    settings: dict[str, Any] = {"num_sql_threads": 1}
    for name, value in DEFAULT_SETTINGS:
        settings[name] = int(value) if value.isdigit() else value == "on"
    return Datasette([str(db)], metadata=build_metadata(schema, db.stem), settings=settings)


def _get(ds: Datasette, *paths: str) -> list[Any]:
    async def fetch() -> list[Any]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(fetch())


def _sql(query: str) -> str:
    from urllib.parse import quote

    return "/archive.json?sql=" + quote(query)


ROWS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT {}) "
HOSTILE_SQL = {
    "randomblob": "SELECT randomblob(100000000)",
    "zeroblob": "SELECT zeroblob(100000000)",
    "printf": "SELECT length(printf('%.*c', 100000000, 'x'))",
    "printf_width": "SELECT length(printf('%100000000d', 1))",
    "replace": "SELECT length(replace(hex(zeroblob(2000000)), '0', '" + "x" * 20 + "'))",
    "group_concat": ROWS.format(200) + "SELECT length(group_concat(hex(zeroblob(500000)))) FROM c",
    "rows": ROWS.format(50) + "SELECT zeroblob(4000000) FROM c",
    "fold": "SELECT length(vnarchive_fold(printf('%.*c', 5000000, 'a')))",
}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("name", HOSTILE_SQL)
def test_one_anonymous_get_cannot_build_a_huge_value(archive_db, name):
    ds = _datasette(archive_db[0])
    started = time.monotonic()
    (response,) = _get(ds, _sql(HOSTILE_SQL[name]))
    elapsed = time.monotonic() - started
    assert response.status_code == 400, response.text[:300]
    assert len(response.content) < 10_000 and elapsed < 3
    error = response.json()["error"]
    assert re.search(r"too big|too large|printf width", error), error


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_row_of_many_large_values_is_a_readable_error(archive_db):
    # Each value is under the length limit; the row together is not (SQLite's heap).
    columns = ", ".join(["zeroblob(30000000)"] * 12)
    (response,) = _get(_datasette(archive_db[0]), _sql(f"SELECT {columns}"))
    assert response.status_code == 400 and "memory" in response.json()["error"]


def test_legitimate_large_values_still_read(archive_db):
    (response,) = _get(_datasette(archive_db[0]),
                       _sql(f"SELECT length(zeroblob({MAX_VALUE_BYTES}))"))  # fmt: skip
    assert response.status_code == 200
    assert response.json()["rows"] == [[MAX_VALUE_BYTES]]


def test_an_article_id_past_64_bits_is_not_found(archive_db):
    ds = _datasette(archive_db[0])
    big, huge, known = _get(ds, f"/-/article/archive/{SITE}/{2**63}",
                            f"/-/article/archive/{SITE}/{'9' * 40}",
                            f"/-/article/archive/{SITE}/{UNACCENTED_ID}")  # fmt: skip
    assert big.status_code == 404 and huge.status_code == 404 and known.status_code == 200


PAGES = {
    "home": "/",
    "database": "/archive",
    "table": "/archive/articles",
    "search": "/archive/articles?_search=ha+noi",
    "row": f"/archive/articles/{SITE},{HOSTILE_ID}",
    "sql": "/archive?sql=select+title,+body+from+articles+limit+5",
    "canned": "/archive/search_in_dates?q=ha+noi&since=&until=&category=",
    "article": f"/-/article/archive/{SITE}/{HOSTILE_ID}",
    "not_found": "/archive/nope",
    "json": "/archive/articles.json",
}


def test_every_page_sends_a_policy_that_allows_only_datasettes_own_scripts(archive_db):
    ds = _datasette(archive_db[0])
    responses = dict(zip(PAGES, _get(ds, *PAGES.values()), strict=True))
    hashes = set(inline_script_hashes())
    assert hashes, "Datasette's inline scripts were not found"
    for name, response in responses.items():
        policy = response.headers.get("content-security-policy")
        assert policy == CSP, name
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        if "html" not in response.headers["content-type"]:
            continue
        # Every inline script on the page is allowed by its hash: none is blocked.
        for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>",
                                 response.text, re.S):  # fmt: skip
            from vnarchive.browse.csp import _hash

            assert _hash(script) in hashes, (name, script[:80])


def _title_ids(page: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'class="vn-title" href="/-/article/[^/]+/[^/]+/(\d+)"', page)
    ]


def test_a_searchs_json_and_csv_are_ranked_as_its_html(archive_db):
    ds = _datasette(archive_db[0])
    query = "_search=ha+noi&_size=20"
    page, default, objects, array, nl, csv_page = _get(
        ds,
        f"/archive/articles?{query}",
        f"/archive/articles.json?{query}",
        f"/archive/articles.json?{query}&_shape=objects",
        f"/archive/articles.json?{query}&_shape=array",
        f"/archive/articles.json?{query}&_shape=array&_nl=on",
        f"/archive/articles.csv?{query}",
    )
    ranked = _title_ids(page.text)
    assert ranked[0] == UNACCENTED_ID and len(ranked) > 5
    columns = default.json()["columns"]
    assert [r[columns.index("article_id")] for r in default.json()["rows"]] == ranked
    assert [r["article_id"] for r in objects.json()["rows"]] == ranked
    assert [r["article_id"] for r in array.json()] == ranked
    assert [json.loads(line)["article_id"] for line in nl.text.splitlines()] == ranked
    rows = list(csv.DictReader(io.StringIO(csv_page.text, newline="")))
    assert [int(r["article_id"]) for r in rows] == ranked
    # Whole bodies survive the reordering.
    assert all(r["body"] for r in rows)
    # The page's own export links and CSV form lead to the same hits, in order.
    links = re.findall(r'href="(/archive/articles\.(?:json|csv)\?[^"]*)"', page.text)
    form = re.search(r'<form action="/archive/articles\.csv".*?</form>', page.text, re.S)
    assert links and form
    fields = re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    from urllib.parse import urlencode

    csv_form = "/archive/articles.csv?" + urlencode(fields)
    for link, response in zip([*links, csv_form],
                              _get(ds, *(html.unescape(u) for u in [*links, csv_form])),
                              strict=True):  # fmt: skip
        if "_shape=object" in link:
            continue  # keyed by primary key: no order to compare
        if ".csv" in link:
            got = [int(r["article_id"]) for r in csv.DictReader(io.StringIO(response.text))]
        elif "_nl=on" in link:
            got = [json.loads(line)["article_id"] for line in response.text.splitlines()]
        elif "_shape=array" in link:
            got = [r["article_id"] for r in response.json()]
        else:
            data = response.json()
            got = [r[data["columns"].index("article_id")] for r in data["rows"]]
        assert got == ranked, link
    # A sort the reader chose is kept as chosen.
    (sorted_json,) = _get(ds, f"/archive/articles.json?{query}&_sort=article_id&_shape=objects")
    ids = [r["article_id"] for r in sorted_json.json()["rows"]]
    assert ids == sorted(ids)


def _contains(record: dict[str, Any], phrase: str) -> bool:
    """The words of `phrase` side by side in one field, accents and case aside."""
    pattern = re.compile(r"\b" + r"\W+".join(phrase.split()) + r"\b")
    fields = [record["title"], record["lead"] or "", "\n\n".join(record["body"]),
              "\n".join(i["caption"] or "" for i in record["images"])]  # fmt: skip
    return any(pattern.search(fold_text(f).lower()) for f in fields)


def test_words_together_rank_above_scattered_words(archive_db):
    """17.8, measured: for each common two-word name that at least 20 articles of the
    replica's archive write, every one of the top 20 hits writes it (CLI and Datasette)."""
    db, records = archive_db
    ds = _datasette(db)
    by_id = {r["article_id"]: r for r in records}
    measured = []
    with Archive(db) as archive:
        for phrase in PHRASES:
            holding = sum(1 for r in records if _contains(r, phrase))
            if holding < 20:
                continue
            hits = search(archive.db, phrase, limit=20)
            (data,) = _get(ds, f"/archive/articles.json?_search={phrase}&_size=20&_shape=objects")
            served = [r["article_id"] for r in data.json()["rows"]]
            missing = [h["article_id"] for h in hits
                       if h["article_id"] in by_id and not _contains(by_id[h["article_id"]],
                                                                    phrase)]  # fmt: skip
            measured.append((phrase, holding, len(hits), missing,
                             served == [h["article_id"] for h in hits]))  # fmt: skip
    # The measurement is not vacuous: the issue's own example is measured.
    assert len(measured) >= 4 and measured[0][0] == "ha noi", measured
    assert all(not missing for _, _, _, missing, _ in measured), measured
    assert all(count == 20 for _, _, count, _, _ in measured)
    # Datasette's search box lists the same hits in the same order.
    assert all(same for *_, same in measured), measured


def test_cli_search_lists_words_together_first(archive_db):
    db, records = archive_db
    result = subprocess.run(
        [sys.executable, "-m", "vnarchive", "search", "dai hoi", "--db", str(db), "--limit", "20"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    ids = [int(m) for m in re.findall(r"-(\d+)\s*$", result.stdout, re.M)]
    by_id = {r["article_id"]: r for r in records}
    assert len(ids) == 20 and all(_contains(by_id[i], "dai hoi") for i in ids)


def test_a_query_of_too_many_words_is_refused_everywhere(archive_db):
    db, _ = archive_db
    query = " ".join(["ha"] * 100)
    with Archive(db) as archive, pytest.raises(SearchQueryError, match="too many words"):
        search(archive.db, query)
    (response,) = _get(_datasette(db), f"/archive/articles?_search={query.replace(' ', '+')}")
    assert response.status_code == 400 and "too many words" in response.text
    result = subprocess.run([sys.executable, "-m", "vnarchive", "search", query, "--db", str(db)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "too many words" in result.stderr


WORDS = ("dân", "chủ", "tập", "trung", "hà", "nội", "nhân", "dân", "đại", "hội")


def _huge_article(article_id: int, size: int) -> Article:
    body = " ".join(WORDS[i % len(WORDS)] for i in range(size // 6))
    return Article(
        url=f"https://www.tuyengiao.vn/thoi-su/lon-{article_id}",
        canonical_url=f"https://www.tuyengiao.vn/thoi-su/lon-{article_id}",
        site=SITE, article_id=article_id, category="thoi-su",
        title="Tiêu đề " + "rất dài " * (FIELD_LIMITS["title"] // 4), lead=None, body=(body,),
    )  # fmt: skip


def test_a_huge_article_feeds_the_index_a_bounded_share_and_the_cut_is_recorded(tmp_path):
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.upsert_article(_huge_article(1, 4_000_000))
        cuts = archive.db.execute(
            "SELECT field, length, indexed FROM fts_cuts ORDER BY field"
        ).fetchall()
        assert [c[0] for c in cuts] == ["body", "title"]
        assert cuts[0][1] > 2_000_000 and cuts[0][2] == FIELD_LIMITS["body"]
        # The archive keeps every character; only the index is cut.
        stored = archive.db.execute("SELECT length(body) FROM articles").fetchone()[0]
        assert stored > 2_000_000
        words = " ".join(WORDS[i % len(WORDS)] for i in range(MAX_TERMS))
        started = time.monotonic()
        assert [h["article_id"] for h in search(archive.db, words)] == [1]
        assert time.monotonic() - started < 2
        # The table is described like every other (Datasette's metadata).
        tables = build_metadata(live_schema(archive.db.conn), "a")["databases"]["a"]["tables"]
        assert UNDOCUMENTED not in json.dumps(tables["fts_cuts"])
        # Reindexed whole, the article leaves fts_cuts.
        archive.upsert_article(_huge_article(1, 1000).replace(title="Ngắn"))
        assert archive.db.execute("SELECT count(*) FROM fts_cuts").fetchone()[0] == 0


def test_a_search_past_its_time_is_stopped_with_a_clear_error(tmp_path, monkeypatch):
    with Archive(tmp_path / "a.db") as archive:
        for article_id in range(1, 4):
            archive.upsert_article(_huge_article(article_id, 400_000))
        monkeypatch.setattr("pipelines.search.TIME_LIMIT_S", 0.0)
        monkeypatch.setattr("pipelines.search.PROGRESS_STEPS", 1)
        with pytest.raises(SearchQueryError, match="took longer"):
            search(archive.db, "dân chủ tập trung hà nội")
        # The connection is left without the deadline.
        monkeypatch.setattr("pipelines.search.TIME_LIMIT_S", 5.0)
        assert len(search(archive.db, "dân chủ tập trung hà nội")) == 3


def test_the_articles_table_reads_in_lines_with_category_names(archive_db):
    db, _ = archive_db
    ds = _datasette(db)
    table, with_body, facets = _get(ds, "/archive/articles?_size=50",
                                    "/archive/articles?_col=body&_col=title&_size=5",
                                    "/archive/articles.json?_size=1")  # fmt: skip
    assert 'class="col-body' not in table.text  # whole bodies stay out of the table
    assert 'class="col-body' in with_body.text  # unless asked for
    assert "body" in facets.json()["columns"]  # and the JSON keeps them
    cells = re.findall(r'<td class="col-lead[^"]*">(.*?)</td>', table.text, re.S)
    assert cells and max(len(c) for c in cells) <= 200 + 20  # cut, with its ellipsis
    # Categories read as the portal names them; the path stays in the link and tooltip.
    assert ">Thời sự</span>" in table.text and 'title="thoi-su"' in table.text
    facet = re.search(r'data-column="category">(.*?)</ul>', table.text, re.S)
    assert facet and "Thời sự" in facet.group(1) and "category=thoi-su" in facet.group(1)
    author = re.search(r'data-column="author">.*?<strong>\s*(\S+)', table.text, re.S)
    assert author and author.group(1) == "author"
    assert "author (author)" not in table.text


def test_the_portal_declares_the_category_names_its_replica_shows():
    assert dict(TUYENGIAO.category_names) == CATEGORY_NAMES


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_published_copy_survives_the_issues_own_requests(tmp_path):
    """Issue 16.2 as it was found: `vnarchive serve --immutable`, anonymous GETs that took
    12-75 s and 2.1 GB. Each now fails at once and the server stays small."""
    import urllib.error
    import urllib.request
    from urllib.parse import quote

    from crawler.processes import free_port
    from tests.browse_helpers import start_serve, stop

    db = tmp_path / "copy.db"
    build_archive(db, generated=3)
    port = free_port()
    server = start_serve(db, port, "--immutable")
    try:
        for sql in ("select randomblob(300000000)", "select zeroblob(1000000000)",
                    "select printf('%.*c', 1000000000, 'x')"):  # fmt: skip
            url = f"http://127.0.0.1:{port}/copy.json?sql={quote(sql)}"
            started = time.monotonic()
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(url, timeout=60)
            assert caught.value.code == 400 and time.monotonic() - started < 5
            assert "too big" in json.loads(caught.value.read())["error"]
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    finally:
        stop(server)
    assert peak_kb < 400 * 1024, f"serve peaked at {peak_kb // 1024} MB"
